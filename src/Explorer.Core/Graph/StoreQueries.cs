namespace Explorer.Graph;

// The questions an IGraphStore answers and the shapes of its answers, over node ids already resolved.
// What users type (names, aliases, phrases, unchecked bounds) is the query engine's: see Query/GraphQueries.

public enum MatchKind
{
    Exact,
    Prefix,
    Token,
    Fuzzy,
}

/// <summary>A name search; with <see cref="AsOf"/> only nodes that existed at some time in that period (see <see cref="AsOfPeriod"/>).</summary>
public sealed record SearchQuery(string Text, IReadOnlySet<NodeKind>? Kinds = null, int Limit = 10, PartialDate? AsOf = null);

public sealed record SearchHit(string Id, NodeKind Kind, string Name, IReadOnlyList<string> Aliases, double Score, MatchKind Match);

/// <summary>
/// Search hits, best first, and whether the candidates they were ranked from were cut before ranking
/// (<see cref="Truncated"/>: Neo4j's full-text index returns at most a few thousand candidates per kind of match,
/// by its own score; with more, a better match by our ranking may be missing). Reads as the list of hits.
/// </summary>
public sealed record SearchResults(IReadOnlyList<SearchHit> Hits, bool Truncated) : IReadOnlyList<SearchHit>
{
    public static readonly SearchResults Empty = new([], false);

    public SearchHit this[int index] => Hits[index];

    public int Count => Hits.Count;

    public IEnumerator<SearchHit> GetEnumerator() => Hits.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

public sealed record NeighborhoodQuery(
    string NodeId,
    int Depth = 1,
    IReadOnlySet<NodeKind>? Kinds = null,
    IReadOnlySet<string>? Types = null,
    int Limit = 200,
    int Offset = 0,
    PartialDate? AsOf = null,
    IReadOnlySet<EdgeStatus>? Statuses = null);

/// <summary>
/// Nodes and edges around a center. <see cref="Truncated"/> says the cap cut the result;
/// <see cref="CountsByType"/> counts every edge incident to the center by type (as of the query's date: the edges that held then;
/// of the query's review statuses when it names some), so a client can filter or page.
/// </summary>
public sealed record Neighborhood(
    Node Center,
    IReadOnlyList<Node> Nodes,
    IReadOnlyList<Edge> Edges,
    bool Truncated,
    IReadOnlyDictionary<string, int> CountsByType);

public enum PathMode
{
    /// <summary>One shortest path (fewest hops), deterministic.</summary>
    Shortest,

    /// <summary>All shortest paths, capped.</summary>
    All,

    /// <summary>Up to k shortest simple paths ranked by cost (thematic hops cost more).</summary>
    K,

    /// <summary>
    /// A few paths ranked by how well they explain the connection (Ranking.ExplanationScore: the meaning of
    /// each hop, its evidence, hub penalties), chosen so that they do not repeat one another. Each says why.
    /// </summary>
    Ranked,
}

public enum Direction
{
    Any,
    Out,
    In,
}

/// <summary>A path query over node ids (already resolved from names).</summary>
public sealed record PathQuery(
    string From,
    string To,
    PathMode Mode = PathMode.Shortest,
    int K = 3,
    int MaxHops = 6,
    IReadOnlySet<string>? Types = null,
    IReadOnlySet<NodeKind>? Kinds = null,
    Direction Direction = Direction.Any,
    IReadOnlySet<string>? Avoid = null,
    PartialDate? AsOf = null,
    IReadOnlySet<EdgeStatus>? Statuses = null)
{
    public const int MaxK = 10;
    public const int MaxMaxHops = 10;
    public const int MaxAllPaths = 50;

    /// <summary>How many shortest paths <c>mode=all</c> looks at to pick the first <see cref="MaxAllPaths"/> in id order.</summary>
    public const int AllPathsScan = 5000;
}

/// <summary>
/// One path. <see cref="Cost"/> is the sum of the hop costs (<see cref="Vocabulary.Cost"/>), or in ranked mode
/// the explanation cost; <see cref="Why"/> (ranked mode) says in one line why the path ranks where it does.
/// </summary>
public sealed record GraphPath(IReadOnlyList<string> Nodes, IReadOnlyList<string> Edges, int Length, double Cost, string? Why = null);

/// <summary>
/// Paths plus every node and edge (with evidence) they touch. <see cref="Reason"/> explains an empty result;
/// <see cref="Truncated"/> says there were more paths than the answer holds (<c>mode=all</c> beyond
/// <see cref="PathQuery.MaxAllPaths"/>).
/// </summary>
public sealed record PathSet(IReadOnlyList<GraphPath> Paths, IReadOnlyList<Node> Nodes, IReadOnlyList<Edge> Edges, string? Reason, bool Truncated = false);
