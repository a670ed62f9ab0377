using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Explorer.Embedded;

/// <summary>
/// One query's rows read column by column, for the index's bulk reads (a million-node rebuild reads about 30
/// million values). Calls straight into the SQLite library Microsoft.Data.Sqlite loaded (e_sqlite3), without
/// SQLitePCLRaw's safe-handle wrapper around every call (tens of nanoseconds each, a second or two of a 1M
/// rebuild); the column getters, which neither block nor call back, skip the GC transition. When SQLite comes
/// from another library (another SQLitePCLRaw provider), it reads through SQLitePCLRaw as before.
/// </summary>
internal sealed class SqliteRows : IDisposable
{
    private const string Library = "e_sqlite3";

    private static readonly bool s_direct = DirectCallsWork();

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly IntPtr _handle;
    private readonly byte[][] _buffers;

    public SqliteRows(SqliteConnection connection, string sql, int columns)
    {
        _db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        _handle = s_direct ? _statement.DangerousGetHandle() : IntPtr.Zero;
        _buffers = new byte[columns][];
        for (var i = 0; i < columns; i++)
        {
            _buffers[i] = new byte[64];
        }
    }

    /// <summary>Moves to the next row: false after the last one (an error throws <see cref="SqliteException"/>).</summary>
    public bool Step()
    {
        var rc = s_direct ? NativeStep(_handle) : raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    public long Int64(int column) => s_direct ? NativeInt64(_handle, column) : raw.sqlite3_column_int64(_statement, column);

    public bool IsNull(int column) => (s_direct ? NativeType(_handle, column) : raw.sqlite3_column_type(_statement, column)) == raw.SQLITE_NULL;

    /// <summary>A text or blob column's bytes (UTF-8 for text), valid until the next call for the same column.</summary>
    public ReadOnlySpan<byte> Bytes(int column)
    {
        if (!s_direct)
        {
            return raw.sqlite3_column_blob(_statement, column);
        }

        // Blob before bytes: the order SQLite documents for a value that could be converted.
        var data = NativeBlob(_handle, column);
        var length = NativeBytes(_handle, column);
        if (length == 0)
        {
            return [];
        }

        ref var buffer = ref _buffers[column];
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        Marshal.Copy(data, buffer, 0, length);
        return buffer.AsSpan(0, length);
    }

    /// <summary>A text column as a string, null for NULL.</summary>
    public string? Text(int column)
    {
        if (!s_direct)
        {
            return raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : System.Text.Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, column));
        }

        if (NativeType(_handle, column) == raw.SQLITE_NULL)
        {
            return null;
        }

        var data = NativeText(_handle, column);
        return Marshal.PtrToStringUTF8(data, NativeBytes(_handle, column));
    }

    public void Dispose() => _statement.Dispose();

    /// <summary>
    /// Reads the database file through a memory map until disposed (<c>PRAGMA mmap_size</c>, then back to what it
    /// was): a whole-table scan then costs no read system call and copy per page. Only for bulk reads: the map is
    /// dropped again, so other statements on a pooled connection read as before.
    /// </summary>
    public static IDisposable Mapped(SqliteConnection connection, SqliteTransaction? transaction) => new FileMap(connection, transaction);

    private sealed class FileMap : IDisposable
    {
        private const long Size = 1L << 40;

        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction? _transaction;
        private readonly long _was;

        public FileMap(SqliteConnection connection, SqliteTransaction? transaction)
        {
            (_connection, _transaction) = (connection, transaction);
            _was = Pragma(null);
            Pragma(Size);
        }

        public void Dispose() => Pragma(_was);

        /// <summary>Sets the map size (SQLite clamps it to its compiled limit) or reads it (null).</summary>
        private long Pragma(long? size)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = _transaction;
            command.CommandText = size is { } bytes ? $"PRAGMA mmap_size = {bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "PRAGMA mmap_size";
            return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whether the connection holds a write transaction (null: cannot tell, SQLite is not e_sqlite3).</summary>
    public static bool? IsWriting(SqliteConnection connection) =>
        s_direct ? NativeTransactionState(connection.Handle!.DangerousGetHandle(), IntPtr.Zero) == 2 : null;

    /// <summary>Whether e_sqlite3 is the library in use and answers direct calls as SQLitePCLRaw does.</summary>
    private static bool DirectCallsWork()
    {
        try
        {
            return raw.GetNativeLibraryName() == Library && NativeVersion() == raw.sqlite3_libversion_number();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    [DllImport(Library, EntryPoint = "sqlite3_libversion_number", CallingConvention = CallingConvention.Cdecl)]
    private static extern int NativeVersion();

    /// <summary>0 none, 1 read, 2 write; a null schema: the highest over all attached databases.</summary>
    [DllImport(Library, EntryPoint = "sqlite3_txn_state", CallingConvention = CallingConvention.Cdecl)]
    private static extern int NativeTransactionState(IntPtr db, IntPtr schema);

    [DllImport(Library, EntryPoint = "sqlite3_step", CallingConvention = CallingConvention.Cdecl)]
    private static extern int NativeStep(IntPtr statement);

    [DllImport(Library, EntryPoint = "sqlite3_column_int64", CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern long NativeInt64(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_type", CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern int NativeType(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_blob", CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern IntPtr NativeBlob(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_text", CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern IntPtr NativeText(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_bytes", CallingConvention = CallingConvention.Cdecl), SuppressGCTransition]
    private static extern int NativeBytes(IntPtr statement, int column);
}
