using System.Collections.Frozen;

namespace Explorer.Graph;

/// <summary>
/// The fixed edge-type vocabulary: for each type its class, the node kinds allowed at each end and its
/// meaning. <see cref="EdgeClass.Action"/> types are what an actor did (conducted, deployed, gave aid);
/// <see cref="EdgeClass.Structural"/> types are standing facts (membership, location, succession);
/// <see cref="EdgeClass.Thematic"/> types tie actors and themes to themes. Ranked path search charges
/// thematic hops more, so "how is X related to Y" ranks real-world chains first. Stores use only these
/// names as relationship types (never user input), which keeps Cypher free of concatenated identifiers.
/// </summary>
public static class Vocabulary
{
    public const double ConcreteCost = 1.0;
    public const double ThematicCost = 3.0;

    private const NodeKind Nation = NodeKind.Nation;
    private const NodeKind Organization = NodeKind.Organization;
    private const NodeKind Mission = NodeKind.Mission;
    private const NodeKind Region = NodeKind.Region;
    private const NodeKind Theme = NodeKind.Theme;

    private static readonly NodeKind[] s_actors = [Nation, Organization, Mission];

    public static readonly FrozenDictionary<string, EdgeTypeInfo> EdgeTypes = new EdgeTypeInfo[]
    {
        new("CONDUCTED", EdgeClass.Action, [Organization, Nation], [Mission], "The actor ran or led the mission."),
        new("AUTHORIZED", EdgeClass.Action, [Organization], [Mission], "The organization mandated or authorized the mission."),
        new("DEPLOYED_TO", EdgeClass.Action, [Mission], [Region, Nation], "The mission operated in the region or nation."),
        new("PROVIDED_AID_TO", EdgeClass.Action, s_actors, [Nation, Region], "The actor gave aid or support to the nation or region."),
        new("PARTNERED_WITH", EdgeClass.Action, s_actors, s_actors, "The two actors cooperated or strengthened their ties."),
        new("MEMBER_OF", EdgeClass.Structural, [Nation], [Organization], "The nation is a member state of the organization."),
        new("LOCATED_IN", EdgeClass.Structural, [Nation, Region], [Region, Nation], "Geographic containment: the nation or region lies within the region, or the region within the nation."),
        new("PART_OF", EdgeClass.Structural, [Mission], [Mission], "The mission was an operation within a larger one."),
        new("SUCCEEDED_BY", EdgeClass.Structural, [Mission, Organization], [Mission, Organization], "The source was replaced by the target."),
        new("EXEMPLIFIES", EdgeClass.Thematic, s_actors, [Theme], "The actor or mission is an example of the theme."),
        new("FOCUSES_ON", EdgeClass.Thematic, [Organization], [Theme], "The theme is a stated focus of the organization."),
        new("ADDRESSES", EdgeClass.Thematic, [.. s_actors, Theme], [Theme], "Works against or tackles the theme."),
        new("SUPPORTS", EdgeClass.Thematic, [.. s_actors, Theme], [Theme], "Promotes, strengthens, enhances or facilitates the theme."),
        new("CONSTRAINS", EdgeClass.Thematic, [Theme], [Theme], "Limits, hinders or undermines the theme."),
        new("LEADS_TO", EdgeClass.Thematic, [Theme], [Theme], "Brings about or results in the theme."),
        new("TRANSFORMS", EdgeClass.Thematic, [Theme], [Theme], "Changes the nature of the theme."),
        new("COMPLEMENTS", EdgeClass.Thematic, [Theme], [Theme], "Completes or goes alongside the theme."),
        new("ASPECT_OF", EdgeClass.Thematic, [Theme], [Theme], "The theme is a component, tool or area of the broader theme."),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static bool IsEdgeType(string type) => EdgeTypes.ContainsKey(type);

    /// <summary>Cost of one hop along an edge of this type in ranked (k shortest) path search.</summary>
    public static double Cost(string type) =>
        EdgeTypes.TryGetValue(type, out var info) && info.Thematic ? ThematicCost : ConcreteCost;

    /// <summary>The class of a type (<see cref="EdgeClass.Structural"/> for an unknown one).</summary>
    public static EdgeClass ClassOf(string type) =>
        EdgeTypes.TryGetValue(type, out var info) ? info.Class : EdgeClass.Structural;

    public static bool TryParseKind(string value, out NodeKind kind) =>
        Enum.TryParse(value, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(value, out _);

    public static string TypeNames => string.Join(", ", EdgeTypes.Keys.Order(StringComparer.Ordinal));
}

/// <summary>What kind of statement an edge type makes.</summary>
public enum EdgeClass
{
    /// <summary>Something an actor did: conducted, authorized, deployed, provided aid, partnered.</summary>
    Action,

    /// <summary>A standing fact: membership, location, succession, an operation within a mission.</summary>
    Structural,

    /// <summary>A link to or between themes (concepts the essay discusses).</summary>
    Thematic,
}

public sealed record EdgeTypeInfo(string Name, EdgeClass Class, IReadOnlyList<NodeKind> SourceKinds, IReadOnlyList<NodeKind> TargetKinds, string Meaning)
{
    public bool Thematic => Class == EdgeClass.Thematic;

    /// <summary>Null when an edge of this type may join these kinds, else the end at fault ("source" or "target") and why.</summary>
    public (string Field, string Message)? CheckEnds(NodeKind source, NodeKind target) =>
        !SourceKinds.Contains(source) ? ("source", $"{Name} cannot start at a {source} (allowed: {string.Join(", ", SourceKinds)})")
        : !TargetKinds.Contains(target) ? ("target", $"{Name} cannot end at a {target} (allowed: {string.Join(", ", TargetKinds)})")
        : source == NodeKind.Nation && target == NodeKind.Nation && Name == "LOCATED_IN" ? ("target", "LOCATED_IN cannot join two nations")
        : null;
}
