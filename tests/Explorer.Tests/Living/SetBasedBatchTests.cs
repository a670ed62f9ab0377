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
        await SameAnswersAsync(oneByOne, setBased, nodes.Distinct().ToList());
    }

    /// <summary>The two stores' indexes answer alike: counts, every node's details and neighborhood, search without a cut.</summary>
    private static async Task SameAnswersAsync(EmbeddedGraphStore expected, EmbeddedGraphStore actual, List<string> ids)
    {
        Assert.Equal(await expected.CountAsync(Token), await actual.CountAsync(Token));
        foreach (var id in ids)
        {
            var (a, b) = (await expected.GetNodeAsync(id, Token), await actual.GetNodeAsync(id, Token));
            Assert.Equal(Describe(a?.Node), Describe(b?.Node));
            Assert.Equal(a?.Degree, b?.Degree);
            var (around, aroundActual) = (await expected.GetNeighborhoodAsync(new NeighborhoodQuery(id, 1, Limit: 5000), Token), await actual.GetNeighborhoodAsync(new NeighborhoodQuery(id, 1, Limit: 5000), Token));
            Assert.Equal(around?.Edges.Select(e => e.Id).Order(), aroundActual?.Edges.Select(e => e.Id).Order());
        }

        foreach (var text in new[] { "Alpha", "brav", "Union Force", "Misson" })
        {
            var query = new SearchQuery(text, null, 5000);
            Assert.Equal((await expected.SearchAsync(query, Token)).Select(h => (h.Id, h.Score)).Order(), (await actual.SearchAsync(query, Token)).Select(h => (h.Id, h.Score)).Order());
        }
    }

    [Fact]
    public async Task ABulkBatchOfUpsertsIsOneChangeRowThatAnotherProcessAppliesWithoutAReload()
    {
        var path = _directory.File("one-row.db");
        await using var writer = await StoreAsync(path, bulk: true);
        await using var other = new EmbeddedGraphStore(path) { IndexSnapshots = false, CompactionFloor = int.MaxValue };
        await other.InitializeAsync(Token);
        var seq = await writer.GetLastSeqAsync(Token);
        var writes = new List<GraphWrite>();
        writes.AddRange(Enumerable.Range(0, 1200).Select(i => new GraphWrite.UpsertNode(Node($"bulk-{i}", $"Bulk {i}"))));
        writes.Add(new GraphWrite.UpsertNode(Node("seed-2", "Seed two renamed")));
        writes.AddRange(Enumerable.Range(0, 1500).Select(i => new GraphWrite.UpsertEdge(Edge($"bulk-e{i}", $"bulk-{i % 1200}", $"seed-{i % 6}"))));
        writes.Add(new GraphWrite.UpsertEdge(Edge("seed-e1", "bulk-7", "seed-4")));

        var changes = await writer.ApplyBatchAsync(writes, Token);

        var logged = Assert.Single(await writer.GetChangesAsync(seq, 100, Token));
        Assert.Equal((ChangeKind.GraphReloaded, "import"), (logged.Kind, logged.EntityId));
        Assert.All(changes, c => Assert.Equal(logged.Seq, c!.Seq));
        Assert.Equal(writes.Select(w => w.Id), changes.Select(c => c!.EntityId));

        // Another process (a server on the same file) reads the batch's rows back, in its index's delta: no rebuild.
        var built = other.Index.Built;
        await other.RefreshAsync(Token);
        Assert.Same(built, other.Index.Built);
        Assert.Equal(await writer.CountAsync(Token), await other.CountAsync(Token));
        Assert.Equal("bulk-7", (await other.GetEdgeAsync("seed-e1", Token))!.Source);
        await SameAnswersAsync(writer, other, ["seed-0", "seed-1", "seed-2", "seed-4", "bulk-0", "bulk-7", "bulk-1199"]);
    }

    [Fact]
    public async Task ABulkLoadCheckpointsTheWalPastItsLargerIntervalOnlyAndEverythingAtItsEnd()
    {
        var path = _directory.File("checkpoint.db");
        await using var store = await StoreAsync(path, bulk: true);
        var pageSize = 0L;
        for (var batch = 0; batch < 5; batch++)
        {
            // About 1,200 pages of WAL per batch: with SQLite's default interval (1,000 pages) each commit would
            // checkpoint and the WAL restart, so it would never hold two batches.
            await store.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertNode(Node($"b{batch}-{i}", $"B {batch} {i}") with { Description = new string('d', 4000) }))], Token);
        }

        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            await connection.OpenAsync(Token);
            using var command = new SqliteCommand("PRAGMA page_size", connection);
            pageSize = Convert.ToInt64(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
        }

        Assert.True(new FileInfo(path + "-wal").Length > 4 * 1000 * pageSize, $"WAL {new FileInfo(path + "-wal").Length} bytes");

        // The load's end copies every page into the database file (its length is then the whole database's).
        await store.FinishBulkAsync(Token);
        await store.BulkCheckpoint;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString()))
        {
            await connection.OpenAsync(Token);
            using var command = new SqliteCommand("PRAGMA page_count", connection);
            Assert.Equal(Convert.ToInt64(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture) * pageSize, new FileInfo(path).Length);
        }

        Assert.Equal(5000, (await store.CountAsync(Token)).Nodes - 6);
    }

    [Fact]
    public async Task ABulkLoadCheckpointsBesideItsBatchesOnceTheFileGrewByItsIntervalAndNeverInItsCommits()
    {
        var path = _directory.File("checkpoint-beside.db");
        await using var store = new EmbeddedGraphStore(path) { BulkTuning = true, IndexSnapshots = false, BulkCheckpointEvery = 2000 };
        await store.InitializeAsync(Token);
        var pageSize = await PragmaAsync(path, "page_size");
        var lengths = new List<long>();
        var pagesAtBatch = new List<long>();
        for (var batch = 0; batch < 4; batch++)
        {
            // About 1,200 pages per batch: the second one passes 2,000 pages since the first commit.
            await store.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertNode(Node($"c{batch}-{i}", $"C {batch} {i}") with { Description = new string('d', 4000) }))], Token);
            await store.BulkCheckpoint;
            lengths.Add(new FileInfo(path).Length);
            pagesAtBatch.Add(await PragmaAsync(path, "page_count"));
        }

        // The first commit copied nothing into the database file (the bulk connection never checkpoints: SQLite's
        // default interval, 1,000 pages, would have), the second started a checkpoint beside the next batch that
        // copied everything written up to it.
        Assert.True(lengths[0] < pagesAtBatch[0] * pageSize, $"{lengths[0]} bytes in the file after the first batch of {pagesAtBatch[0]} pages");
        Assert.Equal(pagesAtBatch[1] * pageSize, lengths[1]);

        await store.FinishBulkAsync(Token);
        await store.BulkCheckpoint;
        Assert.Equal(await PragmaAsync(path, "page_count") * pageSize, new FileInfo(path).Length);
        Assert.Equal(4000, (await store.CountAsync(Token)).Nodes);
    }

    private static async Task<long> PragmaAsync(string path, string pragma)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync(Token);
        using var command = new SqliteCommand($"PRAGMA {pragma}", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
    }

    /// <param name="paced">Every compaction paced, as on a loaded machine where one takes over 50 ms.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CompactionsDuringABulkLoadKeepTheNameIndexAndItsEndLaysTheNodesOutAgain(bool paced)
    {
        var path = _directory.File($"edges-only-{paced}.db");
        var (store, ids) = await TwoHundredNodesAsync(path, paced);
        await using var closing = store;
        var names = store.Index.Built.Names;
        var compactions = 0;
        for (var b = 0; b < 3; b++)
        {
            // A bulk batch of edges past the built edges: the compaction it starts keeps the name index.
            var built = store.Index.Built;
            await store.ApplyBatchAsync([.. Enumerable.Range(0, 1000 << b).Select(i => new GraphWrite.UpsertEdge(Edge($"e-{b}-{i}", ids[i % 200], ids[((i % 200) + 1 + (i / 200) + (5 * b)) % 200])))], Token);
            await store.WaitForCompactionAsync();
            compactions += ReferenceEquals(built, store.Index.Built) ? 0 : 1;
            Assert.Same(names, store.Index.Built.Names);

            // The same answers as an index rebuilt from the file.
            await using var rebuilt = new EmbeddedGraphStore(path) { IndexSnapshots = false };
            await rebuilt.InitializeAsync(Token);
            await SameAnswersAsync(rebuilt, store, ids.Where((_, i) => i % 17 == 0).ToList());
        }

        Assert.True(compactions >= 2, $"{compactions} compactions during the load");

        // The load's end compacts in full (the nodes laid out for the edges now there); the answers stay.
        await store.FinishBulkAsync(Token);
        await store.WaitForCompactionAsync();
        Assert.NotSame(names, store.Index.Built.Names);
        Assert.Equal(0, store.Index.Graph.Version);
        await using var final = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await final.InitializeAsync(Token);
        await SameAnswersAsync(final, store, ids.Where((_, i) => i % 17 == 0).ToList());
        Assert.Equal(final.Index.Graph.EdgeCount, store.Index.Graph.EdgeCount);
    }

    [Fact]
    public async Task ANodeRenamedDuringABulkLoadOfEdgesIsFoundByItsNewNameAfterTheLoadsEnd()
    {
        // The load prepares its nodes' names for the relayout at its end while it runs; a node renamed meanwhile must
        // not be laid out with its old name (the relayout prepares the names again).
        var path = _directory.File("renamed.db");
        var (store, ids) = await TwoHundredNodesAsync(path);
        await using var closing = store;
        var names = store.Index.Built.Names;
        await store.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertEdge(Edge($"e-{i}", ids[i % 200], ids[((i % 200) + 1 + (i / 200)) % 200])))], Token);
        await store.WaitForCompactionAsync();
        Assert.Same(names, store.Index.Built.Names);

        await store.UpsertNodeAsync(Node("n-7", "Renamed Seventh"), Token);
        await store.FinishBulkAsync(Token);
        await store.WaitForCompactionAsync();

        Assert.NotSame(names, store.Index.Built.Names);
        Assert.Equal(0, store.Index.Graph.Version);
        Assert.Equal("n-7", (await store.SearchAsync(new SearchQuery("Renamed Seventh", null, 5), Token)).First().Id);
        await using var rebuilt = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await rebuilt.InitializeAsync(Token);
        await SameAnswersAsync(rebuilt, store, [.. ids.Where((_, i) => i % 17 == 0), "n-7"]);
    }

    [Fact]
    public async Task NodeRowIdsKeptAcrossBulkBatchesAreDroppedWhenAnotherProcessRemovesANode()
    {
        var path = _directory.File("row-ids.db");
        await using var writer = await StoreAsync(path, bulk: true);
        await using var other = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await other.InitializeAsync(Token);
        await writer.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertNode(Node($"x-{i}", $"X {i}")))], Token);
        await writer.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertEdge(Edge($"first-{i}", $"x-{i}", "seed-0")))], Token);

        // The newest node goes; a new node takes its row id, and it comes back under another.
        Assert.NotNull(await other.RemoveNodeAsync("x-999", Token));
        await other.UpsertNodeAsync(Node("newcomer", "Newcomer"), Token);
        await other.UpsertNodeAsync(Node("x-999", "X 999 again"), Token);

        await writer.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertEdge(Edge($"second-{i}", "x-999", $"x-{i % 999}")))], Token);
        await writer.FinishBulkAsync(Token);

        await using var fresh = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await fresh.InitializeAsync(Token);
        Assert.Equal(1000, (await fresh.GetNodeAsync("x-999", Token))!.Degree);
        Assert.Equal(0, (await fresh.GetNodeAsync("newcomer", Token))!.Degree);
        Assert.Equal("x-999", (await fresh.GetEdgeAsync("second-5", Token))!.Source);
    }

    [Fact]
    public async Task ABulkLoadNamingManyBuiltNodesReadsTheirRowIdsInOneScanAndBindsEachEdgesOwnValues()
    {
        var path = _directory.File("row-scan.db");
        await using var store = new EmbeddedGraphStore(path) { IndexSnapshots = false, CompactionFloor = 64, FillNodeRowsAfter = 100 };
        await store.InitializeAsync(Token);
        await store.SeedAsync(new GraphSeed([new SourceDocument("src", "Source", "essay", "", "quote and another quote")], [], []), null, Token);
        var ids = Enumerable.Range(0, 5000).Select(i => $"n-{i}").ToList();
        await store.ApplyBatchAsync([.. ids.Select(id => new GraphWrite.UpsertNode(Node(id, $"Node {id}")))], Token);
        await store.WaitForCompactionAsync();

        // Each edge names two built nodes, most of them for the first time in the load; its values change every few
        // edges (type, evidence, dates, status), so the bindings a statement keeps from the last edge must be replaced.
        Evidence[][] evidence = [[new("src", "quote")], [new("src", "another quote")]];
        Edge Expected(int i) => new Edge($"e-{i}", i % 2 == 0 ? "LEADS_TO" : "SUPPORTS", ids[i], ids[((i * 7) + 1) % ids.Count], evidence[i / 3 % 2], i % 5 == 0 ? "2020-01-01" : null)
        {
            Status = i % 4 == 0 ? EdgeStatus.Proposed : EdgeStatus.Confirmed,
        };
        await store.ApplyBatchAsync([.. Enumerable.Range(0, ids.Count).Select(i => new GraphWrite.UpsertEdge(Expected(i)))], Token);

        // Looked up one by one until reading all of them at once costs less (here after max(100, 5000 / 32) misses).
        Assert.InRange(store.NodeRowLookups, 1, 200);
        await store.FinishBulkAsync(Token);
        await store.WaitForCompactionAsync();

        await using var fresh = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await fresh.InitializeAsync(Token);
        for (var i = 0; i < ids.Count; i++)
        {
            var (edge, expected) = ((await fresh.GetEdgeAsync($"e-{i}", Token))!, Expected(i));
            Assert.Equal((expected.Type, expected.Source, expected.Target, expected.ValidFrom, expected.ValidTo, expected.Status), (edge.Type, edge.Source, edge.Target, edge.ValidFrom, edge.ValidTo, edge.Status));
            Assert.Equal(expected.Evidence, edge.Evidence);
        }

        await SameAnswersAsync(fresh, store, [.. ids.Where((_, i) => i % 97 == 0)]);
    }

    [Fact]
    public async Task ABulkBatchWhoseCommitFailsAfterItsIndexUpdateLeavesTheIndexAsTheFileHasIt()
    {
        var path = _directory.File("failed-commit.db");
        var fail = false;
        await using var store = new EmbeddedGraphStore(path) { IndexSnapshots = false, CommitFails = () => fail };
        await store.InitializeAsync(Token);
        var ids = Enumerable.Range(0, 1000).Select(i => $"n-{i}").ToList();
        await store.ApplyBatchAsync([.. ids.Select(id => new GraphWrite.UpsertNode(Node(id, $"Node {id}")))], Token);
        await store.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertEdge(Edge($"kept-{i}", ids[i], ids[(i + 1) % 1000])))], Token);

        // The index update of a bulk batch runs beside its commit; the commit fails: none of it may stay in the index.
        fail = true;
        await Assert.ThrowsAnyAsync<Exception>(() => store.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertEdge(Edge($"lost-{i}", ids[i], ids[(i * 7) % 1000])))], Token));
        fail = false;
        Assert.Null(await store.GetEdgeAsync("lost-3", Token));
        Assert.Equal(2, (await store.GetNodeAsync("n-3", Token))!.Degree);

        // And the writes after it go on from the file's state.
        await store.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertEdge(Edge($"after-{i}", ids[i], ids[(i * 3) % 1000])))], Token);
        await store.FinishBulkAsync(Token);
        await store.WaitForCompactionAsync();
        await using var fresh = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await fresh.InitializeAsync(Token);
        Assert.Null(await fresh.GetEdgeAsync("lost-3", Token));
        await SameAnswersAsync(fresh, store, [.. ids.Where((_, i) => i % 37 == 0)]);
    }

    [Fact]
    public async Task NodeRowIdsKeptByOrdinalAreDroppedWhenACompactionLaysTheNodesOutAgain()
    {
        var path = _directory.File("row-ordinals.db");
        await using var store = new EmbeddedGraphStore(path) { IndexSnapshots = false, CompactionFloor = 64, NameOverlayLimit = int.MaxValue };
        await store.InitializeAsync(Token);
        var ids = Enumerable.Range(0, 1000).Select(i => $"k-{i}").ToList();
        await store.ApplyBatchAsync([.. ids.Select(id => new GraphWrite.UpsertNode(Node(id, $"Node {id}")))], Token);
        await store.WaitForCompactionAsync();

        // Edges bind their ends' row ids through the index's ordinals (kept from one bulk batch to the next).
        await store.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertEdge(Edge($"early-{i}", ids[i], ids[(i + 1) % 1000])))], Token);
        await store.WaitForCompactionAsync();
        var table = store.Index.Built.Nodes;
        var before = ids.Select(id => store.Index.Ordinal(id)).ToList();

        // New nodes in the load: its next compaction is a full one, which lays every node out again.
        var more = Enumerable.Range(0, 1000).Select(i => $"m-{i}").ToList();
        await store.ApplyBatchAsync([
            .. more.Select(id => new GraphWrite.UpsertNode(Node(id, $"More {id}"))),
            .. Enumerable.Range(0, 2000).Select(i => new GraphWrite.UpsertEdge(Edge($"mid-{i}", more[i % 1000], ids[(i * 7) % 1000])))], Token);
        await store.WaitForCompactionAsync();
        Assert.NotSame(table, store.Index.Built.Nodes);
        Assert.NotEqual(before, ids.Select(id => store.Index.Ordinal(id)).ToList());

        // Edges after it bind the row ids of the nodes they name, not of the nodes once at their ordinals.
        await store.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new GraphWrite.UpsertEdge(Edge($"late-{i}", ids[i], ids[((i * 7) + 3) % 1000])))], Token);
        await store.FinishBulkAsync(Token);
        await store.WaitForCompactionAsync();

        await using var fresh = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await fresh.InitializeAsync(Token);
        for (var i = 0; i < 1000; i++)
        {
            var edge = (await fresh.GetEdgeAsync($"late-{i}", Token))!;
            Assert.Equal((ids[i], ids[((i * 7) + 3) % 1000]), (edge.Source, edge.Target));
        }

        await SameAnswersAsync(fresh, store, [.. ids.Where((_, i) => i % 97 == 0), .. more.Where((_, i) => i % 97 == 0)]);
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
        Assert.All(changes, c => Assert.Equal(seq + 1, c!.Seq));
        Assert.NotNull(await store.GetNodeAsync("bulk-2999", Token));
    }

    [Fact]
    public async Task ABulkLoadBuildsTheEdgeIndexesAfterItsLastBatchAndAStartOrANodeRemovalBuildsThemIfALoadWasCutOff()
    {
        var path = _directory.File("deferred.db");
        var lines = Enumerable.Range(0, 2000).Select(i => $$$"""{"node":{"id":"load-{{{i}}}","kind":"Theme","name":"Load {{{i}}}"}}""")
            .Concat(Enumerable.Range(0, 3000).Select(i => $$$"""{"edge":{"id":"load-e{{{i}}}","type":"LEADS_TO","source":"load-{{{i % 2000}}}","target":"load-{{{(i * 7 + 1) % 2000}}}","evidence":[{"sourceId":"src","quote":"quote"}]}}"""));
        var seen = new List<bool>();
        await using (var store = await StoreAsync(path, bulk: true))
        {
            var report = await Explorer.Import.GraphImport.RunAsync(store, [Explorer.Import.ImportInput.FromBytes("load.jsonl", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)))],
                Explorer.Import.ImportFormat.JsonLines, new Explorer.Import.ImportOptions
                {
                    BatchSize = 2500,
                    Committed = async (_, _) => seen.Add(await EdgeIndexesAsync(path)),
                }, null, Token);

            Assert.True(report.Succeeded, string.Join("\n", report.Errors));
            Assert.Equal([true, false], seen); // the second batch (2,500 edges into a store of 505) put them off
            Assert.True(await EdgeIndexesAsync(path));
        }

        // A load killed before its end leaves them missing: the next start builds them.
        await DropEdgeIndexesAsync(path);
        await using (var store = await StoreAsync(path, bulk: true, seed: false))
        {
            Assert.True(await EdgeIndexesAsync(path));

            // Another process's load dropped them while this one runs: removing a node builds them first, and takes its edges.
            await DropEdgeIndexesAsync(path);
            Assert.NotNull(await store.RemoveNodeAsync("load-1", Token));
            Assert.True(await EdgeIndexesAsync(path));
            Assert.Null(await store.GetEdgeAsync("load-e1", Token));
            Assert.NotNull(await store.GetEdgeAsync("load-e2", Token));
        }
    }

    private static async Task<bool> EdgeIndexesAsync(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(Token);
        using var command = new SqliteCommand("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN ('edges_source', 'edges_target')", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture) == 2;
    }

    private static async Task DropEdgeIndexesAsync(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(Token);
        using var command = new SqliteCommand("DROP INDEX edges_source; DROP INDEX edges_target;", connection);
        await command.ExecuteNonQueryAsync(Token);
    }

    private static async Task<EmbeddedGraphStore> StoreAsync(string path, bool bulk, bool seed = true)
    {
        var store = new EmbeddedGraphStore(path) { BulkTuning = bulk, IndexSnapshots = false };
        await store.InitializeAsync(Token);
        if (!seed)
        {
            return store;
        }

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

    private static string? Describe(Node? node) =>
        node is null ? null : $"{node.Id}|{node.Kind}|{node.Name}|{string.Join(';', node.Aliases)}|{node.Description}|{node.ValidFrom}|{node.ValidTo}|{node.Version}";

    /// <summary>
    /// A store (no snapshots, compacting past 64 changes) of 200 nodes and 100 edges, written in a small batch (no bulk
    /// load) and compacted in full, as before a bulk load of edges.
    /// </summary>
    /// <param name="paced">Every compaction paced, as on a loaded machine where one takes over 50 ms.</param>
    private static async Task<(EmbeddedGraphStore Store, List<string> Ids)> TwoHundredNodesAsync(string path, bool paced = false)
    {
        var store = new EmbeddedGraphStore(path)
        {
            IndexSnapshots = false,
            CompactionFloor = 64,
            NameOverlayLimit = int.MaxValue,
            PacedFrom = paced ? TimeSpan.Zero : TimeSpan.FromMilliseconds(50),
            PaceFactor = paced ? 50 : 3,
        };
        await store.InitializeAsync(Token);
        var ids = Enumerable.Range(0, 200).Select(i => $"n-{i}").ToList();
        await store.ApplyBatchAsync([.. ids.Select(id => new GraphWrite.UpsertNode(Node(id, $"Node {id}"))), .. Enumerable.Range(0, 100).Select(i => new GraphWrite.UpsertEdge(Edge($"small-{i}", ids[i], ids[i + 100])))], Token);
        await store.WaitForCompactionAsync();
        return (store, ids);
    }

    private static Node Node(string id, string name) => new(id, NodeKind.Theme, name, [], "");

    private static Edge Edge(string id, string source, string target) => new(id, "LEADS_TO", source, target, IncrementalIndexTests.SomeEvidence);
}
