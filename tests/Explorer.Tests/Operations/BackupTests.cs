using System.Collections.Concurrent;
using System.Net;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Tests.Cli;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Operations;

public sealed class BackupTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABackupTakenUnderWriteLoadRestoresIntoAnEmptyFolderAsAConsistentCopy()
    {
        using var folder = new TempDirectory();
        var backup = folder.File("backups/explorer-backup.db");
        var acknowledged = new ConcurrentDictionary<string, string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            using var client = factory.ClientFor(AccountsFactory.Ana);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var text = $"writer {w} note {i}";
                var (status, body, response) = await client.SendAsync(HttpMethod.Post, "/api/edges/un-conducted-minusma/annotations", $$"""{"text":"{{text}}"}""");
                response.Dispose();
                Assert.Equal(HttpStatusCode.Created, status);
                acknowledged[body.GetProperty("id").GetString()!] = text;
            }
        })).ToList();

        await WaitForAsync(() => acknowledged.Count >= 40);
        var before = new Dictionary<string, string>(acknowledged);
        var backedUp = await CliRunner.RunRawAsync("backup", backup, "--db", factory.DatabasePath);
        var countAfterBackup = acknowledged.Count;
        await WaitForAsync(() => acknowledged.Count >= countAfterBackup + 40);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
        Assert.Contains("backed up", backedUp.Stdout, StringComparison.Ordinal);

        // The server still holds its database: restoring over it is refused and changes nothing.
        var refused = await CliRunner.RunRawAsync("restore", backup, "--db", factory.DatabasePath);
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("running Explorer server", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/api/paths?from=nato&to=balkans", Cancellation)).StatusCode);

        var restoredPath = folder.File("restored/explorer.db");
        var restored = await CliRunner.RunRawAsync("restore", backup, "--db", restoredPath);
        Assert.True(restored.ExitCode == 0, restored.ToString());

        await using var copy = EmbeddedStore.Create(restoredPath);
        await copy.InitializeAsync(Cancellation);

        // Everything acknowledged before the backup began is in it, as written.
        foreach (var (id, text) in before)
        {
            Assert.Equal(text, (await copy.GetAnnotationAsync(id, Cancellation))?.Text);
        }

        // The copy is the live database as of one commit: its change log is a prefix of the live one, and
        // it holds exactly the annotations that log added, each equal to the live one.
        var copied = await copy.GetChangesAsync(0, 10_000, Cancellation);
        var live = await factory.Store.GetChangesAsync(0, 10_000, Cancellation);
        Assert.True(copied.Count < live.Count, "writes went on after the backup");
        Assert.Equal(live.Take(copied.Count).Select(c => (c.Seq, c.Kind, c.EntityId)), copied.Select(c => (c.Seq, c.Kind, c.EntityId)));
        var added = copied.Where(c => c.Kind == ChangeKind.AnnotationAdded).Select(c => c.EntityId).ToList();
        var inCopy = await copy.ListAnnotationsAsync(Explorer.Annotations.AnnotationTargetKind.Edge, "un-conducted-minusma", Cancellation);
        Assert.Equal(added.Order(StringComparer.Ordinal), inCopy.Select(a => a.Id).Order(StringComparer.Ordinal));
        foreach (var annotation in inCopy)
        {
            var original = await factory.Store.GetAnnotationAsync(annotation.Id, Cancellation);
            Assert.Equal((original?.Text, original?.Version, original?.Author, original?.UpdatedAt), (annotation.Text, annotation.Version, annotation.Author, annotation.UpdatedAt));
        }

        Assert.Equal(await factory.Store.CountAsync(Cancellation), await copy.CountAsync(Cancellation));
        Assert.Equal(await factory.Store.CountUsersAsync(Cancellation), await copy.CountUsersAsync(Cancellation));
    }

    [Fact]
    public async Task RestoreRefusesSomethingThatIsNotABackup()
    {
        using var folder = new TempDirectory();
        await File.WriteAllTextAsync(folder.File("not-a-backup.db"), "hello", Cancellation);

        var result = await CliRunner.RunRawAsync("restore", folder.File("not-a-backup.db"), "--db", folder.File("explorer.db"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(File.Exists(folder.File("explorer.db")));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
