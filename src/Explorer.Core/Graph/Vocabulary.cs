using System.Collections.Frozen;

namespace Explorer.Graph;

/// <summary>
/// The fixed edge-type vocabulary. Concrete types are real-world links (membership, deployments, aid);
/// thematic types tie actors and missions to themes. Ranked path search charges thematic hops more, so
/// "how is X related to Y" ranks real-world chains first. Stores use only these names as relationship
/// types (never user input), which keeps Cypher free of concatenated identifiers.
/// </summary>
public static class Vocabulary
{
    public const double ConcreteCost = 1.0;
    public const double ThematicCost = 3.0;

    public static readonly FrozenDictionary<string, EdgeTypeInfo> EdgeTypes = new EdgeTypeInfo[]
    {
        new("MEMBER_OF", Thematic: false, "Nation is a member of an organization."),
        new("CONDUCTED", Thematic: false, "Organization or nation conducted a mission or operation."),
        new("DEPLOYED_TO", Thematic: false, "Mission operated in a region or nation."),
        new("LOCATED_IN", Thematic: false, "Nation or region lies within a region."),
        new("PROVIDED_AID_TO", Thematic: false, "Actor provided aid or support to a nation."),
        new("PARTNERED_WITH", Thematic: false, "Two actors cooperate or strengthened ties."),
        new("SUCCEEDED_BY", Thematic: false, "Mission or organization was succeeded by another."),
        new("EXEMPLIFIES", Thematic: true, "Actor or mission is an example of a theme."),
        new("ADDRESSES", Thematic: true, "Actor, mission or theme tackles a theme."),
        new("FOCUSES_ON", Thematic: true, "Organization focuses on a theme."),
        new("CONSTRAINS", Thematic: true, "Theme limits or hinders another theme."),
        new("SUPPORTS", Thematic: true, "Actor or theme promotes or strengthens a theme."),
        new("PART_OF", Thematic: true, "Theme is a component or tool of another theme."),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static bool IsEdgeType(string type) => EdgeTypes.ContainsKey(type);

    /// <summary>Cost of one hop along an edge of this type in ranked (k shortest) path search.</summary>
    public static double Cost(string type) =>
        EdgeTypes.TryGetValue(type, out var info) && info.Thematic ? ThematicCost : ConcreteCost;

    public static bool TryParseKind(string value, out NodeKind kind) =>
        Enum.TryParse(value, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(value, out _);
}

public sealed record EdgeTypeInfo(string Name, bool Thematic, string Meaning);
