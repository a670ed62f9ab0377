using Explorer.Accounts;
using Explorer.Annotations;
using Explorer.Seed;
using Explorer.Suggestions;

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

    /// <summary>Whether the store answers queries as of a date (<see cref="PathQuery.AsOf"/> and friends).</summary>
    bool SupportsAsOf => false;

    /// <summary>
    /// Where this process's reads stand in the store's history, as an opaque token to pass along with a change
    /// event (Neo4j: its bookmarks); null for a store whose every reader sees every commit at once (embedded).
    /// </summary>
    string? Bookmark => null;

    /// <summary>Makes this process's later reads and writes wait until the store has reached <paramref name="bookmark"/> (read-your-writes across instances).</summary>
    void ObserveBookmark(string bookmark)
    {
    }

    /// <summary>Creates or migrates the schema and loads whatever the store needs to answer queries.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Upserts sources, nodes and edges by id. Idempotent; never removes anything.</summary>
    Task<SeedReport> SeedAsync(GraphSeed seed, IProgress<SeedProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>How many nodes and edges the store holds. Cheap: health checks and startup banners call it.</summary>
    Task<GraphCounts> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>The earliest and latest date any node or edge carries (what a time slider spans); null when nothing is dated, or the store cannot answer as-of queries.</summary>
    Task<DateRange?> GetDateRangeAsync(CancellationToken cancellationToken = default) => Task.FromResult<DateRange?>(null);

    /// <summary>Nodes matching a name, ranked (exact, prefix, tokens, typo-tolerant), and whether the candidates were cut.</summary>
    Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);

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

    /// <summary>
    /// Applies the writes in order as one unit: all of them commit together (each with its own change-log entry,
    /// so readers and other processes apply them incrementally; a bulk batch, <see cref="GraphWrite.IsBulkBatch"/>,
    /// with one entry for all of it), or, when one is refused (<see cref="GraphWriteException"/>), none does. The
    /// result holds each write's change, null for a removal that found nothing. The embedded store commits one
    /// transaction, Neo4j one statement; this default (for a store that has neither) writes one at a time, so a
    /// failure part-way would leave the earlier writes of the batch committed.
    /// </summary>
    async Task<IReadOnlyList<Change?>> ApplyBatchAsync(IReadOnlyList<GraphWrite> writes, CancellationToken cancellationToken = default)
    {
        var changes = new List<Change?>(writes.Count);
        foreach (var write in writes)
        {
            changes.Add(write switch
            {
                GraphWrite.UpsertNode(var node) => await UpsertNodeAsync(node, cancellationToken),
                GraphWrite.UpsertEdge(var edge) => await UpsertEdgeAsync(edge, cancellationToken),
                GraphWrite.RemoveNode(var id) => await RemoveNodeAsync(id, cancellationToken),
                GraphWrite.RemoveEdge(var id) => await RemoveEdgeAsync(id, cancellationToken),
                _ => throw new ArgumentException($"unknown write {write}", nameof(writes)),
            });
        }

        return changes;
    }

    /// <summary>
    /// Called by an import after its last batch (committed or not): a store that put off work during a bulk load
    /// (the embedded store's indexes of edges by endpoint, see EmbeddedGraphStore.Bulk.cs) does it now.
    /// </summary>
    Task FinishBulkAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>The nodes with these ids that exist, by id (bulk checks: an import compares its records with them).</summary>
    async Task<IReadOnlyDictionary<string, Node>> GetNodesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (await GetNodeAsync(id, cancellationToken) is { } details)
            {
                found[id] = details.Node;
            }
        }

        return found;
    }

    /// <summary>
    /// The kinds of the nodes with these ids that exist, by id (an import checks an edge's ends by their kind
    /// alone; a store that keeps kinds apart answers without building each node).
    /// </summary>
    async Task<IReadOnlyDictionary<string, NodeKind>> GetNodeKindsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, NodeKind>(ids.Count, StringComparer.Ordinal);
        foreach (var (id, node) in await GetNodesAsync(ids, cancellationToken))
        {
            found[id] = node.Kind;
        }

        return found;
    }

    /// <summary>The edges with these ids that exist, by id, evidence included.</summary>
    async Task<IReadOnlyDictionary<string, Edge>> GetEdgesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, Edge>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (await GetEdgeAsync(id, cancellationToken) is { } edge)
            {
                found[id] = edge;
            }
        }

        return found;
    }

    /// <summary>
    /// Every node, ordered by id, read a page at a time (an export streams the whole graph: nothing holds it all,
    /// and no read transaction stays open between pages, so a concurrent write shows up or not, never half).
    /// </summary>
    IAsyncEnumerable<Node> ReadAllNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every edge with its evidence and review status, a page at a time (embedded: by id; Neo4j: by type, then id).</summary>
    IAsyncEnumerable<Edge> ReadAllEdgesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings what the store keeps in memory up to date with changes other processes committed (the embedded
    /// store's index after a CLI import); the live channel calls it before publishing. Nothing to do for a
    /// store that keeps nothing in memory.
    /// </summary>
    Task RefreshAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>The sequence number of the newest committed change (0 when there is none).</summary>
    Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default);

    /// <summary>Committed changes with a sequence number greater than <paramref name="after"/>, oldest first.</summary>
    Task<IReadOnlyList<Change>> GetChangesAsync(long after, int limit, CancellationToken cancellationToken = default);

    // ---- Analysts' writes to nodes, edges and sources ----------------------------------------------------
    // Each commits the record, its history entry (who, when, which fields, the state after) and its change-log
    // entry together; a refusal (RecordWrite's NotFound, AlreadyExists, VersionConflict, InUse, MissingNode)
    // writes nothing. Content is validated by the caller (RecordValidator: vocabulary, ends, quotes in their
    // sources); the store checks existence, versions and dependents atomically with the write. Deletion keeps
    // the record's last state in its history (a soft delete: GET .../history still shows it); the id may be
    // created again, and its versions then continue from the history's.

    /// <summary>Creates a node at the version after its history's last (1 for a new id); AlreadyExists when live.</summary>
    Task<RecordWrite> CreateNodeAsync(Node node, string by, CancellationToken cancellationToken = default);

    /// <summary>Replaces a node's content if it is at <paramref name="expectedVersion"/>.</summary>
    Task<RecordWrite> UpdateNodeAsync(Node node, long expectedVersion, string by, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a node at <paramref name="expectedVersion"/>. While edges touch it: InUse, unless
    /// <paramref name="cascade"/>, which deletes them too (each with its own history entry and change).
    /// </summary>
    Task<RecordWrite> DeleteNodeAsync(string id, long expectedVersion, string by, bool cascade, CancellationToken cancellationToken = default);

    /// <summary>Creates an edge (its status as given); MissingNode when an end does not exist, AlreadyExists when the id is live.</summary>
    Task<RecordWrite> CreateEdgeAsync(Edge edge, string by, CancellationToken cancellationToken = default);

    /// <summary>Replaces an edge's content and status if it is at <paramref name="expectedVersion"/>.</summary>
    Task<RecordWrite> UpdateEdgeAsync(Edge edge, long expectedVersion, string by, CancellationToken cancellationToken = default);

    /// <summary>Deletes an edge at <paramref name="expectedVersion"/>.</summary>
    Task<RecordWrite> DeleteEdgeAsync(string id, long expectedVersion, string by, CancellationToken cancellationToken = default);

    /// <summary>Adds a source document; AlreadyExists when the id is taken.</summary>
    Task<RecordWrite> CreateSourceAsync(SourceDocument source, string by, CancellationToken cancellationToken = default);

    /// <summary>Replaces a source's metadata and text if it is at <paramref name="expectedVersion"/>.</summary>
    Task<RecordWrite> UpdateSourceAsync(SourceDocument source, long expectedVersion, string by, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a source at <paramref name="expectedVersion"/>. While edges cite it: InUse, unless
    /// <paramref name="force"/>, which removes those citations (an edge left with no evidence is deleted),
    /// each recorded in the edge's history with a note naming the source.
    /// </summary>
    Task<RecordWrite> DeleteSourceAsync(string id, long expectedVersion, string by, bool force, CancellationToken cancellationToken = default);

    /// <summary>Every recorded version of a node, edge or source, oldest first; null when there is none and no live record.</summary>
    Task<IReadOnlyList<RecordVersion>?> GetHistoryAsync(RecordKind kind, string id, CancellationToken cancellationToken = default);

    /// <summary>The live edges whose evidence quotes the source, by id (at most <paramref name="limit"/>): what a source view lists.</summary>
    Task<IReadOnlyList<Edge>> GetCitingEdgesAsync(string sourceId, int limit, CancellationToken cancellationToken = default);

    // ---- Reviews of suggested relations ------------------------------------------------------------------

    /// <summary>
    /// Records an analyst's verdict on a suggestion of a source, once: AlreadyReviewed (nothing written) when it
    /// has one. An acceptance passes the proposed <paramref name="edge"/> it creates, written in the same
    /// transaction (with its history and change, as <see cref="CreateEdgeAsync"/>), so either both commit or
    /// neither does (EdgeRefused). A dismissal writes no change-log entry: the graph does not change.
    /// </summary>
    Task<ReviewWrite> ReviewSuggestionAsync(string sourceId, string suggestionId, SuggestionVerdict verdict, Edge? edge, string by, CancellationToken cancellationToken = default);

    /// <summary>Every verdict recorded on the source's suggestions, by suggestion id.</summary>
    Task<IReadOnlyList<SuggestionReview>> ListSuggestionReviewsAsync(string sourceId, CancellationToken cancellationToken = default);

    // ---- Annotations ----------------------------------------------------------------------------------
    // Each write commits the annotation, its version row and its change row together (one transaction or
    // equivalent), so an acknowledged write is durable with its history. Annotation writes leave the
    // graph's topology (and any index over it) alone. Content is validated by the caller (AnnotationLimits);
    // the store checks existence and versions.

    /// <summary>
    /// Creates an annotation on an existing edge or node, at version 1, with a version row (Created) and an
    /// AnnotationAdded change. <see cref="AnnotationWrite.NotFound"/> when the target does not exist.
    /// </summary>
    Task<AnnotationWrite> AddAnnotationAsync(NewAnnotation annotation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an annotation's content if its current version is <paramref name="expectedVersion"/>; the
    /// version grows by one, a version row (Updated, by <paramref name="by"/>) and an AnnotationChanged change
    /// are written. NotFound for an unknown or deleted annotation; VersionConflict (with the current state)
    /// when the version differs, and then nothing is written.
    /// </summary>
    Task<AnnotationWrite> UpdateAnnotationAsync(string id, long expectedVersion, AnnotationEdit edit, string by, CancellationToken cancellationToken = default);

    /// <summary>
    /// Soft-deletes an annotation at <paramref name="expectedVersion"/>: it stays readable by id and in its
    /// history with Deleted set, and leaves lists, counts and (by default) the feed. Writes a version row
    /// (Deleted) and an AnnotationRemoved change. Same NotFound and VersionConflict rules as an update.
    /// </summary>
    Task<AnnotationWrite> DeleteAnnotationAsync(string id, long expectedVersion, string by, CancellationToken cancellationToken = default);

    /// <summary>An annotation by id, deleted ones included; null when unknown.</summary>
    Task<Annotation?> GetAnnotationAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The live (not deleted) annotations on one edge or node, oldest first.</summary>
    Task<IReadOnlyList<Annotation>> ListAnnotationsAsync(AnnotationTargetKind targetKind, string targetId, CancellationToken cancellationToken = default);

    /// <summary>Every version of an annotation, oldest first (version 1 is its creation); null when unknown.</summary>
    Task<IReadOnlyList<AnnotationVersion>?> GetAnnotationHistoryAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The recent-activity feed: annotations matching the filters, most recently changed first.</summary>
    Task<IReadOnlyList<Annotation>> QueryAnnotationsAsync(AnnotationQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many live annotations each target has (every requested id is in the result, 0 included). A null
    /// <paramref name="targetKind"/> counts annotations on edges and nodes with that id alike.
    /// </summary>
    Task<IReadOnlyDictionary<string, int>> CountAnnotationsAsync(IReadOnlyCollection<string> targetIds, AnnotationTargetKind? targetKind = null, CancellationToken cancellationToken = default);

    // ---- Accounts -------------------------------------------------------------------------------------
    // The store keeps users, API tokens and one-time sign-in tokens; it never sees a password or a token,
    // only hashes made by the caller. User names are unique ignoring case; lookups ignore case too.

    /// <summary>The number of users (disabled ones included): 0 on a new store.</summary>
    Task<int> CountUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a user; false (and nothing written) when the name is taken.</summary>
    Task<bool> AddUserAsync(User user, CancellationToken cancellationToken = default);

    /// <summary>A user by name (ignoring case); null when unknown.</summary>
    Task<User?> GetUserAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies the non-null fields of <paramref name="change"/>; the updated user, or null when unknown.</summary>
    Task<User?> UpdateUserAsync(string name, UserChange change, CancellationToken cancellationToken = default);

    /// <summary>Stores a new API token (its hash); false when the owner does not exist or the id or hash is taken.</summary>
    Task<bool> AddApiTokenAsync(ApiToken token, CancellationToken cancellationToken = default);

    /// <summary>The token with this hash, revoked or not; null when none.</summary>
    Task<ApiToken?> FindApiTokenAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>A token by id; null when unknown.</summary>
    Task<ApiToken?> GetApiTokenAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>A user's tokens, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<ApiToken>> ListApiTokensAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Records that a token was used (callers throttle this: it is a write).</summary>
    Task TouchApiTokenAsync(string id, DateTimeOffset usedAt, CancellationToken cancellationToken = default);

    /// <summary>Revokes a token for good; false when unknown or already revoked.</summary>
    Task<bool> RevokeApiTokenAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a single-use sign-in token's hash for a user, valid until <paramref name="expiresAt"/>, and
    /// retires the user's unused older ones (only the newest link works); false when the user does not exist.
    /// </summary>
    Task<bool> AddOneTimeTokenAsync(string hash, string userName, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Uses up a one-time token: the user's name when the hash is known, unused and not expired at
    /// <paramref name="now"/> (it can never be used again), else null. Atomic: of two concurrent redemptions
    /// at most one succeeds.
    /// </summary>
    Task<string?> RedeemOneTimeTokenAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>A write the store refuses (unknown endpoint, unknown type); nothing is written.</summary>
public sealed class GraphWriteException(string message) : Exception(message);
