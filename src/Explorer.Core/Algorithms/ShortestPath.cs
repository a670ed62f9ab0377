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

        // A graph as built (or as compaction rebuilt it) takes a copy of the search compiled without the overlay's
        // branches: the JIT drops them for Built, so that loop is the plain CSR walk the search was before the overlay.
        return graph.HasAdded || graph.HasRemovals || graph.NodeCount > graph.BaseNodeCount
            ? Search<WithOverlay>(graph, source, target, maxHops, filter)
            : Search<Built>(graph, source, target, maxHops, filter);
    }

    private interface IOverlay
    {
        static abstract bool Present { get; }
    }

    private readonly struct Built : IOverlay
    {
        public static bool Present => false;
    }

    private readonly struct WithOverlay : IOverlay
    {
        public static bool Present => true;
    }

    private static OrdinalPath? Search<TOverlay>(CsrGraph graph, int source, int target, int maxHops, TraversalFilter filter)
        where TOverlay : struct, IOverlay
    {
        // One byte per node serves both sides: unvisited, reached forward (stampF) or backward (stampB).
        var scratch = TraversalScratch.For(graph.NodeCount);
        var (stampF, stampB) = scratch.NextSeenStamps();
        var generation = scratch.Generation;
        var mark = scratch.Seen;
        var blocked = scratch.Blocked;
        var parentF = scratch.ParentForward;
        var parentB = scratch.ParentBackward;
        var queueF = scratch.QueueForward;
        var queueB = scratch.QueueBackward;
        if (filter.Avoid.Count > 0)
        {
            foreach (var avoided in filter.Avoid)
            {
                blocked[avoided] = generation;
            }
        }

        var offsets = graph.Offsets;
        var adjacentNode = graph.AdjacentNode;
        var adjacentEdge = graph.AdjacentEdge;
        var baseCount = graph.BaseNodeCount;
        var removals = TOverlay.Present && graph.HasRemovals;
        var hasAdded = TOverlay.Present && graph.HasAdded;

        var checkNodes = filter.Avoid.Count > 0 || !filter.AllKinds;
        var checkTypes = !filter.AllTypes;
        var checkEdges = filter.BlockedEdges.Count > 0;

        // Forward follows outgoing edges for Direction.Out, incoming for In; backward the opposite.
        var forwardSkipBit = filter.Direction switch { Direction.Out => 1, Direction.In => 0, _ => -1 };
        var backwardSkipBit = filter.Direction switch { Direction.Out => 0, Direction.In => 1, _ => -1 };
        var filtered = checkNodes || checkTypes || checkEdges || forwardSkipBit >= 0;

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
                if (!TOverlay.Present)
                {
                    // A graph as built: the plain CSR row in a counted loop (which the JIT can clone without bounds
                    // checks). The same steps as the general loop below, which it must stay equal to.
                    var rowEnd = offsets[u + 1];
                    for (var i = offsets[u]; i < rowEnd; i++)
                    {
                        var w = adjacentNode[i];
                        var reached = mark[w];
                        if (reached == own)
                        {
                            continue;
                        }

                        if (filtered)
                        {
                            var entry = adjacentEdge[i];
                            if ((entry & 1) == skipBit
                                || (checkTypes && (filter.TypeMask & (1UL << graph.EdgeType[entry >> 1])) == 0)
                                || (checkEdges && filter.BlockedEdges.Contains(entry >> 1))
                                || (checkNodes && w != source && w != target && !Allowed(graph, filter, blocked, generation, w)))
                            {
                                continue;
                            }
                        }

                        parent[w] = i;
                        if (reached == theirs)
                        {
                            return Build(graph, source, target, w, parentF, parentB);
                        }

                        mark[w] = own;
                        queue[tail++] = w;
                        nextCost += offsets[w + 1] - offsets[w];
                    }

                    continue;
                }

                // The built row straight from the arrays, then the entries added since the build: the same order
                // as CsrGraph.Neighbors, written out because this loop is the hot one (the enumerator cost the 1M
                // benchmark's median about 30% against the raw loop the search had before the overlay).
                var (at, end) = u < baseCount ? (offsets[u], offsets[u + 1]) : (0, 0);
                var chain = hasAdded ? graph.FirstAdded(u) : -1;
                while (true)
                {
                    int v, index;
                    if (at < end)
                    {
                        index = at++;
                        v = adjacentNode[index];
                    }
                    else if (chain >= 0)
                    {
                        index = ~chain;
                        v = graph.EntryNode(index);
                        chain = graph.NextAdded(chain);
                    }
                    else
                    {
                        break;
                    }

                    if (removals && graph.IsEdgeRemoved(graph.EntryEdge(index) >> 1))
                    {
                        continue;
                    }

                    var seen = mark[v];
                    if (seen == own)
                    {
                        continue;
                    }

                    if (filtered)
                    {
                        var entry = graph.EntryEdge(index);
                        if ((entry & 1) == skipBit
                            || (checkTypes && (filter.TypeMask & (1UL << graph.EdgeType[entry >> 1])) == 0)
                            || (checkEdges && filter.BlockedEdges.Contains(entry >> 1))
                            || (checkNodes && v != source && v != target && !Allowed(graph, filter, blocked, generation, v)))
                        {
                            continue;
                        }
                    }

                    parent[v] = index;
                    if (seen == theirs)
                    {
                        return Build(graph, source, target, v, parentF, parentB);
                    }

                    mark[v] = own;
                    queue[tail++] = v;
                    nextCost += v < baseCount ? offsets[v + 1] - offsets[v] : 1;
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
