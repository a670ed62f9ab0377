using Microsoft.AspNetCore.SignalR;

namespace Explorer.Server.Live;

/// <summary>What the server calls on connected browsers. Method names are the wire names.</summary>
public interface IGraphClient
{
    /// <summary>One committed change, in sequence order, sent once after its commit.</summary>
    Task Changed(ChangeEvent change);

    /// <summary>Who is viewing: sent to everyone when someone arrives or leaves.</summary>
    Task Presence(PresenceEvent presence);
}

public sealed record PresenceEvent(int Viewers, IReadOnlyList<string> Users);

/// <summary>
/// The live channel at /hubs/graph. Browsers listen for <see cref="IGraphClient.Changed"/>; on (re)connect
/// they call <see cref="LastSeq"/> and fetch <c>/api/changes?after=</c> for anything they missed.
/// </summary>
public sealed class GraphHub(PresenceTracker presence, ChangePublisher publisher, Explorer.Server.Telemetry.LiveMetrics metrics) : Hub<IGraphClient>
{
    /// <summary>The sequence number of the last change pushed to clients.</summary>
    public long LastSeq() => publisher.LastPublished;

    public override async Task OnConnectedAsync()
    {
        metrics.Connected();
        presence.Join(Context.ConnectionId, Context.User?.Identity?.IsAuthenticated == true ? Context.User.Identity.Name : null);
        await Clients.All.Presence(presence.Snapshot());
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        metrics.Disconnected();
        presence.Leave(Context.ConnectionId);
        await Clients.All.Presence(presence.Snapshot());
        await base.OnDisconnectedAsync(exception);
    }
}
