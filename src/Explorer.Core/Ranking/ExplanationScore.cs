using Explorer.Graph;

namespace Explorer.Ranking;

/// <summary>What a hop says about how two things connect, from most to least telling (the vocabulary's <see cref="EdgeClass"/>).</summary>
public enum HopMeaning
{
    /// <summary>An actor's own deed: it conducted or authorized a mission, a mission deployed somewhere, it gave aid, it partnered.</summary>
    Action,

    /// <summary>Where something belongs or what it became: membership, location, an operation within a mission, a succession.</summary>
    Structural,

    /// <summary>A link to or between themes (exemplifies, addresses, supports...).</summary>
    Thematic,
}

/// <summary>How a hop's evidence stands: quoted from an analysed source document, or a reference line only.</summary>
public enum EvidenceStrength
{
    /// <summary>At least one quote comes from a source document (a source whose kind is not <c>reference</c>, e.g. the essay).</summary>
    Document,

    /// <summary>Only public-record reference lines state it.</summary>
    Reference,

    /// <summary>No evidence at all (an edge added without a quote).</summary>
    None,
}

/// <summary>
/// The explanation score of a path: a cost, so lower explains better. For a path with hops h and
/// intermediate nodes v (the two ends are never charged):
/// <code>cost = Σ_h Meaning(h) × Evidence(h) × Review(h) + Σ_v Hub(degree(v))</code>
/// Every factor is at least 1, so the cost of a hop by its type alone (<see cref="HopCost(string)"/>, what the
/// search phase uses) is a lower bound of its full cost: the ranking can tell when no path it has not seen could
/// still beat the ones it picked (see <see cref="PathRanking.IsSettled"/>).
/// <list type="bullet">
/// <item>Meaning (the type's <see cref="EdgeClass"/>): action 1, structural 2, thematic 2.5: an actor's own deed outranks a membership.</item>
/// <item>Evidence: quoted in a source document 1, public-record reference lines only 1.5, no evidence 2.</item>
/// <item>Review (the edge's <see cref="EdgeStatus"/>): confirmed 1, proposed 1.25 (an analyst's claim no one has
/// reviewed yet), disputed 3 (more than any confirmed hop with the same evidence costs).</item>
/// <item>Hub: 0 up to degree 8, then log2(degree / 8): a node with 16 links costs 1, with 64 links 3, so a
/// chain through a hub that touches everything must be much better to win.</item>
/// </list>
/// Among the cheapest candidates, the top paths are then chosen greedily for diversity: each intermediate
/// node a candidate shares with a path already chosen adds <see cref="RepeatCost"/>, and so does each hop that
/// restates a path above (same type, and a quote a hop of that type above already cites); a candidate whose
/// intermediate nodes are all already shown is dropped.
/// </summary>
public static class ExplanationScore
{
    public const double ActionCost = 1.0;
    public const double StructuralCost = 2.0;
    public const double ThematicCost = 2.5;

    public const double DocumentFactor = 1.0;
    public const double ReferenceFactor = 1.5;
    public const double NoEvidenceFactor = 2.0;

    public const double ConfirmedFactor = 1.0;
    public const double ProposedFactor = 1.25;
    public const double DisputedFactor = 3.0;

    /// <summary>Degree up to which a node passes for free.</summary>
    public const int HubFreeDegree = 8;

    /// <summary>Cost per doubling of the degree above <see cref="HubFreeDegree"/>.</summary>
    public const double HubWeight = 1.0;

    /// <summary>Added for each intermediate node a candidate shares with a path ranked above it, and for each hop that restates one above.</summary>
    public const double RepeatCost = 1.5;

    /// <summary>The source kind of public-record reference documents; every other kind counts as a source document.</summary>
    public const string ReferenceKind = "reference";

    /// <summary>The meaning of an edge type: its class in the vocabulary.</summary>
    public static HopMeaning Meaning(string type) => Vocabulary.ClassOf(type) switch
    {
        EdgeClass.Action => HopMeaning.Action,
        EdgeClass.Thematic => HopMeaning.Thematic,
        _ => HopMeaning.Structural,
    };

    public static double MeaningCost(HopMeaning meaning) => meaning switch
    {
        HopMeaning.Action => ActionCost,
        HopMeaning.Structural => StructuralCost,
        _ => ThematicCost,
    };

    /// <summary>The cost of a hop along this type before its evidence is known (evidence as a source document, confirmed): a lower bound of <see cref="HopCost(Edge, IReadOnlyDictionary{string, string})"/>.</summary>
    public static double HopCost(string type) => MeaningCost(Meaning(type));

    public static double EvidenceFactor(EvidenceStrength strength) => strength switch
    {
        EvidenceStrength.Document => DocumentFactor,
        EvidenceStrength.Reference => ReferenceFactor,
        _ => NoEvidenceFactor,
    };

    public static double ReviewFactor(EdgeStatus status) => status switch
    {
        EdgeStatus.Confirmed => ConfirmedFactor,
        EdgeStatus.Proposed => ProposedFactor,
        _ => DisputedFactor,
    };

    public static double HubCost(int degree) => degree <= HubFreeDegree ? 0 : HubWeight * Math.Log2((double)degree / HubFreeDegree);

    /// <summary>How strong an edge's evidence is, given each source's kind (unknown sources count as documents).</summary>
    public static EvidenceStrength Strength(Edge edge, IReadOnlyDictionary<string, string> sourceKinds)
    {
        if (edge.Evidence.Count == 0)
        {
            return EvidenceStrength.None;
        }

        return edge.Evidence.Any(e => !sourceKinds.TryGetValue(e.SourceId, out var kind) || !string.Equals(kind, ReferenceKind, StringComparison.OrdinalIgnoreCase))
            ? EvidenceStrength.Document
            : EvidenceStrength.Reference;
    }

    /// <summary>The full cost of one hop: its meaning, the strength of its evidence and its review status.</summary>
    public static double HopCost(Edge edge, IReadOnlyDictionary<string, string> sourceKinds) =>
        HopCost(edge.Type) * EvidenceFactor(Strength(edge, sourceKinds)) * ReviewFactor(edge.Status);
}
