using Explorer.Algorithms;

namespace Explorer.Ranking;

/// <summary>What both stores' ranked searches share over their <see cref="CsrGraph"/>.</summary>
internal static class RankedSearch
{
    /// <summary>
    /// For each hop of <paramref name="path"/>, every edge ordinal that joins the same two nodes in the same
    /// direction under <paramref name="filter"/> (the search's pick among them). Reads the adjacency of the
    /// end with fewer links, so a hop through a hub costs no more than its quieter end; <paramref name="seen"/>
    /// keeps what earlier paths of the same search found.
    /// </summary>
    public static List<List<int>> Parallels(CsrGraph graph, TraversalFilter filter, int source, int target, OrdinalPath path, Dictionary<(int, int), List<int>> seen)
    {
        var hops = new List<List<int>>(path.Edges.Length);
        for (var i = 0; i < path.Edges.Length; i++)
        {
            var (u, v) = (path.Nodes[i], path.Nodes[i + 1]);
            if (!seen.TryGetValue((u, v), out var hop))
            {
                hop = [];
                var fromU = graph.Degree(u) <= graph.Degree(v);
                foreach (var (node, edge) in PathSearch.Steps(graph, fromU ? u : v, filter, forward: fromU, source, target))
                {
                    if (node == (fromU ? v : u))
                    {
                        hop.Add(edge);
                    }
                }

                hop.Sort();
                seen[(u, v)] = hop;
            }

            if (!hop.Contains(path.Edges[i]))
            {
                hop.Add(path.Edges[i]);
            }

            hops.Add(hop);
        }

        return hops;
    }
}
