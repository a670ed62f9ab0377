namespace Explorer.Graph;

/// <summary>The kinds of node a graph may hold. Stored and sent as their names.</summary>
public enum NodeKind
{
    Nation,
    Organization,
    Mission,
    Region,
    Theme,
}

/// <summary>A node: a nation, organization, mission, region or theme.</summary>
public sealed record Node(string Id, NodeKind Kind, string Name, IReadOnlyList<string> Aliases, string Description);

/// <summary>One piece of evidence: a verbatim quote from a source document.</summary>
public sealed record Evidence(string SourceId, string Quote);

/// <summary>A typed, directed relationship with the evidence that states it.</summary>
public sealed record Edge(string Id, string Type, string Source, string Target, IReadOnlyList<Evidence> Evidence);

/// <summary>Metadata of a source document (without its text).</summary>
public sealed record SourceInfo(string Id, string Title, string Kind, string Description);

/// <summary>A source document with its full text, so evidence can link into it.</summary>
public sealed record SourceDocument(string Id, string Title, string Kind, string Description, string Text);

/// <summary>A node with its degree and the number of incident edges by type.</summary>
public sealed record NodeDetails(Node Node, int Degree, IReadOnlyDictionary<string, int> CountsByType);

/// <summary>The size of a graph.</summary>
public sealed record GraphCounts(int Nodes, int Edges);

/// <summary>What one committed write changed; the sequence number orders changes across the store.</summary>
public sealed record Change(long Seq, DateTimeOffset At, ChangeKind Kind, string EntityId);

public enum ChangeKind
{
    NodeUpserted,
    NodeRemoved,
    EdgeUpserted,
    EdgeRemoved,

    /// <summary>Many records changed at once (a seed or import): clients re-fetch their view.</summary>
    GraphReloaded,

    /// <summary>An annotation was created; the entity id is the annotation's id.</summary>
    AnnotationAdded,

    /// <summary>An annotation's content changed (a new version).</summary>
    AnnotationChanged,

    /// <summary>An annotation was (soft) deleted.</summary>
    AnnotationRemoved,
}
