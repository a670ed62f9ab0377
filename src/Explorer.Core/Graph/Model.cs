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
    /// <summary>Grows by one with every committed change to the node (its ETag over HTTP); the store sets it.</summary>
    public long Version { get; init; } = 1;

    /// <summary>Same content, field by field (a record's own equality compares lists by reference); the version is the store's.</summary>
    public bool SameAs(Node other) =>
        Id == other.Id && Kind == other.Kind && Name == other.Name && Description == other.Description
        && Aliases.SequenceEqual(other.Aliases) && ValidFrom == other.ValidFrom && ValidTo == other.ValidTo;

    /// <summary>The fields whose value differs from <paramref name="before"/>, in a fixed order (what history records).</summary>
    public List<string> ChangedFrom(Node before)
    {
        var changed = new List<string>();
        Changes.Add(changed, "kind", before.Kind != Kind);
        Changes.Add(changed, "name", before.Name != Name);
        Changes.Add(changed, "aliases", !before.Aliases.SequenceEqual(Aliases));
        Changes.Add(changed, "description", before.Description != Description);
        Changes.Add(changed, "validFrom", before.ValidFrom != ValidFrom);
        Changes.Add(changed, "validTo", before.ValidTo != ValidTo);
        return changed;
    }
}

/// <summary>
/// Where an edge stands in review. Edges an analyst adds start <see cref="Proposed"/>; the dataset's (seeded)
/// edges are <see cref="Confirmed"/>; an analyst may mark any edge <see cref="Disputed"/>.
/// </summary>
public enum EdgeStatus
{
    Proposed,
    Confirmed,
    Disputed,
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

    /// <summary>The review status (seeded and imported edges are confirmed; edges analysts add start proposed).</summary>
    public EdgeStatus Status { get; init; } = EdgeStatus.Confirmed;

    /// <summary>Grows by one with every committed change to the edge (its ETag over HTTP); the store sets it.</summary>
    public long Version { get; init; } = 1;

    /// <summary>
    /// Same content, field by field (a record's own equality compares lists by reference). The review status
    /// and version are left out: they belong to the store's life of the edge, so a re-seed never resets a review.
    /// </summary>
    public bool SameAs(Edge other) =>
        Id == other.Id && Type == other.Type && Source == other.Source && Target == other.Target
        && Evidence.SequenceEqual(other.Evidence) && ValidFrom == other.ValidFrom && ValidTo == other.ValidTo
        && Suspensions.SequenceEqual(other.Suspensions);

    /// <summary>The fields whose value differs from <paramref name="before"/>, in a fixed order (what history records).</summary>
    public List<string> ChangedFrom(Edge before)
    {
        var changed = new List<string>();
        Changes.Add(changed, "type", before.Type != Type);
        Changes.Add(changed, "source", before.Source != Source);
        Changes.Add(changed, "target", before.Target != Target);
        Changes.Add(changed, "evidence", !before.Evidence.SequenceEqual(Evidence));
        Changes.Add(changed, "validFrom", before.ValidFrom != ValidFrom);
        Changes.Add(changed, "validTo", before.ValidTo != ValidTo);
        Changes.Add(changed, "suspensions", !before.Suspensions.SequenceEqual(Suspensions));
        Changes.Add(changed, "status", before.Status != Status);
        return changed;
    }

    /// <summary>This edge without the evidence <paramref name="sourceId"/> gave (a source being deleted by force).</summary>
    public Edge WithoutSource(string sourceId) => this with { Evidence = [.. Evidence.Where(e => e.SourceId != sourceId)] };
}

/// <summary>A period when an edge did not hold: from <see cref="From"/> through <see cref="To"/> (null: not ended).</summary>
public sealed record Suspension(string From, string? To = null);

/// <summary>Metadata of a source document (without its text).</summary>
public sealed record SourceInfo(string Id, string Title, string Kind, string Description)
{
    /// <summary>Where the document can be found outside Explorer (optional).</summary>
    public string? Url { get; init; }

    /// <summary>Grows by one with every committed change to the document (its ETag over HTTP).</summary>
    public long Version { get; init; } = 1;
}

/// <summary>A source document with its full text, so evidence can link into it.</summary>
public sealed record SourceDocument(string Id, string Title, string Kind, string Description, string Text)
{
    /// <summary>Where the document can be found outside Explorer (optional).</summary>
    public string? Url { get; init; }

    /// <summary>Grows by one with every committed change to the document (its ETag over HTTP); the store sets it.</summary>
    public long Version { get; init; } = 1;

    /// <summary>Its metadata, without the text.</summary>
    public SourceInfo Info => new(Id, Title, Kind, Description) { Url = Url, Version = Version };

    /// <summary>Same content, field by field; the version is the store's.</summary>
    public bool SameAs(SourceDocument other) =>
        Id == other.Id && Title == other.Title && Kind == other.Kind && Description == other.Description && Text == other.Text && Url == other.Url;

    /// <summary>The fields whose value differs from <paramref name="before"/>, in a fixed order (what history records).</summary>
    public List<string> ChangedFrom(SourceDocument before)
    {
        var changed = new List<string>();
        Changes.Add(changed, "title", before.Title != Title);
        Changes.Add(changed, "kind", before.Kind != Kind);
        Changes.Add(changed, "description", before.Description != Description);
        Changes.Add(changed, "url", before.Url != Url);
        Changes.Add(changed, "text", before.Text != Text);
        return changed;
    }
}

internal static class Changes
{
    public static void Add(List<string> changed, string field, bool differs)
    {
        if (differs)
        {
            changed.Add(field);
        }
    }
}

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

    /// <summary>A source document was added or changed; the entity id is the source's id.</summary>
    SourceUpserted,

    /// <summary>A source document was deleted.</summary>
    SourceRemoved,

    /// <summary>
    /// An analyst dismissed one of a source document's suggested relations; the entity id is the source's id. (An
    /// acceptance is an <see cref="EdgeUpserted"/> of the edge it created, whose evidence cites the source.)
    /// </summary>
    SuggestionDismissed,
}
