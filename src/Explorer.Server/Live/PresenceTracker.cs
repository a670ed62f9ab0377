using System.Collections.Concurrent;

namespace Explorer.Server.Live;

/// <summary>
/// One open page: its hub connection, the signed-in user behind it (null: anonymous) and the browser it runs in
/// (a random id the page keeps in localStorage and sends when it connects; null when it sent none).
/// </summary>
public sealed record Viewer(string Connection, string? User, string? Browser)
{
    /// <summary>The longest browser id accepted; longer or odd ones are ignored (the page is counted on its own).</summary>
    public const int MaxBrowserLength = 64;

    /// <summary>A browser id as the page sends it (letters, digits, '-' and '_', 8 to 64 of them), or null.</summary>
    public static string? ValidBrowser(string? browser) =>
        browser is { Length: >= 8 and <= MaxBrowserLength } && browser.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? browser : null;
}

/// <summary>
/// Who is viewing: the connections of this instance and the viewer behind each, plus, behind a Redis backplane,
/// what the other live instances last reported (see <see cref="PresenceSync"/>), so counts and names cover the
/// whole deployment. Counted are people, not tabs: a signed-in user once however many tabs and browsers they
/// have open; an anonymous browser once however many tabs it has open (and not at all when a tab of the same
/// browser is signed in); an anonymous page that sent no browser id once.
/// </summary>
public sealed class PresenceTracker
{
    private readonly ConcurrentDictionary<string, Viewer> _connections = new();
    private volatile IReadOnlyList<Viewer> _elsewhere = [];
    private long _version;

    /// <summary>Grows with every local join or leave, so a sync knows whether to rewrite this instance's entry.</summary>
    internal long Version => Interlocked.Read(ref _version);

    /// <summary>Called on each local join or leave (the cluster sync wakes on it).</summary>
    internal event Action? Changed;

    public void Join(string connectionId, string? user, string? browser = null)
    {
        _connections[connectionId] = new Viewer(connectionId, user, Viewer.ValidBrowser(browser));
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }

    public void Leave(string connectionId)
    {
        _connections.TryRemove(connectionId, out _);
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }

    /// <summary>This instance's viewers, one per connection.</summary>
    internal IReadOnlyList<Viewer> Local => [.. _connections.Values];

    /// <summary>The viewers the other live instances reported, one per connection.</summary>
    internal void SetElsewhere(IReadOnlyList<Viewer> viewers) => _elsewhere = viewers;

    public PresenceEvent Snapshot() => Count([.. _connections.Values, .. _elsewhere]);

    /// <summary>Distinct people among these connections: signed-in names, then anonymous browsers and pages.</summary>
    internal static PresenceEvent Count(IReadOnlyCollection<Viewer> viewers)
    {
        var users = viewers.Select(v => v.User).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var signedInBrowsers = viewers.Where(v => v.User is not null).Select(v => v.Browser).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var anonymous = viewers
            .Where(v => v.User is null && (v.Browser is null || !signedInBrowsers.Contains(v.Browser)))
            .Select(v => v.Browser ?? "\0" + v.Connection)
            .Distinct(StringComparer.Ordinal)
            .Count();
        return new PresenceEvent(users.Count + anonymous, users);
    }
}
