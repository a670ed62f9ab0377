using System.Globalization;
using Explorer.Graph;

namespace Explorer.Ranking;

/// <summary>
/// A path found by the search phase, over ids: nodes[0] is the start, edges[i] joins nodes[i] and nodes[i+1].
/// <paramref name="Parallels"/>, where given, lists for each hop every edge that joins the same two nodes under
/// the query's filters (the search's pick among them): the search weighs a hop by its type only, so the ranking
/// takes the one whose evidence and review status explain best.
/// </summary>
public sealed record PathCandidate(IReadOnlyList<string> Nodes, IReadOnlyList<string> Edges, IReadOnlyList<IReadOnlyList<string>>? Parallels = null);

/// <summary>What the ranking needs to know about the graph around the candidates.</summary>
/// <param name="Edges">Every candidate's edges, with evidence.</param>
/// <param name="Nodes">Every candidate's nodes (for names in the explanations).</param>
/// <param name="Degrees">The degree of every intermediate node.</param>
/// <param name="SourceKinds">Source id to source kind (<c>essay</c>, <c>reference</c>, ...).</param>
public sealed record RankingContext(
    IReadOnlyDictionary<string, Edge> Edges,
    IReadOnlyDictionary<string, Node> Nodes,
    IReadOnlyDictionary<string, int> Degrees,
    IReadOnlyDictionary<string, string> SourceKinds);

/// <summary>
/// Orders candidate paths by <see cref="ExplanationScore"/> and picks the top k for diversity, each with a
/// one-line reason for its place. Shared by every store, so rankings match whichever store answers.
/// </summary>
public static class PathRanking
{
    /// <summary>How many candidates the search phase should hand over for a ranked answer of k paths.</summary>
    public static int PoolSize(int k) => Math.Max(8 * k, 24);

    /// <summary>The most candidates a ranked search asks the search phase for, widening from <see cref="PoolSize"/> (see <see cref="IsSettled"/>).</summary>
    public static int MaxPoolSize(int k) => 16 * PoolSize(k);

    /// <summary>
    /// Whether a ranking of the search phase's first <paramref name="found"/> paths (of <paramref name="requested"/>)
    /// is final. The search returns paths in order of their cost by type and hubs, a lower bound of their full
    /// cost; every path it did not return costs at least <paramref name="lastSearchCost"/>, so none could beat a
    /// pick whose cost (diversity charges included) is at most that. Also final when the search had no more.
    /// </summary>
    public static bool IsSettled(int found, int requested, double lastSearchCost, double worstPick) =>
        found < requested || worstPick <= lastSearchCost;

    /// <summary>
    /// The top <paramref name="k"/> candidates: cheapest first by <see cref="Cost"/> (ties by fewer hops, then
    /// node and edge ids, so every store gives the same order), each later pick charged
    /// <see cref="ExplanationScore.RepeatCost"/> per intermediate node already shown, and per hop when every hop
    /// of it restates a path above (same type, citing a quote a hop of that type above cites).
    /// </summary>
    public static IReadOnlyList<GraphPath> Rank(IReadOnlyList<PathCandidate> candidates, RankingContext context, int k) =>
        Rank(candidates, context, k, out _);

    /// <inheritdoc cref="Rank(IReadOnlyList{PathCandidate}, RankingContext, int)"/>
    /// <param name="worstPick">The highest cost a pick was charged, diversity included; infinite when fewer than k were picked.</param>
    public static IReadOnlyList<GraphPath> Rank(IReadOnlyList<PathCandidate> candidates, RankingContext context, int k, out double worstPick)
    {
        var scored = candidates
            .Select(c => Resolve(c, context))
            .Where(c => c.Edges.All(context.Edges.ContainsKey))
            .Select(c => (Candidate: c, Cost: Cost(c, context)))
            .OrderBy(s => s.Cost)
            .ThenBy(s => s.Candidate.Edges.Count)
            .ThenBy(s => string.Join('\u001f', s.Candidate.Nodes), StringComparer.Ordinal)
            .ThenBy(s => string.Join('\u001f', s.Candidate.Edges), StringComparer.Ordinal)
            .ToList();

        var chosen = new List<(PathCandidate Candidate, double Cost, string? Repeats, bool Restates)>();
        var shown = new HashSet<string>(StringComparer.Ordinal);
        var statements = new HashSet<(string Type, Evidence Quote)>();
        worstPick = 0;
        while (chosen.Count < k && scored.Count > 0)
        {
            var bestIndex = -1;
            var bestAdjusted = double.MaxValue;
            var bestRestates = false;
            for (var i = 0; i < scored.Count; i++)
            {
                var inner = Inner(scored[i].Candidate);
                var repeated = inner.Count(shown.Contains);
                if (chosen.Count > 0 && inner.Count > 0 && repeated == inner.Count)
                {
                    continue; // every intermediate node is already on a path above: nothing new to show
                }

                var restates = chosen.Count > 0 && scored[i].Candidate.Edges.All(id => Restates(context.Edges[id], statements));
                var adjusted = scored[i].Cost + (ExplanationScore.RepeatCost * (repeated + (restates ? scored[i].Candidate.Edges.Count : 0)));
                if (adjusted < bestAdjusted)
                {
                    (bestIndex, bestAdjusted, bestRestates) = (i, adjusted, restates);
                }
            }

            if (bestIndex < 0)
            {
                break;
            }

            var pick = scored[bestIndex];
            scored.RemoveAt(bestIndex);
            worstPick = Math.Max(worstPick, bestAdjusted);
            var repeats = Inner(pick.Candidate).Where(shown.Contains).ToList();
            chosen.Add((pick.Candidate, pick.Cost, repeats.Count == 0 ? null : string.Join(", ", repeats.Select(id => Name(context, id))), bestRestates));
            foreach (var id in Inner(pick.Candidate))
            {
                shown.Add(id);
            }

            foreach (var edge in pick.Candidate.Edges.Select(id => context.Edges[id]))
            {
                foreach (var quote in edge.Evidence)
                {
                    statements.Add((edge.Type, quote));
                }
            }
        }

        if (chosen.Count < k)
        {
            worstPick = double.PositiveInfinity;
        }

        return [.. chosen.Select((c, i) => new GraphPath(
            c.Candidate.Nodes,
            c.Candidate.Edges,
            c.Candidate.Edges.Count,
            Math.Round(c.Cost, 3),
            Why(c.Candidate, context, c.Repeats, c.Restates)))];
    }

    /// <summary>The hop restates one shown above: a hop of its type above cites one of its quotes.</summary>
    private static bool Restates(Edge edge, HashSet<(string Type, Evidence Quote)> statements) =>
        edge.Evidence.Any(quote => statements.Contains((edge.Type, quote)));

    /// <summary>
    /// The candidate with each hop along the parallel edge that explains best (cheapest by
    /// <see cref="ExplanationScore.HopCost(Edge, IReadOnlyDictionary{string, string})"/>; on a tie the lowest id,
    /// so that stores whose searches pick among parallel edges in different orders give the same answer).
    /// </summary>
    private static PathCandidate Resolve(PathCandidate candidate, RankingContext context)
    {
        if (candidate.Parallels is not { } parallels)
        {
            return candidate;
        }

        var edges = new List<string>(candidate.Edges.Count);
        for (var i = 0; i < candidate.Edges.Count; i++)
        {
            var best = candidate.Edges[i];
            var bestCost = context.Edges.TryGetValue(best, out var picked) ? ExplanationScore.HopCost(picked, context.SourceKinds) : double.MaxValue;
            foreach (var id in i < parallels.Count ? parallels[i] : [])
            {
                if (id == best || !context.Edges.TryGetValue(id, out var edge))
                {
                    continue;
                }

                var cost = ExplanationScore.HopCost(edge, context.SourceKinds);
                if (cost < bestCost || (cost == bestCost && string.CompareOrdinal(id, best) < 0))
                {
                    (best, bestCost) = (id, cost);
                }
            }

            edges.Add(best);
        }

        return new PathCandidate(candidate.Nodes, edges);
    }

    /// <summary>The explanation cost of one path (see <see cref="ExplanationScore"/>).</summary>
    public static double Cost(PathCandidate path, RankingContext context)
    {
        double cost = 0;
        foreach (var id in path.Edges)
        {
            var edge = context.Edges[id];
            cost += ExplanationScore.HopCost(edge, context.SourceKinds);
        }

        foreach (var id in Inner(path))
        {
            cost += ExplanationScore.HubCost(context.Degrees.GetValueOrDefault(id));
        }

        return cost;
    }

    /// <summary>
    /// One line saying what the path is made of and so why it ranks where it does, e.g. "2 actions, all
    /// evidence from the essay". A path that reaches an organization's member and then continues with the
    /// member's own deed says so first: the deed is the member's, not the organization's.
    /// </summary>
    public static string Why(PathCandidate path, RankingContext context, string? repeats = null, bool restates = false)
    {
        var parts = new List<string>();
        var edges = path.Edges.Select(id => context.Edges[id]).ToList();
        if (edges.Count == 0)
        {
            return "the same node";
        }

        parts.AddRange(MemberCaveats(path, edges, context));

        var counts = new List<string>();
        foreach (var group in edges.GroupBy(e => Label(e.Type)).OrderBy(g => ExplanationScore.Meaning(g.First().Type)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            counts.Add(Count(group.Count(), group.Key));
        }

        parts.Add(string.Join(", ", counts));
        parts.Add(EvidenceText(edges, context));

        // Confirmed is what the dataset's edges are; say only where a hop is not.
        foreach (var (status, wording) in new[] { (EdgeStatus.Disputed, "disputed"), (EdgeStatus.Proposed, "proposed, not yet reviewed") })
        {
            var n = edges.Count(e => e.Status == status);
            if (n > 0)
            {
                parts.Add($"{n} {(n == 1 ? "hop" : "hops")} {wording}");
            }
        }

        foreach (var id in Inner(path))
        {
            var degree = context.Degrees.GetValueOrDefault(id);
            if (ExplanationScore.HubCost(degree) >= 1)
            {
                parts.Add($"through hub {Name(context, id)} ({degree} links)");
            }
        }

        if (repeats is not null)
        {
            parts.Add($"also passes {repeats}, shown above");
        }

        if (restates)
        {
            parts.Add("restates the quotes of a path above");
        }

        return string.Join("; ", parts);
    }

    /// <summary>
    /// Where the path goes from an organization to one of its members (against a MEMBER_OF edge) and the member
    /// then acts, the deed is the member's own: say so, so that no one reads it as the organization's.
    /// </summary>
    private static IEnumerable<string> MemberCaveats(PathCandidate path, List<Edge> edges, RankingContext context)
    {
        for (var i = 0; i < edges.Count; i++)
        {
            var edge = edges[i];
            if (edge.Type != "MEMBER_OF")
            {
                continue;
            }

            // Forward along the path: organization nodes[i] -> member nodes[i+1], then the member acts.
            if (edge.Target == path.Nodes[i] && edge.Source == path.Nodes[i + 1]
                && i + 1 < edges.Count && ActsFrom(edges[i + 1], path.Nodes[i + 1]))
            {
                yield return Caveat(context, organization: path.Nodes[i], member: path.Nodes[i + 1], onlyLink: i == 0);
            }

            // Backward: the member acts, then the path climbs to the organization it belongs to.
            else if (edge.Source == path.Nodes[i] && edge.Target == path.Nodes[i + 1]
                && i > 0 && ActsFrom(edges[i - 1], path.Nodes[i]))
            {
                yield return Caveat(context, organization: path.Nodes[i + 1], member: path.Nodes[i], onlyLink: i == edges.Count - 1);
            }
        }
    }

    private static string Caveat(RankingContext context, string organization, string member, bool onlyLink)
    {
        var org = Name(context, organization);
        var who = Name(context, member);
        return onlyLink
            ? $"only through a member: {who} acted, as a member of {org}, not {org} itself"
            : $"through {who}, a member of {org}, acting on its own";
    }

    /// <summary>The edge is a deed whose actor is <paramref name="actor"/>.</summary>
    private static bool ActsFrom(Edge edge, string actor) =>
        ExplanationScore.Meaning(edge.Type) == HopMeaning.Action && edge.Source == actor;

    private static string EvidenceText(List<Edge> edges, RankingContext context)
    {
        var strengths = edges.Select(e => ExplanationScore.Strength(e, context.SourceKinds)).ToList();
        var documents = strengths.Count(s => s == EvidenceStrength.Document);
        var references = strengths.Count(s => s == EvidenceStrength.Reference);
        var none = strengths.Count(s => s == EvidenceStrength.None);
        var document = DocumentName(edges, context);
        if (documents == edges.Count)
        {
            return $"evidence from {document}";
        }

        if (references == edges.Count)
        {
            return "evidence from the public record only";
        }

        var pieces = new List<string>();
        if (documents > 0)
        {
            pieces.Add($"{documents} quoted from {document}");
        }

        if (references > 0)
        {
            pieces.Add($"{references} from the public record only");
        }

        if (none > 0)
        {
            pieces.Add($"{none} without evidence");
        }

        return string.Join(", ", pieces);
    }

    /// <summary>"the essay" when every document quote comes from essay-kind sources, else "source documents".</summary>
    private static string DocumentName(List<Edge> edges, RankingContext context)
    {
        var kinds = edges.SelectMany(e => e.Evidence)
            .Select(e => context.SourceKinds.GetValueOrDefault(e.SourceId, "document"))
            .Where(kind => !string.Equals(kind, ExplanationScore.ReferenceKind, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return kinds.Count == 1 ? $"the {kinds[0].ToLowerInvariant()}" : "source documents";
    }

    /// <summary>What a hop is called in an explanation: actions and relations by their meaning, structural hops by their type.</summary>
    private static string Label(string type) => ExplanationScore.Meaning(type) switch
    {
        HopMeaning.Action => "action",
        HopMeaning.Structural => type switch
        {
            "MEMBER_OF" => "membership",
            "LOCATED_IN" => "location",
            "PART_OF" => "operation within a mission",
            "SUCCEEDED_BY" => "succession",
            _ => "structural link",
        },
        _ => "thematic link",
    };

    private static string Count(int n, string noun) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? noun
            : noun.StartsWith("operation ", StringComparison.Ordinal) ? "operations" + noun["operation".Length..]
            : noun + "s");

    private static string Name(RankingContext context, string id) =>
        context.Nodes.TryGetValue(id, out var node) ? node.Name : id;

    private static List<string> Inner(PathCandidate path) =>
        path.Nodes.Count <= 2 ? [] : [.. path.Nodes.Skip(1).Take(path.Nodes.Count - 2)];
}
