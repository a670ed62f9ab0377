using System.Collections.Concurrent;
using Explorer.Annotations;
using Explorer.Graph;
using Microsoft.AspNetCore.SignalR;

namespace Explorer.Server.Live;

/// <summary>
/// Pushes every committed change to connected browsers exactly once, in sequence order, after its commit.
/// It reads the store's change log: writers in this process call <see cref="Signal"/> once their write has
/// committed; a poll every quarter second picks up writers in other processes (the CLI's import). Starts at the newest
/// change, so history is not replayed; clients catch up through /api/changes.
/// With a Redis backplane (several instances over one store), only the instance holding the publisher lease
/// publishes, continuing from the last seq the deployment sent; the others follow that seq for
/// <see cref="LastPublished"/> and forward their signals through Redis. So a change is broadcast once
/// across the deployment, in order; clients also ignore a seq they have already applied.
/// </summary>
public sealed partial class ChangePublisher(IGraphStore store, IHubContext<GraphHub, IGraphClient> hub, Explorer.Server.Telemetry.LiveMetrics metrics, ILogger<ChangePublisher> logger, LiveBackplane? backplane = null, Consistency.BookmarkTokens? tokens = null) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private const int Batch = 500;

    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly ConcurrentDictionary<long, Annotation> _written = new();
    private long _lastPublished = -1;

    /// <summary>The sequence number of the last change pushed (0 when none).</summary>
    public long LastPublished => Math.Max(0, Interlocked.Read(ref _lastPublished));

    /// <summary>Whether this instance is the deployment's publisher (always, without a backplane).</summary>
    internal bool IsLeadingForTests => backplane?.IsLeading ?? true;

    /// <summary>Call after a write committed: publishes it (and anything before it) promptly.</summary>
    public void Signal()
    {
        _signal.Release();
        backplane?.Wake();
    }

    /// <summary>
    /// Call after an annotation write committed: publishes it promptly with the annotation exactly as written
    /// (a later edit may already have replaced it in the store by the time the change is pushed).
    /// </summary>
    public void Publish(AnnotationWrite.Written written)
    {
        _written[written.Change.Seq] = written.Annotation;
        if (written.Change.Seq <= LastPublished)
        {
            // The poll got there first (and read the annotation from the store).
            _written.TryRemove(written.Change.Seq, out _);
        }

        Signal();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            Interlocked.Exchange(ref _lastPublished, await store.GetLastSeqAsync(stoppingToken));
            if (backplane is not null)
            {
                await backplane.SubscribeAsync(() => _signal.Release(), store.ObserveBookmark);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                await _signal.WaitAsync(PollInterval, stoppingToken);
                try
                {
                    // Other processes' writes reach this instance's index first, then its browsers (every
                    // instance refreshes its own index; only the leading one publishes).
                    await store.RefreshAsync(stoppingToken);
                    if (backplane is not null && !await FollowDeploymentAsync())
                    {
                        continue;
                    }

                    await PublishPendingAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPublishFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task PublishPendingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var changes = await store.GetChangesAsync(LastPublished, Batch, cancellationToken);

            // The read that found these changes saw their commits, so the bookmark after it covers them all.
            var bookmark = store.Bookmark;
            if (backplane is not null && bookmark is not null && changes.Count > 0)
            {
                // Before the events go out: the other instances wait for this state before serving their browsers.
                await backplane.ShareBookmarkAsync(bookmark);
            }

            // Browsers get the same bookmarks protected: sent back with their next request, it reads at least this state.
            var token = bookmark is not null && tokens is not null && changes.Count > 0 ? tokens.Issue(bookmark.Split(',')) : null;
            foreach (var change in changes)
            {
                var node = change.Kind == ChangeKind.NodeUpserted ? (await store.GetNodeAsync(change.EntityId, cancellationToken))?.Node : null;
                var edge = change.Kind == ChangeKind.EdgeUpserted ? await store.GetEdgeAsync(change.EntityId, cancellationToken) : null;
                var annotation = change.Kind is ChangeKind.AnnotationAdded or ChangeKind.AnnotationChanged or ChangeKind.AnnotationRemoved
                    ? _written.TryRemove(change.Seq, out var written) ? written : await store.GetAnnotationAsync(change.EntityId, cancellationToken)
                    : null;
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await hub.Clients.All.Changed(ChangeEvent.From(change, node, edge, annotation) with { Bookmark = token });
                metrics.Broadcast(System.Diagnostics.Stopwatch.GetElapsedTime(started), DateTimeOffset.UtcNow - change.At, change.Kind.ToString());
                Interlocked.Exchange(ref _lastPublished, change.Seq);
                if (backplane is not null)
                {
                    await backplane.SetPublishedAsync(change.Seq);
                }
            }

            if (changes.Count < Batch)
            {
                // Annotations handed over for changes the poll had already pushed are not needed any more.
                foreach (var seq in _written.Keys.Where(seq => seq <= LastPublished))
                {
                    _written.TryRemove(seq, out _);
                }

                return;
            }
        }
    }

    /// <summary>Catches up with what the deployment has sent; true when this instance is the publisher.</summary>
    private async Task<bool> FollowDeploymentAsync()
    {
        var leading = await backplane!.TryLeadAsync();
        if (await backplane.PublishedAsync() is { } published && published > LastPublished)
        {
            Interlocked.Exchange(ref _lastPublished, published);
        }

        return leading;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Publishing changes to live clients failed; retrying on the next signal or poll")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
