using Explorer.Graph;

namespace Explorer.Embedded;

/// <summary>Creates the embedded store (SQLite file + in-memory index); the store itself stays internal.</summary>
public static class EmbeddedStore
{
    /// <summary>An embedded store over this SQLite file (created on first use), not yet initialized: call InitializeAsync.</summary>
    public static IGraphStore Create(string databasePath, EmbeddedStoreOptions? options = null) => new EmbeddedGraphStore(databasePath, options);
}

/// <summary>Settings of the embedded store.</summary>
/// <param name="Logger">Where the store says how it loaded its index (snapshot used, or rebuilt and why) and snapshot write failures.</param>
/// <param name="MaxSizeBytes">
/// A cap on the database's size (SQLite's <c>max_page_count</c> on every connection): past it writes fail
/// as on a full disk (SQLITE_FULL) while reads go on; null for no cap. Lets an operator keep a database
/// from filling a disk it shares, and tests simulate a full disk portably.
/// </param>
public sealed record EmbeddedStoreOptions(long? MaxSizeBytes = null, Microsoft.Extensions.Logging.ILogger? Logger = null);
