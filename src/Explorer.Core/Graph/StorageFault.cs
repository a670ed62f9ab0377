using Microsoft.Data.Sqlite;

namespace Explorer.Graph;

/// <summary>Why storage refused a write: the disk (or the database's size cap) is full, or the storage is failing or read-only.</summary>
public enum StorageFaultKind
{
    /// <summary>SQLITE_FULL or ENOSPC: nothing more fits until space is freed. Retrying soon will not help.</summary>
    Full,

    /// <summary>I/O errors, a read-only file system, a file that cannot be opened: often transient.</summary>
    Unavailable,
}

/// <summary>A storage fault found in an exception: its kind and a short reason fit for an operator's log.</summary>
public sealed record StorageFault(StorageFaultKind Kind, string Reason)
{
    // SQLite primary result codes (https://www.sqlite.org/rescode.html); extended codes keep them in the low byte.
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    // ENOSPC and EDQUOT on Linux, ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows, as IOException.HResult.
    private static readonly HashSet<int> s_diskFull = [28, 122, unchecked((int)0x80070070), unchecked((int)0x80070027)];

    /// <summary>The storage fault behind <paramref name="exception"/> (or one of its inner exceptions), or null when it is something else.</summary>
    public static StorageFault? From(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SqliteException sqlite:
                    return (sqlite.SqliteErrorCode & 0xFF) switch
                    {
                        SqliteFull => new StorageFault(StorageFaultKind.Full, "the database or its disk is full"),
                        SqliteIoErr => new StorageFault(StorageFaultKind.Unavailable, $"disk I/O error ({sqlite.SqliteExtendedErrorCode})"),
                        SqliteReadOnly => new StorageFault(StorageFaultKind.Unavailable, "the database is read-only (a read-only file system or file)"),
                        SqliteCantOpen => new StorageFault(StorageFaultKind.Unavailable, "the database file cannot be opened"),
                        _ => null,
                    };
                case IOException io when s_diskFull.Contains(io.HResult):
                    return new StorageFault(StorageFaultKind.Full, "the disk is full");
            }
        }

        return null;
    }
}
