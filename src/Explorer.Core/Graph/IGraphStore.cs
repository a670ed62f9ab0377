using Explorer.Seed;

namespace Explorer.Graph;

/// <summary>
/// The one seam between Explorer and where the graph lives: the embedded store (SQLite + in-memory index)
/// and Neo4j. Both pass the same contract suite. Ids are the stable string ids of the dataset.
/// Reads return null for unknown ids; writes return the committed change with its sequence number.
/// </summary>
public interface IGraphStore : IAsyncDisposable
{
    /// <summary>A short name for health reports: "embedded" or "neo4j".</summary>
    string Name { get; }

    /// <summary>The database server's version for health reports (e.g. "5.26.0 community"); null for the embedded store.</summary>
    string? ServerVersion => null;

    /// <summary>Creates or migrates the schema and loads whatever the store needs to answer queries.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Upserts sources, nodes and edges by id. Idempotent; never removes anything.</summary>
    Task<SeedReport> SeedAsync(GraphSeed seed, IProgress<SeedProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>How many nodes and edges the store holds. Cheap: health checks and startup banners call it.</summary>
    Task<GraphCounts> CountAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);

    /// <summary>Nodes whose id, name or alias equals the term after normalization (case, accents, punctuation).</summary>
    Task<IReadOnlyList<Node>> ResolveAsync(string term, CancellationToken cancellationToken = default);

    Task<NodeDetails?> GetNodeAsync(string id, CancellationToken cancellationToken = default);

    Task<Neighborhood?> GetNeighborhoodAsync(NeighborhoodQuery query, CancellationToken cancellationToken = default);

    Task<Edge?> GetEdgeAsync(string id, CancellationToken cancellationToken = default);

    Task<SourceDocument?> GetSourceAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SourceInfo>> ListSourcesAsync(CancellationToken cancellationToken = default);

    /// <summary>Paths between two existing node ids within the query's bounds.</summary>
    Task<PathSet> FindPathsAsync(PathQuery query, CancellationToken cancellationToken = default);

    Task<Change> UpsertNodeAsync(Node node, CancellationToken cancellationToken = default);

    /// <summary>Upserts an edge; both endpoints must exist (<see cref="GraphWriteException"/> otherwise).</summary>
    Task<Change> UpsertEdgeAsync(Edge edge, CancellationToken cancellationToken = default);

    /// <summary>Removes an edge; null when it did not exist.</summary>
    Task<Change?> RemoveEdgeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Removes a node and its edges; null when it did not exist.</summary>
    Task<Change?> RemoveNodeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The sequence number of the newest committed change (0 when there is none).</summary>
    Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default);

    /// <summary>Committed changes with a sequence number greater than <paramref name="after"/>, oldest first.</summary>
    Task<IReadOnlyList<Change>> GetChangesAsync(long after, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A write the store refuses (unknown endpoint, unknown type); nothing is written.</summary>
public sealed class GraphWriteException(string message) : Exception(message);
