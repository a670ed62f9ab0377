using System.Collections.Concurrent;

namespace Explorer.Server.Live;

/// <summary>
/// Who is viewing: the connections of this instance and the signed-in user behind each (null: anonymous),
/// plus, behind a Redis backplane, what the other live instances last reported (see <see cref="PresenceSync"/>),
/// so counts and names cover the whole deployment.
/// </summary>
public sealed class PresenceTracker
{
    private readonly ConcurrentDictionary<string, string?> _connections = new();
    private volatile IReadOnlyList<string?> _elsewhere = [];
    private long _version;

    /// <summary>Grows with every local join or leave, so a sync knows whether to rewrite this instance's entry.</summary>
    internal long Version => Interlocked.Read(ref _version);

    /// <summary>Called on each local join or leave (the cluster sync wakes on it).</summary>
    internal event Action? Changed;

    public void Join(string connectionId, string? user)
    {
        _connections[connectionId] = user;
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }

    public void Leave(string connectionId)
    {
        _connections.TryRemove(connectionId, out _);
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }

    /// <summary>This instance's connections and their users (null: anonymous).</summary>
    internal IReadOnlyDictionary<string, string?> Local => new Dictionary<string, string?>(_connections);

    /// <summary>The viewers the other live instances reported: one entry per connection, its user or null.</summary>
    internal void SetElsewhere(IReadOnlyList<string?> viewers) => _elsewhere = viewers;

    public PresenceEvent Snapshot()
    {
        var elsewhere = _elsewhere;
        var users = _connections.Values.Concat(elsewhere).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new PresenceEvent(_connections.Count + elsewhere.Count, users);
    }
}
