using Microsoft.AspNetCore.SignalR;

namespace Explorer.Server.Live;

/// <summary>
/// Cluster-wide presence behind the Redis backplane. Each instance writes its viewers (connection → user) to
/// Redis under a short lease, renewed every <see cref="Interval"/> and at once on a join or leave, and reads
/// the other live instances' entries into <see cref="PresenceTracker"/>. An instance that dies stops renewing:
/// its entry expires after <see cref="LiveBackplane.PresenceLease"/> and the others drop its viewers, so counts
/// never stick. When the deployment-wide picture changes, the new snapshot goes to every client.
/// </summary>
public sealed partial class PresenceSync(PresenceTracker presence, LiveBackplane backplane, IHubContext<GraphHub, IGraphClient> hub, ILogger<PresenceSync> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        presence.Changed += Wake;
        long written = -1;
        PresenceEvent? sent = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var version = presence.Version;
                    await backplane.WritePresenceAsync(version == written ? null : presence.Local);
                    written = version;
                    presence.SetElsewhere(await backplane.ReadPresenceAsync());
                    var snapshot = presence.Snapshot();
                    if (sent is null || snapshot.Viewers != sent.Viewers || !snapshot.Users.SequenceEqual(sent.Users, StringComparer.Ordinal))
                    {
                        await hub.Clients.Group(GraphHub.SignedInGroup).Presence(snapshot);
                        await hub.Clients.Group(GraphHub.AnonymousGroup).Presence(snapshot.Anonymized());
                        sent = snapshot;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    written = -1;
                    LogSyncFailed(logger, ex);
                }

                await _wake.WaitAsync(Interval, stoppingToken);

                // A burst of joins (a page reload, a reconnect storm) is written once.
                await Task.Delay(50, stoppingToken);
                while (_wake.CurrentCount > 0)
                {
                    await _wake.WaitAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the others stop counting this instance's viewers at once.
            await backplane.RemovePresenceAsync();
        }
        finally
        {
            presence.Changed -= Wake;
        }
    }

    private void Wake() => _wake.Release();

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "Syncing presence through Redis failed; retrying")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
