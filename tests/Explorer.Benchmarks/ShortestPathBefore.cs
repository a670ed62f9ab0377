using Explorer.Graph;

using Explorer.Algorithms;

namespace Explorer.Benchmarks;

/// <summary>
/// The baseline for "no regression" (issue 9): Explorer's shortest path as it was before the living graph
/// (commit fb774e7), looping over the built CSR's arrays directly. Today's <see cref="ShortestPath"/> walks
/// <see cref="CsrGraph.Neighbors"/>, which also covers entries added since the build and skips removed ones; on a
/// built graph both must give the same lengths, and the benchmark times them side by side. Kept verbatim apart
/// from its name and namespace.
/// </summary>
internal static class ShortestPathBefore
{
    public static OrdinalPath? Find(CsrGraph graph, int source, int target, int maxHops, TraversalFilter filter)
    {
        if (source == target)
        {
            return new OrdinalPath([source], []);
        }

        if (maxHops <= 0 || graph.Component[source] != graph.Component[target])
        {
            return null;
        }

        // One stamp array serves both sides: a node is unvisited, reached forward (stampF) or backward (stampB).
        var scratch = TraversalScratch.For(graph.NodeCount, generations: 2);
        var stampB = scratch.Generation;
        var stampF = stampB - 1;
        var mark = scratch.MarkForward;
        var blocked = scratch.Blocked;
        var parentF = scratch.ParentForward;
        var parentB = scratch.ParentBackward;
        var queueF = scratch.QueueForward;
        var queueB = scratch.QueueBackward;
        var offsets = graph.Offsets;
        var adjacentNode = graph.AdjacentNode;
        var adjacentEdge = graph.AdjacentEdge;

        if (filter.Avoid.Count > 0)
        {
            foreach (var avoided in filter.Avoid)
            {
                blocked[avoided] = stampB;
            }
        }

        var checkNodes = filter.Avoid.Count > 0 || !filter.AllKinds;
        var checkTypes = !filter.AllTypes;

        // Forward follows outgoing edges for Direction.Out, incoming for In; backward the opposite.
        var forwardSkipBit = filter.Direction switch { Direction.Out => 1, Direction.In => 0, _ => -1 };
        var backwardSkipBit = filter.Direction switch { Direction.Out => 0, Direction.In => 1, _ => -1 };
        var filtered = checkNodes || checkTypes || forwardSkipBit >= 0;

        mark[source] = stampF;
        mark[target] = stampB;
        queueF[0] = source;
        queueB[0] = target;
        int headF = 0, tailF = 1, headB = 0, tailB = 1;
        long costF = graph.Degree(source), costB = graph.Degree(target);
        int depthF = 0, depthB = 0;

        while (headF < tailF && headB < tailB && depthF + depthB < maxHops)
        {
            var forward = costF <= costB;
            var queue = forward ? queueF : queueB;
            var own = forward ? stampF : stampB;
            var theirs = forward ? stampB : stampF;
            var parent = forward ? parentF : parentB;
            var skipBit = forward ? forwardSkipBit : backwardSkipBit;
            var head = forward ? headF : headB;
            var levelEnd = forward ? tailF : tailB;
            var tail = levelEnd;
            long nextCost = 0;

            for (; head < levelEnd; head++)
            {
                var u = queue[head];
                var end = offsets[u + 1];
                for (var i = offsets[u]; i < end; i++)
                {
                    var v = adjacentNode[i];
                    var seen = mark[v];
                    if (seen == own)
                    {
                        continue;
                    }

                    if (filtered)
                    {
                        var entry = adjacentEdge[i];
                        if ((entry & 1) == skipBit
                            || (checkTypes && (filter.TypeMask & (1UL << graph.EdgeType[entry >> 1])) == 0)
                            || (checkNodes && v != source && v != target && !Allowed(graph, filter, blocked, stampB, v)))
                        {
                            continue;
                        }
                    }

                    parent[v] = i;
                    if (seen == theirs)
                    {
                        return Build(graph, source, target, v, parentF, parentB);
                    }

                    mark[v] = own;
                    queue[tail++] = v;
                    nextCost += offsets[v + 1] - offsets[v];
                }
            }

            if (forward)
            {
                headF = head;
                tailF = tail;
                costF = nextCost;
                depthF++;
            }
            else
            {
                headB = head;
                tailB = tail;
                costB = nextCost;
                depthB++;
            }
        }

        return null;
    }

    private static bool Allowed(CsrGraph graph, TraversalFilter filter, int[] blocked, int generation, int v) =>
        blocked[v] != generation && (filter.AllKinds || (filter.KindMask & (1u << graph.NodeKind[v])) != 0);

    private static OrdinalPath Build(CsrGraph graph, int source, int target, int meet, int[] parentF, int[] parentB)
    {
        var nodes = new List<int>();
        var edges = new List<int>();
        for (var v = meet; v != source;)
        {
            var i = parentF[v];
            nodes.Add(v);
            edges.Add(graph.AdjacentEdge[i] >> 1);
            v = OtherEnd(graph, graph.AdjacentEdge[i] >> 1, v);
        }

        nodes.Add(source);
        nodes.Reverse();
        edges.Reverse();
        for (var v = meet; v != target;)
        {
            var e = graph.AdjacentEdge[parentB[v]] >> 1;
            edges.Add(e);
            v = OtherEnd(graph, e, v);
            nodes.Add(v);
        }

        return new OrdinalPath([.. nodes], [.. edges]);
    }

    internal static int OtherEnd(CsrGraph graph, int edge, int node) =>
        graph.EdgeSource[edge] == node ? graph.EdgeTarget[edge] : graph.EdgeSource[edge];
}
