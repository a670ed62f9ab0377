using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>What a backup or restore wrote.</summary>
public sealed record BackupReport(string Database, long Bytes, long LastSeq, IReadOnlyList<string> CopiedAlong)
{
    /// <summary>Why the index snapshot did not travel with the database (null when it did, or there was none).</summary>
    public string? SnapshotLeftOut { get; init; }
}

/// <summary>A restore refused because a server has the database open.</summary>
public sealed class DatabaseInUseException(string message) : Exception(message);

/// <summary>
/// Backups of the embedded store. <see cref="BackupAsync"/> copies the database with SQLite's online backup
/// API, so the copy is one consistent snapshot even while a server writes (WAL: the server's writes go on
/// meanwhile), then checks it. The index snapshot (<c>&lt;db&gt;.index</c>) travels with it, consistently: it
/// is copied first, so the change it reflects was committed before the database copy began and is in it; it
/// is then checked against the copy's change log (the change it names must be the copy's own), and left out
/// if it does not match (restore then rebuilds the index, which the start-up does by itself anyway). A start
/// from the restored pair replays the changes between the two from the log. <see cref="RestoreAsync"/> puts a
/// backup in place of the database, and refuses while a server holds it (see <see cref="HoldForServer"/>).
/// </summary>
public static class EmbeddedBackup
{
    /// <summary>Suffix of the lock file a running server holds (shared) next to its database.</summary>
    public const string ServerLockSuffix = ".server-lock";

    /// <summary>Suffixes of files derived from the database that travel with it (the index snapshot, when there is one).</summary>
    public static IReadOnlyList<string> CompanionSuffixes { get; } = [IndexSnapshot.Suffix];

    /// <summary>
    /// Marks the database as held by a running server until the result is disposed: a shared lock on a file
    /// next to it (several servers may share one database; the operating system drops the lock if the
    /// process dies). <see cref="RestoreAsync"/> needs the lock exclusively.
    /// </summary>
    public static IDisposable HoldForServer(string databasePath) =>
        new FileStream(Path.GetFullPath(databasePath) + ServerLockSuffix, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Copies the database at <paramref name="databasePath"/> to <paramref name="destination"/> (which must not exist), consistently, while it may be in use.</summary>
    public static Task<BackupReport> BackupAsync(string databasePath, string destination, CancellationToken cancellationToken = default)
    {
        var source = Path.GetFullPath(databasePath);
        var target = Path.GetFullPath(destination);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"no database at {source}", source);
        }

        if (File.Exists(target) || Directory.Exists(target))
        {
            throw new IOException($"{target} already exists; choose a new name for the backup");
        }

        if (Path.GetDirectoryName(target) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var temporary = target + ".partial";
        DeleteDatabaseFiles(temporary);
        var snapshot = temporary + IndexSnapshot.Suffix;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The snapshot before the database: whatever change it reflects is then in the database's copy.
            var hadSnapshot = CopyIfExists(source + IndexSnapshot.Suffix, snapshot);
            long lastSeq;
            using (var from = new SqliteConnection(Existing(source)))
            using (var to = new SqliteConnection(ReadWrite(temporary)))
            {
                from.Open();
                to.Open();

                // One step: pages are copied under a single read transaction, so the copy is the database as
                // of one commit; a writer in another connection is not blocked (WAL).
                from.BackupDatabase(to);
                lastSeq = Check(to);
                Execute(to, "PRAGMA journal_mode=DELETE;");
            }

            var leftOut = hadSnapshot ? SnapshotMismatch(snapshot, temporary) : null;
            File.Move(temporary, target);
            var along = new List<string>();
            if (hadSnapshot && leftOut is null)
            {
                File.Move(snapshot, target + IndexSnapshot.Suffix, overwrite: true);
                along.Add(target + IndexSnapshot.Suffix);
            }

            File.Delete(snapshot);
            return Task.FromResult(new BackupReport(target, new FileInfo(target).Length, lastSeq, along) { SnapshotLeftOut = leftOut });
        }
        catch
        {
            DeleteDatabaseFiles(temporary);
            File.Delete(snapshot);
            throw;
        }
    }

    /// <summary>Why the snapshot at <paramref name="snapshot"/> cannot serve the database at <paramref name="database"/>, or null when it can.</summary>
    private static string? SnapshotMismatch(string snapshot, string database)
    {
        try
        {
            IndexSnapshot.Header header;
            using (var file = File.OpenHandle(snapshot))
            {
                header = IndexSnapshot.ReadHeader(file);
            }

            using var connection = new SqliteConnection(ReadOnly(database));
            connection.Open();
            using var row = connection.CreateCommand();
            row.CommandText = "SELECT at, kind, entity_id FROM changes WHERE seq = $seq";
            row.Parameters.AddWithValue("$seq", header.Seq);
            using var reader = row.ExecuteReader();
            var matches = header.Seq == 0
                ? header.ChangeFingerprint == 0
                : reader.Read() && IndexSnapshot.Fingerprint(header.Seq, reader.GetString(0), reader.GetString(1), reader.GetString(2)) == header.ChangeFingerprint;
            return matches ? null : $"the index snapshot reflects change {header.Seq}, which is not this copy's; a start-up rebuilds the index";
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or SqliteException)
        {
            return $"the index snapshot is not usable ({ex.Message}); a start-up rebuilds the index";
        }
    }

    private static bool CopyIfExists(string from, string to)
    {
        try
        {
            File.Copy(from, to, overwrite: true);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Replaces the database at <paramref name="databasePath"/> by the backup at <paramref name="backup"/>. Refuses
    /// (<see cref="DatabaseInUseException"/>) while a server holds the database. An existing database is kept
    /// beside it as <c>&lt;name&gt;.before-restore-&lt;time&gt;</c>, never deleted.
    /// </summary>
    public static Task<(BackupReport Report, string? SetAside)> RestoreAsync(string backup, string databasePath, CancellationToken cancellationToken = default)
    {
        var source = Path.GetFullPath(backup);
        var target = Path.GetFullPath(databasePath);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"no backup at {source}", source);
        }

        if (Path.GetDirectoryName(target) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        using var exclusive = TakeExclusively(target);
        var temporary = target + ".restoring";
        DeleteDatabaseFiles(temporary);
        long lastSeq;
        try
        {
            using (var from = new SqliteConnection(ReadOnly(source)))
            using (var to = new SqliteConnection(ReadWrite(temporary)))
            {
                from.Open();
                Check(from);
                cancellationToken.ThrowIfCancellationRequested();
                to.Open();
                from.BackupDatabase(to);
                lastSeq = Check(to);
            }
        }
        catch
        {
            DeleteDatabaseFiles(temporary);
            throw;
        }

        string? setAside = null;
        if (File.Exists(target))
        {
            setAside = $"{target}.before-restore-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
            File.Move(target, setAside);
            foreach (var suffix in (string[])["-wal", "-shm", .. CompanionSuffixes])
            {
                if (File.Exists(target + suffix))
                {
                    File.Move(target + suffix, setAside + suffix);
                }
            }
        }

        File.Move(temporary, target);
        var along = new List<string>();
        string? leftOut = null;
        if (File.Exists(source + IndexSnapshot.Suffix))
        {
            leftOut = SnapshotMismatch(source + IndexSnapshot.Suffix, target);
            if (leftOut is null)
            {
                File.Copy(source + IndexSnapshot.Suffix, target + IndexSnapshot.Suffix, overwrite: true);
                along.Add(target + IndexSnapshot.Suffix);
            }
        }

        return Task.FromResult((new BackupReport(target, new FileInfo(target).Length, lastSeq, along) { SnapshotLeftOut = leftOut }, setAside));
    }

    private static FileStream TakeExclusively(string databasePath)
    {
        try
        {
            return new FileStream(databasePath + ServerLockSuffix, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new DatabaseInUseException($"a running Explorer server holds {databasePath}; stop it before restoring");
        }
    }

    /// <summary>The copy must pass SQLite's integrity check and be Explorer's schema; returns its last change seq.</summary>
    private static long Check(SqliteConnection connection)
    {
        using var integrity = connection.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check;";
        if (integrity.ExecuteScalar() as string != "ok")
        {
            throw new InvalidDataException("the copy fails SQLite's integrity check");
        }

        using var seq = connection.CreateCommand();
        seq.CommandText = "SELECT coalesce(max(seq), 0) FROM changes;";
        try
        {
            return Convert.ToInt64(seq.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"not an Explorer database: {ex.Message}");
        }
    }

    private static void DeleteDatabaseFiles(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(path + suffix);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The live database, opened without creating anything (read-write, so WAL can be read without a server around).</summary>
    private static string Existing(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();

    private static string ReadOnly(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();

    private static string ReadWrite(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
}
