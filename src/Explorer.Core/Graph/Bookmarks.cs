namespace Explorer.Graph;

/// <summary>
/// A set of store bookmarks (Neo4j's causal-consistency tokens), kept as a driver session keeps them: every
/// request sends the current set and the server runs it only after those transactions are visible; the answer's
/// bookmark then stands for all of them, so it replaces the ones sent (bookmarks added meanwhile, by other
/// requests or observed elsewhere, stay). https://neo4j.com/docs/query-api/current/bookmarks/ ("Coordinate
/// transactions and enforce causal consistency") and the drivers' manual on bookmarks
/// (https://neo4j.com/docs/dotnet-manual/current/bookmarks/).
/// </summary>
public sealed class Bookmarks
{
    /// <summary>At most this many are kept (the oldest go first): a request never carries an unbounded list.</summary>
    public const int Cap = 16;

    private readonly Lock _lock = new();
    private List<string> _current = [];

    public IReadOnlyList<string> Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>After a request sent with <paramref name="sent"/> answered with <paramref name="received"/>.</summary>
    public void Advance(IReadOnlyList<string> sent, IReadOnlyList<string> received)
    {
        if (received.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            _current = [.. _current.Where(b => !sent.Contains(b) && !received.Contains(b)).Concat(received).TakeLast(Cap)];
        }
    }

    /// <summary>Adds bookmarks seen elsewhere (a change event from another instance, a browser's token): later requests wait for them too.</summary>
    public void Observe(IEnumerable<string> bookmarks)
    {
        lock (_lock)
        {
            _current = [.. _current.Concat(bookmarks.Where(b => b.Length > 0 && !_current.Contains(b)).Distinct(StringComparer.Ordinal)).TakeLast(Cap)];
        }
    }
}

/// <summary>
/// Read-your-writes for one caller (one HTTP request) rather than for the whole process: while a scope is
/// current (it flows with the async calls made under it), the store's requests wait for the bookmarks the scope
/// holds as well as the process's own, and every answer advances the scope too. It starts with the bookmarks the
/// caller brought (the browser's token from its last write, whichever instance served that), and
/// <see cref="Wrote"/> says whether a write ran under it, so the caller can be handed a token for the state after
/// that write. Nothing else sees a scope's bookmarks. Stores without bookmarks (embedded) leave it untouched.
/// </summary>
public sealed class BookmarkScope : IDisposable
{
    private static readonly AsyncLocal<BookmarkScope?> s_current = new();
    private readonly BookmarkScope? _outer;
    private int _wrote;

    private BookmarkScope(IEnumerable<string> bookmarks)
    {
        _outer = s_current.Value;
        Bookmarks.Observe(bookmarks);
        s_current.Value = this;
    }

    /// <summary>The scope of the current call, or null outside any (background work: only the process's bookmarks apply).</summary>
    public static BookmarkScope? Current => s_current.Value;

    /// <summary>Makes a new scope current for the calls that follow in this async flow, until disposed.</summary>
    public static BookmarkScope Begin(IEnumerable<string> bookmarks) => new(bookmarks);

    public Bookmarks Bookmarks { get; } = new();

    /// <summary>Whether a write ran under this scope (its bookmarks then stand for a state that includes it).</summary>
    public bool Wrote => Volatile.Read(ref _wrote) == 1;

    /// <summary>After a store request made under this scope answered.</summary>
    public void Advance(IReadOnlyList<string> sent, IReadOnlyList<string> received, bool write)
    {
        Bookmarks.Advance(sent, received);
        if (write)
        {
            Volatile.Write(ref _wrote, 1);
        }
    }

    public void Dispose() => s_current.Value = _outer;
}
