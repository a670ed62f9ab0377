using System.Globalization;
using Explorer.Graph;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>
/// The in-memory index's life: loaded at start, updated incrementally after each committed write (this
/// process's own, and other processes' read from the change log), compacted in the background when the delta
/// grows, reloaded whole after a seed. <see cref="_indexSeq"/> is the change-log sequence it reflects.
/// Everything here that changes the index runs under the write lock.
/// </summary>
internal sealed partial class EmbeddedGraphStore
{
    /// <summary>More changes than this from other processes at once: reload instead of applying them one by one.</summary>
    private const int CatchUpLimit = 100_000;

    private volatile GraphIndex? _index;
    private IndexWriter? _writer;
    private long _indexSeq;
    private Task? _compaction;
    private Task? _pacedCompaction;
    private TimeSpan _lastCompactionTook;

    /// <summary>
    /// The index's nodes are in the order of a build before a bulk load's edges (compactions during the load keep
    /// it, <see cref="GraphIndex.CompactEdges"/>); the load's end starts a full compaction that lays them out again.
    /// Under the write lock.
    /// </summary>
    private bool _nodeOrderKept;

    /// <summary>
    /// While a bulk load of edges keeps the nodes' order: the name index's order-independent part of that build's node
    /// table, prepared on the thread pool beside the load (which leaves part of the CPU idle) for the full compaction
    /// that lays the nodes out again at its end (<see cref="GraphIndex.Compact(GraphIndex, Task{Search.PreparedNames}?)"/>;
    /// about a tenth of a million-node load's CPU, on its critical path before). Under the write lock.
    /// </summary>
    private (NodeTable Table, Task<Search.PreparedNames> Names)? _relayoutNames;
    private long _lastCompactionEnded;
    private readonly CancellationTokenSource _closing = new();


    /// <summary>Delta size that starts a compaction (tests set it low to exercise compaction on small graphs).</summary>
    internal int CompactionFloor { get; init; } = IndexWriter.CompactionFloor;

    /// <summary>Graph changes after a snapshot that a start replays (more: it rebuilds the index from SQLite instead).</summary>
    internal int SnapshotReplayLimit { get; init; } = CatchUpLimit;

    /// <summary>Name-overlay size that starts a compaction.</summary>
    internal int NameOverlayLimit { get; init; } = IndexWriter.NameOverlayLimit;

    /// <summary>
    /// A compaction that took less than this is never paced (small graphs); a slower one delays the next due one
    /// (<see cref="CompactionWait"/>). Tests set it to zero to pace every compaction, as a loaded machine may.
    /// </summary>
    internal TimeSpan PacedFrom { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A paced compaction starts once this many times the last one's duration has passed since it ended.</summary>
    internal int PaceFactor { get; init; } = 3;

    /// <summary>The delta or the name overlay has outgrown its limit (a compaction is due; tests).</summary>
    internal bool CompactionNeeded => _writer is { NeedsCompaction: true };

    /// <summary>Tests: a compaction awaits this after its rebuild, before it takes the write lock to swap it in (writes go on meanwhile).</summary>
    internal Func<Task>? CompactionBuilt { get; init; }

    /// <summary>
    /// Applies what other processes (the CLI's import, another server on the same file) committed since the
    /// index was last brought up to date. Cheap when nothing changed: one indexed read of the newest sequence.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (_index is null || _disposed)
        {
            return;
        }

        using (var probe = Open())
        using (var newest = Command(probe, null, "SELECT coalesce(max(seq), 0) FROM changes"))
        {
            if (Convert.ToInt64(newest.ExecuteScalar(), CultureInfo.InvariantCulture) <= Interlocked.Read(ref _indexSeq))
            {
                return;
            }
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var snapshot = connection.BeginTransaction(deferred: true);
            CatchUp(connection, snapshot);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Loads the whole index from the database (in one read transaction, with the sequence it reflects).</summary>
    private void Reload(SqliteConnection connection, string reason)
    {
        using var snapshot = connection.BeginTransaction(deferred: true);
        using var newest = Command(connection, snapshot, "SELECT coalesce(max(seq), 0) FROM changes");
        var seq = Convert.ToInt64(newest.ExecuteScalar(), CultureInfo.InvariantCulture);
        var built = LoadIndex(connection, snapshot, reason);
        _writer = new IndexWriter(built, CompactionFloor, NameOverlayLimit);
        _index = built;
        Interlocked.Exchange(ref _indexSeq, seq);
        ScheduleSnapshot(built, seq);
    }

    /// <summary>After this process's own commit at <paramref name="seq"/>: applies the write and publishes.</summary>
    private void ApplyCommitted(long seq, Action<IndexWriter> apply)
    {
        var writer = _writer!;
        writer.Begin();
        apply(writer);
        PublishCommitted(seq);
    }

    /// <summary>After this process's own commit at <paramref name="seq"/>, its write applied to the writer already: publishes it.</summary>
    private void PublishCommitted(long seq)
    {
        _index = _writer!.Publish();
        Interlocked.Exchange(ref _indexSeq, seq);
        CompactIfDue();
    }

    /// <summary>
    /// Brings the index up to date with every change after <see cref="_indexSeq"/> visible in the transaction
    /// (other processes' writes): each touched node and edge is set to its state in the database, all in one
    /// published version. A seed, or very many changes, reloads the index instead.
    /// </summary>
    private void CatchUp(SqliteConnection connection, SqliteTransaction transaction)
    {
        var after = Interlocked.Read(ref _indexSeq);
        var removedNodes = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        var edges = new HashSet<string>(StringComparer.Ordinal);
        var removedEdgeRows = new List<long>();
        var nodeRuns = new List<(long First, long Count)>();
        var edgeRuns = new List<(long First, long Count)>();
        long last = after;
        var reload = false;
        using (var read = Command(connection, transaction, "SELECT seq, kind, entity_id, row_id, rows FROM changes WHERE seq > $after ORDER BY seq"))
        {
            Bind(read, ("$after", after));
            using var reader = read.ExecuteReader();
            long count = 0;
            while (reader.Read())
            {
                last = reader.GetInt64(0);
                var kind = Enum.Parse<ChangeKind>(reader.GetString(1));
                if (kind is ChangeKind.NodeUpserted or ChangeKind.NodeRemoved or ChangeKind.EdgeUpserted or ChangeKind.EdgeRemoved && (++count > CatchUpLimit))
                {
                    reload = true;
                    continue;
                }

                if (kind == ChangeKind.GraphReloaded && !reader.IsDBNull(4) && !reload)
                {
                    // A bulk batch's one change row: the rows it wrote, read back below by range.
                    count += reader.GetInt64(3);
                    if (count > CatchUpLimit)
                    {
                        reload = true;
                        continue;
                    }

                    var (batchNodes, batchEdges) = BatchRows.Decode((byte[])reader.GetValue(4));
                    nodeRuns.AddRange(batchNodes);
                    edgeRuns.AddRange(batchEdges);
                    continue;
                }

                var id = reader.GetString(2);
                switch (kind)
                {
                    case ChangeKind.NodeUpserted:
                        nodes.Add(id);
                        break;
                    case ChangeKind.NodeRemoved:
                        removedNodes.Add(id);
                        nodes.Add(id);
                        break;
                    case ChangeKind.EdgeUpserted:
                        edges.Add(id);
                        break;
                    case ChangeKind.EdgeRemoved:
                        edges.Add(id);
                        if (!reader.IsDBNull(3))
                        {
                            removedEdgeRows.Add(reader.GetInt64(3));
                        }
                        else
                        {
                            // Written before changes carried row ids: the edge's row cannot be found any more.
                            reload = true;
                        }

                        break;
                    case ChangeKind.GraphReloaded:
                        reload = true;
                        break;
                }
            }
        }

        if (last == after)
        {
            return;
        }

        if (reload)
        {
            var built = LoadIndex(connection, transaction, "changes");
            _writer = new IndexWriter(built, CompactionFloor, NameOverlayLimit);
            _index = built;
            _edgeRecords.Clear();
            Interlocked.Exchange(ref _indexSeq, last);
            ScheduleSnapshot(built, last);
            return;
        }

        if (nodes.Count + edges.Count + nodeRuns.Count + edgeRuns.Count == 0)
        {
            Interlocked.Exchange(ref _indexSeq, last);
            return;
        }

        // Cached edge records those changes made stale (a batch's rows do not name their ids).
        if (removedNodes.Count > 0 || edgeRuns.Count > 0)
        {
            _edgeRecords.Clear();
        }

        foreach (var id in edges)
        {
            _edgeRecords.Invalidate(id);
        }

        var writer = _writer!;
        writer.Begin();

        // Removed first (a node removed and added again lost its edges in the database too), then each node
        // and edge as the database has it now; edges after nodes, so their endpoints are there.
        foreach (var id in removedNodes)
        {
            writer.RemoveNode(id);
        }

        foreach (var row in removedEdgeRows)
        {
            writer.RemoveEdge(row);
        }

        using (var node = Command(connection, transaction, "SELECT id, kind, name, aliases, description, valid_from, valid_to, version FROM nodes WHERE id = $id"))
        {
            foreach (var id in nodes)
            {
                Bind(node, ("$id", id));
                using var reader = node.ExecuteReader();
                if (reader.Read())
                {
                    writer.UpsertNode(ReadNode(reader, 0));
                }
                else
                {
                    writer.RemoveNode(id);
                }
            }
        }

        // A bulk batch's rows as the database has them now (one gone since was removed by a later change).
        using (var node = Command(connection, transaction, "SELECT id, kind, name, aliases, description, valid_from, valid_to, version FROM nodes WHERE nid BETWEEN $first AND $last"))
        {
            foreach (var (first, count) in nodeRuns)
            {
                Bind(node, ("$first", first), ("$last", first + count - 1));
                using var reader = node.ExecuteReader();
                while (reader.Read())
                {
                    writer.UpsertNode(ReadNode(reader, 0));
                }
            }
        }

        using (var edge = Command(connection, transaction, "SELECT e.eid, e.type, s.id, t.id FROM edges e JOIN nodes s ON s.nid = e.source_nid JOIN nodes t ON t.nid = e.target_nid WHERE e.eid BETWEEN $first AND $last"))
        {
            foreach (var (first, count) in edgeRuns)
            {
                Bind(edge, ("$first", first), ("$last", first + count - 1));
                using var reader = edge.ExecuteReader();
                while (reader.Read())
                {
                    writer.UpsertEdge(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                }
            }
        }

        using (var edge = Command(connection, transaction, "SELECT e.eid, e.type, s.id, t.id FROM edges e JOIN nodes s ON s.nid = e.source_nid JOIN nodes t ON t.nid = e.target_nid WHERE e.id = $id"))
        {
            foreach (var id in edges)
            {
                Bind(edge, ("$id", id));
                using var reader = edge.ExecuteReader();
                if (reader.Read())
                {
                    writer.UpsertEdge(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                }
            }
        }

        _index = writer.Publish();
        Interlocked.Exchange(ref _indexSeq, last);
        CompactIfDue();
    }

    /// <summary>
    /// Once the delta is large, rebuilds a compact index from the current view on the thread pool; readers and
    /// writers go on meanwhile, and the writes made during the rebuild are replayed onto it before it is swapped in.
    /// </summary>
    /// <param name="relayout">Compact now (unpaced) to lay the nodes out again after a bulk load kept their order.</param>
    private void CompactIfDue(bool relayout = false)
    {
        var writer = _writer!;

        // During a bulk load (its batches' connection is kept until FinishBulkAsync) compactions come less often and,
        // for a load of edges, rebuild the topology alone: the name index and node table, most of a full
        // compaction's cost at a million nodes, stay; the snapshot waits for the load's end.
        var bulkLoad = BulkTuning && _bulkConnection is not null;
        var due = bulkLoad ? writer.NeedsBulkCompaction : writer.NeedsCompaction || SnapshotDue(writer);
        if (_compaction is not null || _disposed || !(relayout || due))
        {
            return;
        }

        if (!relayout && CompactionWait() is { } wait)
        {
            PaceCompaction(wait);
            return;
        }

        var view = writer.Current;
        var version = writer.Version;
        var seq = Interlocked.Read(ref _indexSeq);
        var edgesOnly = bulkLoad;
        var builtNames = !edgesOnly && _relayoutNames is { } prepared && ReferenceEquals(prepared.Table, view.Built.Nodes) ? prepared.Names : null;
        if (!edgesOnly)
        {
            _relayoutNames = null;
        }

        Interlocked.Exchange(ref _lastSnapshotCompaction, System.Diagnostics.Stopwatch.GetTimestamp());
        _compaction = Task.Run(async () =>
        {
            GraphIndex? compacted = null;
            var keptOrder = false;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                compacted = edgesOnly ? GraphIndex.CompactEdges(view) : null;
                keptOrder = compacted is not null;
                compacted ??= GraphIndex.Compact(view, builtNames);
                if (!keptOrder)
                {
                    // Its snapshot is written now, beside whatever holds the write lock (a bulk load's end builds the
                    // edges' endpoint indexes under it, ~6 s at 1M): it is the committed view at seq whether or not it
                    // is swapped in (a reload meanwhile replaces the writer, not what seq means).
                    ScheduleSnapshot(compacted, seq);
                }

                if (CompactionBuilt is { } built)
                {
                    await built();
                }
            }
            finally
            {
                // Disposal waits for this task, so the lock is still there (and nothing else is waiting for it).
                await _writeLock.WaitAsync();
                try
                {
                    // A reload meanwhile replaced the writer: its index is newer than this one. One that ends while the
                    // store closes is still swapped in, and its snapshot (scheduled above) written: disposal waits for
                    // both; a bulk load's last compaction ends after `explorer import` closed the store, and without its
                    // snapshot the next start would rebuild the index.
                    if (compacted is not null && ReferenceEquals(_writer, writer))
                    {
                        _writer = writer.Rebase(compacted, version);
                        _index = _writer.Current;
                        _nodeOrderKept = keptOrder;
                        if (keptOrder && !ReferenceEquals(_relayoutNames?.Table, compacted.Built.Nodes))
                        {
                            // The load keeps this build's nodes: the relayout at its end will need their names prepared.
                            _relayoutNames = (compacted.Built.Nodes, GraphIndex.PrepareNames(compacted.Built.Nodes));
                        }
                    }

                    _lastCompactionTook = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                    _lastCompactionEnded = System.Diagnostics.Stopwatch.GetTimestamp();
                    _compaction = null;
                    RelayoutAfterBulkLoad();

                    // The writes made during the rebuild, replayed onto it, may have made the next compaction due already.
                    // Their own CompactIfDue found this one running; with no write after them, nothing else would start
                    // (or pace) it, and the delta would stay over its limit until the next write. Not after a failed
                    // rebuild: that would retry it back to back.
                    if (compacted is not null && !_disposed && _writer is not null)
                    {
                        CompactIfDue();
                    }
                }
                finally
                {
                    _writeLock.Release();
                }
            }
        });
    }

    /// <summary>
    /// How long a due compaction waits (null: none). A compaction that took long (a large index) is followed by at
    /// least three times as long of writes before the next one starts, so a stream of large batches (a bulk import,
    /// whose every batch makes one due) spends at most a quarter of the time compacting instead of rebuilding the
    /// index back to back beside it; readers meanwhile read through the delta, which answers the same. Under the
    /// write lock.
    /// </summary>
    private TimeSpan? CompactionWait()
    {
        if (!BulkTuning || _lastCompactionTook < PacedFrom)
        {
            return null;
        }

        var wait = (PaceFactor * _lastCompactionTook) - System.Diagnostics.Stopwatch.GetElapsedTime(_lastCompactionEnded);
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>Comes back for a paced compaction after <paramref name="wait"/>, whether or not another write comes first. Under the write lock.</summary>
    private void PaceCompaction(TimeSpan wait)
    {
        if (_pacedCompaction is not null)
        {
            return;
        }

        _pacedCompaction = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(wait, _closing.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Disposal cancels the delay and waits for this task before it disposes the lock.
            await _writeLock.WaitAsync();
            try
            {
                _pacedCompaction = null;
                if (!_disposed && _writer is not null)
                {
                    CompactIfDue();
                }
            }
            finally
            {
                _writeLock.Release();
            }
        });
    }

    /// <summary>
    /// Once a bulk load is over, a full compaction lays out the nodes its compactions kept in order; and one builds the
    /// index a snapshot is written from when a start would not replay the changes since the last build (a load of
    /// nodes, whose compactions were paced, ended hundreds of thousands of nodes after its last snapshot: the next
    /// start, an `explorer import` of the edges or the server, rebuilt the whole index from SQLite). Under the write lock.
    /// </summary>
    private void RelayoutAfterBulkLoad()
    {
        if (_bulkConnection is null && _writer is { } writer && (_nodeOrderKept || (IndexSnapshots && writer.Changes > SnapshotReplayLimit)))
        {
            CompactIfDue(relayout: true);
        }
    }

    /// <summary>
    /// Waits until no compaction is running or due: a paced one (it starts when its delay is over), and the one a
    /// compaction starts as it ends (a bulk load's relayout or snapshot, see <see cref="RelayoutAfterBulkLoad"/>).
    /// Tests and shutdown (which cancels the pacing delay first): a store closed right after a bulk load must not
    /// drop the index its snapshot is written from.
    /// </summary>
    internal async Task WaitForCompactionAsync()
    {
        // Each task sets the next one (if any) under the write lock before it completes, so the two fields are read
        // under it too: read apart, a pacing task that starts its compaction between the reads (it clears its own
        // field, then sets the compaction's) shows neither, and the wait ended with a compaction running. A pacing
        // task cancelled by disposal ends without clearing its field: a completed task is not waited for again.
        while (true)
        {
            Task? pending;
            await _writeLock.WaitAsync();
            try
            {
                pending = Pending(_compaction) ?? Pending(_pacedCompaction);
            }
            finally
            {
                _writeLock.Release();
            }

            if (pending is null)
            {
                return;
            }

            await pending;
        }

        static Task? Pending(Task? task) => task is { IsCompleted: false } ? task : null;
    }
}
