using System.Collections.Concurrent;
using Explorer.Annotations;
using Explorer.Telemetry;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>
/// Group commit for annotation writes. <see cref="RunAsync"/> returns a write's outcome once the transaction
/// holding it has committed (or rolled it back). The caller that finds no commit in progress commits whatever
/// is queued, its own write included, on its own thread; writes arriving meanwhile wait for the next batch. A
/// lone writer gets a transaction of its own; concurrent writers share one commit (one fsync) instead of
/// queueing for one each.
/// </summary>
internal sealed class AnnotationCommitQueue(SemaphoreSlim writeLock, Func<SqliteConnection> open)
{
    private const int MaxBatch = 64;

    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _pumping;
    private Task? _handoff;

    /// <summary>Queues one write (run inside its own savepoint) and waits for the commit that holds it.</summary>
    public async Task<AnnotationWrite> RunAsync(Func<SqliteConnection, SqliteTransaction, AnnotationWrite> write)
    {
        var pending = new Pending(write);
        _queue.Enqueue(pending);
        await PumpAsync(inline: true);
        return await pending.Completion.Task;
    }

    /// <summary>Commits what is still queued (callers are waiting for it); new writes must be refused before.</summary>
    public async Task DrainAsync()
    {
        if (_handoff is { } handoff)
        {
            await handoff;
        }

        await PumpAsync(inline: false);
    }

    /// <summary>
    /// Commits queued batches while there are any and no one else is. Inline (a writer's own call) it does at
    /// most two batches, then hands the rest to the thread pool, so no writer's response waits on a stream of
    /// others. Enqueue-then-try and release-then-recheck mean a queued write is never left without a pump.
    /// </summary>
    private async Task PumpAsync(bool inline)
    {
        var batches = 0;
        while (!_queue.IsEmpty)
        {
            if (inline && batches == 2)
            {
                _handoff = Task.Run(() => PumpAsync(inline: false));
                return;
            }

            if (Interlocked.CompareExchange(ref _pumping, 1, 0) != 0)
            {
                // Someone is committing; they look at the queue again once done, and take what is there.
                return;
            }

            try
            {
                await CommitBatchAsync();
                batches++;
            }
            finally
            {
                Volatile.Write(ref _pumping, 0);
            }
        }
    }

    /// <summary>
    /// One transaction for up to <see cref="MaxBatch"/> queued writes, each inside its own savepoint: a write
    /// that finds nothing to do, a conflict or an error undoes only itself. Outcomes are released only after
    /// the commit, so an acknowledged write is a durable one.
    /// </summary>
    private async Task CommitBatchAsync()
    {
        var batch = new List<Pending>();
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var queued))
        {
            batch.Add(queued);
        }

        if (batch.Count == 0)
        {
            return;
        }

        var outcomes = new AnnotationWrite?[batch.Count];
        var failures = new Exception?[batch.Count];
        await writeLock.WaitAsync();
        try
        {
            using var connection = open();
            using var transaction = connection.BeginTransaction();
            for (var i = 0; i < batch.Count; i++)
            {
                transaction.Save("annotation_write");
                try
                {
                    outcomes[i] = batch[i].Write(connection, transaction);
                    if (outcomes[i] is AnnotationWrite.Written)
                    {
                        transaction.Release("annotation_write");
                    }
                    else
                    {
                        transaction.Rollback("annotation_write");
                    }
                }
                catch (Exception ex)
                {
                    // This write failed (a database error, a bug): it alone is undone and reports the error.
                    failures[i] = ex;
                    try
                    {
                        transaction.Rollback("annotation_write");
                    }
                    catch (InvalidOperationException)
                    {
                        // SQLite rolled the whole transaction back, as it may on a full disk or an I/O error:
                        // nothing in this batch committed, and every write in it reports the cause.
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
                    }
                }
            }

            transaction.Commit();
        }
        catch (Exception ex)
        {
            // The transaction did not commit: nothing in it happened.
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(ex);
            }

            return;
        }
        finally
        {
            writeLock.Release();
        }

        ExplorerMetrics.CommitBatchSize.Record(batch.Count, new KeyValuePair<string, object?>("explorer.write", "annotation"));
        for (var i = 0; i < batch.Count; i++)
        {
            // Each write's latency from being queued to its durable commit, group wait included.
            ExplorerMetrics.CommitDuration.RecordSince(batch[i].Queued, new("explorer.write", "annotation"));
            if (failures[i] is { } failure)
            {
                batch[i].Completion.TrySetException(failure);
            }
            else
            {
                batch[i].Completion.TrySetResult(outcomes[i]!);
            }
        }
    }

    private sealed class Pending(Func<SqliteConnection, SqliteTransaction, AnnotationWrite> write)
    {
        public Func<SqliteConnection, SqliteTransaction, AnnotationWrite> Write { get; } = write;

        public long Queued { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

        public TaskCompletionSource<AnnotationWrite> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
