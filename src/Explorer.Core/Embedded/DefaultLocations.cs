namespace Explorer.Embedded;

/// <summary>
/// Where the embedded store lives. One rule for the server (however it is started) and every CLI verb: a
/// relative <c>Explorer:DatabasePath</c> (and the default, <c>data/explorer.db</c>) is taken from the root
/// of the repository checkout the program runs from (the folder holding Explorer.sln and graph-seed/, looked
/// for above the program, then above the working directory); outside a checkout, from the working directory.
/// </summary>
public static class DefaultLocations
{
    public const string RelativeDatabasePath = "data/explorer.db";

    /// <summary>The checkout root, or the working directory outside a checkout.</summary>
    public static string BaseDirectory()
    {
        foreach (var origin in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Explorer.sln")) && Directory.Exists(Path.Combine(dir.FullName, "graph-seed")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>The default database file as an absolute path.</summary>
    public static string DatabasePath() => ResolveDatabasePath(null);

    /// <summary>
    /// A configured database path as an absolute path: absolute stays as it is, relative is taken from
    /// <see cref="BaseDirectory"/>, none is <see cref="RelativeDatabasePath"/> there.
    /// </summary>
    public static string ResolveDatabasePath(string? configured) =>
        Path.GetFullPath(configured is { Length: > 0 } ? configured : RelativeDatabasePath, BaseDirectory());
}
