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

/// <summary>
/// A node: a nation, organization, mission, region or theme. <see cref="ValidFrom"/> and <see cref="ValidTo"/>
/// date what existed only for a time (a mission, an organization that ended), as <see cref="PartialDate"/>
/// text; null where the record gives no date. See <see cref="Validity"/> for what the dates mean.
/// </summary>
public sealed record Node(string Id, NodeKind Kind, string Name, IReadOnlyList<string> Aliases, string Description, string? ValidFrom = null, string? ValidTo = null)
{
    /// <summary>Same content, field by field (a record's own equality compares lists by reference).</summary>
    public bool SameAs(Node other) =>
        Id == other.Id && Kind == other.Kind && Name == other.Name && Description == other.Description
        && Aliases.SequenceEqual(other.Aliases) && ValidFrom == other.ValidFrom && ValidTo == other.ValidTo;
}

/// <summary>One piece of evidence: a verbatim quote from a source document.</summary>
public sealed record Evidence(string SourceId, string Quote);

/// <summary>
/// A typed, directed relationship with the evidence that states it. <see cref="ValidFrom"/> and
/// <see cref="ValidTo"/> date it where the record does (a membership from its accession, a deployment from
/// its start to its end); <see cref="Suspensions"/> are periods inside that span when it did not hold (a
/// member state suspended from an organization). See <see cref="Validity"/> for what the dates mean.
/// </summary>
public sealed record Edge(
    string Id,
    string Type,
    string Source,
    string Target,
    IReadOnlyList<Evidence> Evidence,
    string? ValidFrom = null,
    string? ValidTo = null,
    IReadOnlyList<Suspension>? Suspensions = null)
{
    /// <summary>Suspension periods, in order; empty when there are none.</summary>
    public IReadOnlyList<Suspension> Suspensions { get; init; } = Suspensions ?? [];

    /// <summary>Same content, field by field (a record's own equality compares lists by reference).</summary>
    public bool SameAs(Edge other) =>
        Id == other.Id && Type == other.Type && Source == other.Source && Target == other.Target
        && Evidence.SequenceEqual(other.Evidence) && ValidFrom == other.ValidFrom && ValidTo == other.ValidTo
        && Suspensions.SequenceEqual(other.Suspensions);
}

/// <summary>A period when an edge did not hold: from <see cref="From"/> through <see cref="To"/> (null: not ended).</summary>
public sealed record Suspension(string From, string? To = null);

/// <summary>Metadata of a source document (without its text).</summary>
public sealed record SourceInfo(string Id, string Title, string Kind, string Description);

/// <summary>A source document with its full text, so evidence can link into it.</summary>
public sealed record SourceDocument(string Id, string Title, string Kind, string Description, string Text);

/// <summary>A node with its degree and the number of incident edges by type.</summary>
public sealed record NodeDetails(Node Node, int Degree, IReadOnlyDictionary<string, int> CountsByType);

/// <summary>The size of a graph.</summary>
public sealed record GraphCounts(int Nodes, int Edges);

/// <summary>The earliest and the latest date the records carry (each as written: YYYY, YYYY-MM or YYYY-MM-DD).</summary>
public sealed record DateRange(string Earliest, string Latest)
{
    /// <summary>The range of these dates (nulls and malformed ones ignored), or null when there is none.</summary>
    public static DateRange? Of(IEnumerable<string?> dates)
    {
        PartialDate? earliest = null, latest = null;
        foreach (var text in dates)
        {
            if (!PartialDate.TryParse(text, out var date))
            {
                continue;
            }

            if (earliest is not { } e || date.First < e.First)
            {
                earliest = date;
            }

            if (latest is not { } l || date.Last > l.Last)
            {
                latest = date;
            }
        }

        return earliest is { } first && latest is { } last ? new DateRange(first.ToString(), last.ToString()) : null;
    }
}

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
