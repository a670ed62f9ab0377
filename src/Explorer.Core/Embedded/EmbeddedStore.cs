using Explorer.Graph;

namespace Explorer.Embedded;

/// <summary>Creates the embedded store (SQLite file + in-memory index); the store itself stays internal.</summary>
public static class EmbeddedStore
{
    /// <summary>An embedded store over this SQLite file (created on first use), not yet initialized: call InitializeAsync.</summary>
    public static IGraphStore Create(string databasePath) => new EmbeddedGraphStore(databasePath);
}
