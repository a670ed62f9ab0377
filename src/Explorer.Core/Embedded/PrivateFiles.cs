namespace Explorer.Embedded;

/// <summary>
/// The database holds password hashes and everything the analysts wrote: only its owner may read it. The file
/// is created with mode 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database file's
/// mode), and an existing one that is readable by others is tightened, with its -wal and -shm.
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void PrepareDatabase(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; tightened below.
            }
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            try
            {
                if (File.Exists(file) && (File.GetUnixFileMode(file) & ~OwnerOnly) != 0)
                {
                    File.SetUnixFileMode(file, OwnerOnly);
                }
            }
            catch (UnauthorizedAccessException)
            {
                // Someone else's file (a shared deployment): leave its mode to them.
            }
        }
    }
}
