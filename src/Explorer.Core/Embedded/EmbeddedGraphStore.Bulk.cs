using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Explorer.Graph;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Explorer.Embedded;

/// <summary>
/// A batch's writes as set-based statements (issue 9's import speed). Consecutive node upserts, and consecutive
/// edge upserts, go to SQLite as one JSON array of rows each, expanded by <c>json_each</c> in one
/// <c>INSERT ... SELECT ... ON CONFLICT</c>: one statement, one bound parameter and one step for thousands of rows
/// instead of a bind, a step and a reset per row (the per-row cost of the driver was most of a batch's time).
/// Edge endpoints are resolved to node row ids inside SQLite, through the nodes' id index. The batch's change
/// rows go in the same way, in write order. Removals run one by one. The
/// rows, versions, change rows and index updates are the same as writing one record at a time, in the same
/// order; all of it in the caller's transaction.
/// </summary>
internal sealed partial class EmbeddedGraphStore
{
    /// <summary>Rows per set-based statement (keeps each JSON parameter to a few MiB).</summary>
    private const int RunRows = 4096;

    private static readonly JsonWriterOptions s_rowJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private const string NodeRunSql = """
        INSERT INTO nodes (id, kind, name, aliases, description, valid_from, valid_to)
        SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 FROM json_each($rows) WHERE true
        ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name, aliases = excluded.aliases, description = excluded.description,
            valid_from = excluded.valid_from, valid_to = excluded.valid_to, version = nodes.version + 1
        RETURNING id, nid, version
        """;

    // CROSS JOIN keeps json_each the outer loop: each row looks its two ends up by id (never a scan of the nodes).
    private const string EdgeRunSql = $"""
        INSERT INTO edges (id, type, source_nid, target_nid, evidence, valid_from, valid_to, suspensions, status)
        SELECT j.value->>0, j.value->>1, s.nid, t.nid, j.value->>4, j.value->>5, j.value->>6, j.value->>7, j.value->>8
        FROM json_each($rows) AS j CROSS JOIN nodes AS s CROSS JOIN nodes AS t
        WHERE s.id = j.value->>2 AND t.id = j.value->>3
        {EdgeOnConflictUpdate}
        RETURNING id, eid
        """;

    private const string ChangeRunSql = """
        INSERT INTO changes (at, kind, entity_id, row_id) SELECT $at, value->>0, value->>1, value->>2 FROM json_each($rows)
        RETURNING seq
        """;

    /// <summary>
    /// The indexes of edges by endpoint (schema version 1) that a bulk load into a store holding fewer edges
    /// than its first batch drops in that batch's transaction and builds again at its end
    /// (<see cref="FinishBulkAsync"/>), as a database loader does: a batch inserts its edges at random places
    /// of both, and at a million nodes each batch then rewrote most of their pages into the WAL. Nothing reads
    /// them but a node's removal (its edges, and the cascade), which builds them first where they are missing;
    /// so does every start (a load killed half-way), and another process that removes a node meanwhile.
    /// </summary>
    private const string EdgeIndexesSql = "CREATE INDEX IF NOT EXISTS edges_source ON edges(source_nid); CREATE INDEX IF NOT EXISTS edges_target ON edges(target_nid);";

    private volatile bool _edgeIndexesDeferred;

    public async Task FinishBulkAsync(CancellationToken cancellationToken = default)
    {
        if (!_edgeIndexesDeferred && _bulkConnection is null && !_nodeOrderKept)
        {
            return;
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            // The load is over for the index first: the full compaction that lays the nodes out again starts now,
            // on the thread pool, and runs while SQLite builds the indexes of edges by endpoint below (it swaps its
            // index in under this lock, after them).
            var bulk = DetachBulkConnection();
            RelayoutAfterBulkLoad();
            try
            {
                if (_edgeIndexesDeferred)
                {
                    // On a connection with the default page cache: CREATE INDEX sorts in up to cache_size pages, and
                    // on the bulk connection's large cache one in-memory sort of a million-node load's endpoints cost
                    // about four times the CPU of the default's sorted runs merged (profile at 1M: SQLite's sorter 8 %
                    // of the edge import's CPU against 2 %).
                    using var connection = Open();
                    EnsureEdgeIndexes(connection, null);
                    _edgeIndexesDeferred = false;
                }
            }
            finally
            {
                CloseBulkConnection(bulk);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Builds the indexes of edges by endpoint where they are missing (a no-op where they exist).</summary>
    private static void EnsureEdgeIndexes(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var create = Command(connection, transaction, EdgeIndexesSql);
        create.ExecuteNonQuery();
    }

    /// <summary>Whether this batch starts a bulk load: many edge upserts into a store that holds fewer edges than the batch.</summary>
    private bool StartsBulkLoad(IReadOnlyList<GraphWrite> writes)
    {
        if (!BulkTuning || _edgeIndexesDeferred || writes.Count < BulkBatch || Index.EdgeCount >= writes.Count)
        {
            return false;
        }

        var edges = 0;
        foreach (var write in writes)
        {
            switch (write)
            {
                case GraphWrite.UpsertEdge:
                    edges++;
                    break;
                case GraphWrite.RemoveNode:
                    return false;
            }
        }

        return edges >= BulkBatch;
    }

    /// <summary>
    /// What one write of a set-based batch did: nothing, or its change kind, row and (for a node upsert) the node as
    /// written; for an edge upsert its ends' ordinals in the index writer when the write found them (-1: not found).
    /// </summary>
    private readonly record struct Done(bool Did, ChangeKind Kind, long RowId, Node? Node, int Source = -1, int Target = -1);

    /// <summary>
    /// The node row ids that bulk edge writes bind as their ends, kept from one batch to the next on the bulk
    /// connection. The nodes of the index's build by their ordinal, in an array: a built ordinal always names the
    /// same node of its (immutable) node table, and a node keeps its row id while it lives (the index says whether
    /// it does; a node removed and written again gets an ordinal past the build). So the array is valid while the
    /// writer's built node table is the same object, and one hash look-up of the id (the index writer's, which the
    /// index update then reuses) finds both. Other nodes (added since the build, or written by the batch itself)
    /// by id. Filled from the nodes' id index on a miss.
    /// </summary>
    private sealed class NodeRowIds
    {
        private long[] _byOrdinal = [];
        private NodeTable? _table;
        private int _misses;

        public Dictionary<string, long> ById { get; } = new(StringComparer.Ordinal);

        /// <summary>Row ids by built ordinal of <paramref name="writer"/>'s build (0: not known yet).</summary>
        public long[] ByOrdinal(IndexWriter writer)
        {
            if (!ReferenceEquals(writer.BuiltNodes, _table))
            {
                (_table, _byOrdinal, _misses) = (writer.BuiltNodes, new long[writer.BuiltNodeCount], 0);
            }

            return _byOrdinal;
        }

        /// <summary>
        /// Counts a built node whose row id was not known yet; true once there were so many that reading every built
        /// node's row id at once (<see cref="RawEdges"/>' scan of the nodes' id index) costs less than looking the rest
        /// up one by one: a load of edges into a store of a million nodes named most of them, each a random look-up
        /// in that index (~4 µs at 1M, 4 s of the writing thread's time in all), where one scan takes a fraction of a second.
        /// </summary>
        public bool Missed()
        {
            _misses++;
            return _misses == Math.Max(FillAfter, _byOrdinal.Length / 32);
        }

        /// <summary>The fewest misses after which every row id is read at once (tests set it low).</summary>
        public int FillAfter { get; set; } = 4096;

        /// <summary>How many row ids were looked up one by one in SQLite (tests).</summary>
        public long Lookups { get; set; }

        public void Clear()
        {
            ById.Clear();
            (_table, _byOrdinal, _misses) = (null, [], 0);
        }
    }

    /// <summary>The fewest misses of the kept node row ids after which they are all read at once (tests set it low).</summary>
    internal int FillNodeRowsAfter
    {
        get => _nodeRowIds.FillAfter;
        init => _nodeRowIds.FillAfter = value;
    }

    /// <summary>How many node row ids the bulk connection's edge writes looked up one by one in SQLite (tests).</summary>
    internal long NodeRowLookups => _nodeRowIds.Lookups;

    /// <summary>The statements of one set-based batch, prepared once and reused.</summary>
    private sealed class SetBasedBatch : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private readonly SqliteCommand _nodes;
        private readonly SqliteCommand _edges;
        private readonly SqliteCommand _changes;
        private readonly SqliteCommand _removeNode;
        private readonly SqliteCommand _removeEdge;
        private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
        private readonly NodeRowIds? _nodeRows;
        private readonly IndexWriter? _writer;
        private RawEdges? _raw;
        private bool _edgeIndexesChecked;

        /// <param name="nodeRows">Node row ids, valid in this transaction (edges are then written row by row through <see cref="RawEdges"/>); null: edges as JSON runs.</param>
        /// <param name="writer">
        /// The index writer, as it stands for this transaction (caught up, under the write lock), when the batch removes
        /// no node: edges then find their ends' ordinals through it, for their row ids and the index update; null: by id.
        /// </param>
        public SetBasedBatch(SqliteConnection connection, SqliteTransaction transaction, NodeRowIds? nodeRows, IndexWriter? writer)
        {
            (_connection, _transaction, _nodeRows, _writer) = (connection, transaction, nodeRows, writer);
            _nodes = Prepared(NodeRunSql, "$rows");
            _edges = Prepared(EdgeRunSql, "$rows");
            _changes = Prepared(ChangeRunSql, "$rows", "$at");
            _removeNode = Prepared("DELETE FROM nodes WHERE id = $id RETURNING nid", "$id");
            _removeEdge = Prepared("DELETE FROM edges WHERE id = $id RETURNING eid", "$id");
        }

        /// <summary>Runs every write in order; <paramref name="done"/> gets what each did.</summary>
        public void Write(IReadOnlyList<GraphWrite> writes, Done[] done, CancellationToken cancellationToken)
        {
            var i = 0;
            while (i < writes.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (writes[i])
                {
                    case GraphWrite.UpsertNode:
                        i = WriteNodes(writes, i, done);
                        break;
                    case GraphWrite.UpsertEdge:
                        i = _nodeRows is null ? WriteEdges(writes, i, done) : (_raw ??= new RawEdges(_connection, _nodeRows, _writer)).Write(writes, i, done);
                        break;
                    case GraphWrite.RemoveNode(var id):
                        if (!_edgeIndexesChecked)
                        {
                            // Its edges go with it: found through the indexes of edges by endpoint.
                            EnsureEdgeIndexes(_connection, _transaction);
                            _edgeIndexesChecked = true;
                        }

                        _removeNode.Parameters[0].Value = id;
                        _nodeRows?.ById.Remove(id);
                        done[i] = _removeNode.ExecuteScalar() is { } node ? new Done(true, ChangeKind.NodeRemoved, Convert.ToInt64(node, CultureInfo.InvariantCulture), null) : default;
                        i++;
                        break;
                    case GraphWrite.RemoveEdge(var id):
                        _removeEdge.Parameters[0].Value = id;
                        done[i] = _removeEdge.ExecuteScalar() is { } edge ? new Done(true, ChangeKind.EdgeRemoved, Convert.ToInt64(edge, CultureInfo.InvariantCulture), null) : default;
                        i++;
                        break;
                    default:
                        throw new ArgumentException($"unknown write {writes[i]}", nameof(writes));
                }
            }
        }

        /// <summary>Appends the change rows of the writes that did something, in order; their changes by write.</summary>
        public Change?[] AppendChanges(IReadOnlyList<GraphWrite> writes, Done[] done, DateTimeOffset at)
        {
            var changes = new Change?[writes.Count];
            var atText = at.ToString("O", CultureInfo.InvariantCulture);
            _changes.Parameters[1].Value = atText;
            var i = 0;
            while (i < writes.Count)
            {
                var first = i;
                var rows = 0;
                var json = Rows();
                for (; i < writes.Count && rows < RunRows; i++)
                {
                    if (!done[i].Did)
                    {
                        continue;
                    }

                    json.WriteStartArray();
                    json.WriteStringValue(done[i].Kind.ToString());
                    json.WriteStringValue(writes[i].Id);
                    json.WriteNumberValue(done[i].RowId);
                    json.WriteEndArray();
                    rows++;
                }

                if (rows == 0)
                {
                    continue;
                }

                // The rows are inserted in the array's order, and AUTOINCREMENT numbers each above every earlier
                // one, so the sequences in ascending order belong to the writes in order.
                _changes.Parameters[0].Value = Close(json);
                var seqs = new List<long>(rows);
                using (var reader = _changes.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        seqs.Add(reader.GetInt64(0));
                    }
                }

                if (seqs.Count != rows)
                {
                    throw new InvalidOperationException($"{seqs.Count} change rows written for {rows} writes");
                }

                seqs.Sort();
                var next = 0;
                for (var w = first; w < i; w++)
                {
                    if (done[w].Did)
                    {
                        changes[w] = new Change(seqs[next++], at, done[w].Kind, writes[w].Id);
                    }
                }
            }

            return changes;
        }

        /// <summary>
        /// The one change row of a bulk batch of upserts (a GraphReloaded change of entity 'import', with how many
        /// records it wrote and which rows, see <see cref="BatchRows"/>); every write that did something gets its sequence.
        /// </summary>
        public Change?[] AppendBatchChange(IReadOnlyList<GraphWrite> writes, Done[] done, DateTimeOffset at)
        {
            var changes = new Change?[writes.Count];
            var (nodes, edges) = (new List<long>(), new List<long>());
            for (var i = 0; i < writes.Count; i++)
            {
                if (done[i].Did)
                {
                    (done[i].Kind == ChangeKind.NodeUpserted ? nodes : edges).Add(done[i].RowId);
                }
            }

            if (nodes.Count + edges.Count == 0)
            {
                return changes;
            }

            using var append = Command(_connection, _transaction, "INSERT INTO changes (at, kind, entity_id, row_id, rows) VALUES ($at, $kind, 'import', $count, $rows) RETURNING seq");
            Bind(append, ("$at", at.ToString("O", CultureInfo.InvariantCulture)), ("$kind", nameof(ChangeKind.GraphReloaded)), ("$count", nodes.Count + edges.Count), ("$rows", BatchRows.Encode(nodes, edges)));
            var seq = Convert.ToInt64(append.ExecuteScalar(), CultureInfo.InvariantCulture);
            for (var i = 0; i < writes.Count; i++)
            {
                if (done[i].Did)
                {
                    changes[i] = new Change(seq, at, done[i].Kind, writes[i].Id);
                }
            }

            return changes;
        }

        public void Dispose()
        {
            foreach (var command in new[] { _nodes, _edges, _changes, _removeNode, _removeEdge })
            {
                command.Dispose();
            }

            _raw?.Dispose();
        }

        private int WriteNodes(IReadOnlyList<GraphWrite> writes, int start, Done[] done)
        {
            // A run ends before an id it already holds: one statement never upserts a record twice, so order is kept.
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var json = Rows();
            var end = start;
            for (; end < writes.Count && end - start < RunRows && writes[end] is GraphWrite.UpsertNode(var node) && ids.Add(node.Id); end++)
            {
                json.WriteStartArray();
                json.WriteStringValue(node.Id);
                json.WriteStringValue(node.Kind.ToString());
                json.WriteStringValue(node.Name);
                json.WriteStringValue(string.Join(AliasSeparator, node.Aliases));
                json.WriteStringValue(node.Description);
                WriteNullable(json, node.ValidFrom);
                WriteNullable(json, node.ValidTo);
                json.WriteEndArray();
            }

            _nodes.Parameters[0].Value = Close(json);
            var written = new Dictionary<string, (long RowId, long Version)>(end - start, StringComparer.Ordinal);
            using (var reader = _nodes.ExecuteReader())
            {
                while (reader.Read())
                {
                    written[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
                }
            }

            for (var i = start; i < end; i++)
            {
                var node = ((GraphWrite.UpsertNode)writes[i]).Node;
                var (rowId, version) = written[node.Id];
                done[i] = new Done(true, ChangeKind.NodeUpserted, rowId, node with { Version = version });
                if (_nodeRows is not null)
                {
                    _nodeRows.ById[node.Id] = rowId;
                }
            }

            return end;
        }

        private int WriteEdges(IReadOnlyList<GraphWrite> writes, int start, Done[] done)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var json = Rows();
            var end = start;
            string? lastEvidence = null;
            IReadOnlyList<Evidence>? lastEvidenceOf = null;
            for (; end < writes.Count && end - start < RunRows && writes[end] is GraphWrite.UpsertEdge(var edge) && ids.Add(edge.Id); end++)
            {
                if (!Vocabulary.IsEdgeType(edge.Type))
                {
                    // Refused where it stands: the writes before it run first (and refuse the batch first if one of them fails).
                    if (end > start)
                    {
                        break;
                    }

                    throw new GraphWriteException($"edge '{edge.Id}': unknown edge type '{edge.Type}'");
                }

                // Edges of an import often cite the same evidence: serialized once while it repeats.
                if (!ReferenceEquals(edge.Evidence, lastEvidenceOf) && !(lastEvidenceOf is not null && SameEvidence(edge.Evidence, lastEvidenceOf)))
                {
                    lastEvidence = JsonSerializer.Serialize(edge.Evidence, s_json);
                }

                lastEvidenceOf = edge.Evidence;
                json.WriteStartArray();
                json.WriteStringValue(edge.Id);
                json.WriteStringValue(edge.Type);
                json.WriteStringValue(edge.Source);
                json.WriteStringValue(edge.Target);
                json.WriteStringValue(lastEvidence);
                WriteNullable(json, edge.ValidFrom);
                WriteNullable(json, edge.ValidTo);
                WriteNullable(json, edge.Suspensions.Count == 0 ? null : JsonSerializer.Serialize(edge.Suspensions, s_json));
                json.WriteStringValue(edge.Status.ToString());
                json.WriteEndArray();
            }

            _edges.Parameters[0].Value = Close(json);
            var written = new Dictionary<string, long>(end - start, StringComparer.Ordinal);
            using (var reader = _edges.ExecuteReader())
            {
                while (reader.Read())
                {
                    written[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            for (var i = start; i < end; i++)
            {
                var edge = ((GraphWrite.UpsertEdge)writes[i]).Edge;
                if (!written.TryGetValue(edge.Id, out var rowId))
                {
                    throw new GraphWriteException($"edge '{edge.Id}': no node with id '{MissingEndpoint(edge)}'");
                }

                done[i] = new Done(true, ChangeKind.EdgeUpserted, rowId, null);
            }

            return end;
        }

        internal static bool SameEvidence(IReadOnlyList<Evidence> a, IReadOnlyList<Evidence> b)
        {
            if (a.Count != b.Count)
            {
                return false;
            }

            for (var i = 0; i < a.Count; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        private string MissingEndpoint(Edge edge)
        {
            using var exists = Command(_connection, _transaction, "SELECT count(*) FROM nodes WHERE id = $id");
            Bind(exists, ("$id", edge.Source));
            return Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0 ? edge.Source : edge.Target;
        }

        private Utf8JsonWriter Rows()
        {
            _buffer.ResetWrittenCount();
            var json = new Utf8JsonWriter(_buffer, s_rowJson);
            json.WriteStartArray();
            return json;
        }

        private string Close(Utf8JsonWriter json)
        {
            json.WriteEndArray();
            json.Flush();
            json.Dispose();
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }

        private static void WriteNullable(Utf8JsonWriter json, string? value)
        {
            if (value is null)
            {
                json.WriteNullValue();
            }
            else
            {
                json.WriteStringValue(value);
            }
        }

        private SqliteCommand Prepared(string sql, params string[] names)
        {
            var command = Command(_connection, _transaction, sql);
            foreach (var name in names)
            {
                command.Parameters.Add(new SqliteParameter(name, SqliteType.Text) { Value = DBNull.Value });
            }

            return command;
        }
    }
    /// <summary>
    /// Edge upserts one row per step of a prepared statement through SQLite's own API, ends bound as node row ids
    /// (<paramref name="nodeRows"/>, filled from the nodes' id index on a miss): no JSON to build and parse again,
    /// no lookup of the ends by id per edge. A plain INSERT first; an id already there (SQLite refuses it before
    /// writing anything) goes through the upsert instead, which keeps the row id and bumps the version, as
    /// the JSON runs do.
    /// </summary>
    private sealed class RawEdges : IDisposable
    {
        /// <summary>SQLITE_CONSTRAINT_UNIQUE: the edge's id is taken.</summary>
        private const int SqliteConstraintUnique = 2067;

        private const string Columns = "id, type, source_nid, target_nid, evidence, valid_from, valid_to, suspensions, status";

        private readonly sqlite3 _db;
        private readonly NodeRowIds _nodeRows;
        private readonly IndexWriter? _writer;
        private readonly sqlite3_stmt _insert;
        private readonly sqlite3_stmt _upsert;
        private readonly sqlite3_stmt _nodeRow;
        private readonly Bound _insertBound = new();
        private readonly Bound _upsertBound = new();
        private byte[] _utf8 = new byte[1024];

        public RawEdges(SqliteConnection connection, NodeRowIds nodeRows, IndexWriter? writer)
        {
            (_db, _nodeRows, _writer) = (connection.Handle!, nodeRows, writer);
            _insert = Prepare($"INSERT INTO edges ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
            _upsert = Prepare($"""
                INSERT INTO edges ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                {EdgeOnConflictUpdate}
                RETURNING eid
                """);
            _nodeRow = Prepare("SELECT nid FROM nodes WHERE id = ?1");
        }

        /// <summary>Writes the run of edge upserts from <paramref name="start"/>; returns where it ended.</summary>
        public int Write(IReadOnlyList<GraphWrite> writes, int start, Done[] done)
        {
            var end = start;
            string? evidence = null;
            IReadOnlyList<Evidence>? evidenceOf = null;
            for (; end < writes.Count && writes[end] is GraphWrite.UpsertEdge(var edge); end++)
            {
                if (!Vocabulary.IsEdgeType(edge.Type))
                {
                    throw new GraphWriteException($"edge '{edge.Id}': unknown edge type '{edge.Type}'");
                }

                var ends = ((GraphWrite.UpsertEdge)writes[end]).Ends;
                var (source, sourceOrdinal) = NodeRow(edge.Source, ends.Table, ends.Source);
                var (target, targetOrdinal) = NodeRow(edge.Target, ends.Table, ends.Target);
                if (source is null || target is null)
                {
                    throw new GraphWriteException($"edge '{edge.Id}': no node with id '{(source is null ? edge.Source : edge.Target)}'");
                }

                // Edges of an import often cite the same evidence: serialized once while it repeats.
                if (!ReferenceEquals(edge.Evidence, evidenceOf) && !(evidenceOf is not null && SetBasedBatch.SameEvidence(edge.Evidence, evidenceOf)))
                {
                    evidence = JsonSerializer.Serialize(edge.Evidence, s_json);
                }

                evidenceOf = edge.Evidence;
                var suspensions = edge.Suspensions.Count == 0 ? null : JsonSerializer.Serialize(edge.Suspensions, s_json);
                Bind(_insert, _insertBound, edge, source.Value, target.Value, evidence!, suspensions);
                var rc = raw.sqlite3_step(_insert);
                var unique = rc == raw.SQLITE_CONSTRAINT && raw.sqlite3_extended_errcode(_db) == SqliteConstraintUnique;
                raw.sqlite3_reset(_insert);
                long rowId;
                if (rc == raw.SQLITE_DONE)
                {
                    rowId = raw.sqlite3_last_insert_rowid(_db);
                }
                else if (unique)
                {
                    Bind(_upsert, _upsertBound, edge, source.Value, target.Value, evidence!, suspensions);
                    rc = raw.sqlite3_step(_upsert);
                    Check(rc == raw.SQLITE_ROW ? raw.SQLITE_OK : rc);
                    rowId = raw.sqlite3_column_int64(_upsert, 0);
                    rc = raw.sqlite3_step(_upsert);
                    raw.sqlite3_reset(_upsert);
                    Check(rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc);
                }
                else
                {
                    Check(rc);
                    throw new InvalidOperationException($"unexpected SQLite result {rc}");
                }

                done[end] = new Done(true, ChangeKind.EdgeUpserted, rowId, null, sourceOrdinal, targetOrdinal);
            }

            return end;
        }

        public void Dispose()
        {
            _insert.Dispose();
            _upsert.Dispose();
            _nodeRow.Dispose();
        }

        /// <summary>
        /// The node's row id (null: no such node) and its ordinal in the index writer (-1: not found there): the one the
        /// import's check found (<paramref name="checkedOrdinal"/> in <paramref name="table"/>) while the writer's build has that
        /// table and the node is live there, else looked up by id.
        /// </summary>
        private (long? Row, int Ordinal) NodeRow(string id, object? table, int checkedOrdinal)
        {
            var useChecked = _writer is { } writer && table is not null && checkedOrdinal >= 0 && ReferenceEquals(table, writer.BuiltNodes) && writer.IsLiveBuilt(checkedOrdinal);
            var ordinal = useChecked ? checkedOrdinal : _writer?.NodeOrdinal(id) ?? -1;
            System.Diagnostics.Debug.Assert(!useChecked || _writer!.BuiltNodes.Id(ordinal) == id, "a checked ordinal names the node");
            if (ordinal >= 0 && ordinal < _writer!.BuiltNodeCount)
            {
                var byOrdinal = _nodeRows.ByOrdinal(_writer);
                if (byOrdinal[ordinal] == 0 && _nodeRows.Missed())
                {
                    FillBuiltNodeRows(byOrdinal, _writer.BuiltNodes);
                }

                if (byOrdinal[ordinal] == 0 && FindNodeRow(id) is { } found)
                {
                    byOrdinal[ordinal] = found;
                }

                return (byOrdinal[ordinal] == 0 ? null : byOrdinal[ordinal], ordinal);
            }

            if (_nodeRows.ById.TryGetValue(id, out var row))
            {
                return (row, ordinal);
            }

            if (FindNodeRow(id) is { } nid)
            {
                _nodeRows.ById[id] = nid;
                return (nid, ordinal);
            }

            return (null, ordinal);
        }

        /// <summary>
        /// Every node's row id by its ordinal in <paramref name="built"/> (where it has one), in one scan of the nodes'
        /// id index (it holds each id with its row id: `ORDER BY id` makes SQLite read it rather than the table). Valid as the looked-up ones are: in this transaction,
        /// for an ordinal the writer finds live in its build (a node removed and written again is past the build there).
        /// </summary>
        private void FillBuiltNodeRows(long[] byOrdinal, NodeTable built)
        {
            Check(raw.sqlite3_prepare_v2(_db, "SELECT id, nid FROM nodes ORDER BY id", out var scan));
            using (scan)
            {
                int rc;
                while ((rc = raw.sqlite3_step(scan)) == raw.SQLITE_ROW)
                {
                    var ordinal = built.Find(raw.sqlite3_column_blob(scan, 0));
                    if (ordinal >= 0 && ordinal < byOrdinal.Length)
                    {
                        byOrdinal[ordinal] = raw.sqlite3_column_int64(scan, 1);
                    }
                }

                if (rc != raw.SQLITE_DONE)
                {
                    Check(rc);
                }
            }
        }

        /// <summary>The node's row id in the nodes' id index (null: none).</summary>
        private long? FindNodeRow(string id)
        {
            _nodeRows.Lookups++;
            BindText(_nodeRow, 1, id);
            var rc = raw.sqlite3_step(_nodeRow);
            long? found = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_nodeRow, 0) : null;
            raw.sqlite3_reset(_nodeRow);
            if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
            {
                Check(rc);
            }

            return found;
        }

        /// <summary>
        /// Binds an edge's values, those that repeat from the last edge bound to <paramref name="statement"/> (evidence,
        /// dates, suspensions, status, often the type: an import's edges mostly share them) not again: SQLite keeps a
        /// statement's bindings from one step to the next, and each bind is a call through the driver (at a million
        /// edges those calls were a third of the writing thread's own time).
        /// </summary>
        private void Bind(sqlite3_stmt statement, Bound bound, Edge edge, long source, long target, string evidence, string? suspensions)
        {
            BindText(statement, 1, edge.Id);
            if (!bound.Any || !string.Equals(bound.Type, edge.Type, StringComparison.Ordinal))
            {
                BindText(statement, 2, edge.Type);
            }

            raw.sqlite3_bind_int64(statement, 3, source);
            raw.sqlite3_bind_int64(statement, 4, target);
            if (!bound.Any || !string.Equals(bound.Evidence, evidence, StringComparison.Ordinal))
            {
                BindText(statement, 5, evidence);
            }

            if (!bound.Any || !string.Equals(bound.ValidFrom, edge.ValidFrom, StringComparison.Ordinal))
            {
                BindNullable(statement, 6, edge.ValidFrom);
            }

            if (!bound.Any || !string.Equals(bound.ValidTo, edge.ValidTo, StringComparison.Ordinal))
            {
                BindNullable(statement, 7, edge.ValidTo);
            }

            if (!bound.Any || !string.Equals(bound.Suspensions, suspensions, StringComparison.Ordinal))
            {
                BindNullable(statement, 8, suspensions);
            }

            if (!bound.Any || bound.Status != edge.Status)
            {
                BindText(statement, 9, StatusText(edge.Status));
            }

            (bound.Any, bound.Type, bound.Evidence, bound.ValidFrom, bound.ValidTo, bound.Suspensions, bound.Status) =
                (true, edge.Type, evidence, edge.ValidFrom, edge.ValidTo, suspensions, edge.Status);
        }

        /// <summary>What a statement has bound (SQLite keeps it across steps and resets): the values <see cref="Bind"/> need not bind again.</summary>
        private sealed class Bound
        {
            public bool Any;
            public string? Type;
            public string? Evidence;
            public string? ValidFrom;
            public string? ValidTo;
            public string? Suspensions;
            public EdgeStatus Status;
        }

        /// <summary>
        /// Binds a text as UTF-8 encoded into one reused buffer (SQLite copies it): the driver's string overload
        /// allocates a new array per value, five per edge.
        /// </summary>
        private void BindText(sqlite3_stmt statement, int index, string value)
        {
            if (value.Length == 0)
            {
                // An empty span would bind as NULL.
                raw.sqlite3_bind_text(statement, index, value);
                return;
            }

            var most = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (most > _utf8.Length)
            {
                _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
            }

            Check(raw.sqlite3_bind_text(statement, index, _utf8.AsSpan(0, Encoding.UTF8.GetBytes(value, _utf8))));
        }

        private static string StatusText(EdgeStatus status) => status switch
        {
            EdgeStatus.Confirmed => nameof(EdgeStatus.Confirmed),
            EdgeStatus.Proposed => nameof(EdgeStatus.Proposed),
            EdgeStatus.Disputed => nameof(EdgeStatus.Disputed),
            _ => status.ToString(),
        };

        private void BindNullable(sqlite3_stmt statement, int index, string? value)
        {
            if (value is null)
            {
                raw.sqlite3_bind_null(statement, index);
            }
            else
            {
                BindText(statement, index, value);
            }
        }

        private sqlite3_stmt Prepare(string sql)
        {
            Check(raw.sqlite3_prepare_v2(_db, sql, out var statement));
            return statement;
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
    }
}
