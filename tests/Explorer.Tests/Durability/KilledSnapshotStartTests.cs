using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Explorer.Accounts;
using Explorer.Embedded;
using Explorer.Server.Auth;
using Explorer.Tests.Living;
using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Explorer.Tests.Durability;

/// <summary>
/// A server killed with SIGKILL right after acknowledged graph writes (nodes, edges, a removal) leaves its
/// index snapshot behind the database; the next start loads that snapshot, replays the writes from the
/// change log, and answers exactly like an index rebuilt from SQLite.
/// </summary>
public sealed class KilledSnapshotStartTests : IDisposable
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string Quote = "Military presence can deter aggression and ensure compliance with international norms";

    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("explorer.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AStartAfterAKillRightAfterWritesLoadsTheSnapshotReplaysTheWritesAndAnswersLikeARebuild()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        var cancellationToken = timeout.Token;
        var token = await CreateWriterAsync();
        string[] settings = ["--Explorer:RateLimit:WritesPerMinute=1000000", "--Explorer:RateLimit:WriteBurst=1000000"];
        var acknowledged = new List<string>();
        long snapshotSeq;
        using (var server = await ExplorerServerProcess.StartAsync(DatabasePath, _directory.Path, cancellationToken, settings))
        {
            // The server wrote the snapshot of its seeded graph in the background; the writes come after it.
            snapshotSeq = await WaitForSnapshotOfSeedAsync(cancellationToken);
            using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            string? previous = null;
            for (var i = 0; i < 12; i++)
            {
                using var node = await client.PostAsJsonAsync("/api/nodes", new { id = $"late-{i}", kind = "Theme", name = $"Late theme {i}", aliases = new[] { $"lt{i}" } }, cancellationToken);
                Assert.True(node.StatusCode == HttpStatusCode.Created, await node.Content.ReadAsStringAsync(cancellationToken));
                acknowledged.Add($"late-{i}");
                if (previous is not null)
                {
                    using var edge = await client.PostAsJsonAsync("/api/edges", new { type = "LEADS_TO", source = previous, target = $"late-{i}", evidence = new[] { new { sourceId = Essay, quote = Quote } } }, cancellationToken);
                    Assert.True(edge.StatusCode == HttpStatusCode.Created, await edge.Content.ReadAsStringAsync(cancellationToken));
                }

                previous = $"late-{i}";
            }

            using var removal = new HttpRequestMessage(HttpMethod.Delete, "/api/nodes/late-5?cascade=true");
            removal.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            using (var removed = await client.SendAsync(removal, cancellationToken))
            {
                Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync(cancellationToken));
            }

            await server.KillAsync(cancellationToken);
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(snapshotSeq, HeaderSeq());

        await using var restarted = new EmbeddedGraphStore(DatabasePath);
        await restarted.InitializeAsync(cancellationToken);

        Assert.Equal("snapshot", restarted.StartupSource);
        foreach (var id in acknowledged)
        {
            Assert.Equal(id != "late-5", await restarted.GetNodeAsync(id, cancellationToken) is not null);
        }

        await IncrementalIndexTests.CompareWithRebuildAsync(restarted, DatabasePath, new Random(17), cancellationToken);
    }

    private async Task<long> WaitForSnapshotOfSeedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var seq = HeaderSeq();
            if (seq > 0 && seq == MaxSeq())
            {
                return seq;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private long HeaderSeq()
    {
        try
        {
            using var file = File.OpenHandle(DatabasePath + IndexSnapshot.Suffix);
            return IndexSnapshot.ReadHeader(file).Seq;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return -1;
        }
    }

    private long MaxSeq()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(seq), 0) FROM changes";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<string> CreateWriterAsync()
    {
        var store = EmbeddedStore.Create(DatabasePath);
        await using (store)
        {
            await store.InitializeAsync();
            await store.AddUserAsync(new User("writer", Role.Analyst, Passwords.Hash("a writer's password"), false, DateTimeOffset.UtcNow));
            return (await AccountRules.IssueTokenAsync(store, "writer", "snapshot test", DateTimeOffset.UtcNow, default))!.Token;
        }
    }
}
