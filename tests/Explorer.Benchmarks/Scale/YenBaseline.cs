using Explorer.Algorithms;
using QuikGraph;
using QuikGraph.Algorithms.ShortestPath;

namespace Explorer.Benchmarks.Scale;

/// <summary>
/// <c>mode=k</c> as it was before issue 9 item 7, kept as the benchmark's "before" column: QuikGraph's Yen
/// algorithm over the candidate subgraph (nodes whose hop distance from the source plus to the target is within
/// the bound, each side's sweep capped at <see cref="PathSearch.CandidateBudget"/> nodes), asking for 4k paths
/// and keeping the k cheapest within the hop bound.
/// </summary>
internal static class YenBaseline
{
    public static List<(OrdinalPath Path, double Cost)> KShortest(CsrGraph graph, int source, int target, int k, int maxHops, TraversalFilter filter, Func<int, double> edgeCost)
    {
        if (source == target)
        {
            return [(new OrdinalPath([source], []), 0)];
        }

        if (ShortestPath.Find(graph, source, target, maxHops, filter) is null)
        {
            return [];
        }

        var fromSource = PathSearch.Distances(graph, source, maxHops, filter, forward: true, source, target, out _, PathSearch.CandidateBudget);
        var toTarget = PathSearch.Distances(graph, target, maxHops, filter, forward: false, source, target, out _, PathSearch.CandidateBudget);
        var candidates = fromSource.Where(p => toTarget.TryGetValue(p.Key, out var dt) && p.Value + dt <= maxHops).Select(p => p.Key).ToHashSet();

        var best = new Dictionary<(int From, int To), (int Edge, double Cost)>();
        foreach (var u in candidates)
        {
            foreach (var (v, edge) in PathSearch.Steps(graph, u, filter, forward: true, source, target))
            {
                if (!candidates.Contains(v) || v == source || u == target)
                {
                    continue;
                }

                var cost = edgeCost(edge);
                if (!best.TryGetValue((u, v), out var current) || cost < current.Cost || (cost == current.Cost && edge < current.Edge))
                {
                    best[(u, v)] = (edge, cost);
                }
            }
        }

        var quik = new AdjacencyGraph<int, EquatableTaggedEdge<int, double>>(allowParallelEdges: false);
        quik.AddVertexRange(candidates.Order());
        foreach (var pair in best.OrderBy(p => p.Key.From).ThenBy(p => p.Key.To))
        {
            quik.AddEdge(new EquatableTaggedEdge<int, double>(pair.Key.From, pair.Key.To, pair.Value.Cost));
        }

        var yen = new YenShortestPathsAlgorithm<int>(quik, source, target, Math.Min(k * 4, 64), e => e.Tag);
        List<YenShortestPathsAlgorithm<int>.SortedPath> found;
        try
        {
            found = [.. yen.Execute()];
        }
        catch (NoPathFoundException)
        {
            return [];
        }

        return [.. found
            .Select(p => p.ToArray())
            .Where(steps => steps.Length <= maxHops)
            .Select(steps =>
            {
                var nodes = new int[steps.Length + 1];
                var edges = new int[steps.Length];
                nodes[0] = source;
                double cost = 0;
                for (var i = 0; i < steps.Length; i++)
                {
                    var chosen = best[(steps[i].Source, steps[i].Target)];
                    edges[i] = chosen.Edge;
                    nodes[i + 1] = steps[i].Target;
                    cost += chosen.Cost;
                }

                return (Path: new OrdinalPath(nodes, edges), Cost: cost);
            })
            .OrderBy(p => p.Cost)
            .ThenBy(p => p.Path.Edges.Length)
            .ThenBy(p => p.Path.Nodes, Lexicographic.Instance)
            .Take(k)];
    }

    private sealed class Lexicographic : IComparer<int[]>
    {
        public static readonly Lexicographic Instance = new();

        public int Compare(int[]? x, int[]? y)
        {
            for (var i = 0; i < Math.Min(x!.Length, y!.Length); i++)
            {
                if (x[i] != y[i])
                {
                    return x[i].CompareTo(y[i]);
                }
            }

            return x.Length.CompareTo(y.Length);
        }
    }
}
