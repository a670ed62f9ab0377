using Explorer.Algorithms;
using Explorer.Graph;

namespace Explorer.Tests.Ranking;

/// <summary>The ranked search's candidate phase against a brute-force enumeration of every simple path.</summary>
public sealed class CheapestPathsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void ReturnsTheCheapestSimplePathsWithinTheHopBoundInOrderOfCost(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 40; round++)
        {
            var nodeCount = random.Next(4, 11);
            var edgeCount = random.Next(nodeCount, nodeCount * 3);
            var sources = new int[edgeCount];
            var targets = new int[edgeCount];
            var edgeCosts = new double[edgeCount];
            for (var e = 0; e < edgeCount; e++)
            {
                sources[e] = random.Next(nodeCount);
                do
                {
                    targets[e] = random.Next(nodeCount);
                }
                while (targets[e] == sources[e]);
                edgeCosts[e] = random.Next(1, 5) * 0.5;
            }

            var nodeCosts = Enumerable.Range(0, nodeCount).Select(_ => random.Next(0, 3) * 0.75).ToArray();
            var graph = CsrGraph.Build(nodeCount, sources, targets, [], [], relabel: false, out _);
            var source = random.Next(nodeCount);
            var target = (source + 1 + random.Next(nodeCount - 1)) % nodeCount;
            var maxHops = random.Next(1, 6);
            var count = random.Next(1, 8);

            var found = CheapestPaths.Find(graph, source, target, maxHops, TraversalFilter.None, e => edgeCosts[e], v => nodeCosts[v], count);
            var expected = BruteForce(graph, source, target, maxHops, edgeCosts, nodeCosts);

            Assert.Equal(Math.Min(count, expected.Count), found.Count);
            for (var i = 0; i < found.Count; i++)
            {
                Assert.Equal(expected[i], found[i].Cost, 9);
                var path = found[i].Path;
                Assert.True(path.Edges.Length <= maxHops);
                Assert.Equal(path.Nodes.Length, path.Nodes.Distinct().Count());
                Assert.Equal(source, path.Nodes[0]);
                Assert.Equal(target, path.Nodes[^1]);
                var cost = 0.0;
                for (var h = 0; h < path.Edges.Length; h++)
                {
                    var e = path.Edges[h];
                    Assert.True((sources[e] == path.Nodes[h] && targets[e] == path.Nodes[h + 1]) || (targets[e] == path.Nodes[h] && sources[e] == path.Nodes[h + 1]));
                    cost += edgeCosts[e] + (h + 1 < path.Edges.Length ? nodeCosts[path.Nodes[h + 1]] : 0);
                }

                Assert.Equal(cost, found[i].Cost, 9);
            }

            // No two results walk the same nodes (parallel edges count once).
            Assert.Equal(found.Count, found.Select(f => string.Join(",", f.Path.Nodes)).Distinct().Count());
        }
    }

    [Fact]
    public void AnIntermediateNodeCostSteersAroundAHub()
    {
        // 0 - 1 - 3 and 0 - 2 - 3; node 1 is expensive to pass through.
        var graph = CsrGraph.Build(4, new[] { 0, 1, 0, 2 }, new[] { 1, 3, 2, 3 }, [], [], relabel: false, out _);
        double[] nodeCost = [0, 5, 1, 0];

        var found = CheapestPaths.Find(graph, 0, 3, 4, TraversalFilter.None, _ => 1, v => nodeCost[v], 2);

        Assert.Equal([0, 2, 3], found[0].Path.Nodes);
        Assert.Equal(3, found[0].Cost);
        Assert.Equal([0, 1, 3], found[1].Path.Nodes);
        Assert.Equal(7, found[1].Cost);
    }

    [Fact]
    public void DirectionAndAvoidFiltersApply()
    {
        // 0 -> 1 -> 3, 0 -> 2 -> 3, 3 -> 4 -> 0
        var graph = CsrGraph.Build(5, new[] { 0, 1, 0, 2, 3, 4 }, new[] { 1, 3, 2, 3, 4, 0 }, [], [], relabel: false, out _);
        var outward = new TraversalFilter(ulong.MaxValue, uint.MaxValue, Direction.Out, new HashSet<int> { 1 });

        var found = CheapestPaths.Find(graph, 0, 3, 4, outward, _ => 1, _ => 0, 5);

        Assert.Equal([0, 2, 3], Assert.Single(found).Path.Nodes);
    }

    /// <summary>Costs of every simple path of at most maxHops hops (parallel edges collapsed to the cheapest), ascending.</summary>
    private static List<double> BruteForce(CsrGraph graph, int source, int target, int maxHops, double[] edgeCosts, double[] nodeCosts)
    {
        var costs = new List<double>();
        var onPath = new HashSet<int> { source };
        Walk(source, 0, 0);
        costs.Sort();
        return costs;

        void Walk(int u, int hops, double cost)
        {
            if (u == target)
            {
                costs.Add(cost);
                return;
            }

            if (hops == maxHops)
            {
                return;
            }

            var cheapest = new Dictionary<int, double>();
            for (var i = graph.Offsets[u]; i < graph.Offsets[u + 1]; i++)
            {
                var v = graph.AdjacentNode[i];
                var c = edgeCosts[graph.AdjacentEdge[i] >> 1];
                if (!cheapest.TryGetValue(v, out var current) || c < current)
                {
                    cheapest[v] = c;
                }
            }

            foreach (var (v, c) in cheapest)
            {
                if (onPath.Add(v))
                {
                    Walk(v, hops + 1, cost + c + (v == target ? 0 : nodeCosts[v]));
                    onPath.Remove(v);
                }
            }
        }
    }
}
