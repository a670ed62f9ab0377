using Explorer.Graph;

namespace Explorer.Algorithms;

/// <summary>A path over ordinals: nodes[0] = source, edges[i] joins nodes[i] and nodes[i+1].</summary>
internal sealed record OrdinalPath(int[] Nodes, int[] Edges);

/// <summary>
/// Bidirectional breadth-first search that always expands the side whose frontier has the smaller total
/// degree and stops at the first meeting node (which is provably on a shortest path when whole levels are
/// expanded). Deterministic: adjacency order is fixed.
/// </summary>
internal static class ShortestPath
{
    public static OrdinalPath? Find(CsrGraph graph, int source, int target, int maxHops, TraversalFilter filter)
    {
        if (source == target)
        {
            return new OrdinalPath([source], []);
        }

        if (maxHops <= 0 || !graph.MayConnect(source, target))
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
                for (var adjacency = graph.Neighbors(u); adjacency.MoveNext();)
                {
                    var v = adjacency.Node;
                    var seen = mark[v];
                    if (seen == own)
                    {
                        continue;
                    }

                    if (filtered)
                    {
                        var entry = adjacency.Entry;
                        if ((entry & 1) == skipBit
                            || (checkTypes && (filter.TypeMask & (1UL << graph.EdgeType[entry >> 1])) == 0)
                            || (checkNodes && v != source && v != target && !Allowed(graph, filter, blocked, stampB, v)))
                        {
                            continue;
                        }
                    }

                    parent[v] = adjacency.Index;
                    if (seen == theirs)
                    {
                        return Build(graph, source, target, v, parentF, parentB);
                    }

                    mark[v] = own;
                    queue[tail++] = v;
                    nextCost += v < graph.BaseNodeCount ? graph.Offsets[v + 1] - graph.Offsets[v] : 1;
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
            edges.Add(graph.EntryEdge(i) >> 1);
            v = OtherEnd(graph, graph.EntryEdge(i) >> 1, v);
        }

        nodes.Add(source);
        nodes.Reverse();
        edges.Reverse();
        for (var v = meet; v != target;)
        {
            var e = graph.EntryEdge(parentB[v]) >> 1;
            edges.Add(e);
            v = OtherEnd(graph, e, v);
            nodes.Add(v);
        }

        return new OrdinalPath([.. nodes], [.. edges]);
    }

    internal static int OtherEnd(CsrGraph graph, int edge, int node) =>
        graph.EdgeSource[edge] == node ? graph.EdgeTarget[edge] : graph.EdgeSource[edge];
}
