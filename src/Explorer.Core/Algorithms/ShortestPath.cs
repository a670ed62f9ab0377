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
        // One byte per node serves both sides: unvisited, reached forward (stampF) or backward (stampB). Everything
        // else a side keeps is indexed by queue position, so it is written in order: viaX[p] is the adjacency entry
        // that reached queueX[p] and upX[p] the position of the node whose row holds it. Per node reached that is
        // one random write (the byte mark) instead of three (mark, parent, its degree read); a path is read back
        // from the positions when the sides meet.
        var scratch = TraversalScratch.For(graph.NodeCount);
        var (stampF, stampB) = scratch.NextSeenStamps();
        var generation = scratch.Generation;
        var mark = scratch.Seen;
        var blocked = scratch.Blocked;
        var viaF = scratch.ParentForward;
        var viaB = scratch.ParentBackward;
        var upF = scratch.UpForward;
        var upB = scratch.UpBackward;
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
            var via = forward ? viaF : viaB;
            var up = forward ? upF : upB;
            var own = forward ? stampF : stampB;
            var theirs = forward ? stampB : stampF;
            var skipBit = forward ? forwardSkipBit : backwardSkipBit;
            var head = forward ? headF : headB;
            var levelEnd = forward ? tailF : tailB;
            var tail = levelEnd;

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

                        if (reached == theirs)
                        {
                            return forward
                                ? Build(graph, w, i, head, queueF, viaF, upF, queueB, viaB, upB, tailB, fromSource: true)
                                : Build(graph, w, i, head, queueB, viaB, upB, queueF, viaF, upF, tailF, fromSource: false);
                        }

                        mark[w] = own;
                        via[tail] = i;
                        up[tail] = head;
                        queue[tail++] = w;
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

                    if (seen == theirs)
                    {
                        return forward
                            ? Build(graph, v, index, head, queueF, viaF, upF, queueB, viaB, upB, tailB, fromSource: true)
                            : Build(graph, v, index, head, queueB, viaB, upB, queueF, viaF, upF, tailF, fromSource: false);
                    }

                    mark[v] = own;
                    via[tail] = index;
                    up[tail] = head;
                    queue[tail++] = v;
                }
            }

            // The next level's cost (its rows' total length, which picks the side to expand next), summed once the
            // level is complete: a level the sides meet in never pays for it.
            long nextCost = 0;
            for (var p = levelEnd; p < tail; p++)
            {
                var v = queue[p];
                nextCost += !TOverlay.Present || v < baseCount ? offsets[v + 1] - offsets[v] : 1;
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

    /// <summary>
    /// The path through <paramref name="meet"/>, which the side scanning now reached through adjacency entry
    /// <paramref name="entry"/> of its node at queue position <paramref name="from"/>, and which the other side
    /// holds somewhere in its first <paramref name="otherTail"/> queue positions. From source to target: the
    /// scanning side's root is the source when <paramref name="fromSource"/>, else the target.
    /// </summary>
    private static OrdinalPath Build(
        CsrGraph graph, int meet, int entry, int from, int[] queue, int[] via, int[] up, int[] otherQueue, int[] otherVia, int[] otherUp, int otherTail, bool fromSource)
    {
        var nodes = new List<int>();
        var edges = new List<int>();

        // The scanning side, from meet back to its root, then reversed.
        nodes.Add(meet);
        edges.Add(graph.EntryEdge(entry) >> 1);
        for (var p = from; ; p = up[p])
        {
            nodes.Add(queue[p]);
            if (p == 0)
            {
                break;
            }

            edges.Add(graph.EntryEdge(via[p]) >> 1);
        }

        nodes.Reverse();
        edges.Reverse();

        // The other side, from meet on to its root.
        for (var p = Array.IndexOf(otherQueue, meet, 0, otherTail); p != 0; p = otherUp[p])
        {
            edges.Add(graph.EntryEdge(otherVia[p]) >> 1);
            nodes.Add(otherQueue[otherUp[p]]);
        }

        if (!fromSource)
        {
            nodes.Reverse();
            edges.Reverse();
        }

        return new OrdinalPath([.. nodes], [.. edges]);
    }

    internal static int OtherEnd(CsrGraph graph, int edge, int node) =>
        graph.EdgeSource[edge] == node ? graph.EdgeTarget[edge] : graph.EdgeSource[edge];
}
