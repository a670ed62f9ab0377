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

/// <summary>
/// How many people are viewing (tabs of one browser, or of one signed-in user, count once), and who of them is
/// signed in (names are sent to signed-in clients only; anonymous ones get an empty list).
/// </summary>
public sealed record PresenceEvent(int Viewers, IReadOnlyList<string> Users)
{
    /// <summary>The same count without names.</summary>
    public PresenceEvent Anonymized() => this with { Users = [] };
}

/// <summary>
/// The live channel at /hubs/graph. Browsers listen for <see cref="IGraphClient.Changed"/>; on (re)connect
/// they call <see cref="LastSeq"/> and fetch <c>/api/changes?after=</c> for anything they missed.
/// Presence goes to two groups: signed-in clients see who is viewing, anonymous ones only how many.
/// </summary>
public sealed class GraphHub(PresenceTracker presence, ChangePublisher publisher, Explorer.Server.Telemetry.LiveMetrics metrics, LiveConnections connections) : Hub<IGraphClient>
{
    internal const string SignedInGroup = "presence:signed-in";
    internal const string AnonymousGroup = "presence:anonymous";

    /// <summary>The query parameter of the hub URL that carries the page's browser id (see <see cref="Viewer"/>).</summary>
    public const string BrowserQueryParameter = "browser";

    /// <summary>The sequence number of the last change pushed to clients.</summary>
    public long LastSeq() => publisher.LastPublished;

    public override async Task OnConnectedAsync()
    {
        metrics.Connected();
        connections.Opened(Context);
        var signedIn = Context.User?.Identity?.IsAuthenticated == true;
        // The page sends its browser's id (kept in localStorage), so its tabs count as one viewer.
        var browser = Context.GetHttpContext()?.Request.Query[BrowserQueryParameter].ToString();
        presence.Join(Context.ConnectionId, signedIn ? Context.User!.Identity!.Name : null, browser);
        await Groups.AddToGroupAsync(Context.ConnectionId, signedIn ? SignedInGroup : AnonymousGroup);
        await AnnouncePresenceAsync();
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        metrics.Disconnected();
        connections.Closed(Context);
        presence.Leave(Context.ConnectionId);
        await AnnouncePresenceAsync();
        await base.OnDisconnectedAsync(exception);
    }

    private async Task AnnouncePresenceAsync()
    {
        if (connections.Stopping)
        {
            return;
        }

        var snapshot = presence.Snapshot();
        await Clients.Group(SignedInGroup).Presence(snapshot);
        await Clients.Group(AnonymousGroup).Presence(snapshot.Anonymized());
    }
}
