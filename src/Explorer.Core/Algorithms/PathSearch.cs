using Explorer.Graph;

namespace Explorer.Algorithms;

/// <summary>All shortest paths and ranked k shortest simple paths over a <see cref="CsrGraph"/>.</summary>
internal static class PathSearch
{
    /// <summary>Most nodes one bounded breadth-first sweep may visit before it stops (and the result is marked partial).</summary>
    public const int VisitBudget = 200_000;

    /// <summary>The vocabulary's cheapest hop (<see cref="Vocabulary.Cost"/>): a lower bound of every edge's cost in <c>mode=k</c>.</summary>
    public const double CheapestHop = Vocabulary.ConcreteCost < Vocabulary.ThematicCost ? Vocabulary.ConcreteCost : Vocabulary.ThematicCost;

    /// <summary>Most nodes the candidate subgraph of a k-shortest search may hold.</summary>
    public const int CandidateBudget = 20_000;

    /// <summary>Every shortest path (fewest hops), up to <paramref name="cap"/>, in deterministic order.</summary>
    public static List<OrdinalPath> AllShortest(CsrGraph graph, int source, int target, int maxHops, TraversalFilter filter, int cap)
    {
        var first = ShortestPath.Find(graph, source, target, maxHops, filter);
        if (first is null)
        {
            return [];
        }

        var length = first.Edges.Length;
        if (length == 0)
        {
            return [first];
        }

        var fromSource = Distances(graph, source, length, filter, forward: true, source, target, out _);
        var toTarget = Distances(graph, target, length, filter, forward: false, source, target, out _);
        var result = new List<OrdinalPath>();
        var nodes = new int[length + 1];
        var edges = new int[length];
        nodes[0] = source;
        Walk(0);
        return result.Count > 0 ? result : [first];

        void Walk(int depth)
        {
            if (result.Count >= cap)
            {
                return;
            }

            var u = nodes[depth];
            if (depth == length)
            {
                if (u == target)
                {
                    result.Add(new OrdinalPath((int[])nodes.Clone(), (int[])edges.Clone()));
                }

                return;
            }

            foreach (var (v, edge) in Steps(graph, u, filter, forward: true, source, target))
            {
                if (fromSource.TryGetValue(v, out var ds) && ds == depth + 1
                    && toTarget.TryGetValue(v, out var dt) && dt == length - depth - 1)
                {
                    nodes[depth + 1] = v;
                    edges[depth] = edge;
                    Walk(depth + 1);
                }
            }
        }
    }

    /// <summary>
    /// Up to k simple paths of at most <paramref name="maxHops"/> hops, cheapest first, where a hop costs
    /// <paramref name="edgeCost"/>: see <see cref="KShortestPaths"/>. Parallel edges between the same pair keep
    /// the cheapest (lowest ordinal on ties). Ties in cost break by hops, then node ordinals.
    /// </summary>
    /// <param name="minEdgeCost">A lower bound of every edge's cost (<see cref="CheapestHop"/> by default).</param>
    public static List<(OrdinalPath Path, double Cost)> KShortest(CsrGraph graph, int source, int target, int k, int maxHops, TraversalFilter filter, Func<int, double> edgeCost, double minEdgeCost = CheapestHop) =>
        KShortestPaths.Find(graph, source, target, k, maxHops, filter, edgeCost, minEdgeCost);

    /// <summary>Neighbors reachable in one allowed step, in adjacency order.</summary>
    internal static IEnumerable<(int Node, int Edge)> Steps(CsrGraph graph, int u, TraversalFilter filter, bool forward, int source, int target)
    {
        var skipBit = (filter.Direction, forward) switch
        {
            (Direction.Out, true) or (Direction.In, false) => 1,
            (Direction.In, true) or (Direction.Out, false) => 0,
            _ => -1,
        };
        for (var adjacency = graph.Neighbors(u); adjacency.MoveNext();)
        {
            var entry = adjacency.Entry;
            if ((entry & 1) == skipBit)
            {
                continue;
            }

            var edge = entry >> 1;
            if (!filter.AllTypes && (filter.TypeMask & (1UL << graph.EdgeType[edge])) == 0)
            {
                continue;
            }

            if (filter.BlockedEdges.Count > 0 && filter.BlockedEdges.Contains(edge))
            {
                continue;
            }

            var v = adjacency.Node;
            if (v != source && v != target)
            {
                if (!filter.AllKinds && (filter.KindMask & (1u << graph.NodeKind[v])) == 0)
                {
                    continue;
                }

                if (filter.Avoid.Count > 0 && filter.Avoid.Contains(v))
                {
                    continue;
                }
            }

            yield return (v, edge);
        }
    }

    /// <summary>Hop distances from <paramref name="start"/> up to <paramref name="maxDepth"/>, visiting at most <paramref name="budget"/> nodes.</summary>
    internal static Dictionary<int, int> Distances(CsrGraph graph, int start, int maxDepth, TraversalFilter filter, bool forward, int source, int target, out bool partial, int budget = VisitBudget)
    {
        var distance = new Dictionary<int, int> { [start] = 0 };
        var frontier = new List<int> { start };
        partial = false;
        for (var depth = 1; depth <= maxDepth && frontier.Count > 0; depth++)
        {
            var next = new List<int>();
            foreach (var u in frontier)
            {
                // Paths do not pass through the far endpoint.
                if (u != start && (u == source || u == target))
                {
                    continue;
                }

                foreach (var (v, _) in Steps(graph, u, filter, forward, source, target))
                {
                    if (distance.TryAdd(v, depth))
                    {
                        next.Add(v);
                        if (distance.Count >= budget)
                        {
                            partial = true;
                            return distance;
                        }
                    }
                }
            }

            frontier = next;
        }

        return distance;
    }
}
