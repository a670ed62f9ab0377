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

        // 2: accounts and annotations. Users are never deleted (only disabled), so tokens can reference them.
        // An annotation row holds the current state; annotation_versions is its append-only history (one row
        // per version, with the change-log seq of the write); annotation_tags serves the feed's tag filter.
        """
        CREATE TABLE users (
            name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL DEFAULT '',
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE api_tokens (
            id TEXT NOT NULL PRIMARY KEY,
            owner TEXT NOT NULL REFERENCES users(name),
            name TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            last_used_at TEXT,
            revoked INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX api_tokens_owner ON api_tokens(owner);
        CREATE TABLE one_time_tokens (
            hash TEXT NOT NULL PRIMARY KEY,
            user_name TEXT NOT NULL REFERENCES users(name),
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        CREATE TABLE annotations (
            aid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            target_kind TEXT NOT NULL,
            target_id TEXT NOT NULL,
            text TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            confidence TEXT NOT NULL,
            citation TEXT,
            status TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0,
            last_seq INTEGER NOT NULL
        );
        CREATE INDEX annotations_target ON annotations(target_id, target_kind) WHERE deleted = 0;
        CREATE INDEX annotations_recent ON annotations(last_seq);
        CREATE INDEX annotations_author ON annotations(author COLLATE NOCASE, last_seq);
        CREATE INDEX annotations_status ON annotations(status, last_seq);
        CREATE INDEX annotations_updated ON annotations(updated_at);
        CREATE TABLE annotation_tags (
            tag TEXT NOT NULL COLLATE NOCASE,
            aid INTEGER NOT NULL REFERENCES annotations(aid),
            PRIMARY KEY (tag, aid)
        ) WITHOUT ROWID;
        CREATE INDEX annotation_tags_aid ON annotation_tags(aid);
        CREATE TABLE annotation_versions (
            aid INTEGER NOT NULL REFERENCES annotations(aid),
            version INTEGER NOT NULL,
            at TEXT NOT NULL,
            by TEXT NOT NULL,
            action TEXT NOT NULL,
            changed TEXT NOT NULL,
            text TEXT NOT NULL,
            tags TEXT NOT NULL,
            confidence TEXT NOT NULL,
            citation TEXT,
            status TEXT NOT NULL,
            deleted INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (aid, version)
        ) WITHOUT ROWID;
        """,

        // 3: dated records. validFrom/validTo as partial ISO dates (YYYY, YYYY-MM or YYYY-MM-DD), NULL when
        // undated; an edge's suspensions as a JSON array of {from, to}, NULL when it has none. Existing rows
        // stay undated until the next seed (whose upsert sees the changed record) or write dates them.
        """
        ALTER TABLE nodes ADD COLUMN valid_from TEXT;
        ALTER TABLE nodes ADD COLUMN valid_to TEXT;
        ALTER TABLE edges ADD COLUMN valid_from TEXT;
        ALTER TABLE edges ADD COLUMN valid_to TEXT;
        ALTER TABLE edges ADD COLUMN suspensions TEXT;
        """,

        // 4: a security stamp per user, copied into browser sessions, so changing it ends them all.
        """
        ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
        """,

        // 5: the row id of the node or edge a change touched, so another process can apply an edge removal
        // to its in-memory index (the row, and with it the id's row, is gone by then).
        """
        ALTER TABLE changes ADD COLUMN row_id INTEGER;
        """,

        // 6: analysts grow the graph. Nodes, edges and sources get a version (their ETag), edges a review status
        // (existing edges come from the dataset: confirmed), sources a URL. history is the append-only record of
        // analysts' writes to nodes, edges and sources: one row per version with the state after it (a deleted
        // record's last state stays here).
        """
        ALTER TABLE nodes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE edges ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE edges ADD COLUMN status TEXT NOT NULL DEFAULT 'Confirmed';
        ALTER TABLE sources ADD COLUMN url TEXT;
        ALTER TABLE sources ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE history (
            record_kind TEXT NOT NULL,
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            at TEXT NOT NULL,
            by TEXT NOT NULL,
            action TEXT NOT NULL,
            changed TEXT NOT NULL,
            note TEXT,
            state TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (record_kind, id, version)
        ) WITHOUT ROWID;
        """,

        // 7: analysts' verdicts on suggested relations (one per suggestion of a source: accepted with the edge it
        // created, or dismissed), and an index on the edges' review status for paths kept to some statuses.
        """
        CREATE TABLE suggestion_reviews (
            source_id TEXT NOT NULL,
            suggestion_id TEXT NOT NULL,
            verdict TEXT NOT NULL,
            by TEXT NOT NULL,
            at TEXT NOT NULL,
            edge_id TEXT,
            PRIMARY KEY (source_id, suggestion_id)
        ) WITHOUT ROWID;
        CREATE INDEX edges_status ON edges(status);
        """,

        // 8: one change row per bulk batch. A batch of an import writes a single GraphReloaded change (entity
        // 'import') instead of one row per record: row_id holds how many records it wrote, rows which node and
        // edge rows (BatchRows), so another process applies it incrementally and browsers reload their view
        // once. A seed's GraphReloaded keeps rows NULL (reload everything).
        """
        ALTER TABLE changes ADD COLUMN rows BLOB;
        """,

        // 9: the review-status index holds the edges that are not confirmed only: what paths kept to some statuses
        // look up (WithoutStatus: the few proposed and disputed edges). Imports and the seed write confirmed edges,
        // and each paid a second B-tree insert into the whole-column index for nothing (a bulk load of 4.7M edges:
        // ~17 % of SQLite's own insert time, ~10 % of the bytes written).
        """
        DROP INDEX edges_status;
        CREATE INDEX edges_status ON edges(status) WHERE status <> 'Confirmed';
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

    /// <summary>Applies the migrations after the database's version, up to <paramref name="target"/> (default: all).</summary>
    public static void Migrate(SqliteConnection connection, int? target = null)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (current > s_migrations.Length)
        {
            throw new InvalidOperationException($"The database schema (version {current}) is newer than this Explorer understands (version {s_migrations.Length}).");
        }

        for (var version = current; version < (target ?? s_migrations.Length); version++)
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
