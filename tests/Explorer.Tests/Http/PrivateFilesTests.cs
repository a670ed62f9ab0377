namespace Explorer.Tests.Http;

/// <summary>What the server writes to disk is readable by its owner only.</summary>
public sealed class PrivateFilesTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheDatabaseItsJournalFilesAndTheSessionKeysAreTheOwnersAlone()
    {
        using var client = factory.CreateClient();
        await client.GetOkAsync("/api/search?q=nato");
        await client.GetOkAsync("/api/auth/antiforgery"); // makes the session keys

        Assert.True(File.Exists(factory.DatabasePath), $"{factory.DatabasePath} is missing");
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(factory.DatabasePath));

        // SQLite removes -wal and -shm when the last connection closes (a checkpoint on close), so they come and go
        // with the connection pool; whenever they exist they must be the owner's alone (SQLite gives them the
        // database file's mode).
        foreach (var file in new[] { factory.DatabasePath + "-wal", factory.DatabasePath + "-shm" }.Where(File.Exists))
        {
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(file));
        }

        var keys = Path.Combine(Path.GetDirectoryName(factory.DatabasePath)!, "keys");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, new DirectoryInfo(keys).UnixFileMode);
    }
}
