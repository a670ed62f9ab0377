namespace Explorer.Query;

// What callers ask the engine, as they typed it: every field optional and unchecked. HTTP endpoints bind these
// records with [AsParameters] (a property per query parameter; a property called Id binds the route's {id})
// and CLI verbs fill them from options. GraphQueries checks bounds, parses lists and resolves names, and
// answers with a problem naming the field when something is wrong. A new parameter is one property here plus
// its check in GraphQueries; nothing between the caller and the engine changes.

/// <summary>Nodes whose id, name or alias match <see cref="Q"/>, best first.</summary>
public sealed record SearchRequest
{
    /// <summary>What to look for: a name, alias or id (case, accents and punctuation ignored, typos tolerated).</summary>
    public string? Q { get; init; }

    /// <summary>Comma-separated node kinds to keep.</summary>
    public string? Kinds { get; init; }

    /// <summary>At most this many hits (1..<see cref="GraphQueries.MaxSearchLimit"/>).</summary>
    public int? Limit { get; init; }

    /// <summary>Only what held at some time in this period: YYYY, YYYY-MM or YYYY-MM-DD (see <see cref="Graph.AsOfPeriod"/>).</summary>
    public string? AsOf { get; init; }
}

/// <summary>One node, named by an id, a name or an alias.</summary>
public sealed record NodeRequest
{
    public string? Id { get; init; }

    /// <summary>Count only the edges that held at some time in this period: YYYY, YYYY-MM or YYYY-MM-DD (see <see cref="Graph.AsOfPeriod"/>).</summary>
    public string? AsOf { get; init; }

    /// <summary>Count only the edges of these comma-separated review statuses: confirmed, proposed, disputed (default: all).</summary>
    public string? Status { get; init; }
}

/// <summary>The nodes and edges around a node.</summary>
public sealed record NeighborhoodRequest
{
    /// <summary>The center: an id, a name or an alias.</summary>
    public string? Id { get; init; }

    /// <summary>How many hops out (1..<see cref="GraphQueries.MaxDepth"/>).</summary>
    public int? Depth { get; init; }

    /// <summary>Comma-separated node kinds to keep.</summary>
    public string? Kinds { get; init; }

    /// <summary>Comma-separated edge types to follow.</summary>
    public string? Types { get; init; }

    /// <summary>At most this many nodes besides the center.</summary>
    public int? Limit { get; init; }

    /// <summary>Skip this many nodes (paging).</summary>
    public int? Offset { get; init; }

    /// <summary>Only what held at some time in this period: YYYY, YYYY-MM or YYYY-MM-DD (see <see cref="Graph.AsOfPeriod"/>).</summary>
    public string? AsOf { get; init; }

    /// <summary>Comma-separated review statuses of the edges to follow: confirmed, proposed, disputed (default: all).</summary>
    public string? Status { get; init; }
}

/// <summary>How two nodes connect.</summary>
public sealed record PathRequest
{
    /// <summary>Where the paths start: an id, a name or an alias.</summary>
    public string? From { get; init; }

    /// <summary>Where the paths end: an id, a name or an alias.</summary>
    public string? To { get; init; }

    /// <summary>ranked, shortest, all or k (see <see cref="Graph.PathMode"/>).</summary>
    public string? Mode { get; init; }

    /// <summary>How many paths in ranked and k mode.</summary>
    public int? K { get; init; }

    public int? MaxHops { get; init; }

    /// <summary>Comma-separated edge types to follow.</summary>
    public string? Types { get; init; }

    /// <summary>Comma-separated kinds of the nodes a path may pass through.</summary>
    public string? Kinds { get; init; }

    /// <summary>any, out or in.</summary>
    public string? Direction { get; init; }

    /// <summary>Comma-separated nodes (ids, names or aliases) the paths must not pass through.</summary>
    public string? Avoid { get; init; }

    /// <summary>Only what held at some time in this period: YYYY, YYYY-MM or YYYY-MM-DD (see <see cref="Graph.AsOfPeriod"/>).</summary>
    public string? AsOf { get; init; }

    /// <summary>Comma-separated review statuses of the edges to follow: confirmed, proposed, disputed (default: all).</summary>
    public string? Status { get; init; }
}
