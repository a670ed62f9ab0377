using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Explorer.Server.Live;

/// <summary>
/// The hub connections open on this instance, so a stopping server can drop them all at once: on
/// ApplicationStopping every connection is aborted, which clients see immediately (the page switches to
/// "Reconnecting" and its automatic reconnect goes to another instance, or back here once restarted).
/// SignalR's own graceful close of each connection takes seconds with a thousand clients on a busy machine.
/// </summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new();
    private volatile bool _stopping;

    public LiveConnections(IHostApplicationLifetime lifetime) =>
        lifetime.ApplicationStopping.Register(AbortAll);

    public int Count => _open.Count;

    /// <summary>
    /// True once the server stops: the connections are being dropped, so nobody is told who left (each of
    /// a thousand disconnects would otherwise send presence to every remaining client, a million messages).
    /// </summary>
    public bool Stopping => _stopping;

    public void Opened(HubCallerContext context) => _open[context.ConnectionId] = context;

    public void Closed(HubCallerContext context) => _open.TryRemove(context.ConnectionId, out _);

    private void AbortAll()
    {
        _stopping = true;
        foreach (var context in _open.Values)
        {
            context.Abort();
        }
    }
}
