using System.Diagnostics;
using System.Globalization;
using Explorer.Graph;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Explorer.Embedded;

/// <summary>
/// Start-up from the index snapshot (<see cref="IndexSnapshot"/>, <c>&lt;db&gt;.index</c>): load it, check it
/// belongs to this database's change log, apply the changes committed after it, and check the counts; anything
/// wrong (missing, other format, damaged, another database, too far behind) rebuilds from SQLite with one log
/// line saying why. Never a wrong answer: a snapshot is used only when every check passes.
/// </summary>
/// <remarks>
/// When it is written, always in the background (readers and writers never wait for it): after every full
/// build from SQLite (a start-up without a usable snapshot, a seed, a catch-up too large to apply) and after
/// every compaction; and once <see cref="SnapshotEvery"/> index changes have piled up since the last build, a
/// compaction is started for it (at most once per <see cref="SnapshotInterval"/>), so a start-up replays at
/// most about that many changes. Not at shutdown: shutdown stays fast and the replay covers what came after;
/// disposing the store waits only for a snapshot already being written.
/// </remarks>
internal sealed partial class EmbeddedGraphStore
{
    private readonly Lock _snapshotGate = new();
    private (GraphIndex Index, long Seq)? _pendingSnapshot;
    private Task? _snapshotTask;
    private long _snapshotSeq = -1;
    private long _lastSnapshotCompaction = Stopwatch.GetTimestamp();
    private bool _snapshotFailing;

    /// <summary>Whether the index snapshot is loaded at start and written (tests that need a from-SQLite rebuild turn it off).</summary>
    internal bool IndexSnapshots { get; init; } = true;

    /// <summary>Index changes since the last build after which a compaction is started to write a fresh snapshot.</summary>
    internal int SnapshotEvery { get; init; } = 50_000;

    /// <summary>The least time between two compactions started only to write a snapshot.</summary>
    internal TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the index snapshot lives: next to the database.</summary>
    public string SnapshotPath => DatabasePath + IndexSnapshot.Suffix;

    /// <summary>How the index was loaded at start: "snapshot" or the reason it was rebuilt (tests and the benchmark read it).</summary>
    internal string? StartupSource { get; private set; }

    /// <summary>Change-log sequence of the newest snapshot written or loaded by this store (-1: none).</summary>
    internal long SnapshotSeq => Interlocked.Read(ref _snapshotSeq);

    /// <summary>Loads the index at start: from the snapshot when it is usable, else rebuilt from SQLite (and a snapshot written).</summary>
    private void LoadAtStart(SqliteConnection connection)
    {
        var started = Stopwatch.GetTimestamp();
        string reason;
        if (!IndexSnapshots)
        {
            Reload(connection, "load");
            StartupSource = "snapshots off";
            return;
        }

        RemoveAbandonedTemporaries();
        try
        {
            if (TryLoadSnapshot(connection, out reason, out var applied))
            {
                StartupSource = "snapshot";
                var (seq, nodes, edges, seconds) = (Interlocked.Read(ref _snapshotSeq), _index!.NodeCount, _index.EdgeCount, Stopwatch.GetElapsedTime(started).TotalSeconds);
                LogSnapshotLoaded(_logger, SnapshotPath, seq, applied, nodes, edges, seconds);
                return;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Damaged, truncated, another format, or (never seen) a snapshot that does not fit its own log.
            reason = ex is InvalidDataException or IOException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        }

        _index = null;
        _writer = null;
        _edgeRecords.Clear();
        Reload(connection, "load");
        StartupSource = reason;
        var (builtNodes, builtEdges, took) = (_index!.NodeCount, _index.EdgeCount, Stopwatch.GetElapsedTime(started).TotalSeconds);
        LogSnapshotRebuilt(_logger, SnapshotPath, reason, builtNodes, builtEdges, took);
    }

    private bool TryLoadSnapshot(SqliteConnection connection, out string reason, out int applied)
    {
        applied = 0;
        if (!File.Exists(SnapshotPath))
        {
            reason = "there is none";
            return false;
        }

        using var file = File.OpenHandle(SnapshotPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        var header = IndexSnapshot.ReadHeader(file);
        using var transaction = connection.BeginTransaction(deferred: true);
        long newest;
        using (var max = Command(connection, transaction, "SELECT coalesce(max(seq), 0) FROM changes"))
        {
            newest = Convert.ToInt64(max.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        if (header.Seq > newest)
        {
            reason = $"it reflects change {header.Seq}, but the database's log ends at {newest} (another database, or one restored from an older backup)";
            return false;
        }

        if (header.Seq > 0 && ChangeFingerprint(connection, transaction, header.Seq) != header.ChangeFingerprint)
        {
            reason = $"its change {header.Seq} is not this database's change {header.Seq} (a snapshot of another database)";
            return false;
        }

        // What replaying the log from there would mean: too much (or a seed) is cheaper as a rebuild.
        using (var pending = Command(connection, transaction, """
            SELECT coalesce(sum(CASE WHEN rows IS NULL THEN 1 ELSE row_id END), 0), coalesce(sum(kind = 'GraphReloaded' AND rows IS NULL), 0), coalesce(sum(kind = 'EdgeRemoved' AND row_id IS NULL), 0)
            FROM (SELECT kind, row_id, rows FROM changes WHERE seq > $after AND kind IN ('NodeUpserted', 'NodeRemoved', 'EdgeUpserted', 'EdgeRemoved', 'GraphReloaded') LIMIT $limit)
            """))
        {
            Bind(pending, ("$after", header.Seq), ("$limit", SnapshotReplayLimit + 1));
            using var reader = pending.ExecuteReader();
            reader.Read();
            var (count, seeds, untracked) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            if (count > SnapshotReplayLimit)
            {
                reason = $"more than {SnapshotReplayLimit:N0} graph changes were made after it (change {header.Seq})";
                return false;
            }

            if (seeds > 0 || untracked > 0)
            {
                reason = $"the graph was reseeded after it (change {header.Seq})";
                return false;
            }

            applied = (int)count;
        }

        // The database's counts for the last check, counted beside the read (~0.05 s at 1M, more under load):
        // the connection is not used by anything else meanwhile, and the transaction fixes what it counts.
        var counting = Task.Run(() =>
        {
            using var counts = Command(connection, transaction, "SELECT (SELECT count(*) FROM nodes), (SELECT count(*) FROM edges)");
            using var reader = counts.ExecuteReader();
            reader.Read();
            return (Nodes: reader.GetInt64(0), Edges: reader.GetInt64(1));
        });
        GraphIndex index;
        try
        {
            index = IndexSnapshot.Read(file, header);
        }
        finally
        {
            // Never leave the connection in use by the count when this returns or throws (WaitAny does not throw).
            Task.WaitAny(counting);
        }

        var database = counting.Result;
        _writer = new IndexWriter(index, CompactionFloor, NameOverlayLimit);
        _index = index;
        Interlocked.Exchange(ref _indexSeq, header.Seq);
        Interlocked.Exchange(ref _snapshotSeq, header.Seq);
        CatchUp(connection, transaction);

        // The last check: the loaded and caught-up index holds exactly the database's nodes and edges.
        if (database.Nodes != _index!.NodeCount || database.Edges != _index.EdgeCount)
        {
            reason = $"after applying the {applied} later changes it holds {_index.NodeCount:N0} nodes and {_index.EdgeCount:N0} edges, the database {database.Nodes:N0} and {database.Edges:N0}";
            return false;
        }

        reason = "";
        return true;
    }

    private static ulong ChangeFingerprint(SqliteConnection connection, SqliteTransaction? transaction, long seq)
    {
        if (seq <= 0)
        {
            return 0;
        }

        using var row = Command(connection, transaction, "SELECT at, kind, entity_id FROM changes WHERE seq = $seq");
        Bind(row, ("$seq", seq));
        using var reader = row.ExecuteReader();
        return reader.Read() ? IndexSnapshot.Fingerprint(seq, reader.GetString(0), reader.GetString(1), reader.GetString(2)) : 0;
    }

    /// <summary>A compaction is due only to write a fresh snapshot: many changes since the last build, and not too soon.</summary>
    private bool SnapshotDue(IndexWriter writer) =>
        IndexSnapshots && writer.Changes >= SnapshotEvery && Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastSnapshotCompaction)) >= SnapshotInterval;

    /// <summary>
    /// Writes <paramref name="index"/> (built at change <paramref name="seq"/>: its built parts never change) in
    /// the background. One write at a time; a newer one waiting replaces an older one.
    /// </summary>
    private void ScheduleSnapshot(GraphIndex index, long seq)
    {
        if (!IndexSnapshots)
        {
            return;
        }

        lock (_snapshotGate)
        {
            if (seq < Interlocked.Read(ref _snapshotSeq) || (_pendingSnapshot is { } waiting && waiting.Seq > seq))
            {
                return;
            }

            _pendingSnapshot = (index, seq);
            _snapshotTask ??= Task.Run(WriteSnapshots);
        }
    }

    private void WriteSnapshots()
    {
        while (true)
        {
            (GraphIndex Index, long Seq) next;
            lock (_snapshotGate)
            {
                if (_pendingSnapshot is not { } pending)
                {
                    _snapshotTask = null;
                    return;
                }

                next = pending;
                _pendingSnapshot = null;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                ulong fingerprint;
                using (var connection = Open())
                {
                    fingerprint = ChangeFingerprint(connection, null, next.Seq);
                }

                // Another process (or this one) may have written a newer one meanwhile: keep that.
                if (NewestOnDisk() is { } onDisk && onDisk > next.Seq)
                {
                    continue;
                }

                var bytes = IndexSnapshot.Write(SnapshotPath, next.Index, next.Seq, fingerprint);
                Interlocked.Exchange(ref _snapshotSeq, Math.Max(Interlocked.Read(ref _snapshotSeq), next.Seq));
                LastSnapshotWrite = (bytes, Stopwatch.GetElapsedTime(started));
                if (_snapshotFailing)
                {
                    _snapshotFailing = false;
                    LogSnapshotWritten(_logger, SnapshotPath, next.Seq);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException or InvalidOperationException)
            {
                if (!_snapshotFailing)
                {
                    _snapshotFailing = true;
                    LogSnapshotWriteFailed(_logger, SnapshotPath, ex.Message);
                }
            }
        }
    }

    /// <summary>Size and duration of the last snapshot this store wrote (the benchmark reports them).</summary>
    internal (long Bytes, TimeSpan Took)? LastSnapshotWrite { get; private set; }

    private long? NewestOnDisk()
    {
        try
        {
            using var file = File.OpenHandle(SnapshotPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return IndexSnapshot.ReadHeader(file).Seq;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Waits for the snapshot being written, if any (tests, the benchmark and disposal).</summary>
    internal async Task WaitForSnapshotAsync()
    {
        while (true)
        {
            Task? running;
            lock (_snapshotGate)
            {
                running = _snapshotTask;
            }

            if (running is null)
            {
                return;
            }

            await running;
        }
    }

    /// <summary>Temporary snapshot files left by a process that died while writing one (never one still running).</summary>
    private void RemoveAbandonedTemporaries()
    {
        var folder = Path.GetDirectoryName(SnapshotPath);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, Path.GetFileName(SnapshotPath) + ".*.tmp"))
        {
            var parts = Path.GetFileName(file)[(Path.GetFileName(SnapshotPath).Length + 1)..].Split('.');
            if (parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        static bool IsRunning(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    [LoggerMessage(EventId = 1250, Level = LogLevel.Information, Message = "Loaded the index from its snapshot {Path} (change {Seq}) and applied {Applied} later changes: {Nodes} nodes, {Edges} edges in {Seconds:0.00} s")]
    private static partial void LogSnapshotLoaded(ILogger logger, string path, long seq, int applied, int nodes, int edges, double seconds);

    [LoggerMessage(EventId = 1251, Level = LogLevel.Information, Message = "Index snapshot {Path} not used ({Reason}); rebuilt the index from the database: {Nodes} nodes, {Edges} edges in {Seconds:0.00} s")]
    private static partial void LogSnapshotRebuilt(ILogger logger, string path, string reason, int nodes, int edges, double seconds);

    [LoggerMessage(EventId = 1252, Level = LogLevel.Warning, Message = "Could not write the index snapshot {Path} ({Reason}); start-up replays or rebuilds instead until a write succeeds")]
    private static partial void LogSnapshotWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1253, Level = LogLevel.Information, Message = "Wrote the index snapshot {Path} again (change {Seq})")]
    private static partial void LogSnapshotWritten(ILogger logger, string path, long seq);
}
