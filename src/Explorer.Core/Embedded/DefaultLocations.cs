namespace Explorer.Embedded;

/// <summary>
/// Where the embedded store lives when nothing is configured: <c>data/explorer.db</c> at the root of the
/// repository checkout the program runs from (the folder holding Explorer.sln and graph-seed/), so the
/// server under <c>dotnet run</c> and the CLI share one database; outside a checkout, under the working
/// directory.
/// </summary>
public static class DefaultLocations
{
    public const string RelativeDatabasePath = "data/explorer.db";

    public static string DatabasePath()
    {
        foreach (var origin in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Explorer.sln")) && Directory.Exists(Path.Combine(dir.FullName, "graph-seed")))
                {
                    return Path.Combine(dir.FullName, RelativeDatabasePath);
                }
            }
        }

        return Path.GetFullPath(RelativeDatabasePath);
    }
}
