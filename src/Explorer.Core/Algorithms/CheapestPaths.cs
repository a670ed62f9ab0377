namespace Explorer.Algorithms;

/// <summary>
/// Simple paths of at most a hop bound, cheapest first, where a path costs the sum of its hops' costs plus
/// a cost for every intermediate node it passes through (the hub penalty of the explanation ranking).
/// Best-first search over partial paths (A*) guided by an exact lower bound: the cheapest cost from each
/// node to the target when neither simplicity nor the hop bound is enforced, computed once by a backward
/// Dijkstra over the candidate subgraph (nodes within the hop bound of both ends). Because the bound is a
/// true lower bound, complete paths come out in nondecreasing cost; because it is exact on unconstrained
/// routes, the search explores little beyond the paths it returns. Deterministic: ties break by discovery
/// order, which follows the fixed adjacency order. Parallel edges between the same pair of nodes count
/// once, through their cheapest edge (lowest ordinal on ties), so no two results differ only in which of
/// two parallel edges they take.
/// </summary>
internal static class CheapestPaths
{
    /// <summary>Most partial paths one search may take off its queue before it returns what it has.</summary>
    public const int ExpansionBudget = 200_000;

    /// <param name="edgeCost">Cost of a hop along an edge ordinal (must be positive).</param>
    /// <param name="nodeCost">Cost of passing through an intermediate node (never charged for the two ends; must not be negative).</param>
    /// <param name="count">How many paths to return at most.</param>
    public static List<(OrdinalPath Path, double Cost)> Find(
        CsrGraph graph, int source, int target, int maxHops, TraversalFilter filter,
        Func<int, double> edgeCost, Func<int, double> nodeCost, int count, int expansionBudget = ExpansionBudget)
    {
        if (source == target)
        {
            return [(new OrdinalPath([source], []), 0)];
        }

        if (count <= 0 || maxHops <= 0 || ShortestPath.Find(graph, source, target, maxHops, filter) is null)
        {
            return [];
        }

        var fromSource = PathSearch.Distances(graph, source, maxHops, filter, forward: true, source, target, out _, PathSearch.CandidateBudget);
        var toTarget = PathSearch.Distances(graph, target, maxHops, filter, forward: false, source, target, out _, PathSearch.CandidateBudget);

        // The candidate subgraph as forward steps, parallel edges collapsed to the cheapest.
        var steps = new Dictionary<int, List<(int Node, int Edge, double Cost)>>();
        foreach (var (u, du) in fromSource)
        {
            if (!toTarget.TryGetValue(u, out var dtu) || du + dtu > maxHops || u == target)
            {
                continue;
            }

            var best = new Dictionary<int, (int Edge, double Cost)>();
            var order = new List<int>();
            foreach (var (v, edge) in PathSearch.Steps(graph, u, filter, forward: true, source, target))
            {
                if (v == source || !toTarget.TryGetValue(v, out var dtv) || !fromSource.TryGetValue(v, out var dsv) || dsv + dtv > maxHops)
                {
                    continue;
                }

                var cost = edgeCost(edge) + (v == target ? 0 : nodeCost(v));
                if (!best.TryGetValue(v, out var current))
                {
                    order.Add(v);
                    best[v] = (edge, cost);
                }
                else if (cost < current.Cost || (cost == current.Cost && edge < current.Edge))
                {
                    best[v] = (edge, cost);
                }
            }

            steps[u] = [.. order.Select(v => (v, best[v].Edge, best[v].Cost))];
        }

        var lowerBound = LowerBounds(steps, target);
        if (!lowerBound.TryGetValue(source, out var sourceBound))
        {
            return [];
        }

        // Partial paths live in flat arrays; a path is its last entry followed back through parents.
        var node = new List<int> { source };
        var via = new List<int> { -1 };
        var parent = new List<int> { -1 };
        var hops = new List<int> { 0 };
        var spent = new List<double> { 0 };
        var queue = new PriorityQueue<int, (double Estimate, int Sequence)>();
        queue.Enqueue(0, (sourceBound, 0));
        var result = new List<(OrdinalPath, double)>();
        var taken = 0;
        while (queue.Count > 0 && result.Count < count && taken++ < expansionBudget)
        {
            var entry = queue.Dequeue();
            var u = node[entry];
            if (u == target)
            {
                result.Add((Build(entry, node, via, parent, hops[entry]), spent[entry]));
                continue;
            }

            if (!steps.TryGetValue(u, out var next))
            {
                continue;
            }

            foreach (var (v, edge, cost) in next)
            {
                if (!lowerBound.TryGetValue(v, out var rest) || hops[entry] + 1 + toTarget[v] > maxHops || OnPath(entry, v, node, parent))
                {
                    continue;
                }

                var g = spent[entry] + cost;
                var id = node.Count;
                node.Add(v);
                via.Add(edge);
                parent.Add(entry);
                hops.Add(hops[entry] + 1);
                spent.Add(g);
                queue.Enqueue(id, (g + rest, id));
            }
        }

        return result;
    }

    /// <summary>Cheapest cost from every node of the candidate subgraph to the target (backward Dijkstra).</summary>
    private static Dictionary<int, double> LowerBounds(Dictionary<int, List<(int Node, int Edge, double Cost)>> steps, int target)
    {
        var backward = new Dictionary<int, List<(int Node, double Cost)>>();
        foreach (var (u, next) in steps)
        {
            foreach (var (v, _, cost) in next)
            {
                if (!backward.TryGetValue(v, out var into))
                {
                    backward[v] = into = [];
                }

                into.Add((u, cost));
            }
        }

        var bound = new Dictionary<int, double> { [target] = 0 };
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(target, 0);
        var done = new HashSet<int>();
        while (queue.TryDequeue(out var v, out var d))
        {
            if (!done.Add(v) || !backward.TryGetValue(v, out var into))
            {
                continue;
            }

            foreach (var (u, cost) in into)
            {
                var candidate = d + cost;
                if (!bound.TryGetValue(u, out var current) || candidate < current)
                {
                    bound[u] = candidate;
                    queue.Enqueue(u, candidate);
                }
            }
        }

        return bound;
    }

    private static bool OnPath(int entry, int v, List<int> node, List<int> parent)
    {
        for (var e = entry; e >= 0; e = parent[e])
        {
            if (node[e] == v)
            {
                return true;
            }
        }

        return false;
    }

    private static OrdinalPath Build(int entry, List<int> node, List<int> via, List<int> parent, int length)
    {
        var nodes = new int[length + 1];
        var edges = new int[length];
        for (int e = entry, i = length; e >= 0; e = parent[e], i--)
        {
            nodes[i] = node[e];
            if (i > 0)
            {
                edges[i - 1] = via[e];
            }
        }

        return new OrdinalPath(nodes, edges);
    }
}
