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
        for (var level = 0; level < depth && head < tail && !truncated; level++)
        {
            var levelEnd = tail;
            for (; head < levelEnd && !truncated; head++)
            {
                var u = queue[head];
                foreach (var (v, edge) in PathSearch.Steps(graph, u, filter, forward: true, center, center))
                {
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
