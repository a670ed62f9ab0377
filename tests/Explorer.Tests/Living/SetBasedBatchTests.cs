using System.Globalization;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;
using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Explorer.Tests.Living;

/// <summary>
/// Import batches written set-based (a JSON array of rows per statement, issue 9's import speed) leave exactly
/// what writing them one statement per record left before: the same rows, versions, row ids, change rows and
/// index answers, on random batches that mix upserts of new and existing records, the same id twice in a
/// batch, removals and re-additions. A batch that fails anywhere, even past its thousandth write, leaves no
/// trace in the file or the index.
/// </summary>
public sealed class SetBasedBatchTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SetBasedBatchesWriteExactlyWhatOneStatementPerRecordWrote(int seed)
    {
        var setBasedPath = _directory.File($"set-{seed}.db");
        var oneByOnePath = _directory.File($"one-{seed}.db");
        await using var setBased = await StoreAsync(setBasedPath, bulk: true);
        await using var oneByOne = await StoreAsync(oneByOnePath, bulk: false);
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, 6).Select(i => $"seed-{i}").ToList();
        var edges = Enumerable.Range(0, 5).Select(i => $"seed-e{i}").ToList();
        for (var round = 0; round < 12; round++)
        {
            var batch = RandomBatch(random, nodes, edges, round);
            var a = await ResultAsync(() => setBased.ApplyBatchAsync(batch, Token));
            var b = await ResultAsync(() => oneByOne.ApplyBatchAsync(batch, Token));
            Assert.Equal(b, a);
            Assert.DoesNotContain("refused", a, StringComparison.Ordinal);
        }

        Assert.Equal(await DumpAsync(oneByOnePath), await DumpAsync(setBasedPath));
        await IncrementalIndexTests.CompareWithRebuildAsync(setBased, setBasedPath, new Random(seed), Token);
        Assert.Equal(await oneByOne.CountAsync(Token), await setBased.CountAsync(Token));
    }

    [Fact]
    public async Task ABulkBatchThatFailsPastItsThousandthWriteLeavesNoTrace()
    {
        var path = _directory.File("atomic.db");
        await using var store = await StoreAsync(path, bulk: true);
        var seq = await store.GetLastSeqAsync(Token);
        var counts = await store.CountAsync(Token);
        var before = await DumpAsync(path);
        var writes = new List<GraphWrite>();
        writes.AddRange(Enumerable.Range(0, 3000).Select(i => new GraphWrite.UpsertNode(Node($"bulk-{i}", $"Bulk {i}"))));
        writes.AddRange(Enumerable.Range(0, 2999).Select(i => new GraphWrite.UpsertEdge(Edge($"bulk-e{i}", $"bulk-{i}", $"bulk-{i + 1}"))));
        writes.Add(new GraphWrite.RemoveEdge("seed-e0"));
        writes.Add(new GraphWrite.UpsertEdge(Edge("bulk-last", "bulk-0", "no-such-node")));

        var error = await Assert.ThrowsAsync<GraphWriteException>(() => store.ApplyBatchAsync(writes, Token));

        Assert.Contains("no-such-node", error.Message, StringComparison.Ordinal);
        Assert.Equal(seq, await store.GetLastSeqAsync(Token));
        Assert.Equal(counts, await store.CountAsync(Token));
        Assert.Null(await store.GetNodeAsync("bulk-0", Token));
        Assert.Empty(await store.SearchAsync(new SearchQuery("Bulk 17"), Token));
        Assert.Equal(before, await DumpAsync(path));

        // The next batch writes on as if the failed one had never been sent.
        var changes = await store.ApplyBatchAsync([.. writes.Take(3000)], Token);
        Assert.Equal(Enumerable.Range(1, 3000).Select(i => seq + i), changes.Select(c => c!.Seq));
        Assert.NotNull(await store.GetNodeAsync("bulk-2999", Token));
    }

    private static async Task<EmbeddedGraphStore> StoreAsync(string path, bool bulk)
    {
        var store = new EmbeddedGraphStore(path) { BulkTuning = bulk, IndexSnapshots = false };
        await store.InitializeAsync(Token);
        Node[] nodes = [.. Enumerable.Range(0, 6).Select(i => Node($"seed-{i}", $"Seed {i}"))];
        Edge[] edges = [.. Enumerable.Range(0, 5).Select(i => Edge($"seed-e{i}", $"seed-{i}", $"seed-{i + 1}"))];
        await store.SeedAsync(new GraphSeed([new SourceDocument("src", "Source", "essay", "", "quote")], nodes, edges), null, Token);
        return store;
    }

    /// <summary>Upserts of new and existing nodes and edges (some twice in the batch), removals of both, in one random order.</summary>
    private static List<GraphWrite> RandomBatch(Random random, List<string> nodes, List<string> edges, int round)
    {
        var writes = new List<GraphWrite>();
        var size = random.Next(1, round % 3 == 0 ? 1500 : 40);
        for (var i = 0; i < size; i++)
        {
            var roll = random.Next(20);
            if (roll < 6 || nodes.Count < 2)
            {
                var id = random.Next(4) == 0 && nodes.Count > 0 ? IncrementalIndexTests.Pick(random, nodes) : $"r{round}-n{i}";
                nodes.Add(id);
                writes.Add(new GraphWrite.UpsertNode(IncrementalIndexTests.RandomNode(random, id)));
            }
            else if (roll < 15)
            {
                var id = random.Next(4) == 0 && edges.Count > 0 ? IncrementalIndexTests.Pick(random, edges) : $"r{round}-e{i}";
                edges.Add(id);
                var evidence = random.Next(3) == 0 ? [new Evidence("src", "quote"), new Evidence("src", $"quote {i}")] : IncrementalIndexTests.SomeEvidence;
                writes.Add(new GraphWrite.UpsertEdge(new Edge(id, IncrementalIndexTests.Pick(random, IncrementalIndexTests.EdgeTypes), IncrementalIndexTests.Pick(random, nodes), IncrementalIndexTests.Pick(random, nodes), evidence,
                    random.Next(4) == 0 ? "2001" : null, null, random.Next(6) == 0 ? [new Suspension("2003", "2004")] : null)
                {
                    Status = random.Next(5) == 0 ? EdgeStatus.Proposed : EdgeStatus.Confirmed,
                }));
            }
            else if (roll < 18 && edges.Count > 0)
            {
                writes.Add(new GraphWrite.RemoveEdge(IncrementalIndexTests.Pick(random, edges)));
            }
            else if (nodes.Count > 2)
            {
                // Gone for the rest of the run (its edges go with it; removing one of those later does nothing).
                var id = IncrementalIndexTests.Pick(random, nodes);
                nodes.RemoveAll(n => n == id);
                writes.Add(new GraphWrite.RemoveNode(id));
            }
        }

        return writes;
    }

    /// <summary>What a batch gave back: its change sequences, kinds and ids, or the refusal.</summary>
    private static async Task<string> ResultAsync(Func<Task<IReadOnlyList<Change?>>> apply)
    {
        try
        {
            return string.Join(';', (await apply()).Select(c => c is null ? "-" : $"{c.Seq} {c.Kind} {c.EntityId}"));
        }
        catch (GraphWriteException ex)
        {
            return "refused: " + ex.Message;
        }
    }

    /// <summary>Every node, edge and change row (but the time) as text.</summary>
    private static async Task<string> DumpAsync(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync(Token);
        var lines = new List<string>();
        foreach (var sql in new[]
        {
            "SELECT nid, id, kind, name, aliases, description, valid_from, valid_to, version FROM nodes ORDER BY nid",
            "SELECT eid, id, type, source_nid, target_nid, evidence, valid_from, valid_to, suspensions, status, version FROM edges ORDER BY eid",
            "SELECT seq, kind, entity_id, row_id FROM changes ORDER BY seq",
        })
        {
            using var command = new SqliteCommand(sql, connection);
            using var reader = await command.ExecuteReaderAsync(Token);
            while (await reader.ReadAsync(Token))
            {
                lines.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
            }
        }

        return string.Join('\n', lines);
    }

    private static Node Node(string id, string name) => new(id, NodeKind.Theme, name, [], "");

    private static Edge Edge(string id, string source, string target) => new(id, "LEADS_TO", source, target, IncrementalIndexTests.SomeEvidence);
}
