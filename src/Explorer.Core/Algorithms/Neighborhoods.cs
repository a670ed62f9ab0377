using Explorer.Graph;

namespace Explorer.Algorithms;

internal sealed record OrdinalNeighborhood(List<int> Nodes, List<int> Edges, bool Truncated);

internal static class Neighborhoods
{
    /// <summary>
    /// Breadth-first neighborhood of <paramref name="center"/> up to <paramref name="depth"/> hops, in
    /// adjacency order. Nodes past the first <paramref name="offset"/> are kept until <paramref name="limit"/>
    /// is reached (the center always comes first and does not count); edges are those traversed between kept
    /// nodes (capped at four per kept node). Stops as soon as the caps are hit, so supernodes cost little.
    /// </summary>
    public static OrdinalNeighborhood Collect(CsrGraph graph, int center, int depth, TraversalFilter filter, int limit, int offset)
    {
        var scratch = TraversalScratch.For(graph.NodeCount);
        var generation = scratch.Generation;
        var seen = scratch.MarkForward;
        var kept = scratch.MarkBackward;
        var edgeSeen = new HashSet<int>();
        var queue = scratch.QueueForward;
        var nodes = new List<int> { center };
        var edges = new List<int>();
        var edgeCap = Math.Max(limit * 4, 16);
        var skipped = 0;
        var truncated = false;
        seen[center] = generation;
        kept[center] = generation;
        queue[0] = center;
        int head = 0, tail = 1;

        // The steps of PathSearch.Steps (forward, with the center as both path ends), inlined.
        var skipBit = filter.Direction switch { Direction.Out => 1, Direction.In => 0, _ => -1 };
        var allTypes = filter.AllTypes;
        var allKinds = filter.AllKinds;
        var checkAvoid = filter.Avoid.Count > 0;
        for (var level = 0; level < depth && head < tail && !truncated; level++)
        {
            var levelEnd = tail;
            for (; head < levelEnd && !truncated; head++)
            {
                var u = queue[head];
                for (var adjacency = graph.Neighbors(u); adjacency.MoveNext();)
                {
                    var entry = adjacency.Entry;
                    if ((entry & 1) == skipBit)
                    {
                        continue;
                    }

                    var edge = entry >> 1;
                    if (!allTypes && (filter.TypeMask & (1UL << graph.EdgeType[edge])) == 0)
                    {
                        continue;
                    }

                    var v = adjacency.Node;
                    if (v != center
                        && ((!allKinds && (filter.KindMask & (1u << graph.NodeKind[v])) == 0) || (checkAvoid && filter.Avoid.Contains(v))))
                    {
                        continue;
                    }

                    if (v == u)
                    {
                        continue;
                    }

                    if (seen[v] != generation)
                    {
                        seen[v] = generation;
                        queue[tail++] = v;
                        if (skipped < offset)
                        {
                            skipped++;
                            continue;
                        }

                        if (nodes.Count - 1 >= limit)
                        {
                            truncated = true;
                            break;
                        }

                        kept[v] = generation;
                        nodes.Add(v);
                    }

                    if (kept[v] == generation && kept[u] == generation && edgeSeen.Add(edge))
                    {
                        if (edges.Count >= edgeCap)
                        {
                            truncated = true;
                            break;
                        }

                        edges.Add(edge);
                    }
                }
            }
        }

        return new OrdinalNeighborhood(nodes, edges, truncated);
    }
}
