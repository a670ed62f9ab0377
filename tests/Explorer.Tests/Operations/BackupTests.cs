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
        var live = (EmbeddedGraphStore)factory.Store;
        await live.WaitForSnapshotAsync();
        Assert.True(File.Exists(live.SnapshotPath), "the server wrote its index snapshot after seeding");
        var before = new Dictionary<string, string>(acknowledged);
        var backedUp = await CliRunner.RunRawAsync("backup", backup, "--db", factory.DatabasePath);
        var countAfterBackup = acknowledged.Count;
        await WaitForAsync(() => acknowledged.Count >= countAfterBackup + 40);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
        Assert.Contains("backed up", backedUp.Stdout, StringComparison.Ordinal);
        Assert.Contains($"copied along {backup}{IndexSnapshot.Suffix}", backedUp.Stdout, StringComparison.Ordinal);

        // The server still holds its database: restoring over it is refused and changes nothing.
        var refused = await CliRunner.RunRawAsync("restore", backup, "--db", factory.DatabasePath);
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("running Explorer server", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/api/paths?from=nato&to=balkans", Cancellation)).StatusCode);

        var restoredPath = folder.File("restored/explorer.db");
        var restored = await CliRunner.RunRawAsync("restore", backup, "--db", restoredPath);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains($"copied along {restoredPath}{IndexSnapshot.Suffix}", restored.Stdout, StringComparison.Ordinal);

        // The restored database starts from the snapshot that travelled with it (it matches the copy's log).
        await using var copy = new EmbeddedGraphStore(restoredPath);
        await copy.InitializeAsync(Cancellation);
        Assert.Equal("snapshot", copy.StartupSource);
        await using (var rebuilt = new EmbeddedGraphStore(restoredPath) { IndexSnapshots = false })
        {
            await rebuilt.InitializeAsync(Cancellation);
            Assert.Equal(await rebuilt.CountAsync(Cancellation), await copy.CountAsync(Cancellation));
            var (expected, actual) = (await rebuilt.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.K, K: 3), Cancellation), await copy.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.K, K: 3), Cancellation));
            Assert.Equal(expected.Paths.Select(p => string.Join(' ', p.Edges)), actual.Paths.Select(p => string.Join(' ', p.Edges)));
        }

        // Everything acknowledged before the backup began is in it, as written.
        foreach (var (id, text) in before)
        {
            Assert.Equal(text, (await copy.GetAnnotationAsync(id, Cancellation))?.Text);
        }

        // The copy is the live database as of one commit: its change log is a prefix of the live one, and
        // it holds exactly the annotations that log added, each equal to the live one.
        var copied = await copy.GetChangesAsync(0, 10_000, Cancellation);
        var liveChanges = await factory.Store.GetChangesAsync(0, 10_000, Cancellation);
        Assert.True(copied.Count < liveChanges.Count, "writes went on after the backup");
        Assert.Equal(liveChanges.Take(copied.Count).Select(c => (c.Seq, c.Kind, c.EntityId)), copied.Select(c => (c.Seq, c.Kind, c.EntityId)));
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
    public async Task ADamagedSnapshotBesideABackupIsLeftOutOnRestoreAndTheIndexRebuilt()
    {
        using var folder = new TempDirectory();
        var backup = folder.File("backup.db");
        var backedUp = await CliRunner.RunRawAsync("backup", backup, "--db", factory.DatabasePath);
        Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
        var snapshot = backup + IndexSnapshot.Suffix;
        Assert.True(File.Exists(snapshot), backedUp.ToString());
        var bytes = await File.ReadAllBytesAsync(snapshot, Cancellation);
        await File.WriteAllBytesAsync(snapshot, bytes[..(bytes.Length / 2)], Cancellation);

        var restoredPath = folder.File("restored.db");
        var restored = await CliRunner.RunRawAsync("restore", backup, "--db", restoredPath);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("left out the index snapshot", restored.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(restoredPath + IndexSnapshot.Suffix));
        await using var copy = new EmbeddedGraphStore(restoredPath);
        await copy.InitializeAsync(Cancellation);
        Assert.Equal("there is none", copy.StartupSource);
        Assert.Equal(await factory.Store.CountAsync(Cancellation), await copy.CountAsync(Cancellation));
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
