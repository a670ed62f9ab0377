using Explorer.Graph;

namespace Explorer.Query;

/// <summary>A node reference resolved from what a user typed.</summary>
public sealed record NodeRef(string Id, NodeKind Kind, string Name);

/// <summary>Paths between two resolved nodes, found in <see cref="Mode"/> (the mode the engine ran, not the text asked for).</summary>
public sealed record PathAnswer(NodeRef From, NodeRef To, PathMode Mode, PathSet Result)
{
    /// <summary>The mode as the API and the CLI spell it: ranked, shortest, all or k.</summary>
    public string ModeName => Mode.ToString().ToLowerInvariant();
}

/// <summary>
/// What <see cref="GraphQueries.AnswerAsync"/> understood a phrase to be, with its result: exactly one of
/// <see cref="Paths"/>, <see cref="Neighbors"/> or <see cref="Search"/>. <see cref="Interpretation"/> says it in words.
/// </summary>
public abstract record QueryAnswer
{
    private QueryAnswer(string interpretation) => Interpretation = interpretation;

    public string Interpretation { get; }

    /// <summary>The date the answer holds as of (the <c>asOf</c> parameter or the phrase's own date), or null for all time.</summary>
    public string? AsOf { get; init; }

    /// <summary>A path question ("NATO to Balkans", "how is X related to Y").</summary>
    public sealed record Paths(string Interpretation, PathAnswer Answer) : QueryAnswer(Interpretation);

    /// <summary>A neighborhood question ("neighbors of X").</summary>
    public sealed record Neighbors(string Interpretation, Neighborhood Neighborhood) : QueryAnswer(Interpretation);

    /// <summary>Anything else: a search.</summary>
    public sealed record Search(string Interpretation, SearchResults Hits) : QueryAnswer(Interpretation);
}

/// <summary>The dates the graph spans, for a time slider: whether the store answers as-of queries, and the earliest and latest date any record carries (null when none is dated).</summary>
public sealed record Timeline(bool AsOf, string? Earliest, string? Latest);
