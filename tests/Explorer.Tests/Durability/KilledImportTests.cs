using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Explorer.Tests.Durability;

/// <summary>
/// An acknowledged write survives the process being killed: <c>explorer import</c> prints "ok" only after
/// the commit, and the store commits with synchronous=FULL. The child is killed with SIGKILL while it is
/// still receiving input; a new store on the same file must hold every acknowledged record and pass
/// SQLite's integrity check. No sleeps: the test waits on acknowledgements, under one overall timeout.
/// </summary>
public sealed class KilledImportTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("explorer.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task EveryAcknowledgedNodeSurvivesAKillDuringTheImport()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_timeout);
        var cancellationToken = timeout.Token;
        const int AcksBeforeKill = 200;

        var acknowledged = new List<string>();
        using (var child = ExplorerImportProcess.Start(DatabasePath))
        {
            // The writer keeps feeding records (far more than will be acknowledged), so the kill lands
            // while the child is still reading, validating and committing.
            using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var writer = Task.Run(async () =>
            {
                try
                {
                    for (var i = 0; i < 100_000 && !stopWriting.IsCancellationRequested; i++)
                    {
                        await child.WriteLineAsync(NodeLine(i), stopWriting.Token);
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
                {
                    // The pipe broke because the child was killed: expected.
                }
            }, cancellationToken);

            while (acknowledged.Count < AcksBeforeKill)
            {
                var ack = await child.ReadAckAsync(cancellationToken);
                acknowledged.Add(ack.Split(' ')[3]);
            }

            await child.KillAsync(cancellationToken);
            await stopWriting.CancelAsync();
            await writer;
        }

        Assert.Equal(Enumerable.Range(0, AcksBeforeKill).Select(NodeId), acknowledged);
        await AssertIntactAsync(async store =>
        {
            foreach (var id in acknowledged)
            {
                var details = await store.GetNodeAsync(id, cancellationToken);
                Assert.True(details is not null, $"acknowledged node '{id}' is missing after the kill");
                Assert.Equal(NodeName(id), details.Node.Name);
            }
        });
    }

    [Fact]
    public async Task AWriteAcknowledgedRightBeforeTheKillSurvives()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_timeout);
        var cancellationToken = timeout.Token;

        using (var child = ExplorerImportProcess.Start(DatabasePath))
        {
            await child.WriteLineAsync("""{"node":{"id":"last-words","kind":"Theme","name":"Last words"}}""", cancellationToken);
            await child.ReadAckAsync(cancellationToken);
            await child.WriteLineAsync("""{"edge":{"id":"nato-supports-last-words","type":"SUPPORTS","source":"nato","target":"last-words","evidence":[{"sourceId":"public-record","quote":"Belgium is a founding member of NATO"}]}}""", cancellationToken);
            await child.ReadAckAsync(cancellationToken);
            await child.WriteLineAsync("""{"removeEdge":"belgium-member-of-nato"}""", cancellationToken);
            var last = await child.ReadAckAsync(cancellationToken);
            Assert.StartsWith("ok ", last, StringComparison.Ordinal);
            Assert.EndsWith(" removeEdge belgium-member-of-nato", last, StringComparison.Ordinal);

            // Killed at once, with stdin still open: the process is idle, waiting for the next record.
            await child.KillAsync(cancellationToken);
        }

        await AssertIntactAsync(async store =>
        {
            Assert.NotNull(await store.GetNodeAsync("last-words", cancellationToken));
            var edge = await store.GetEdgeAsync("nato-supports-last-words", cancellationToken);
            Assert.NotNull(edge);
            Assert.Equal("Belgium is a founding member of NATO", edge.Evidence[0].Quote);
            Assert.Null(await store.GetEdgeAsync("belgium-member-of-nato", cancellationToken));
            var path = await store.FindPathsAsync(new PathQuery("nato", "last-words"), cancellationToken);
            Assert.Equal(["nato", "last-words"], path.Paths[0].Nodes);
        });
    }

    private static string NodeId(int i) => $"durable-{i}";

    private static string NodeName(string id) => $"Durable theme {id["durable-".Length..]}";

    private static string NodeLine(int i) =>
        $$$"""{"node":{"id":"{{{NodeId(i)}}}","kind":"Theme","name":"{{{NodeName(NodeId(i))}}}","description":"Written by the durability test."}}""";

    /// <summary>Opens the file the way a restarted process would, runs the checks, then SQLite's integrity check.</summary>
    private async Task AssertIntactAsync(Func<IGraphStore, Task> checks)
    {
        var store = EmbeddedStore.Create(DatabasePath);
        await using (store)
        {
            await store.InitializeAsync(TestContext.Current.CancellationToken);
            await checks(store);
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
