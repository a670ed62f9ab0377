using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>Schema migrations, applied in order and recorded in <c>PRAGMA user_version</c>.</summary>
internal static class SqliteSchema
{
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE nodes (
            nid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            aliases TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE edges (
            eid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            source_nid INTEGER NOT NULL REFERENCES nodes(nid) ON DELETE CASCADE,
            target_nid INTEGER NOT NULL REFERENCES nodes(nid) ON DELETE CASCADE,
            evidence TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX edges_source ON edges(source_nid);
        CREATE INDEX edges_target ON edges(target_nid);
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            kind TEXT NOT NULL,
            description TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            entity_id TEXT NOT NULL
        );
        """,
    ];

    public static int Version => s_migrations.Length;

    /// <summary>Opens a connection with the durability settings every connection must have.</summary>
    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();

        // WAL lets readers run beside the writer; synchronous=FULL makes a commit durable before it returns.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public static void Migrate(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (current > s_migrations.Length)
        {
            throw new InvalidOperationException($"The database schema (version {current}) is newer than this Explorer understands (version {s_migrations.Length}).");
        }

        for (var version = current; version < s_migrations.Length; version++)
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = s_migrations[version] + $"\nPRAGMA user_version = {version + 1};";
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}
