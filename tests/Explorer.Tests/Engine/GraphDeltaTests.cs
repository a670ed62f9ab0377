using Explorer.Algorithms;

namespace Explorer.Tests.Engine;

public sealed class GraphDeltaTests
{
    [Fact]
    public void AddingEdgesCopiesTheHeadsAFewTimesNotOnceForEveryQuarterOfTheEntries()
    {
        // Every growth of the chain arrays copies the heads (one per node), so growing them by a quarter of their own
        // length from 16 copied them ~35 times on the way to 40,000 entries here (at a million nodes: 4 MB each time,
        // most of it in the rebase after each compaction). They grow by at least a quarter of the nodes.
        const int nodes = 10_000;
        var graph = CsrGraph.Build(nodes, [], [], [], new byte[nodes], relabel: false, out _);
        var delta = new GraphDelta(graph);
        delta.Advance();
        var random = new Random(7);
        var copies = 0;
        int[]? heads = null;
        for (var i = 0; i < 20_000; i++)
        {
            delta.AddEdge(random.Next(nodes), random.Next(nodes), 0);
            if (!ReferenceEquals(heads, delta.Head))
            {
                (heads, copies) = (delta.Head, copies + 1);
            }
        }

        Assert.Equal(40_000, delta.ChainCount);
        Assert.InRange(copies, 1, 12);

        // The entries are all there: every edge is seen from both ends.
        var view = delta.View();
        var seen = 0;
        for (var node = 0; node < nodes; node++)
        {
            for (var adjacency = view.Neighbors(node); adjacency.MoveNext();)
            {
                seen++;
            }
        }

        Assert.Equal(40_000, seen);
    }
}
