using System.Collections.Concurrent;

namespace Explorer.Server.Live;

/// <summary>Connections of this server instance and the signed-in user behind each (null: anonymous).</summary>
public sealed class PresenceTracker
{
    private readonly ConcurrentDictionary<string, string?> _connections = new();

    public void Join(string connectionId, string? user) => _connections[connectionId] = user;

    public void Leave(string connectionId) => _connections.TryRemove(connectionId, out _);

    public PresenceEvent Snapshot()
    {
        var users = _connections.Values.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new PresenceEvent(_connections.Count, users);
    }
}
