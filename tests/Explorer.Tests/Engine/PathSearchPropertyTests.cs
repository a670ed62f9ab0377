using Explorer.Algorithms;
using Explorer.Graph;

namespace Explorer.Tests.Engine;

/// <summary>
/// ShortestPath and PathSearch against plain references on random small graphs (fixed seeds, so a failure
/// names a graph that reproduces it): a one-way breadth-first search for the fewest hops, and a brute-force
/// enumeration of every simple path for "all shortest" and "k cheapest". Every draw also picks a direction,
/// edge types, node kinds and avoided nodes, so each filter is checked against the reference's reading of it.
/// </summary>
public sealed class PathSearchPropertyTests
{
    private const int Graphs = 300;
    private const int TypeCount = 4;
    private const int KindCount = 3;

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, Graphs)];

    [Fact]
    public void ShortestPathStaysRightWhenItsReusedVisitMarksRunOut()
    {
        // The visit marks are small stamps reused from search to search on a thread and cleared when they run out.
        // A line 0-1-2-3-4 is searched end to end, then some number of searches elsewhere (5-6), then the line
        // again: over every gap from 0 to 300 searches, the line's inner nodes would at some gap carry a stale mark
        // equal to the new search's own stamp if the clearing were wrong, and the search would not get through.
        var graph = CsrGraph.Build(7, [0, 1, 2, 3, 5], [1, 2, 3, 4, 6], new byte[5], new byte[7], relabel: false, out _);
        for (var gap = 0; gap <= 300; gap++)
        {
            Assert.Equal(4, ShortestPath.Find(graph, 0, 4, 6, TraversalFilter.None)?.Edges.Length);
            for (var i = 0; i < gap; i++)
            {
                Assert.Equal(1, ShortestPath.Find(graph, 5, 6, 6, TraversalFilter.None)?.Edges.Length);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ShortestPathHasAsFewHopsAsABreadthFirstSearchAndIsAValidPath(int seed)
    {
        var c = Case.Draw(seed);

        var path = ShortestPath.Find(c.Graph, c.Source, c.Target, c.MaxHops, c.Filter);
        var expected = Reference.Distance(c);

        if (expected is null)
        {
            Assert.True(path is null, $"{c}: found {Describe(path)} where no path of at most {c.MaxHops} hops exists");
            return;
        }

        Assert.True(path is not null, $"{c}: no path, but one of {expected} hops exists");
        Assert.Equal(expected, path.Edges.Length);
        Assert.True(Reference.IsAllowed(c, path.Nodes, path.Edges), $"{c}: {Describe(path)} breaks the filters");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AllShortestGivesExactlyTheSimplePathsOfTheFewestHops(int seed)
    {
        var c = Case.Draw(seed);

        var found = PathSearch.AllShortest(c.Graph, c.Source, c.Target, c.MaxHops, c.Filter, PathQuery.MaxAllPaths);
        var all = Reference.SimplePaths(c);
        var fewest = all.Count == 0 ? -1 : all.Min(p => p.Edges.Length);
        var expected = all.Where(p => p.Edges.Length == fewest).Select(Key).Order(StringComparer.Ordinal).ToList();

        Assert.True(expected.Count <= PathQuery.MaxAllPaths, $"{c}: more shortest paths than the cap; the reference cannot compare");
        Assert.Equal(expected, found.Select(p => Key((p.Nodes, p.Edges))).Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void KShortestGivesTheKCheapestSimplePathsInTheDocumentedOrder(int seed)
    {
        var c = Case.Draw(seed);
        var k = 1 + (seed % 4);

        AssertKCheapest(c, KCheapest(c, k), PathSearch.KShortest(c.Graph, c.Source, c.Target, k, c.MaxHops, c.Filter, c.Cost));
    }

    public static TheoryData<int> LargeSeeds() => [.. Enumerable.Range(0, 150)];

    /// <summary>
    /// Larger graphs, every k up to the API's 10, and the search's work bounds at their extremes: a backward
    /// label search of one layer (budget 0), a small one and the default, with the cheapest-edge bound exact
    /// and zero. The answer must not depend on any of them.
    /// </summary>
    [Theory]
    [MemberData(nameof(LargeSeeds))]
    public void KShortestOnLargerGraphsIsTheSameWhateverTheSearchBudgets(int seed)
    {
        var c = Case.DrawLarge(seed);
        var k = 1 + (seed % PathQuery.MaxK);
        var expected = KCheapest(c, k);
        foreach (var (budget, minCost) in new[] { (0, 1.0), (40, 1.0), (KShortestPaths.BackwardBudget, 1.0), (40, 0.0) })
        {
            AssertKCheapest(c, expected, KShortestPaths.Find(c.Graph, c.Source, c.Target, k, c.MaxHops, c.Filter, c.Cost, minCost, budget), $"budget {budget}, min cost {minCost}");
        }
    }

    /// <summary>Per node sequence, the cheapest parallel edge (lowest ordinal on ties); ranked by cost, hops, nodes.</summary>
    private static List<(int[] Nodes, int[] Edges)> KCheapest(Case c, int k) => Reference.SimplePaths(c)
        .GroupBy(p => string.Join(',', p.Nodes))
        .Select(g => g.OrderBy(p => c.PathCost(p.Edges)).ThenBy(p => p.Edges, Lexicographic.Instance).First())
        .OrderBy(p => c.PathCost(p.Edges))
        .ThenBy(p => p.Edges.Length)
        .ThenBy(p => p.Nodes, Lexicographic.Instance)
        .Take(k)
        .ToList();

    private static void AssertKCheapest(Case c, List<(int[] Nodes, int[] Edges)> expected, List<(OrdinalPath Path, double Cost)> found, string what = "")
    {
        Assert.True(expected.Select(Key).SequenceEqual(found.Select(p => Key((p.Path.Nodes, p.Path.Edges)))),
            $"{c}, k {expected.Count}+ {what}:\nexpected {string.Join(" | ", expected.Select(Key))}\nfound    {string.Join(" | ", found.Select(p => Key((p.Path.Nodes, p.Path.Edges))))}");
        Assert.Equal(expected.Select(p => c.PathCost(p.Edges)).ToList(), found.Select(p => p.Cost).ToList());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void TheSameQueryOnTheSameGraphGivesTheSameAnswer(int seed)
    {
        var first = Case.Draw(seed);
        var again = Case.Draw(seed);

        Assert.Equal(Describe(ShortestPath.Find(first.Graph, first.Source, first.Target, first.MaxHops, first.Filter)),
            Describe(ShortestPath.Find(again.Graph, again.Source, again.Target, again.MaxHops, again.Filter)));
        Assert.Equal(
            PathSearch.AllShortest(first.Graph, first.Source, first.Target, first.MaxHops, first.Filter, PathQuery.MaxAllPaths).Select(Describe),
            PathSearch.AllShortest(again.Graph, again.Source, again.Target, again.MaxHops, again.Filter, PathQuery.MaxAllPaths).Select(Describe));
        Assert.Equal(
            PathSearch.KShortest(first.Graph, first.Source, first.Target, 3, first.MaxHops, first.Filter, first.Cost).Select(p => Describe(p.Path)),
            PathSearch.KShortest(again.Graph, again.Source, again.Target, 3, again.MaxHops, again.Filter, again.Cost).Select(p => Describe(p.Path)));
    }

    private static string Key((int[] Nodes, int[] Edges) path) => $"{string.Join(',', path.Nodes)} via {string.Join(',', path.Edges)}";

    private static string Describe(OrdinalPath? path) => path is null ? "none" : Key((path.Nodes, path.Edges));

    /// <summary>One random graph (parallel edges, no self-loops) and one query with random filters over it.</summary>
    private sealed record Case(int Seed, int NodeCount, int[] From, int[] To, byte[] Types, byte[] Kinds, CsrGraph Graph,
        int Source, int Target, int MaxHops, TraversalFilter Filter, double[] EdgeCosts)
    {
        public static Case Draw(int seed) => Draw(seed, minNodes: 2, maxNodes: 8, maxMaxHops: 5);

        /// <summary>A larger graph (up to 40 nodes, hop bounds up to 6), where the k-paths search's bounds matter.</summary>
        public static Case DrawLarge(int seed) => Draw(100_000 + seed, minNodes: 10, maxNodes: 40, maxMaxHops: 6);

        private static Case Draw(int seed, int minNodes, int maxNodes, int maxMaxHops)
        {
            var random = new Random(seed);
            var n = random.Next(minNodes, maxNodes + 1);
            var m = random.Next(0, (minNodes > 2 ? 3 * n : 2 * n) + 2);
            var from = new int[m];
            var to = new int[m];
            var types = new byte[m];
            for (var e = 0; e < m; e++)
            {
                from[e] = random.Next(n);
                do
                {
                    to[e] = random.Next(n);
                }
                while (to[e] == from[e]);
                types[e] = (byte)random.Next(TypeCount);
            }

            var kinds = Enumerable.Range(0, n).Select(_ => (byte)random.Next(KindCount)).ToArray();
            var graph = CsrGraph.Build(n, from, to, types, kinds, relabel: false, out _);

            var source = random.Next(n);
            var target = random.Next(n);
            var maxHops = random.Next(1, maxMaxHops + 1);
            var direction = (Direction)random.Next(3);
            var typeMask = random.Next(3) == 0 ? (ulong)random.Next(1, 1 << TypeCount) : ulong.MaxValue;
            var kindMask = random.Next(3) == 0 ? (uint)random.Next(1, 1 << KindCount) : uint.MaxValue;
            var avoid = random.Next(3) == 0 ? Enumerable.Range(0, n).Where(_ => random.Next(4) == 0).ToHashSet() : [];
            var costs = Enumerable.Range(0, m).Select(_ => random.Next(2) == 0 ? 1.0 : 3.0).ToArray();

            // Edges that did not hold at an as-of date.
            var blocked = random.Next(4) == 0 ? Enumerable.Range(0, m).Where(_ => random.Next(5) == 0).ToHashSet() : [];
            return new Case(seed, n, from, to, types, kinds, graph, source, target, maxHops, new TraversalFilter(typeMask, kindMask, direction, avoid, blocked), costs);
        }

        public double Cost(int edge) => EdgeCosts[edge];

        public double PathCost(int[] edges) => edges.Sum(Cost);

        public override string ToString() =>
            $"seed {Seed}: {NodeCount} nodes, edges [{string.Join(' ', From.Select((f, e) => $"{f}->{To[e]}:t{Types[e]}"))}], kinds [{string.Join(' ', Kinds)}], " +
            $"{Source} to {Target}, maxHops {MaxHops}, {Filter.Direction}, types {(Filter.AllTypes ? "all" : Filter.TypeMask.ToString(System.Globalization.CultureInfo.InvariantCulture))}, " +
            $"kinds {(Filter.AllKinds ? "all" : Filter.KindMask.ToString(System.Globalization.CultureInfo.InvariantCulture))}, avoid [{string.Join(' ', Filter.Avoid.Order())}], " +
            $"blocked edges [{string.Join(' ', Filter.BlockedEdges.Order())}], costs [{string.Join(' ', EdgeCosts)}]";
    }

    /// <summary>The plain readings of the filters, written from the documentation, not from the engine.</summary>
    private static class Reference
    {
        /// <summary>Moves from <paramref name="u"/> allowed by the query: (next node, edge), over the input edge list.</summary>
        private static IEnumerable<(int Node, int Edge)> Moves(Case c, int u)
        {
            for (var e = 0; e < c.From.Length; e++)
            {
                if ((!c.Filter.AllTypes && (c.Filter.TypeMask & (1UL << c.Types[e])) == 0) || c.Filter.BlockedEdges.Contains(e))
                {
                    continue;
                }

                // Out follows edges forward (source to target), In backward, Any either way.
                if (c.From[e] == u && c.Filter.Direction != Direction.In)
                {
                    yield return (c.To[e], e);
                }

                if (c.To[e] == u && c.Filter.Direction != Direction.Out)
                {
                    yield return (c.From[e], e);
                }
            }
        }

        /// <summary>Kinds and avoid restrict the nodes a path passes through; its two ends are always allowed.</summary>
        private static bool MayPass(Case c, int node) =>
            node == c.Source || node == c.Target
            || ((c.Filter.AllKinds || (c.Filter.KindMask & (1u << c.Kinds[node])) != 0) && !c.Filter.Avoid.Contains(node));

        public static int? Distance(Case c)
        {
            if (c.Source == c.Target)
            {
                return 0;
            }

            var distance = new Dictionary<int, int> { [c.Source] = 0 };
            var queue = new Queue<int>([c.Source]);
            while (queue.TryDequeue(out var u))
            {
                if (u != c.Source && u == c.Target)
                {
                    continue;
                }

                foreach (var (v, _) in Moves(c, u))
                {
                    if (MayPass(c, v) && distance.TryAdd(v, distance[u] + 1))
                    {
                        queue.Enqueue(v);
                    }
                }
            }

            return distance.TryGetValue(c.Target, out var d) && d <= c.MaxHops ? d : null;
        }

        public static List<(int[] Nodes, int[] Edges)> SimplePaths(Case c)
        {
            var result = new List<(int[] Nodes, int[] Edges)>();
            if (c.Source == c.Target)
            {
                result.Add(([c.Source], []));
                return result;
            }

            var nodes = new List<int> { c.Source };
            var edges = new List<int>();
            Extend(c.Source);
            return result;

            void Extend(int u)
            {
                if (u == c.Target)
                {
                    result.Add(([.. nodes], [.. edges]));
                    return;
                }

                if (edges.Count == c.MaxHops)
                {
                    return;
                }

                foreach (var (v, e) in Moves(c, u))
                {
                    if (!nodes.Contains(v) && MayPass(c, v))
                    {
                        nodes.Add(v);
                        edges.Add(e);
                        Extend(v);
                        nodes.RemoveAt(nodes.Count - 1);
                        edges.RemoveAt(edges.Count - 1);
                    }
                }
            }
        }

        public static bool IsAllowed(Case c, int[] nodes, int[] edges) =>
            nodes.Length == edges.Length + 1
            && nodes[0] == c.Source && nodes[^1] == c.Target
            && nodes.Distinct().Count() == nodes.Length
            && nodes.All(n => MayPass(c, n))
            && edges.Select((e, i) => Moves(c, nodes[i]).Contains((nodes[i + 1], e))).All(ok => ok);
    }

    private sealed class Lexicographic : IComparer<int[]>
    {
        public static readonly Lexicographic Instance = new();

        public int Compare(int[]? x, int[]? y)
        {
            for (var i = 0; i < Math.Min(x!.Length, y!.Length); i++)
            {
                if (x[i] != y[i])
                {
                    return x[i].CompareTo(y[i]);
                }
            }

            return x.Length.CompareTo(y.Length);
        }
    }
}
