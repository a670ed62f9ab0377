using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Living;

/// <summary>
/// The index a store updates write by write answers like an index rebuilt from the database: random write
/// sequences (fixed seeds) on one store, compared after every few writes with a second store opened on the
/// same file (a full load). Paths, neighborhoods, search, resolution, node details and counts. Hits and
/// paths that tie (same score and name, same length) may come in another order, so those are compared as sets.
/// </summary>
public sealed class IncrementalIndexTests : IDisposable
{
    private static readonly string[] s_words = ["Alpha", "Alpine", "Beta", "Bravo", "Union", "Mission", "Force", "Council", "Gamma", "Delta"];
    private static readonly string[] s_types = [.. Vocabulary.EdgeTypes.Keys.Order(StringComparer.Ordinal)];
    private static readonly Evidence[] s_evidence = [new("src", "quote")];

    private readonly TempDirectory _directory = new();

    internal static IReadOnlyList<string> EdgeTypes => s_types;

    internal static IReadOnlyList<Evidence> SomeEvidence => s_evidence;

    /// <summary>Seed, writes, compaction floor, and whether every compaction is paced (as on a loaded machine, where one takes over 50 ms).</summary>
    public static TheoryData<int, int, int, bool> Runs => new()
    {
        { 1, 240, int.MaxValue, false },
        { 2, 240, int.MaxValue, false },
        { 3, 240, 24, false },
        { 4, 240, 24, false },
        { 4, 240, 24, true },
        { 5, 240, 24, true },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task RandomWriteSequencesAnswerLikeAFullRebuild(int seed, int writes, int compactionFloor, bool paced)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = _directory.File($"incremental-{seed}-{paced}.db");
        await using var store = new EmbeddedGraphStore(path)
        {
            CompactionFloor = compactionFloor,
            NameOverlayLimit = compactionFloor,
            PacedFrom = paced ? TimeSpan.Zero : TimeSpan.FromMilliseconds(50),
            PaceFactor = paced ? 50 : 3,
        };
        await store.InitializeAsync(cancellationToken);
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, 12).Select(i => RandomNode(random, $"n{i}")).ToList();
        var edges = Enumerable.Range(0, 16).Select(i => new Edge($"e{i}", Pick(random, s_types), nodes[random.Next(nodes.Count)].Id, nodes[random.Next(nodes.Count)].Id, s_evidence)).ToList();
        await store.SeedAsync(new GraphSeed([new SourceDocument("src", "Source", "essay", "", "quote")], nodes, edges), null, cancellationToken);
        var nextNode = nodes.Count;
        var nextEdge = edges.Count;

        for (var step = 1; step <= writes; step++)
        {
            var live = await LiveNodeIds(store, path, cancellationToken);
            var action = random.Next(10);
            if (action < 3 || live.Count < 2)
            {
                // A new node, or an existing one renamed, given other aliases or another kind.
                var id = random.Next(3) == 0 && live.Count > 0 ? Pick(random, live) : $"n{nextNode++}";
                await store.UpsertNodeAsync(RandomNode(random, id), cancellationToken);
            }
            else if (action < 7)
            {
                // A new edge, or an existing one moved or retyped.
                var id = random.Next(3) == 0 && nextEdge > 0 ? $"e{random.Next(nextEdge)}" : $"e{nextEdge++}";
                await store.UpsertEdgeAsync(new Edge(id, Pick(random, s_types), Pick(random, live), Pick(random, live), s_evidence), cancellationToken);
            }
            else if (action < 9)
            {
                await store.RemoveEdgeAsync($"e{random.Next(Math.Max(1, nextEdge))}", cancellationToken);
            }
            else
            {
                await store.RemoveNodeAsync(Pick(random, live), cancellationToken);
            }

            if (step % 12 == 0 || step == writes)
            {
                await store.WaitForCompactionAsync();
                if (compactionFloor != int.MaxValue)
                {
                    // Waiting for compaction waits for a paced one too: no compaction is left due.
                    Assert.False(store.CompactionNeeded, $"a compaction is still due at step {step}");
                }

                await CompareWithRebuildAsync(store, path, random, cancellationToken);
            }
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task AStoreClosedWhileACompactionIsPacedCloses()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = new EmbeddedGraphStore(_directory.File("paced-close.db"))
        {
            CompactionFloor = 8,
            NameOverlayLimit = 8,
            PacedFrom = TimeSpan.Zero,
            PaceFactor = 1_000_000,
        };
        await store.InitializeAsync(cancellationToken);
        var random = new Random(7);
        for (var i = 0; i < 12; i++)
        {
            await store.UpsertNodeAsync(RandomNode(random, $"first-{i}"), cancellationToken);
        }

        // The first compaction runs at once; the next due one waits a million times as long as it took.
        await store.WaitForCompactionAsync();
        for (var i = 0; i < 12; i++)
        {
            await store.UpsertNodeAsync(RandomNode(random, $"second-{i}"), cancellationToken);
        }

        Assert.True(store.CompactionNeeded);

        // Disposal cancels the pacing delay; waiting for compactions must not wait on that ended task forever.
        await store.DisposeAsync();
    }

    [Theory(Timeout = 120_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WritesMadeDuringACompactionThatMakeTheNextOneDueStartItWithoutAnotherWrite(bool paced)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var built = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var store = new EmbeddedGraphStore(_directory.File($"during-{paced}.db"))
        {
            CompactionFloor = 8,
            NameOverlayLimit = 8,
            PacedFrom = paced ? TimeSpan.Zero : TimeSpan.FromMilliseconds(50),
            PaceFactor = paced ? 5 : 3,
            IndexSnapshots = false,
            CompactionBuilt = () =>
            {
                built.TrySetResult();
                return held.Task;
            },
        };
        await store.InitializeAsync(cancellationToken);
        var random = new Random(11);
        for (var i = 0; i < 9; i++)
        {
            await store.UpsertNodeAsync(RandomNode(random, $"before-{i}"), cancellationToken);
        }

        // The first compaction has rebuilt the index and waits to swap it in; these writes find it running.
        await built.Task.WaitAsync(cancellationToken);
        for (var i = 0; i < 9; i++)
        {
            await store.UpsertNodeAsync(RandomNode(random, $"during-{i}"), cancellationToken);
        }

        Assert.True(store.CompactionNeeded);
        held.SetResult();
        await store.WaitForCompactionAsync();
        Assert.False(store.CompactionNeeded, "the writes replayed onto the compacted index left the next compaction due, and nothing started it");
        Assert.Equal(18, (await store.CountAsync(cancellationToken)).Nodes);
    }

    [Fact]
    public void AViewKeepsItsNeighborsWhileLaterWritesGrowTheDeltaBeforeTheyArePublished()
    {
        var table = new NodeTable.Builder(3);
        foreach (var id in new[] { "a", "b", "c" })
        {
            table.Add(new Node(id, NodeKind.Theme, id, [], ""));
        }

        var writer = new IndexWriter(GraphIndex.Build(table.Build(), []));
        writer.Begin();
        writer.UpsertEdge(1, "LEADS_TO", "a", "b");
        var view = writer.Publish();
        var a = view.Ordinal("a")!.Value;
        int[] Neighbors()
        {
            var found = new List<int>();
            for (var adjacency = view.Graph.Neighbors(a); adjacency.MoveNext();)
            {
                found.Add(adjacency.Node);
            }

            return [.. found];
        }

        var before = Neighbors();

        // A bulk batch's index update runs beside its commit: applied, not yet published, while readers read the view.
        writer.Begin();
        for (var i = 0; i < 1000; i++)
        {
            writer.UpsertEdge(2 + i, "LEADS_TO", "a", "c");
        }

        Assert.Equal(before, Neighbors());
        Assert.Equal(1001, writer.Publish().Graph.Neighbors(a) is var all ? Count(all) : 0);

        static int Count(Explorer.Algorithms.CsrGraph.Adjacency adjacency)
        {
            var count = 0;
            while (adjacency.MoveNext())
            {
                count++;
            }

            return count;
        }
    }

    [Fact]
    public async Task AnExactHitOnEitherSideOfTheNameOverlayRulesOutTyposAsOneIndexWould()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var path = _directory.File("exact-and-typos.db");
        await using var store = new EmbeddedGraphStore(path) { CompactionFloor = int.MaxValue, NameOverlayLimit = int.MaxValue };
        await store.InitializeAsync(cancellationToken);
        Node Named(string id, string name) => new(id, NodeKind.Organization, name, [], "");
        await store.SeedAsync(new GraphSeed([new SourceDocument("src", "Source", "essay", "", "quote")], [Named("beta", "Beta Council"), Named("old", "Delta Council")], []), null, cancellationToken);

        async Task SameAsRebuild(string text)
        {
            await using var rebuilt = new EmbeddedGraphStore(path) { IndexSnapshots = false };
            await rebuilt.InitializeAsync(cancellationToken);
            var query = new SearchQuery(text, null, 10);
            Assert.Equal(
                (await rebuilt.SearchAsync(query, cancellationToken)).Select(h => (h.Id, h.Match)),
                (await store.SearchAsync(query, cancellationToken)).Select(h => (h.Id, h.Match)));
        }

        // The only exact hit is stale (renamed since the build): the typo "Beta Council" is found, as after a rebuild.
        await store.UpsertNodeAsync(Named("old", "Gamma Union"), cancellationToken);
        await SameAsRebuild("Delta Council");
        Assert.Contains(await store.SearchAsync(new SearchQuery("Delta Council", null, 10), cancellationToken), h => h is { Id: "beta", Match: MatchKind.Fuzzy });

        // The exact hit is new (in the overlay): the built index's typo is left out, as after a rebuild.
        await store.UpsertNodeAsync(Named("new", "Delta Council"), cancellationToken);
        await SameAsRebuild("Delta Council");
        Assert.Equal(["new"], (await store.SearchAsync(new SearchQuery("Delta Council", null, 10), cancellationToken)).Select(h => h.Id));
    }

    /// <summary>Everything <paramref name="store"/> answers equals what an index rebuilt from the database (no snapshot) answers.</summary>
    internal static async Task CompareWithRebuildAsync(EmbeddedGraphStore store, string path, Random random, CancellationToken cancellationToken)
    {
        await using var rebuilt = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await rebuilt.InitializeAsync(cancellationToken);
        Assert.Equal(await rebuilt.CountAsync(cancellationToken), await store.CountAsync(cancellationToken));
        var ids = await LiveNodeIds(rebuilt, path, cancellationToken);
        Assert.Equal(ids, await LiveNodeIds(store, path, cancellationToken));

        foreach (var id in ids)
        {
            var (expected, actual) = (await rebuilt.GetNodeAsync(id, cancellationToken), await store.GetNodeAsync(id, cancellationToken));
            Assert.Equal(Describe(expected!.Node), Describe(actual!.Node));
            Assert.Equal(expected.Degree, actual.Degree);
            Assert.Equal(expected.CountsByType, actual.CountsByType);

            var depth = 1 + random.Next(2);
            var (around, aroundActual) = (
                await rebuilt.GetNeighborhoodAsync(new NeighborhoodQuery(id, depth, Limit: 2000), cancellationToken),
                await store.GetNeighborhoodAsync(new NeighborhoodQuery(id, depth, Limit: 2000), cancellationToken));
            Assert.Equal(around!.Nodes.Select(n => n.Id).Order(), aroundActual!.Nodes.Select(n => n.Id).Order());
            Assert.Equal(around.Edges.Select(e => e.Id).Order(), aroundActual.Edges.Select(e => e.Id).Order());
        }

        Assert.Null(await store.GetNodeAsync("n-never", cancellationToken));
        for (var i = 0; i < 12 && ids.Count > 0; i++)
        {
            var (from, to) = (Pick(random, ids), Pick(random, ids));
            var maxHops = 1 + random.Next(5);
            var direction = (Direction)random.Next(3);
            IReadOnlySet<string>? types = random.Next(3) == 0 ? new HashSet<string>(s_types.Where(_ => random.Next(2) == 0)) : null;
            foreach (var mode in new[] { PathMode.Shortest, PathMode.All, PathMode.K })
            {
                var query = new PathQuery(from, to, mode, K: 3, MaxHops: maxHops, Types: types, Direction: direction);
                var (expected, actual) = (await rebuilt.FindPathsAsync(query, cancellationToken), await store.FindPathsAsync(query, cancellationToken));
                var context = $"{mode} {from}->{to} hops {maxHops} {direction}";
                Assert.True(expected.Reason == actual.Reason, $"{context}: {expected.Reason} vs {actual.Reason}");
                Assert.True(expected.Paths.Count == actual.Paths.Count, context);
                switch (mode)
                {
                    case PathMode.Shortest:
                        Assert.Equal(expected.Paths.Select(p => p.Length), actual.Paths.Select(p => p.Length));
                        break;
                    case PathMode.All:
                        Assert.Equal(Keys(expected), Keys(actual));
                        break;
                    default:
                        Assert.Equal(expected.Paths.Select(p => p.Cost), actual.Paths.Select(p => p.Cost));
                        break;
                }
            }
        }

        foreach (var text in s_words.Concat(["alp", "Misson", "brav", "union force", "n1", "Delta Council", "zzz"]))
        {
            var query = new SearchQuery(text, null, 100);
            var (expected, actual) = (await rebuilt.SearchAsync(query, cancellationToken), await store.SearchAsync(query, cancellationToken));
            Assert.Equal(expected.Select(h => (h.Id, h.Score, h.Match)).Order(), actual.Select(h => (h.Id, h.Score, h.Match)).Order());
            Assert.Equal(expected.Select(h => (h.Score, h.Name)), actual.Select(h => (h.Score, h.Name)));
            var few = query with { Limit = 3 };
            (expected, actual) = (await rebuilt.SearchAsync(few, cancellationToken), await store.SearchAsync(few, cancellationToken));
            Assert.Equal(expected.Select(h => (h.Score, h.Name)), actual.Select(h => (h.Score, h.Name)));
            Assert.Equal(
                (await rebuilt.ResolveAsync(text, cancellationToken)).Select(n => n.Id),
                (await store.ResolveAsync(text, cancellationToken)).Select(n => n.Id));
        }
    }

    /// <summary>Ids of the live nodes, from the database file (the truth both stores are checked against).</summary>
    private static async Task<List<string>> LiveNodeIds(EmbeddedGraphStore store, string path, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM nodes ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            Assert.NotNull(await store.GetNodeAsync(id, cancellationToken));
            ids.Add(id);
        }

        return ids;
    }

    private static List<string> Keys(PathSet set) => [.. set.Paths.Select(p => string.Join(' ', p.Nodes) + "|" + string.Join(' ', p.Edges)).Order(StringComparer.Ordinal)];

    internal static Node RandomNode(Random random, string id)
    {
        var words = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => Pick(random, s_words));
        var aliases = random.Next(3) == 0 ? new[] { Pick(random, s_words) + " " + Pick(random, s_words) } : [];
        return new Node(id, (NodeKind)random.Next(Enum.GetValues<NodeKind>().Length), string.Join(' ', words), aliases, "");
    }

    private static string Describe(Node node) => $"{node.Id} {node.Kind} {node.Name} [{string.Join('|', node.Aliases)}] {node.Description}";

    internal static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public void Dispose() => _directory.Dispose();
}
