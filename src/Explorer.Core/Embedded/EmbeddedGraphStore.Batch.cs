using System.Globalization;
using System.Text.Json;
using Explorer.Graph;
using Explorer.Telemetry;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>
/// Bulk writes and lookups for imports: a batch of writes commits in one transaction, each write with its own
/// change-log row (so the index, this process's and every other's, applies them incrementally), and the
/// index publishes the whole batch as one version after the commit: a reader sees all of it or none of it,
/// and a crash before the commit leaves none of it in the file.
/// </summary>
internal sealed partial class EmbeddedGraphStore
{
    /// <summary>Ids per lookup statement (SQLite reads them from one JSON array parameter).</summary>
    private const int LookupChunk = 5000;

    /// <summary>A batch of at least this many writes is a bulk write (an import): its connection gets a large page cache.</summary>
    private const int BulkBatch = 1000;

    /// <summary>
    /// The page cache of a connection that writes bulk batches, in KiB (SQLite's default is 2 MiB): at a million
    /// nodes the indexes a batch updates at random places (edges by source and by target, nodes by id) are
    /// hundreds of MiB, and every page that misses the cache is read again. SQLite fills it only as pages are
    /// used; the pooled connection keeps it until the pool closes the connection.
    /// </summary>
    private const int BulkCacheKiB = 256 * 1024;

    /// <summary>
    /// How much a bulk load grows the database, in pages, between checkpoints (SQLite's default interval is 1,000
    /// pages, 4 MiB: a bulk batch writes about that much, so with the default every few commits copy the pages just
    /// written back into the database file and fsync it). The connection that writes bulk batches does not
    /// checkpoint at all (its commits would wait for the copy and the database file's fsync: at 1M, 4.7M edges, 15
    /// checkpoints and ~1.3 s of fsync on the committing thread); once the file grew this much since the last one,
    /// a commit starts a PASSIVE checkpoint on another connection, which copies the WAL into the database file while
    /// the next batches are written (SQLite lets one checkpointer run beside the writer). The load's end checkpoints
    /// what is left (<see cref="ReleaseBulkConnection"/>). Durability is unchanged: each commit is fsynced in the WAL
    /// (synchronous=FULL) before it returns, and a crash replays the WAL on the next open.
    /// </summary>
    internal const int BulkCheckpointPages = 16_384;

    /// <summary>The database growth, in pages, after which a bulk load checkpoints beside its batches (tests set it low).</summary>
    internal int BulkCheckpointEvery { get; init; } = BulkCheckpointPages;

    /// <summary>The checkpoint a bulk load's commit started beside its next batches (null: none).</summary>
    private Task? _bulkCheckpoint;

    /// <summary>The database's size in pages when the bulk load's last checkpoint started, or when the load started.</summary>
    private long _bulkCheckpointedAt;

    /// <summary>
    /// Bulk writes tuned as above, and compactions paced (see <c>CompactIfDue</c>); off, batches write as before
    /// issue 9's import work (the benchmark's baseline).
    /// </summary>
    internal bool BulkTuning { get; init; } = true;

    private SqliteConnection? _bulkConnection;

    /// <summary>Node row ids by node id for the bulk connection's edge writes (see <see cref="KeptNodeRowIds"/>).</summary>
    private readonly NodeRowIds _nodeRowIds = new();

    /// <summary>The change-log sequence up to which <see cref="_nodeRowIds"/> was checked (-1: never).</summary>
    private long _nodeRowIdsSeq = -1;

    /// <summary>Past this many kept node row ids the map starts again (about 100 bytes each).</summary>
    private const int MaxKeptNodeRowIds = 8_000_000;

    /// <summary>
    /// Edge upserts of a batch written one prepared statement per row through SQLite's own API, with their ends'
    /// node row ids looked up once per bulk load, and one change row per bulk batch (EmbeddedGraphStore.Bulk.cs);
    /// off, a batch writes as before (JSON arrays expanded in SQLite, one change row per record: the benchmark's
    /// previous path).
    /// </summary>
    internal bool LeanBatches { get; init; } = true;

    /// <summary>Tests: a set-based batch whose commit this says fails throws instead of committing (as an I/O error would).</summary>
    internal Func<bool>? CommitFails { get; init; }

    public Task<IReadOnlyDictionary<string, Node>> GetNodesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var index = Index;
        var found = new Dictionary<string, Node>(ids.Count, StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (index.Ordinal(id) is { } ordinal)
            {
                found[id] = index.Nodes[ordinal];
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, Node>>(found);
    }

    /// <summary>
    /// The kinds, and where each node is in the index's built node table (the ordinals below its built count), which
    /// an import hands back with its edges (<see cref="GraphWrite.UpsertEdge.Ends"/>) so their writes look no id up again.
    /// </summary>
    public Task<IReadOnlyDictionary<string, NodeKind>> GetNodeKindsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var index = Index;
        var built = index.Built;
        var found = new NodeKindsFound(built.Nodes, ids.Count);
        foreach (var id in ids)
        {
            if (index.Ordinal(id) is { } ordinal)
            {
                found[id] = index.Nodes.Kind(ordinal);
                if (ordinal < built.NodeCount)
                {
                    found.Ordinals[id] = ordinal;
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, NodeKind>>(found);
    }

    public Task<IReadOnlyDictionary<string, Edge>> GetEdgesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, Edge>(ids.Count, StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, Edge>>(found);
        }

        using var connection = Open();
        using var command = Command(connection, null, EdgeSelectSql + " WHERE e.id IN (SELECT value FROM json_each($ids))");
        var parameter = command.Parameters.Add("$ids", SqliteType.Text);
        foreach (var chunk in ids.Chunk(LookupChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            parameter.Value = JsonSerializer.Serialize(chunk);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var edge = ReadEdge(reader);
                found[edge.Id] = edge;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, Edge>>(found);
    }

    public async Task<IReadOnlyList<Change?>> ApplyBatchAsync(IReadOnlyList<GraphWrite> writes, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _ = Index;
            var bulk = BulkTuning && writes.Count >= BulkBatch;
            var connection = bulk ? BulkConnection() : Open();
            try
            {
                if (BulkTuning)
                {
                    // Nothing in such a batch can break a reference: an edge's ends are the row ids of nodes found by the
                    // same statement that inserts it (under this transaction's write lock), a node upsert keeps its row
                    // id, and no node is removed (a removal needs the cascade). So the foreign-key checks, two lookups
                    // of the nodes per edge written, are skipped. Every connection Open gives has them on again.
                    var keys = writes.Any(w => w is GraphWrite.RemoveNode) ? "ON" : "OFF";
                    using var pragma = Command(connection, null, $"PRAGMA foreign_keys = {keys}");
                    pragma.ExecuteNonQuery();
                }

                return ApplyInTransaction(connection, writes, started, cancellationToken);
            }
            catch
            {
                if (bulk)
                {
                    ReleaseBulkConnection();
                }

                throw;
            }
            finally
            {
                if (!bulk)
                {
                    connection.Dispose();
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Change?[] ApplyInTransaction(SqliteConnection connection, IReadOnlyList<GraphWrite> writes, long started, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction();
        CatchUp(connection, transaction);
        var at = DateTimeOffset.UtcNow;
        return BulkTuning
            ? ApplySetBased(connection, transaction, writes, at, started, cancellationToken)
            : ApplyOneByOne(connection, transaction, writes, at, started, cancellationToken);
    }

    /// <summary>
    /// The connection that writes bulk batches, kept from one batch to the next (until <see cref="FinishBulkAsync"/>)
    /// with a large page cache: a pooled connection another reader used meanwhile (the import checks the next records
    /// while a batch commits) starts with its cache emptied by the last commit, and would read the indexes a batch
    /// updates from the file again. Used only under the write lock.
    /// </summary>
    private SqliteConnection BulkConnection()
    {
        if (_bulkConnection is { } kept)
        {
            return kept;
        }

        var connection = Open();
        using var cache = Command(connection, null, $"PRAGMA cache_size = -{BulkCacheKiB.ToString(CultureInfo.InvariantCulture)}; PRAGMA wal_autocheckpoint = 0;");
        cache.ExecuteNonQuery();
        _bulkCheckpointedAt = PageCount(connection);
        return _bulkConnection = connection;
    }

    /// <summary>
    /// After a bulk batch's commit: once the database grew by <see cref="BulkCheckpointEvery"/> pages since the last
    /// checkpoint, and none is running, starts a PASSIVE checkpoint on another connection (see <see cref="BulkCheckpointPages"/>).
    /// </summary>
    private void CheckpointBesideIfDue(SqliteConnection bulk)
    {
        if (_bulkCheckpoint is { IsCompleted: false })
        {
            return;
        }

        long pages;
        try
        {
            pages = PageCount(bulk);
        }
        catch (SqliteException)
        {
            return; // the batch committed; the next commit or the load's end checkpoints
        }

        if (pages - _bulkCheckpointedAt < BulkCheckpointEvery)
        {
            return;
        }

        _bulkCheckpointedAt = pages;
        _bulkCheckpoint = Task.Run(Checkpoint, CancellationToken.None);
    }

    private static long PageCount(SqliteConnection connection)
    {
        using var count = Command(connection, null, "PRAGMA page_count");
        return Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The checkpoint a bulk batch started beside the next ones, or a completed task (tests).</summary>
    internal Task BulkCheckpoint => _bulkCheckpoint ?? Task.CompletedTask;

    /// <summary>Waits for the checkpoint a bulk batch started beside the next ones, if one is running.</summary>
    private void WaitForBulkCheckpoint()
    {
        if (_bulkCheckpoint is { } running)
        {
            ((IAsyncResult)running).AsyncWaitHandle.WaitOne();
            _bulkCheckpoint = null;
        }
    }

    private void ReleaseBulkConnection() => CloseBulkConnection(DetachBulkConnection());

    /// <summary>Ends the bulk load's hold on its connection (no batch uses it after this); <see cref="CloseBulkConnection"/> closes it.</summary>
    private SqliteConnection? DetachBulkConnection()
    {
        var connection = _bulkConnection;
        _bulkConnection = null;
        _nodeRowIds.Clear();
        _nodeRowIds.ById.TrimExcess();
        _nodeRowIdsSeq = -1;
        return connection;
    }

    private void CloseBulkConnection(SqliteConnection? bulk)
    {
        WaitForBulkCheckpoint();
        if (bulk is null)
        {
            return;
        }

        bulk.Dispose();

        // What the load left in the WAL (since its last checkpoint, and the indexes its end built) goes into the
        // database file now, beside what comes next (the load's snapshot, the next writes), so the next small write
        // (on a connection with SQLite's default interval) does not pay for the whole load's tail. Disposal waits
        // for it. PASSIVE: readers are not waited for (what they still need is copied by a later checkpoint).
        _bulkCheckpoint = Task.Run(Checkpoint, CancellationToken.None);
    }

    /// <summary>A PASSIVE checkpoint on a connection of its own; one that cannot run now is left to a later one.</summary>
    private void Checkpoint()
    {
        try
        {
            using var connection = Open();
            using var checkpoint = Command(connection, null, "PRAGMA wal_checkpoint(PASSIVE)");
            checkpoint.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Another checkpoint running, a full disk: the next one copies it; nothing is lost.
        }
    }

    /// <summary>
    /// The node row ids the bulk connection's batches have used, still valid in <paramref name="transaction"/>: a
    /// node keeps its row id until it is removed (a node added again, or another node, may then get that row id),
    /// and every removal, in any process, writes a NodeRemoved change (a seed a GraphReloaded without rows). So
    /// the ids are kept while the log after the last check holds neither. Under the write lock.
    /// </summary>
    private NodeRowIds KeptNodeRowIds(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var check = Command(connection, transaction, """
            SELECT coalesce(max(seq), 0),
                EXISTS (SELECT 1 FROM changes WHERE seq > $after AND (kind = 'NodeRemoved' OR (kind = 'GraphReloaded' AND rows IS NULL)))
            FROM changes
            """);
        Bind(check, ("$after", _nodeRowIdsSeq < 0 ? long.MaxValue : _nodeRowIdsSeq));
        using var reader = check.ExecuteReader();
        reader.Read();
        var (newest, removed) = (reader.GetInt64(0), reader.GetBoolean(1));
        if (_nodeRowIdsSeq < 0 || removed || newest < _nodeRowIdsSeq || _nodeRowIds.ById.Count > MaxKeptNodeRowIds)
        {
            _nodeRowIds.Clear();
        }

        _nodeRowIdsSeq = newest;
        return _nodeRowIds;
    }

    /// <summary>The batch as set-based statements (EmbeddedGraphStore.Bulk.cs), committed, then applied to the index in one version.</summary>
    private Change?[] ApplySetBased(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<GraphWrite> writes, DateTimeOffset at, long started, CancellationToken cancellationToken)
    {
        var bulkLoad = StartsBulkLoad(writes);
        if (bulkLoad)
        {
            using var drop = Command(connection, transaction, "DROP INDEX IF EXISTS edges_source; DROP INDEX IF EXISTS edges_target;");
            drop.ExecuteNonQuery();
        }

        var done = new Done[writes.Count];
        Change?[] changes;
        var kept = LeanBatches && ReferenceEquals(connection, _bulkConnection);
        var nodeRows = kept ? KeptNodeRowIds(connection, transaction) : new NodeRowIds();

        // Edges find their ends' ordinals through the index writer (caught up above, and not replaced while this
        // lock is held) and the index update below reuses them, unless a node removal in the batch changes them first.
        var writer = writes.Any(w => w is GraphWrite.RemoveNode) ? null : _writer;
        Task? indexing = null;
        try
        {
            using (var batch = new SetBasedBatch(connection, transaction, LeanBatches ? nodeRows : null, writer))
            {
                batch.Write(writes, done, cancellationToken);
                changes = LeanBatches && GraphWrite.IsBulkBatch(writes)
                    ? batch.AppendBatchChange(writes, done, at)
                    : batch.AppendChanges(writes, done, at);
            }

            // A bulk batch's index update runs beside its commit (the commit is mostly the WAL's fsync, the update all
            // CPU): applied to the writer there, published only once the commit returned. Small batches do it after.
            if (kept && changes.Any(c => c is not null))
            {
                var applying = _writer!;
                indexing = Task.Run(() =>
                {
                    applying.Begin();
                    ApplyDone(applying, writer, writes, done);
                }, CancellationToken.None);
            }

            if (CommitFails?.Invoke() == true)
            {
                throw new SqliteException("a commit failed (test)", 10);
            }

            transaction.Commit();
            if (kept)
            {
                CheckpointBesideIfDue(connection);
            }
        }
        catch
        {
            // Row ids read or written inside a transaction that did not commit may not exist.
            nodeRows.Clear();
            if (indexing is not null)
            {
                // The writer holds an update of rows that were never committed (and no way back): the index is loaded
                // again from the file. Readers meanwhile read the last published version, which never showed them.
                ((IAsyncResult)indexing).AsyncWaitHandle.WaitOne();
                using var fresh = Open();
                Reload(fresh, "a bulk batch's commit failed after its index update");
                _edgeRecords.Clear();
            }

            throw;
        }

        _edgeIndexesDeferred |= bulkLoad;
        ExplorerMetrics.CommitDuration.RecordSince(started, new("explorer.write", "batch"));
        if (changes.LastOrDefault(c => c is not null) is not { } last)
        {
            return changes;
        }

        var building = System.Diagnostics.Stopwatch.GetTimestamp();
        if (indexing is not null)
        {
            indexing.GetAwaiter().GetResult();
            PublishCommitted(last.Seq);
        }
        else
        {
            ApplyCommitted(last.Seq, applying => ApplyDone(applying, writer, writes, done));
        }

        ExplorerMetrics.IndexBuildDuration.RecordSince(building, new("explorer.index.reason", "batch"));
        foreach (var change in changes)
        {
            if (change is not null)
            {
                _edgeRecords.Apply(change);
            }
        }

        return changes;
    }

    /// <summary>
    /// A set-based batch's writes as they were done, applied to the index writer <paramref name="applying"/>; edges reuse
    /// their ends' ordinals when it is the writer they were found through (<paramref name="foundThrough"/>).
    /// </summary>
    private static void ApplyDone(IndexWriter applying, IndexWriter? foundThrough, IReadOnlyList<GraphWrite> writes, Done[] done)
    {
        var ordinals = ReferenceEquals(applying, foundThrough);
        for (var i = 0; i < writes.Count; i++)
        {
            var (did, kind, rowId, node, source, target) = done[i];
            if (!did)
            {
                continue;
            }

            switch (kind)
            {
                case ChangeKind.NodeUpserted:
                    applying.UpsertNode(node!);
                    break;
                case ChangeKind.EdgeUpserted:
                    var edge = ((GraphWrite.UpsertEdge)writes[i]).Edge;
                    applying.UpsertEdge(rowId, edge.Type, edge.Source, edge.Target, ordinals ? source : -1, ordinals ? target : -1);
                    break;
                case ChangeKind.NodeRemoved:
                    applying.RemoveNode(writes[i].Id);
                    break;
                case ChangeKind.EdgeRemoved:
                    applying.RemoveEdge(rowId);
                    break;
            }
        }
    }

    /// <summary>The batch one statement per write (before issue 9's import work; the benchmark's baseline).</summary>
    private Change?[] ApplyOneByOne(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<GraphWrite> writes, DateTimeOffset at, long started, CancellationToken cancellationToken)
    {
        using var batch = new BatchCommands(connection, transaction, at);
        var changes = new Change?[writes.Count];
        var apply = new List<Action<IndexWriter>>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var (kind, rowId, update) = batch.Write(writes[i]);
            if (update is null)
            {
                continue;
            }

            changes[i] = batch.AppendChange(kind, writes[i].Id, rowId);
            apply.Add(update);
        }

        transaction.Commit();
        ExplorerMetrics.CommitDuration.RecordSince(started, new("explorer.write", "batch"));
        if (apply.Count > 0)
        {
            var building = System.Diagnostics.Stopwatch.GetTimestamp();
            var last = changes.Last(c => c is not null)!.Seq;
            ApplyCommitted(last, writer =>
            {
                foreach (var update in apply)
                {
                    update(writer);
                }
            });
            ExplorerMetrics.IndexBuildDuration.RecordSince(building, new("explorer.index.reason", "batch"));
            foreach (var change in changes)
            {
                if (change is not null)
                {
                    _edgeRecords.Apply(change);
                }
            }
        }

        return changes;
    }

    /// <summary>The statements of one batch, prepared once and reused for every write in it.</summary>
    private sealed class BatchCommands : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private readonly SqliteCommand _upsertNode;
        private readonly SqliteCommand _upsertEdge;
        private readonly SqliteCommand _removeNode;
        private readonly SqliteCommand _removeEdge;
        private readonly SqliteCommand _change;
        private readonly DateTimeOffset _at;
        private readonly string _atText;

        public BatchCommands(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset at)
        {
            (_connection, _transaction, _at) = (connection, transaction, at);
            _atText = at.ToString("O", CultureInfo.InvariantCulture);
            _upsertNode = Prepare(NodeUpsertSql + " RETURNING nid, version", "$id", "$kind", "$name", "$aliases", "$description", "$validFrom", "$validTo");
            _upsertEdge = Prepare(EdgeUpsertSql, "$id", "$type", "$source", "$target", "$evidence", "$validFrom", "$validTo", "$suspensions", "$status");
            _removeNode = Prepare("DELETE FROM nodes WHERE id = $id RETURNING nid", "$id");
            _removeEdge = Prepare("DELETE FROM edges WHERE id = $id RETURNING eid", "$id");
            _change = Prepare("INSERT INTO changes (at, kind, entity_id, row_id) VALUES ($at, $kind, $entity, $row) RETURNING seq", "$at", "$kind", "$entity", "$row");
        }

        /// <summary>Runs one write: its change kind, the row it touched and its index update (null: nothing to do).</summary>
        public (ChangeKind Kind, long RowId, Action<IndexWriter>? Update) Write(GraphWrite write)
        {
            switch (write)
            {
                case GraphWrite.UpsertNode(var node):
                {
                    Set(_upsertNode, node.Id, node.Kind.ToString(), node.Name, string.Join(AliasSeparator, node.Aliases), node.Description, node.ValidFrom, node.ValidTo);
                    long rowId;
                    Node written;
                    using (var reader = _upsertNode.ExecuteReader())
                    {
                        reader.Read();
                        rowId = reader.GetInt64(0);
                        written = node with { Version = reader.GetInt64(1) };
                    }

                    return (ChangeKind.NodeUpserted, rowId, writer => writer.UpsertNode(written));
                }

                case GraphWrite.UpsertEdge(var edge):
                {
                    if (!Vocabulary.IsEdgeType(edge.Type))
                    {
                        throw new GraphWriteException($"edge '{edge.Id}': unknown edge type '{edge.Type}'");
                    }

                    Set(_upsertEdge, edge.Id, edge.Type, edge.Source, edge.Target, JsonSerializer.Serialize(edge.Evidence, s_json), edge.ValidFrom, edge.ValidTo,
                        edge.Suspensions.Count == 0 ? null : JsonSerializer.Serialize(edge.Suspensions, s_json), edge.Status.ToString());
                    if (_upsertEdge.ExecuteScalar() is not { } row)
                    {
                        throw new GraphWriteException($"edge '{edge.Id}': no node with id '{MissingEndpoint(edge)}'");
                    }

                    var rowId = Convert.ToInt64(row, CultureInfo.InvariantCulture);
                    return (ChangeKind.EdgeUpserted, rowId, writer => writer.UpsertEdge(rowId, edge.Type, edge.Source, edge.Target));
                }

                case GraphWrite.RemoveNode(var id):
                {
                    Set(_removeNode, id);
                    return _removeNode.ExecuteScalar() is { } row
                        ? (ChangeKind.NodeRemoved, Convert.ToInt64(row, CultureInfo.InvariantCulture), writer => writer.RemoveNode(id))
                        : (ChangeKind.NodeRemoved, 0, null);
                }

                case GraphWrite.RemoveEdge(var id):
                {
                    Set(_removeEdge, id);
                    if (_removeEdge.ExecuteScalar() is not { } row)
                    {
                        return (ChangeKind.EdgeRemoved, 0, null);
                    }

                    var rowId = Convert.ToInt64(row, CultureInfo.InvariantCulture);
                    return (ChangeKind.EdgeRemoved, rowId, writer => writer.RemoveEdge(rowId));
                }

                default:
                    throw new ArgumentException($"unknown write {write}", nameof(write));
            }
        }

        /// <summary>The write's change row (every write of a batch carries the batch's time).</summary>
        public Change AppendChange(ChangeKind kind, string entityId, long rowId)
        {
            Set(_change, _atText, kind.ToString(), entityId, rowId);
            return new Change(Convert.ToInt64(_change.ExecuteScalar(), CultureInfo.InvariantCulture), _at, kind, entityId);
        }

        public void Dispose()
        {
            foreach (var command in new[] { _upsertNode, _upsertEdge, _removeNode, _removeEdge, _change })
            {
                command.Dispose();
            }
        }

        private string MissingEndpoint(Edge edge)
        {
            using var exists = Command(_connection, _transaction, "SELECT count(*) FROM nodes WHERE id = $id");
            Bind(exists, ("$id", edge.Source));
            return Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0 ? edge.Source : edge.Target;
        }

        private SqliteCommand Prepare(string sql, params string[] names)
        {
            var command = Command(_connection, _transaction, sql);
            foreach (var name in names)
            {
                command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }

            return command;
        }

        private static void Set(SqliteCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
        }
    }
}
