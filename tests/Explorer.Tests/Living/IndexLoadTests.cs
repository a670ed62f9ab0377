using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;
using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Explorer.Tests.Living;

/// <summary>
/// The index rebuild from SQLite (<see cref="GraphIndex.Load"/>) reads the edges on a second connection while
/// the nodes are read. That second connection must see exactly the state the first one does, even when another
/// writer commits in between; inside a write transaction (whose own writes the second connection could not
/// see) it reads serially; and endpoints whose row ids do not fit an int still load.
/// </summary>
public sealed class IndexLoadTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task TheSecondConnectionSeesTheFirstOnesStateThoughAWriterCommittedSince()
    {
        var path = await SeededAsync("pinned.db");
        var connectionString = ConnectionString(path);
        await using var writer = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await writer.InitializeAsync(Cancellation);

        // The first connection is open before the commit below: while any connection to the file is open, SQLite
        // keeps the WAL. (Other tests' clean-up clears every connection pool; had the writer's pooled connections
        // been the file's only ones, that would checkpoint and delete the WAL, and no snapshot could be taken.)
        using var first = SqliteSchema.Open(connectionString);

        // A commit before the first connection reads, so the WAL holds a transaction and a snapshot can be taken.
        await writer.UpsertEdgeAsync(new Edge("early", "MEMBER_OF", "n1", "n2", IncrementalIndexTests.SomeEvidence), Cancellation);
        using var reading = first.BeginTransaction(deferred: true);
        var before = EdgeCount(first, reading);

        // Another commit after the first connection's state was fixed.
        await writer.UpsertEdgeAsync(new Edge("late", "MEMBER_OF", "n1", "n2", IncrementalIndexTests.SomeEvidence), Cancellation);
        using (var now = SqliteSchema.Open(connectionString))
        {
            Assert.Equal(before + 1, EdgeCount(now, null));
        }

        var second = GraphIndex.PinnedSecond(first, reading, () => SqliteSchema.Open(connectionString));
        Assert.NotNull(second);
        using (second.Value.Connection)
        using (second.Value.Transaction)
        {
            Assert.Equal(before, EdgeCount(second.Value.Connection, second.Value.Transaction));
        }

        var index = GraphIndex.Load(first, reading, () => SqliteSchema.Open(connectionString));
        Assert.Equal(before, index.EdgeCount);
        Assert.Equal(30, index.NodeCount);
    }

    [Fact]
    public async Task WithoutASnapshotTheSecondConnectionIsUsedOnlyWhileNoChangeWasCommittedSince()
    {
        // Right after a clean open the WAL holds no transaction: SQLite takes no snapshot, the change log decides.
        var path = await SeededAsync("unpinned.db");
        var connectionString = ConnectionString(path);
        using var first = SqliteSchema.Open(connectionString);
        using var reading = first.BeginTransaction(deferred: true);
        var before = EdgeCount(first, reading);

        var same = GraphIndex.PinnedSecond(first, reading, () => SqliteSchema.Open(connectionString));
        Assert.NotNull(same);
        same.Value.Transaction.Dispose();
        same.Value.Connection.Dispose();

        await using (var writer = new EmbeddedGraphStore(path) { IndexSnapshots = false })
        {
            await writer.InitializeAsync(Cancellation);
            await writer.UpsertEdgeAsync(new Edge("late", "MEMBER_OF", "n1", "n2", IncrementalIndexTests.SomeEvidence), Cancellation);
        }

        Assert.Null(GraphIndex.PinnedSecond(first, reading, () => SqliteSchema.Open(connectionString)));
        var index = GraphIndex.Load(first, reading, () => SqliteSchema.Open(connectionString));
        Assert.Equal(before, index.EdgeCount);
    }

    [Fact]
    public async Task InsideAWriteTransactionTheEdgesAreReadOnTheSameConnection()
    {
        var path = await SeededAsync("writing.db");
        var connectionString = ConnectionString(path);
        using var first = SqliteSchema.Open(connectionString);
        using var writing = first.BeginTransaction();
        using (var insert = first.CreateCommand())
        {
            insert.Transaction = writing;
            insert.CommandText = "INSERT INTO edges (id, type, source_nid, target_nid) SELECT 'uncommitted', 'MEMBER_OF', min(nid), max(nid) FROM nodes";
            insert.ExecuteNonQuery();
        }

        Assert.Null(GraphIndex.PinnedSecond(first, writing, () => SqliteSchema.Open(connectionString)));
        var index = GraphIndex.Load(first, writing, () => SqliteSchema.Open(connectionString));
        Assert.Equal(EdgeCount(first, writing), index.EdgeCount);
    }

    [Fact]
    public async Task NodesWhoseRowIdsDoNotFitAnIntStillLoadWithTheirEdges()
    {
        var path = await SeededAsync("wide.db");
        using (var connection = SqliteSchema.Open(ConnectionString(path)))
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO nodes (nid, id, kind, name) VALUES (3000000000, 'far', 'Nation', 'Farland'), (3000000001, 'farther', 'Region', 'Further Reach');
                INSERT INTO edges (id, type, source_nid, target_nid) VALUES ('far-edge', 'LOCATED_IN', 3000000000, 3000000001);
                INSERT INTO edges (id, type, source_nid, target_nid) SELECT 'near-edge', 'MEMBER_OF', nid, 3000000000 FROM nodes WHERE id = 'n1';
                """;
            insert.ExecuteNonQuery();
        }

        await using var store = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await store.InitializeAsync(Cancellation);

        Assert.Equal(32, store.Index.NodeCount);
        Assert.Equal(2, (await store.GetNodeAsync("far", Cancellation))!.Degree);
        var paths = await store.FindPathsAsync(new PathQuery("n1", "farther", MaxHops: 4), Cancellation);
        Assert.Equal(2, paths.Paths[0].Length);
        Assert.Equal("far", (await store.SearchAsync(new SearchQuery("farland", null, 5), Cancellation)).First().Id);
    }

    private async Task<string> SeededAsync(string name)
    {
        var path = _directory.File(name);
        var random = new Random(name.Length);
        var nodes = Enumerable.Range(0, 30).Select(i => IncrementalIndexTests.RandomNode(random, $"n{i}")).ToList();
        var edges = Enumerable.Range(0, 45).Select(i => new Edge($"e{i}", IncrementalIndexTests.Pick(random, IncrementalIndexTests.EdgeTypes), nodes[random.Next(nodes.Count)].Id, nodes[random.Next(nodes.Count)].Id, IncrementalIndexTests.SomeEvidence)).ToList();
        await using var store = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await store.InitializeAsync(Cancellation);
        await store.SeedAsync(new GraphSeed([new SourceDocument("src", "Source", "essay", "", "quote")], nodes, edges), null, Cancellation);
        return path;
    }

    private static string ConnectionString(string path) => new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();

    private static long EdgeCount(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT count(*) FROM edges";
        return (long)count.ExecuteScalar()!;
    }
}
