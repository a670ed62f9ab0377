using System.Collections.Frozen;
using Explorer.Graph;

namespace Explorer.Neo4j;

/// <summary>
/// Every statement the Neo4j store can send, and nothing else sends Cypher. Values are always parameters.
/// Labels and relationship types come only from the fixed vocabulary (<see cref="NodeKind"/>,
/// <see cref="Vocabulary.EdgeTypes"/>): statements that need one are generated here, once, for each allowed
/// name; hop bounds (which Cypher cannot take as parameters) likewise for 1..<see cref="PathQuery.MaxMaxHops"/>.
/// Every traversal has a hop bound and a row LIMIT. <see cref="All"/> lists them all for the Cypher lint test.
/// </summary>
internal static class Cypher
{
    /// <summary>The one node of the change-log counter (<c>:ChangeLog {id}</c>).</summary>
    public const string ChangeLogId = "changes";

    public const string SearchIndex = "explorer_node_search";

    public static readonly string[] Labels = ["Node", .. Enum.GetNames<NodeKind>(), "Source", "Change", "ChangeLog",
        "Annotation", "AnnotationVersion", "User", "ApiToken", "OneTimeToken", "History", "SuggestionReview",
    ];

    public static readonly string[] EdgeTypes = [.. Vocabulary.EdgeTypes.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Property keys of our nodes and relationships, and the keys of the row maps sent with UNWIND.</summary>
    public static readonly string[] PropertyKeys =
    [
        "id", "kind", "name", "aliases", "description", "keys", "searchText",
        "evidence", "title", "text", "seq", "at", "entityId", "changeId", "source", "target",
        "validFrom", "validTo", "suspensions", "suspensionSpans", "datedSpans", "url",

        // :History (an analyst's write to a node, edge or source)
        "recordKind", "recordId", "note", "state",

        // :SuggestionReview (an analyst's verdict on a suggested relation of a source)
        "sourceId", "suggestionId", "verdict", "edgeId",

        // :Annotation and :AnnotationVersion (authorKey and tagKeys: ASCII case-folded, for the feed's filters)
        "targetKind", "targetId", "tags", "tagKeys", "confidence", "citation", "status", "author", "authorKey",
        "createdAt", "updatedAt", "version", "deleted", "lastSeq",
        "annotationId", "action", "actor", "changedFields", "snapshot",

        // :User, :ApiToken, :OneTimeToken (nameKey, ownerKey: ASCII case-folded names; _lock: see LockProperty)
        "nameKey", "role", "passwordHash", "securityStamp", "disabled", "owner", "ownerKey", "hash", "lastUsedAt", "revoked",
        "userName", "expiresAt", "usedAt", LockProperty,
    ];

    /// <summary>
    /// Set and removed at once to take a node's write lock before reading it (the documented Cypher idiom
    /// against lost updates), so a check-then-write statement is atomic under concurrency.
    /// </summary>
    public const string LockProperty = "_lock";

    // ---- Schema (run one by one at initialize; idempotent) ----------------------------------------------

    public static readonly string[] Schema =
    [
        "CREATE CONSTRAINT explorer_node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT explorer_source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE",
        "CREATE CONSTRAINT explorer_change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE",
        "CREATE CONSTRAINT explorer_changelog_id IF NOT EXISTS FOR (l:ChangeLog) REQUIRE l.id IS UNIQUE",
        "CREATE CONSTRAINT explorer_change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.changeId IS UNIQUE",
        $"CREATE FULLTEXT INDEX {SearchIndex} IF NOT EXISTS FOR (n:Node) ON EACH [n.searchText] " +
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}",
        .. EdgeTypes.Select(type => $"CREATE INDEX explorer_edge_id_{type.ToLowerInvariant()} IF NOT EXISTS FOR ()-[r:{type}]-() ON (r.id)"),
        "CREATE CONSTRAINT explorer_annotation_id IF NOT EXISTS FOR (a:Annotation) REQUIRE a.id IS UNIQUE",
        "CREATE INDEX explorer_annotation_target IF NOT EXISTS FOR (a:Annotation) ON (a.targetId)",
        "CREATE INDEX explorer_annotation_last_seq IF NOT EXISTS FOR (a:Annotation) ON (a.lastSeq)",
        "CREATE CONSTRAINT explorer_annotation_version IF NOT EXISTS FOR (v:AnnotationVersion) REQUIRE (v.annotationId, v.version) IS UNIQUE",
        "CREATE INDEX explorer_annotation_version_annotation IF NOT EXISTS FOR (v:AnnotationVersion) ON (v.annotationId)",
        "CREATE CONSTRAINT explorer_user_name IF NOT EXISTS FOR (u:User) REQUIRE u.nameKey IS UNIQUE",
        "CREATE CONSTRAINT explorer_api_token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE",
        "CREATE CONSTRAINT explorer_api_token_hash IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.hash IS UNIQUE",
        "CREATE INDEX explorer_api_token_owner IF NOT EXISTS FOR (t:ApiToken) ON (t.ownerKey)",
        "CREATE CONSTRAINT explorer_one_time_token_hash IF NOT EXISTS FOR (t:OneTimeToken) REQUIRE t.hash IS UNIQUE",
        "CREATE INDEX explorer_history_record IF NOT EXISTS FOR (h:History) ON (h.recordKind, h.recordId)",
        "CREATE CONSTRAINT explorer_suggestion_review IF NOT EXISTS FOR (v:SuggestionReview) REQUIRE (v.sourceId, v.suggestionId) IS UNIQUE",
    ];

    /// <summary>
    /// Explorer's indexes and their state, polled at start-up until all are ONLINE (with our own deadline and a
    /// progress line, rather than one db.awaitIndexes call that may outlast any HTTP timeout). SHOW INDEXES
    /// lists constraint-backed indexes too: https://neo4j.com/docs/cypher-manual/current/indexes/search-performance-indexes/managing-indexes/
    /// ("List indexes").
    /// </summary>
    public const string IndexStates = """
        SHOW INDEXES YIELD name, state, populationPercent
        WHERE name STARTS WITH $prefix
        RETURN name, state, populationPercent
        ORDER BY name
        """;

    public const string IndexPrefix = "explorer_";

    /// <summary>
    /// The change-log counter, created once; <c>datedSpans</c> says every edge's suspensions are also stored as
    /// <c>suspensionSpans</c> (set on a new database; an older one is migrated by <see cref="EdgesMissingSpans"/>).
    /// </summary>
    public const string EnsureChangeLog = """
        MERGE (log:ChangeLog {id: $log}) ON CREATE SET log.seq = 0, log.datedSpans = true
        RETURN log.seq AS seq, log.datedSpans AS datedSpans
        """;

    /// <summary>Edges written before suspensions were stored as spans (a one-time migration at start-up), a batch at a time.</summary>
    public const string EdgesMissingSpans = """
        MATCH ()-[r]->()
        WHERE r.suspensions IS NOT NULL AND r.suspensionSpans IS NULL
        RETURN r.id AS id, type(r) AS type, r.suspensions AS suspensions
        ORDER BY id
        LIMIT $limit
        """;

    /// <summary>Stores the spans of a batch of edges of one type (idempotent).</summary>
    public static readonly FrozenDictionary<string, string> SetSpans = EdgeTypes.ToFrozenDictionary(type => type, type => $$"""
        UNWIND $rows AS row
        MATCH ()-[r:{{type}} {id: row.id}]->()
        SET r.suspensionSpans = row.spans
        """, StringComparer.Ordinal);

    public const string MarkSpansDone = "MATCH (log:ChangeLog {id: $log}) SET log.datedSpans = true";

    public const string Components = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition";

    // ---- Change log: every write is one statement that numbers itself --------------------------------

    /// <summary>
    /// The head of every graph and annotation write: takes the change-log counter's write lock (set and remove
    /// a property: the documented idiom for taking a write lock before reading,
    /// https://neo4j.com/docs/operations-manual/current/database-internals/locks-deadlocks/ , "Locks" and
    /// https://neo4j.com/docs/cypher-manual/current/clauses/set/ ), so writers are serialized for the length of
    /// this one statement and no longer (no lock is held across round trips); then stops if a change with this
    /// client-generated <c>$changeId</c> is already committed (a retry of a write that did commit), and reads the
    /// next seq. The lock is held until commit, so seq order is commit order.
    /// </summary>
    private const string WriteHead = $"""
        MATCH (log:ChangeLog {"{"}id: $log{"}"})
        SET log.{LockProperty} = true
        REMOVE log.{LockProperty}
        WITH log
        OPTIONAL MATCH (done:Change {"{"}changeId: $changeId{"}"})
        WITH log, done
        WHERE done IS NULL
        WITH log, log.seq + 1 AS seq
        """;

    /// <summary>
    /// The tail of every write: when the write touched anything, takes the seq and writes the change-log entry in
    /// the same statement (and so the same transaction); otherwise no row, and nothing is numbered.
    /// </summary>
    private const string WriteTail = """
        WITH log, seq, count(*) AS written
        WHERE written > 0
        SET log.seq = seq
        CREATE (c:Change {seq: seq, at: $at, kind: $kind, entityId: $entityId, changeId: $changeId})
        RETURN seq
        """;

    private static string Write(string body) => $"{WriteHead}\n{body}\n{WriteTail}";

    /// <summary>A change-log entry on its own (the GraphReloaded entry after a seed's batches).</summary>
    public static readonly string AppendChange = $"{WriteHead}\n{WriteTail}";

    /// <summary>The change a write with this change id committed (a retry finds its first attempt's result here).</summary>
    public const string ChangeById = """
        MATCH (c:Change {changeId: $changeId})
        RETURN c.seq AS seq, c.at AS at, c.kind AS kind, c.entityId AS entityId
        """;

    public const string LastSeq = "MATCH (log:ChangeLog {id: $log}) RETURN log.seq AS seq";

    public const string Changes = """
        MATCH (c:Change) WHERE c.seq > $after
        RETURN c.seq AS seq, c.at AS at, c.kind AS kind, c.entityId AS entityId
        ORDER BY c.seq LIMIT $limit
        """;

    /// <summary>Takes the change-log lock for a seed batch (serialized with single writes; numbered once, at the end of the seed).</summary>
    private const string LockHead = $"""
        MATCH (log:ChangeLog {"{"}id: $log{"}"})
        SET log.{LockProperty} = true
        REMOVE log.{LockProperty}
        WITH log
        """;

    // ---- Nodes -----------------------------------------------------------------------------------------

    private const string NodeFields = "n.id AS id, n.kind AS kind, n.name AS name, n.aliases AS aliases, n.description AS description, " +
        "n.validFrom AS validFrom, n.validTo AS validTo, n.version AS version";

    /// <summary>
    /// A seed batch of nodes of one kind (idempotent: MERGE and SET). Properties arrive as one map per row
    /// (<c>n += row.props</c>), so whatever the model stores travels without editing the statement; a null value
    /// removes the property. The kind is both a property (for filters) and a label (for people browsing Neo4j).
    /// </summary>
    public static readonly FrozenDictionary<NodeKind, string> SeedNodes = Enum.GetValues<NodeKind>().ToFrozenDictionary(kind => kind, kind => $"""
        {LockHead}
        UNWIND $rows AS row
        MERGE (n:Node {"{"}id: row.id{"}"})
        SET n += row.props
        REMOVE n:{string.Join(':', Enum.GetNames<NodeKind>())}
        SET n:{kind}
        RETURN count(n) AS written
        """);

    /// <summary>One node upserted with its change-log entry, in one statement.</summary>
    public static readonly FrozenDictionary<NodeKind, string> UpsertNode = Enum.GetValues<NodeKind>().ToFrozenDictionary(kind => kind, kind => Write($"""
        MERGE (n:Node {"{"}id: $id{"}"})
        SET n += $props, n.version = coalesce(n.version, 0) + 1
        REMOVE n:{string.Join(':', Enum.GetNames<NodeKind>())}
        SET n:{kind}
        """));

    /// <summary>One node and its edges removed, with its change-log entry; no row when there was no such node.</summary>
    public static readonly string RemoveNode = Write("""
        MATCH (n:Node {id: $id})
        DETACH DELETE n
        """);

    public const string NodesByIds = $"""
        UNWIND $ids AS nodeId
        MATCH (n:Node {"{"}id: nodeId{"}"})
        RETURN {NodeFields}
        """;

    /// <summary>A node with its incident edge count by type (one row per type; type null when it has none).</summary>
    public const string NodeDetails = $"""
        MATCH (n:Node {"{"}id: $id{"}"})
        OPTIONAL MATCH (n)-[r]-()
        RETURN {NodeFields}, type(r) AS type, count(r) AS count
        """;

    public const string CountNodes = "MATCH (n:Node) RETURN count(n) AS count";

    public const string CountEdges = "MATCH ()-[r]->() RETURN count(r) AS count";

    // ---- Edges: relationship indexes are per type, so a lookup by id asks each type's index ------------

    /// <summary>Edges by id, whatever their type: one index seek per vocabulary type, combined with UNION ALL.</summary>
    public static readonly string EdgesByIds = string.Join("\nUNION ALL\n", EdgeTypes.Select(type => $$"""
        UNWIND $ids AS edgeId
        MATCH (s:Node)-[r:{{type}} {id: edgeId}]->(t:Node)
        RETURN r.id AS id, type(r) AS type, s.id AS source, t.id AS target, r.evidence AS evidence,
               r.validFrom AS validFrom, r.validTo AS validTo, r.suspensions AS suspensions, r.status AS status, r.version AS version
        """));

    /// <summary>A page of every node, by id after <c>$after</c> (an export reads the whole graph a page at a time; the id constraint's index orders it).</summary>
    public const string NodesPage = $"""
        MATCH (n:Node)
        WHERE n.id > $after
        RETURN {NodeFields}
        ORDER BY n.id
        LIMIT $limit
        """;

    /// <summary>A page of every edge of one type, by id after <c>$after</c> (the type's id index orders it).</summary>
    public static readonly FrozenDictionary<string, string> EdgesPage = EdgeTypes.ToFrozenDictionary(type => type, type => $$"""
        MATCH (s:Node)-[r:{{type}}]->(t:Node)
        WHERE r.id > $after
        RETURN r.id AS id, type(r) AS type, s.id AS source, t.id AS target, r.evidence AS evidence,
               r.validFrom AS validFrom, r.validTo AS validTo, r.suspensions AS suspensions, r.status AS status, r.version AS version
        ORDER BY r.id
        LIMIT $limit
        """, StringComparer.Ordinal);

    /// <summary>A seed batch: deletes edges of one (known) type by id (idempotent).</summary>
    public static readonly FrozenDictionary<string, string> DeleteEdges = EdgeTypes.ToFrozenDictionary(type => type, type => $$"""
        {{LockHead}}
        UNWIND $ids AS edgeId
        MATCH ()-[r:{{type}} {id: edgeId}]->()
        DELETE r
        RETURN count(r) AS deleted
        """, StringComparer.Ordinal);

    /// <summary>
    /// A seed batch of edges of one type between existing nodes (idempotent: MERGE by id between the same
    /// endpoints, then SET); <c>written</c> below the row count means an endpoint is missing.
    /// </summary>
    public static readonly FrozenDictionary<string, string> SeedEdges = EdgeTypes.ToFrozenDictionary(type => type, type => $$"""
        {{LockHead}}
        UNWIND $rows AS row
        MATCH (s:Node {id: row.source})
        MATCH (t:Node {id: row.target})
        MERGE (s)-[r:{{type}} {id: row.id}]->(t)
        SET r += row.props
        RETURN count(r) AS written
        """, StringComparer.Ordinal);

    /// <summary>
    /// The edge with id <c>$id</c> whatever its type, as the list <c>olds</c> (empty or one): one OPTIONAL MATCH
    /// per vocabulary type, so each seeks its type's index (relationship property indexes are per type) and the
    /// statement needs no subquery.
    /// </summary>
    private static string EdgeById(string id, string carry) =>
        string.Join("\n", EdgeTypes.Select((type, i) => $"OPTIONAL MATCH ()-[e{i}:{type} {{id: {id}}}]->()")) +
        $"\nWITH {carry}, [x IN [{string.Join(", ", EdgeTypes.Select((_, i) => $"e{i}"))}] WHERE x IS NOT NULL] AS olds";

    /// <summary>
    /// One edge upserted with its change-log entry, in one statement: both endpoints must exist (no row
    /// otherwise), the edge with this id is removed whatever its type, and created again with the new type.
    /// A new edge takes the status written (<c>$status</c>); an edge that exists keeps its review status, as in
    /// the embedded store (the status belongs to the store's life of the edge: see <c>Edge.SameAs</c>).
    /// </summary>
    public static readonly FrozenDictionary<string, string> UpsertEdge = EdgeTypes.ToFrozenDictionary(type => type, type => Write($$"""
        MATCH (s:Node {id: $source})
        MATCH (t:Node {id: $target})
        {{EdgeById("$id", "log, seq, s, t")}}
        WITH log, seq, s, t, olds, head([o IN olds | o.version]) AS oldVersion, head([o IN olds | o.status]) AS oldStatus
        FOREACH (old IN olds | DELETE old)
        CREATE (s)-[r:{{type}}]->(t)
        SET r += $props, r.version = coalesce(oldVersion, 0) + 1, r.status = coalesce(oldStatus, $status)
        """), StringComparer.Ordinal);

    /// <summary>One edge removed with its change-log entry; no row when there was no such edge.</summary>
    public static readonly string RemoveEdge = Write($"""
        {EdgeById("$id", "log, seq")}
        UNWIND olds AS old
        DELETE old
        """);

    public const string EndpointsExist = """
        OPTIONAL MATCH (s:Node {id: $source})
        OPTIONAL MATCH (t:Node {id: $target})
        RETURN s IS NOT NULL AS source, t IS NOT NULL AS target
        """;

    // ---- Sources ---------------------------------------------------------------------------------------

    public const string UpsertSources = """
        UNWIND $rows AS row
        MERGE (s:Source {id: row.id})
        SET s.title = row.title, s.kind = row.kind, s.description = row.description, s.text = row.text, s.version = coalesce(s.version, 0) + 1
        """;

    public const string SourcesByIds = """
        UNWIND $ids AS sourceId
        MATCH (s:Source {id: sourceId})
        RETURN s.id AS id, s.title AS title, s.kind AS kind, s.description AS description, s.text AS text, s.url AS url, s.version AS version
        """;

    /// <summary>A page of sources by id after <c>$after</c> (null: from the start): the caller reads on until a short page.</summary>
    public const string ListSources = """
        MATCH (s:Source)
        WHERE $after IS NULL OR s.id > $after
        RETURN s.id AS id, s.title AS title, s.kind AS kind, s.description AS description, s.url AS url, s.version AS version
        ORDER BY s.id LIMIT $limit
        """;

    // ---- Analysts' writes: version-guarded, each with a :History node and its change, in one statement ----

    /// <summary>
    /// The history entry every analyst's write creates with its change (the state after it, as JSON, computed by
    /// the caller). <c>$recordKind</c> is Node, Edge or Source.
    /// </summary>
    private const string HistoryClause = """
        CREATE (h:History {recordKind: $recordKind, recordId: $id, version: $version, at: $at, actor: $actor, action: $action,
                           changedFields: $changed, note: $note, state: $state, seq: seq})
        """;

    private static readonly string KindLabels = string.Join(':', Enum.GetNames<NodeKind>());

    /// <summary>Creates a node unless one with the id exists (no row: nothing written).</summary>
    public static readonly FrozenDictionary<NodeKind, string> CreateNode = Enum.GetValues<NodeKind>().ToFrozenDictionary(kind => kind, kind => Write($"""
        OPTIONAL MATCH (existing:Node {"{"}id: $id{"}"})
        WITH log, seq, existing
        WHERE existing IS NULL
        CREATE (n:Node:{kind} {"{"}id: $id{"}"})
        SET n += $props, n.version = $version
        {HistoryClause}
        """));

    /// <summary>Replaces a node's content at the expected version (no row: missing or another version).</summary>
    public static readonly FrozenDictionary<NodeKind, string> UpdateNode = Enum.GetValues<NodeKind>().ToFrozenDictionary(kind => kind, kind => Write($"""
        MATCH (n:Node {"{"}id: $id{"}"})
        WHERE coalesce(n.version, 1) = $expected
        SET n += $props, n.version = $version
        REMOVE n:{KindLabels}
        SET n:{kind}
        {HistoryClause}
        """));

    /// <summary>Deletes a node at the expected version that has no edges (a cascade deletes them first, one write each).</summary>
    public static readonly string DeleteNode = Write($"""
        MATCH (n:Node {"{"}id: $id{"}"})
        WHERE coalesce(n.version, 1) = $expected AND COUNT {"{"} (n)--() {"}"} = 0
        DELETE n
        {HistoryClause}
        """);

    /// <summary>The edges touching a node, with their versions (what a cascade deletes, or a refusal names).</summary>
    public const string EdgesOfNode = """
        MATCH (n:Node {id: $id})-[r]-(m:Node)
        RETURN r.id AS id, type(r) AS type, startNode(r).id AS source, endNode(r).id AS target, r.evidence AS evidence,
               r.validFrom AS validFrom, r.validTo AS validTo, r.suspensions AS suspensions, r.status AS status, r.version AS version
        ORDER BY id
        LIMIT $limit
        """;

    /// <summary>Creates an edge between existing nodes unless its id is taken (no row: nothing written).</summary>
    public static readonly FrozenDictionary<string, string> CreateEdge = EdgeTypes.ToFrozenDictionary(type => type, type => Write($$"""
        MATCH (s:Node {id: $source})
        MATCH (t:Node {id: $target})
        {{EdgeById("$id", "log, seq, s, t")}}
        WHERE size(olds) = 0
        CREATE (s)-[r:{{type}}]->(t)
        SET r += $props, r.version = $version, r.status = $status
        {{HistoryClause}}
        """), StringComparer.Ordinal);

    /// <summary>Replaces an edge at the expected version (re-created when its type or ends change; no row: nothing written).</summary>
    public static readonly FrozenDictionary<string, string> UpdateEdge = EdgeTypes.ToFrozenDictionary(type => type, type => Write($$"""
        MATCH (s:Node {id: $source})
        MATCH (t:Node {id: $target})
        {{EdgeById("$id", "log, seq, s, t")}}
        WHERE size(olds) = 1 AND coalesce(olds[0].version, 1) = $expected
        FOREACH (old IN olds | DELETE old)
        CREATE (s)-[r:{{type}}]->(t)
        SET r += $props, r.version = $version, r.status = $status
        {{HistoryClause}}
        """), StringComparer.Ordinal);

    /// <summary>Deletes an edge at the expected version (no row: nothing written).</summary>
    public static readonly string DeleteEdge = Write($"""
        {EdgeById("$id", "log, seq")}
        WHERE size(olds) = 1 AND coalesce(olds[0].version, 1) = $expected
        UNWIND olds AS old
        DELETE old
        {HistoryClause}
        """);

    /// <summary>Adds a source unless the id is taken (no row: nothing written).</summary>
    public static readonly string CreateSource = Write($"""
        OPTIONAL MATCH (existing:Source {"{"}id: $id{"}"})
        WITH log, seq, existing
        WHERE existing IS NULL
        CREATE (s:Source {"{"}id: $id, title: $title, kind: $sourceKind, description: $description, text: $text, url: $url, version: $version{"}"})
        {HistoryClause}
        """);

    /// <summary>Replaces a source at the expected version (no row: nothing written).</summary>
    public static readonly string UpdateSource = Write($"""
        MATCH (s:Source {"{"}id: $id{"}"})
        WHERE coalesce(s.version, 1) = $expected
        SET s.title = $title, s.kind = $sourceKind, s.description = $description, s.text = $text, s.url = $url, s.version = $version
        {HistoryClause}
        """);

    /// <summary>Deletes a source at the expected version that no edge cites any more (a force removes citations first).</summary>
    public static readonly string DeleteSource = Write($"""
        MATCH (s:Source {"{"}id: $id{"}"})
        WHERE coalesce(s.version, 1) = $expected AND NOT EXISTS {"{"} MATCH ()-[r]->() WHERE r.evidence CONTAINS $needle {"}"}
        DELETE s
        {HistoryClause}
        """);

    /// <summary>
    /// Edges whose evidence cites a source: <c>$needle</c> is <c>"sourceId":"id"</c> as the evidence JSON has it
    /// (ids are URL-safe, so nothing in them is escaped). A scan of every relationship: deleting or re-texting a
    /// source is rare.
    /// </summary>
    public const string CitingEdges = """
        MATCH (s:Node)-[r]->(t:Node)
        WHERE r.evidence CONTAINS $needle
        RETURN r.id AS id, type(r) AS type, s.id AS source, t.id AS target, r.evidence AS evidence,
               r.validFrom AS validFrom, r.validTo AS validTo, r.suspensions AS suspensions, r.status AS status, r.version AS version
        ORDER BY id
        LIMIT $limit
        """;

    /// <summary>The highest version a record's history holds (0 when none): a re-created record continues from it.</summary>
    public const string LastHistoryVersion = """
        OPTIONAL MATCH (h:History {recordKind: $recordKind, recordId: $id})
        RETURN coalesce(max(h.version), 0) AS version
        """;

    /// <summary>Every record analysts have written (has history): seeding leaves them alone.</summary>
    public const string TakenOver = """
        MATCH (h:History)
        RETURN DISTINCT h.recordKind AS recordKind, h.recordId AS recordId
        """;

    public const string History = """
        MATCH (h:History {recordKind: $recordKind, recordId: $id})
        RETURN h.version AS version, h.at AS at, h.actor AS actor, h.action AS action, h.changedFields AS changedFields,
               h.seq AS seq, h.note AS note, h.state AS state
        ORDER BY h.version
        """;

    // ---- Reviews of suggested relations ---------------------------------------------------------------

    /// <summary>
    /// Accepts a suggestion: creates its proposed edge (as <see cref="CreateEdge"/>) and the verdict, with the edge's
    /// history and change, in one statement; no row (nothing written) when the suggestion has a verdict already,
    /// the edge id is taken or an end is missing. Under the change-log lock, so of two acceptances one wins.
    /// </summary>
    public static readonly FrozenDictionary<string, string> AcceptSuggestion = EdgeTypes.ToFrozenDictionary(type => type, type => Write($$"""
        MATCH (s:Node {id: $source})
        MATCH (t:Node {id: $target})
        {{EdgeById("$id", "log, seq, s, t")}}
        WHERE size(olds) = 0
        OPTIONAL MATCH (done:SuggestionReview {sourceId: $sourceId, suggestionId: $suggestionId})
        WITH log, seq, s, t, done
        WHERE done IS NULL
        CREATE (s)-[r:{{type}}]->(t)
        SET r += $props, r.version = $version, r.status = $status
        CREATE (v:SuggestionReview {sourceId: $sourceId, suggestionId: $suggestionId, verdict: 'Accepted', actor: $actor, at: $at, edgeId: $id})
        {{HistoryClause}}
        """), StringComparer.Ordinal);

    /// <summary>
    /// Dismisses a suggestion unless it has a verdict (no row then), with its change-log entry (SuggestionDismissed,
    /// the source's id), in one statement: the graph does not change, but open source views drop the suggestion.
    /// Under the change-log lock, so it is serialized with acceptances (of two reviews one wins).
    /// </summary>
    public static readonly string DismissSuggestion = Write("""
        OPTIONAL MATCH (reviewed:SuggestionReview {sourceId: $sourceId, suggestionId: $suggestionId})
        WITH log, seq, reviewed
        WHERE reviewed IS NULL
        CREATE (v:SuggestionReview {sourceId: $sourceId, suggestionId: $suggestionId, verdict: 'Dismissed', actor: $actor, at: $at})
        """);

    /// <summary>The verdicts on a source's suggestions (one suggestion's when <c>$suggestionId</c> is set).</summary>
    public const string SuggestionReviews = """
        MATCH (v:SuggestionReview {sourceId: $sourceId})
        WHERE $suggestionId IS NULL OR v.suggestionId = $suggestionId
        RETURN v.sourceId AS sourceId, v.suggestionId AS suggestionId, v.verdict AS verdict, v.actor AS actor, v.at AS at, v.edgeId AS edgeId
        ORDER BY suggestionId
        """;

    // ---- Search: candidates from the full-text index over normalized keys, ranked in process ------------

    /// <summary>
    /// One kind of candidate, at most <c>$limit</c> by the index's score; <c>branch</c> names it, so the caller can
    /// tell a branch that filled its limit (the store asks for one row more than it keeps as a cap, and reports
    /// truncated when a branch returns it).
    /// </summary>
    private static string SearchBranch(string query, string extraFilter, string limit) => $"""
        CALL db.index.fulltext.queryNodes('{SearchIndex}', ${query}) YIELD node
        WITH node AS n
        WHERE ($kinds IS NULL OR n.kind IN $kinds){extraFilter}
        RETURN {NodeFields}, '{query}' AS branch
        LIMIT ${limit}
        """;

    /// <summary>Exact keys (phrase query, then the stored key list), then every token (last as prefix).</summary>
    public static readonly string SearchCandidates =
        SearchBranch("exact", " AND $key IN n.keys", "limit") + "\nUNION\n" + SearchBranch("tokens", "", "limit");

    /// <summary>As <see cref="SearchCandidates"/>, plus typo-tolerant candidates (fuzzy terms).</summary>
    public static readonly string SearchCandidatesWithFuzzy =
        SearchCandidates + "\nUNION\n" + SearchBranch("fuzzy", "", "limit");

    public const string Resolve = $"""
        CALL db.index.fulltext.queryNodes('{SearchIndex}', $exact) YIELD node
        WITH node AS n
        WHERE $key IN n.keys
        RETURN {NodeFields}
        ORDER BY n.id LIMIT $limit
        """;

    // ---- As of a date ----------------------------------------------------------------------------------

    /// <summary>
    /// Whether node or relationship <paramref name="v"/> held at some time in the period <c>$first</c>..<c>$last</c>
    /// (full ISO dates; both null: no date asked, everything holds), as <see cref="AsOfPeriod.Holds(string?, string?, IReadOnlyList{Suspension}, PartialDate)"/>
    /// decides: its span overlaps the period. Stored dates are canonical YYYY, YYYY-MM or YYYY-MM-DD
    /// (<see cref="PartialDate.TryParse"/>), so plain string comparison decides it: a partial date compares with a
    /// full date as its first day does (<c>validFrom &lt;= $last</c>), and its last day is on or after a full date
    /// exactly when it is not below that date's prefix of the same length (<c>left($first, size(validTo)) &lt;= validTo</c>).
    /// </summary>
    private static string Holds(string v) =>
        $"($first IS NULL OR (({v}.validFrom IS NULL OR {v}.validFrom <= $last) AND ({v}.validTo IS NULL OR left($first, size({v}.validTo)) <= {v}.validTo)))";

    /// <summary>
    /// As <see cref="Holds"/> for a relationship, and no suspension covers the whole period. Suspensions are
    /// stored twice: as JSON (<c>suspensions</c>, read back into the model) and as <c>suspensionSpans</c>, a list of
    /// <c>"from|to"</c> strings (<c>to</c> empty while open) that Cypher can test without a JSON parser.
    /// </summary>
    /// <remarks>
    /// Every statement that follows edges tests them here, so this is also where a query kept to some review
    /// statuses (<c>$statuses</c>, null for all) leaves the others out; an edge without a status is a dataset edge: confirmed.
    /// </remarks>
    private static string HoldsEdge(string r) =>
        $"({Holds(r)} AND ($first IS NULL OR none(span IN coalesce({r}.suspensionSpans, []) WHERE split(span, '|')[0] <= $first " +
        $"AND (split(span, '|')[1] = '' OR left($last, size(split(span, '|')[1])) <= split(span, '|')[1]))) " +
        $"AND ($statuses IS NULL OR coalesce({r}.status, 'Confirmed') IN $statuses))";

    /// <summary>
    /// The earliest and latest date of each precision (4: year, 7: month, 10: day) that dated nodes carry.
    /// Dates of one precision compare as strings; <see cref="DateRange.Of"/> combines the precisions.
    /// </summary>
    public const string NodeDateRange = """
        MATCH (n:Node)
        WHERE n.validFrom IS NOT NULL OR n.validTo IS NOT NULL
        UNWIND [n.validFrom, n.validTo] AS date
        WITH date WHERE date IS NOT NULL
        RETURN size(date) AS precision, min(date) AS earliest, max(date) AS latest
        ORDER BY precision
        """;

    /// <summary>As <see cref="NodeDateRange"/> for relationships: their spans and their suspensions' ends (<c>suspensionSpans</c>).</summary>
    public const string EdgeDateRange = """
        MATCH ()-[r]->()
        WHERE r.validFrom IS NOT NULL OR r.validTo IS NOT NULL OR r.suspensionSpans IS NOT NULL
        UNWIND [r.validFrom, r.validTo] + reduce(ends = [], span IN coalesce(r.suspensionSpans, []) | ends + split(span, '|')) AS date
        WITH date WHERE date IS NOT NULL AND date <> ''
        RETURN size(date) AS precision, min(date) AS earliest, max(date) AS latest
        ORDER BY precision
        """;

    /// <summary>
    /// A node's incident edges by type that held as of the period (with the node at their far end) and have one of
    /// <c>$statuses</c> (null: any), as the embedded store counts them.
    /// </summary>
    public static readonly string CountsByTypeAsOf = $$"""
        MATCH (n:Node {id: $id})-[r]-(y:Node)
        WHERE {{Holds("y")}} AND {{HoldsEdge("r")}}
        RETURN type(r) AS type, count(r) AS count
        ORDER BY type
        """;

    // ---- Traversals ------------------------------------------------------------------------------------

    /// <summary>One breadth-first level of a neighborhood (any direction): the frontier's edges with the far node, capped.</summary>
    /// <remarks>
    /// Ordered before the cap (frontier position, then edge id: the order the embedded store walks), so a
    /// capped level holds the same rows on every run and the caller reports the cap as truncated.
    /// </remarks>
    public static readonly string NeighborhoodLevel = $$"""
        UNWIND range(0, size($frontier) - 1) AS rank
        WITH rank, $frontier[rank] AS nodeId
        MATCH (x:Node {id: nodeId})-[r]-(y:Node)
        WHERE type(r) IN $types AND (y.id = $center OR y.kind IN $kinds) AND {{Holds("x")}} AND {{Holds("y")}} AND {{HoldsEdge("r")}}
        RETURN nodeId AS from, r.id AS edge, type(r) AS type, startNode(r).id AS source, endNode(r).id AS target, r.evidence AS evidence,
               r.validFrom AS edgeValidFrom, r.validTo AS edgeValidTo, r.suspensions AS suspensions,
               r.status AS edgeStatus, r.version AS edgeVersion,
               y.id AS id, y.kind AS kind, y.name AS name, y.aliases AS aliases, y.description AS description,
               y.validFrom AS validFrom, y.validTo AS validTo, y.version AS version
        ORDER BY rank, r.id
        LIMIT $rows
        """;

    /// <summary>One breadth-first level of a path search's candidate discovery, per direction.</summary>
    public static readonly FrozenDictionary<Direction, string> ExpandLevel = Enum.GetValues<Direction>().ToFrozenDictionary(direction => direction, direction => $"""
        UNWIND $frontier AS nodeId
        MATCH (x:Node {"{"}id: nodeId{"}"}){Arrow(direction, "[r]")}(y:Node)
        WHERE type(r) IN $types AND (y.id = $from OR y.id = $to OR (y.kind IN $kinds AND NOT y.id IN $avoid)) AND {Holds("y")} AND {HoldsEdge("r")}
        RETURN DISTINCT y.id AS id, y.kind AS kind
        ORDER BY id
        LIMIT $rows
        """);

    /// <summary>Edges among a candidate node set (the subgraph a ranked path search runs on).</summary>
    public static readonly string EdgesAmong = $$"""
        MATCH (x:Node)-[r]->(y:Node)
        WHERE x.id IN $ids AND y.id IN $ids AND type(r) IN $types AND {{HoldsEdge("r")}}
        RETURN r.id AS id, type(r) AS type, x.id AS source, y.id AS target
        ORDER BY id
        LIMIT $rows
        """;

    /// <summary>The degree (every incident edge, any type and direction) of each node: the ranked search's hub penalty.</summary>
    public const string Degrees = """
        UNWIND $ids AS nodeId
        MATCH (n:Node {id: nodeId})
        RETURN n.id AS id, COUNT { (n)--() } AS degree
        """;

    /// <summary>
    /// All shortest paths with Neo4j 5.21+ syntax (ALL SHORTEST over a quantified path pattern whose predicate
    /// is checked on every step), by direction and hop bound.
    /// </summary>
    public static readonly FrozenDictionary<(Direction, int), string> AllShortestModern = PathVariants((direction, hops) => $$"""
        MATCH p = ALL SHORTEST (a:Node {id: $from})
          ({{Step(direction)}}){1,{{hops}}}
          (b:Node {id: $to})
        RETURN [n IN nodes(p) | n.id] AS nodes, [e IN relationships(p) | e.id] AS edges
        ORDER BY nodes, edges
        LIMIT $limit
        """);

    /// <summary>The same with allShortestPaths() for servers before 5.21.</summary>
    public static readonly FrozenDictionary<(Direction, int), string> AllShortestLegacy = PathVariants((direction, hops) => $$"""
        MATCH (a:Node {id: $from})
        MATCH (b:Node {id: $to})
        MATCH p = allShortestPaths((a){{Arrow(direction, $"[*..{hops}]")}}(b))
        WHERE {{LegacyFilter}}
        RETURN [n IN nodes(p) | n.id] AS nodes, [e IN relationships(p) | e.id] AS edges
        ORDER BY nodes, edges
        LIMIT $limit
        """);

    /// <summary>
    /// The length of one shortest path within <see cref="PathQuery.MaxMaxHops"/> under the same filters as the
    /// path statements (direction, types, kinds, avoid, as of): the "no path" answer says whether a longer path
    /// exists or none at all. SHORTEST 1 (5.21+) stops at the first; no ORDER BY is needed for a length.
    /// </summary>
    public static readonly FrozenDictionary<Direction, string> ShortestHopsModern = Enum.GetValues<Direction>().ToFrozenDictionary(direction => direction, direction => $$"""
        MATCH p = SHORTEST 1 (a:Node {id: $from})
          ({{Step(direction)}}){1,{{PathQuery.MaxMaxHops}}}
          (b:Node {id: $to})
        RETURN length(p) AS hops
        LIMIT 1
        """);

    /// <summary>The same with shortestPath() for servers before 5.21.</summary>
    public static readonly FrozenDictionary<Direction, string> ShortestHopsLegacy = Enum.GetValues<Direction>().ToFrozenDictionary(direction => direction, direction => $$"""
        MATCH (a:Node {id: $from})
        MATCH (b:Node {id: $to})
        MATCH p = shortestPath((a){{Arrow(direction, $"[*..{PathQuery.MaxMaxHops}]")}}(b))
        WHERE {{LegacyFilter}}
        RETURN length(p) AS hops
        LIMIT 1
        """);

    /// <summary>One step of a quantified path pattern under the path filters, checked on every step (5.21+).</summary>
    private static string Step(Direction direction) =>
        $"(x:Node){Arrow(direction, "[r]")}(y:Node) WHERE type(r) IN $types AND (y.id = $from OR y.id = $to OR (y.kind IN $kinds AND NOT y.id IN $avoid)) " +
        $"AND {Holds("y")} AND {HoldsEdge("r")}";

    /// <summary>The path filters over a whole path p (allShortestPaths and shortestPath, before 5.21).</summary>
    private static string LegacyFilter =>
        $"all(r IN relationships(p) WHERE type(r) IN $types AND {HoldsEdge("r")})\n" +
        $"          AND all(n IN nodes(p)[1..-1] WHERE n.kind IN $kinds AND NOT n.id IN $avoid)\n" +
        $"          AND all(n IN nodes(p) WHERE {Holds("n")})";

    private static FrozenDictionary<(Direction, int), string> PathVariants(Func<Direction, int, string> statement) =>
        Enum.GetValues<Direction>()
            .SelectMany(direction => Enumerable.Range(1, PathQuery.MaxMaxHops).Select(hops => (direction, hops)))
            .ToFrozenDictionary(key => key, key => statement(key.direction, key.hops));

    private static string Arrow(Direction direction, string relationship) => direction switch
    {
        Direction.Out => $"-{relationship}->",
        Direction.In => $"<-{relationship}-",
        _ => $"-{relationship}-",
    };

    // ---- Annotations (each write one statement: lock, guard, write, version row, change) ----------------

    private const string AnnotationFields = """
        a.id AS id, a.targetKind AS targetKind, a.targetId AS targetId, a.text AS text, a.tags AS tags,
        a.confidence AS confidence, a.citation AS citation, a.status AS status, a.author AS author,
        a.createdAt AS createdAt, a.updatedAt AS updatedAt, a.version AS version, a.deleted AS deleted
        """;

    private const string AppendVersionClause = """
        CREATE (v:AnnotationVersion {annotationId: $id, version: $version, action: $action, actor: $actor, at: $at,
                                     changedFields: $changed, seq: seq, snapshot: $snapshot})
        """;

    private const string CreateAnnotationClause = $"""
        CREATE (a:Annotation {"{"}id: $id, targetKind: $targetKind, targetId: $targetId, text: $text, tags: $tags, tagKeys: $tagKeys,
                           confidence: $confidence, citation: $citation, status: $status, author: $author, authorKey: $authorKey,
                           createdAt: $at, updatedAt: $at, version: $version, deleted: false, seq: seq, lastSeq: seq{"}"})
        {AppendVersionClause}
        """;

    /// <summary>Creates an annotation on an existing node at version 1 with its version row and change (no row: no such node).</summary>
    public static readonly string AddNodeAnnotation = Write($"""
        MATCH (target:Node {"{"}id: $targetId{"}"})
        {CreateAnnotationClause}
        """);

    /// <summary>The same on an existing edge, whatever its type.</summary>
    public static readonly string AddEdgeAnnotation = Write($"""
        {EdgeById("$targetId", "log, seq")}
        WHERE size(olds) > 0
        {CreateAnnotationClause}
        """);

    /// <summary>
    /// The optimistic-concurrency write: replaces the content only at the expected version (no row: nothing
    /// written). The change-log lock taken first serializes it with every other write, so the check and the
    /// write see the same state.
    /// </summary>
    public static readonly string UpdateAnnotation = Write($"""
        MATCH (a:Annotation {"{"}id: $id{"}"})
        WHERE a.version = $expected AND a.deleted = false
        SET a.text = $text, a.tags = $tags, a.tagKeys = $tagKeys, a.confidence = $confidence, a.citation = $citation,
            a.status = $status, a.updatedAt = $at, a.version = $version, a.lastSeq = seq
        {AppendVersionClause}
        """);

    /// <summary>Soft delete at the expected version (no row: nothing written).</summary>
    public static readonly string DeleteAnnotation = Write($"""
        MATCH (a:Annotation {"{"}id: $id{"}"})
        WHERE a.version = $expected AND a.deleted = false
        SET a.deleted = true, a.updatedAt = $at, a.version = $version, a.lastSeq = seq
        {AppendVersionClause}
        """);

    public const string AnnotationById = $"""
        MATCH (a:Annotation {"{"}id: $id{"}"})
        RETURN {AnnotationFields}
        """;

    /// <summary>Live annotations on one target, oldest first (by the seq of their creation).</summary>
    public const string AnnotationsOnTarget = $"""
        MATCH (a:Annotation {"{"}targetId: $targetId{"}"})
        WHERE a.targetKind = $targetKind AND a.deleted = false
        RETURN {AnnotationFields}
        ORDER BY a.seq
        """;

    /// <summary>An annotation's version rows, oldest first; no row when the annotation is unknown.</summary>
    public const string AnnotationHistory = """
        MATCH (a:Annotation {id: $id})
        OPTIONAL MATCH (v:AnnotationVersion {annotationId: a.id})
        RETURN v.version AS version, v.at AS at, v.actor AS actor, v.action AS action, v.changedFields AS changedFields,
               v.seq AS seq, v.snapshot AS snapshot
        ORDER BY v.version
        """;

    /// <summary>The feed: null filters match everything; newest change first.</summary>
    public const string AnnotationFeed = $"""
        MATCH (a:Annotation)
        WHERE ($includeDeleted OR a.deleted = false)
          AND ($authorKey IS NULL OR a.authorKey = $authorKey)
          AND ($status IS NULL OR a.status = $status)
          AND ($since IS NULL OR a.updatedAt > $since)
          AND ($tagKey IS NULL OR $tagKey IN a.tagKeys)
        RETURN {AnnotationFields}
        ORDER BY a.lastSeq DESC
        LIMIT $limit
        """;

    /// <summary>Live annotation counts per target id (ids without annotations have no row); $targetKind null counts both kinds.</summary>
    public const string CountAnnotations = """
        UNWIND $ids AS targetId
        MATCH (a:Annotation {targetId: targetId})
        WHERE a.deleted = false AND ($targetKind IS NULL OR a.targetKind = $targetKind)
        RETURN targetId, count(a) AS count
        """;

    // ---- Accounts (no change-log entry, as in the embedded store; names are matched by their folded key) --

    private const string UserFields = "u.name AS name, u.role AS role, u.passwordHash AS passwordHash, u.disabled AS disabled, u.createdAt AS createdAt, u.securityStamp AS securityStamp";

    private const string TokenFields = """
        t.id AS id, t.owner AS owner, t.name AS name, t.hash AS hash, t.createdAt AS createdAt, t.lastUsedAt AS lastUsedAt, t.revoked AS revoked
        """;

    public const string CountUsers = "MATCH (u:User) RETURN count(u) AS count";

    /// <summary>Adds a user unless the name is taken (a concurrent add is refused by the explorer_user_name constraint).</summary>
    public const string AddUser = """
        OPTIONAL MATCH (existing:User {nameKey: $nameKey})
        WITH existing WHERE existing IS NULL
        CREATE (u:User {name: $name, nameKey: $nameKey, role: $role, passwordHash: $passwordHash, disabled: $disabled, createdAt: $createdAt, securityStamp: $securityStamp})
        RETURN count(u) AS created
        """;

    public const string UserByName = $"""
        MATCH (u:User {"{"}nameKey: $nameKey{"}"})
        RETURN {UserFields}
        """;

    public const string ListUsers = $"""
        MATCH (u:User)
        RETURN {UserFields}
        ORDER BY u.nameKey
        """;

    /// <summary>Applies the non-null fields (the values read depend directly on the SET, so Cypher locks the node first).</summary>
    public const string UpdateUser = $"""
        MATCH (u:User {"{"}nameKey: $nameKey{"}"})
        SET u.role = CASE WHEN $role IS NULL THEN u.role ELSE $role END,
            u.disabled = CASE WHEN $disabled IS NULL THEN u.disabled ELSE $disabled END,
            u.passwordHash = CASE WHEN $passwordHash IS NULL THEN u.passwordHash ELSE $passwordHash END,
            u.securityStamp = CASE WHEN $securityStamp IS NULL THEN u.securityStamp ELSE $securityStamp END
        RETURN {UserFields}
        """;

    /// <summary>Adds a token for an existing owner (with the owner's exact spelling) unless its id or hash is taken.</summary>
    public const string AddApiToken = """
        MATCH (u:User {nameKey: $ownerKey})
        OPTIONAL MATCH (byId:ApiToken {id: $id})
        OPTIONAL MATCH (byHash:ApiToken {hash: $hash})
        WITH u, byId, byHash WHERE byId IS NULL AND byHash IS NULL
        CREATE (t:ApiToken {id: $id, owner: u.name, ownerKey: u.nameKey, name: $name, hash: $hash, createdAt: $createdAt, revoked: $revoked})
        RETURN count(t) AS created
        """;

    public const string ApiTokenByHash = $"""
        MATCH (t:ApiToken {"{"}hash: $hash{"}"})
        RETURN {TokenFields}
        """;

    public const string ApiTokenById = $"""
        MATCH (t:ApiToken {"{"}id: $id{"}"})
        RETURN {TokenFields}
        """;

    public const string ApiTokensOfOwner = $"""
        MATCH (t:ApiToken {"{"}ownerKey: $ownerKey{"}"})
        RETURN {TokenFields}
        ORDER BY t.createdAt, t.id
        """;

    public const string TouchApiToken = "MATCH (t:ApiToken {id: $id}) SET t.lastUsedAt = $at";

    /// <summary>Revokes a live token: locks it first, so of two concurrent revocations one reports true.</summary>
    public const string RevokeApiToken = $"""
        MATCH (t:ApiToken {"{"}id: $id{"}"})
        SET t.{LockProperty} = true
        REMOVE t.{LockProperty}
        WITH t WHERE t.revoked = false
        SET t.revoked = true
        RETURN count(t) AS revoked
        """;

    /// <summary>Adds a one-time token for an existing user and retires the user's unused older ones.</summary>
    public const string AddOneTimeToken = """
        MATCH (u:User {nameKey: $nameKey})
        OPTIONAL MATCH (older:OneTimeToken {userName: u.name}) WHERE older.usedAt IS NULL
        SET older.usedAt = $now
        WITH DISTINCT u
        CREATE (t:OneTimeToken {hash: $hash, userName: u.name, expiresAt: $expiresAt})
        RETURN count(t) AS created
        """;

    /// <summary>Uses up a one-time token: locks it, then checks and marks it used, so at most one redemption succeeds.</summary>
    public const string RedeemOneTimeToken = $"""
        MATCH (t:OneTimeToken {"{"}hash: $hash{"}"})
        SET t.{LockProperty} = true
        REMOVE t.{LockProperty}
        WITH t WHERE t.usedAt IS NULL AND t.expiresAt > $now
        SET t.usedAt = $now
        RETURN t.userName AS userName
        """;

    // ---- Several changes in one statement: an import batch, a cascade, a force ---------------------------
    // One auto-commit request, so all of it commits or none of it does (a batch of writes is atomic on Neo4j as
    // in the embedded store's one transaction). The caller plans the changes from what it read and sends them
    // as $changes (kind, entityId, a client-generated changeId, and the :History entry of an analyst's write);
    // the statement takes the change-log lock, stops when the first change id is already committed (a retry),
    // checks under the lock that what the plan relied on still holds (no row otherwise: the caller reads again
    // and plans again), makes the writes, then numbers the changes base + 1, base + 2 ... in order.

    /// <summary>The head: the change-log lock, then nothing when this plan's first change is already committed.</summary>
    private const string ManyHead = $$"""
        MATCH (log:ChangeLog {id: $log})
        SET log.{{LockProperty}} = true
        REMOVE log.{{LockProperty}}
        WITH log
        WHERE NOT EXISTS { MATCH (done:Change {changeId: $changes[0].changeId}) }
        """;

    /// <summary>The tail: one :Change per planned change (and its :History when it has one), numbered in order.</summary>
    private const string ManyTail = """
        WITH log, log.seq AS base
        SET log.seq = base + size($changes)
        WITH base
        UNWIND range(0, size($changes) - 1) AS k
        WITH base, k, $changes[k] AS change
        CREATE (c:Change {seq: base + 1 + k, at: $at, kind: change.kind, entityId: change.entityId, changeId: change.changeId})
        FOREACH (h IN CASE WHEN change.history IS NULL THEN [] ELSE [change.history] END |
          CREATE (:History {recordKind: h.recordKind, recordId: change.entityId, version: h.version, at: $at, actor: h.actor,
                            action: h.action, changedFields: h.changed, note: h.note, state: h.state, seq: base + 1 + k}))
        WITH base, count(c) AS written
        RETURN base, written
        """;

    /// <summary>Whether an edge with id <paramref name="id"/> exists, whatever its type (one index seek per type).</summary>
    private static string EdgeExists(string id) =>
        "(" + string.Join(" OR ", EdgeTypes.Select(type => $"EXISTS {{ MATCH ()-[:{type} {{id: {id}}}]->() }}")) + ")";

    /// <summary>
    /// What an import batch's plan read: nodes present or absent, edges present between the same ends or absent.
    /// The writes it plans are exactly right while these hold (every writer takes the same lock first).
    /// </summary>
    private static readonly string BatchGuard = $$"""
        WITH log
        WHERE all(x IN $nodesPresent WHERE EXISTS { MATCH (:Node {id: x}) })
          AND none(x IN $nodesAbsent WHERE EXISTS { MATCH (:Node {id: x}) })
          AND all(e IN $edgesPresent WHERE EXISTS { MATCH (:Node {id: e.source})-[r]->(:Node {id: e.target}) WHERE r.id = e.id })
          AND none(x IN $edgesAbsent WHERE {{EdgeExists("x")}})
        """;

    /// <summary>One run of a batch: writes of one kind with distinct ids, which commute, so each is a single clause pair.</summary>
    public enum BatchOp
    {
        UpsertNodes,
        UpsertEdges,
        RemoveNodes,
        RemoveEdges,
    }

    /// <summary>
    /// An import batch (<see cref="IGraphStore.ApplyBatchAsync"/>) as one statement: the runs in order, each over
    /// <c>$runs[i]</c>. A run reads what it needs (COLLECT) and then writes (FOREACH), and each clause sees the
    /// ones before it, so runs apply in order; the caller puts a write in a later run than every write it must
    /// follow. Labels and relationship types come from the vocabulary: a row picks its own with FOREACH over
    /// CASE (one branch per name), so the text depends only on the sequence of run kinds. An edge upserted takes
    /// the row's status when it is new and keeps its review status when it exists, as <see cref="UpsertEdge"/>.
    /// </summary>
    public static string Batch(IReadOnlyList<BatchOp> runs) =>
        string.Join("\n", [ManyHead, BatchGuard, .. runs.Select((op, i) => BatchRun(op, i)), ManyTail]);

    private static string BatchRun(BatchOp op, int run) => op switch
    {
        BatchOp.UpsertNodes => $$"""
            FOREACH (row IN $runs[{{run}}] |
              MERGE (n:Node {id: row.id})
              SET n += row.props, n.version = coalesce(n.version, 0) + 1
              REMOVE n:{{KindLabels}}
            {{string.Join("\n", Enum.GetNames<NodeKind>().Select(kind => $"  FOREACH (_ IN CASE WHEN row.kind = '{kind}' THEN [1] ELSE [] END | SET n:{kind})"))}}
            )
            """,
        BatchOp.UpsertEdges => $$"""
            WITH log, COLLECT {
              UNWIND $runs[{{run}}] AS row
              MATCH (s:Node {id: row.source})
              MATCH (t:Node {id: row.target})
              {{EdgeById("row.id", "row, s, t")}}
              RETURN {row: row, s: s, t: t, olds: olds, version: coalesce(head([o IN olds | o.version]), 0) + 1, status: coalesce(head([o IN olds | o.status]), row.status)} AS upsert
            } AS upserts
            FOREACH (u IN upserts |
              FOREACH (old IN u.olds | DELETE old)
              FOREACH (s IN [u.s] | FOREACH (t IN [u.t] |
            {{string.Join("\n", EdgeTypes.Select(type => $"    FOREACH (_ IN CASE WHEN u.row.type = '{type}' THEN [1] ELSE [] END | CREATE (s)-[r:{type}]->(t) SET r += u.row.props, r.version = u.version, r.status = u.status)"))}}
              ))
            )
            """,
        BatchOp.RemoveNodes => $$"""
            WITH log, COLLECT { UNWIND $runs[{{run}}] AS row MATCH (n:Node {id: row.id}) RETURN n } AS doomed
            FOREACH (n IN doomed | DETACH DELETE n)
            """,
        _ => $$"""
            WITH log, COLLECT {
              UNWIND $runs[{{run}}] AS row
              {{EdgeById("row.id", "row")}}
              UNWIND olds AS old
              RETURN old
            } AS gone
            FOREACH (old IN gone | DELETE old)
            """,
    };

    /// <summary>
    /// Deletes a node at the expected version with exactly the edges the caller read (<c>$edges</c>: id and
    /// version each), all in one transaction: a :History entry and a change per edge, then the node's.
    /// No row: the node or its edges changed since the read (or a retry found it committed).
    /// </summary>
    public static readonly string CascadeDeleteNode = $$"""
        {{ManyHead}}
        MATCH (n:Node {id: $id})
        WHERE coalesce(n.version, 1) = $expected
        WITH log, n, COLLECT { MATCH (n)-[r]-() RETURN DISTINCT r } AS rels
        WHERE size(rels) = size($edges) AND all(e IN $edges WHERE any(r IN rels WHERE r.id = e.id AND coalesce(r.version, 1) = e.version))
        DETACH DELETE n
        {{ManyTail}}
        """;

    /// <summary>
    /// Deletes a source at the expected version and removes its citations from exactly the edges the caller read
    /// (<c>$edges</c>: id, version, and the evidence left, null when none is and the edge goes), in one
    /// transaction, each edge with its :History entry and change, then the source's.
    /// </summary>
    public static readonly string ForceDeleteSource = $$"""
        {{ManyHead}}
        MATCH (s:Source {id: $id})
        WHERE coalesce(s.version, 1) = $expected
        WITH log, s, COLLECT { MATCH ()-[r]->() WHERE r.evidence CONTAINS $needle RETURN r } AS citing
        WHERE size(citing) = size($edges) AND all(e IN $edges WHERE any(r IN citing WHERE r.id = e.id AND coalesce(r.version, 1) = e.version))
        WITH log, s, [r IN citing WHERE any(e IN $edges WHERE e.id = r.id AND e.evidence IS NULL)] AS doomed,
             [r IN citing WHERE any(e IN $edges WHERE e.id = r.id AND e.evidence IS NOT NULL)] AS kept
        FOREACH (r IN kept | FOREACH (e IN [e IN $edges WHERE e.id = r.id] | SET r.evidence = e.evidence, r.version = e.version + 1))
        FOREACH (r IN doomed | DELETE r)
        DELETE s
        {{ManyTail}}
        """;

    /// <summary>Every statement above, named, for the lint test.</summary>
    public static IEnumerable<(string Name, string Statement)> All()
    {
        foreach (var (statement, i) in Schema.Select((s, i) => (s, i)))
        {
            yield return ($"Schema[{i}]", statement);
        }

        yield return (nameof(IndexStates), IndexStates);
        yield return (nameof(EnsureChangeLog), EnsureChangeLog);
        yield return (nameof(EdgesMissingSpans), EdgesMissingSpans);
        foreach (var (type, statement) in SetSpans)
        {
            yield return ($"{nameof(SetSpans)}[{type}]", statement);
        }

        yield return (nameof(MarkSpansDone), MarkSpansDone);
        yield return (nameof(NodeDateRange), NodeDateRange);
        yield return (nameof(EdgeDateRange), EdgeDateRange);
        yield return (nameof(CountsByTypeAsOf), CountsByTypeAsOf);
        yield return (nameof(Components), Components);
        yield return (nameof(AppendChange), AppendChange);
        yield return (nameof(ChangeById), ChangeById);
        yield return (nameof(LastSeq), LastSeq);
        yield return (nameof(Changes), Changes);
        foreach (var (kind, statement) in SeedNodes)
        {
            yield return ($"{nameof(SeedNodes)}[{kind}]", statement);
        }

        foreach (var (kind, statement) in UpsertNode)
        {
            yield return ($"{nameof(UpsertNode)}[{kind}]", statement);
        }

        yield return (nameof(RemoveNode), RemoveNode);
        yield return (nameof(NodesByIds), NodesByIds);
        yield return (nameof(NodeDetails), NodeDetails);
        yield return (nameof(CountNodes), CountNodes);
        yield return (nameof(CountEdges), CountEdges);
        yield return (nameof(EdgesByIds), EdgesByIds);
        yield return (nameof(NodesPage), NodesPage);
        foreach (var (type, statement) in EdgesPage)
        {
            yield return ($"{nameof(EdgesPage)}[{type}]", statement);
        }

        foreach (var (type, statement) in DeleteEdges)
        {
            yield return ($"{nameof(DeleteEdges)}[{type}]", statement);
        }

        foreach (var (type, statement) in SeedEdges)
        {
            yield return ($"{nameof(SeedEdges)}[{type}]", statement);
        }

        foreach (var (type, statement) in UpsertEdge)
        {
            yield return ($"{nameof(UpsertEdge)}[{type}]", statement);
        }

        yield return (nameof(RemoveEdge), RemoveEdge);
        yield return (nameof(EndpointsExist), EndpointsExist);
        foreach (var (kind, statement) in CreateNode)
        {
            yield return ($"{nameof(CreateNode)}[{kind}]", statement);
        }

        foreach (var (kind, statement) in UpdateNode)
        {
            yield return ($"{nameof(UpdateNode)}[{kind}]", statement);
        }

        yield return (nameof(DeleteNode), DeleteNode);
        yield return (nameof(EdgesOfNode), EdgesOfNode);
        foreach (var (type, statement) in CreateEdge)
        {
            yield return ($"{nameof(CreateEdge)}[{type}]", statement);
        }

        foreach (var (type, statement) in UpdateEdge)
        {
            yield return ($"{nameof(UpdateEdge)}[{type}]", statement);
        }

        yield return (nameof(DeleteEdge), DeleteEdge);
        yield return (nameof(CascadeDeleteNode), CascadeDeleteNode);
        yield return (nameof(ForceDeleteSource), ForceDeleteSource);
        yield return ($"{nameof(Batch)}[every run kind]", Batch([BatchOp.UpsertNodes, BatchOp.UpsertEdges, BatchOp.RemoveEdges, BatchOp.RemoveNodes, BatchOp.UpsertNodes]));
        yield return ($"{nameof(Batch)}[one run]", Batch([BatchOp.RemoveEdges]));
        yield return (nameof(CreateSource), CreateSource);
        yield return (nameof(UpdateSource), UpdateSource);
        yield return (nameof(DeleteSource), DeleteSource);
        yield return (nameof(CitingEdges), CitingEdges);
        foreach (var (type, statement) in AcceptSuggestion)
        {
            yield return ($"{nameof(AcceptSuggestion)}[{type}]", statement);
        }

        yield return (nameof(DismissSuggestion), DismissSuggestion);
        yield return (nameof(SuggestionReviews), SuggestionReviews);
        yield return (nameof(LastHistoryVersion), LastHistoryVersion);
        yield return (nameof(History), History);
        yield return (nameof(TakenOver), TakenOver);
        yield return (nameof(UpsertSources), UpsertSources);
        yield return (nameof(SourcesByIds), SourcesByIds);
        yield return (nameof(ListSources), ListSources);
        yield return (nameof(SearchCandidates), SearchCandidates);
        yield return (nameof(SearchCandidatesWithFuzzy), SearchCandidatesWithFuzzy);
        yield return (nameof(Resolve), Resolve);
        yield return (nameof(NeighborhoodLevel), NeighborhoodLevel);
        foreach (var (direction, statement) in ExpandLevel)
        {
            yield return ($"{nameof(ExpandLevel)}[{direction}]", statement);
        }

        yield return (nameof(EdgesAmong), EdgesAmong);
        yield return (nameof(Degrees), Degrees);
        foreach (var ((direction, hops), statement) in AllShortestModern)
        {
            yield return ($"{nameof(AllShortestModern)}[{direction},{hops}]", statement);
        }

        foreach (var ((direction, hops), statement) in AllShortestLegacy)
        {
            yield return ($"{nameof(AllShortestLegacy)}[{direction},{hops}]", statement);
        }

        foreach (var (direction, statement) in ShortestHopsModern)
        {
            yield return ($"{nameof(ShortestHopsModern)}[{direction}]", statement);
        }

        foreach (var (direction, statement) in ShortestHopsLegacy)
        {
            yield return ($"{nameof(ShortestHopsLegacy)}[{direction}]", statement);
        }

        yield return (nameof(AddNodeAnnotation), AddNodeAnnotation);
        yield return (nameof(AddEdgeAnnotation), AddEdgeAnnotation);
        yield return (nameof(UpdateAnnotation), UpdateAnnotation);
        yield return (nameof(DeleteAnnotation), DeleteAnnotation);
        yield return (nameof(AnnotationById), AnnotationById);
        yield return (nameof(AnnotationsOnTarget), AnnotationsOnTarget);
        yield return (nameof(AnnotationHistory), AnnotationHistory);
        yield return (nameof(AnnotationFeed), AnnotationFeed);
        yield return (nameof(CountAnnotations), CountAnnotations);
        yield return (nameof(CountUsers), CountUsers);
        yield return (nameof(AddUser), AddUser);
        yield return (nameof(UserByName), UserByName);
        yield return (nameof(ListUsers), ListUsers);
        yield return (nameof(UpdateUser), UpdateUser);
        yield return (nameof(AddApiToken), AddApiToken);
        yield return (nameof(ApiTokenByHash), ApiTokenByHash);
        yield return (nameof(ApiTokenById), ApiTokenById);
        yield return (nameof(ApiTokensOfOwner), ApiTokensOfOwner);
        yield return (nameof(TouchApiToken), TouchApiToken);
        yield return (nameof(RevokeApiToken), RevokeApiToken);
        yield return (nameof(AddOneTimeToken), AddOneTimeToken);
        yield return (nameof(RedeemOneTimeToken), RedeemOneTimeToken);
    }

    /// <summary>The parameters statements use (name → an example value), for the lint schema.</summary>
    public static readonly string[] Parameters =
    [
        "log", "changeId", "props", "at", "kind", "entityId", "after", "limit", "rows", "ids", "id", "source", "target",
        "exact", "tokens", "fuzzy", "key", "prefix", "kinds", "frontier", "center", "types", "from", "to", "avoid",
        "first", "last", "statuses",

        // annotations
        "targetKind", "targetId", "text", "tags", "tagKeys", "confidence", "citation", "status", "author", "authorKey",
        "version", "expected", "action", "actor", "changed", "snapshot",

        // analysts' writes to nodes, edges and sources
        "recordKind", "note", "state", "title", "description", "url", "needle", "sourceKind",

        // several changes in one statement (a batch, a cascade, a force)
        "changes", "runs", "nodesPresent", "nodesAbsent", "edgesPresent", "edgesAbsent", "edges",
        "includeDeleted", "since", "tagKey",

        // reviews of suggested relations
        "sourceId", "suggestionId",

        // accounts
        "name", "nameKey", "role", "passwordHash", "securityStamp", "disabled", "createdAt", "ownerKey", "hash", "revoked", "expiresAt", "now",
    ];
}
