using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explorer.Embedded;
using Explorer.Tests.Durability;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Living;

/// <summary>
/// The server and the CLI open one database: a relative Explorer:DatabasePath (or none) is resolved from the
/// checkout root by both, whatever their working directories, and what the CLI writes the server serves.
/// </summary>
public sealed class SharedDatabaseTests : IDisposable
{
    // A file of its own under the checkout's data/ folder (ignored by git), so no other test or worktree shares it.
    private readonly string _relative = $"data/test-{Guid.NewGuid():N}/explorer.db";
    private readonly TempDirectory _serverDirectory = new();
    private readonly TempDirectory _cliDirectory = new();

    private string FullPath => DefaultLocations.ResolveDatabasePath(_relative);

    [Fact]
    public void ARelativeDatabasePathIsTakenFromTheCheckoutRootNotTheWorkingDirectory()
    {
        var root = DefaultLocations.BaseDirectory();
        Assert.True(File.Exists(Path.Combine(root, "Explorer.sln")), root);
        Assert.Equal(Path.Combine(root, "data", "explorer.db"), DefaultLocations.DatabasePath());
        Assert.Equal(Path.Combine(root, "x", "y.db"), DefaultLocations.ResolveDatabasePath("x/y.db"));
        Assert.Equal("/var/lib/explorer/explorer.db", DefaultLocations.ResolveDatabasePath("/var/lib/explorer/explorer.db"));
    }

    [Fact]
    public async Task TheServerAndTheCliStartedElsewhereOpenTheSameDatabaseFromTheCheckoutRoot()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var server = await ExplorerServerProcess.StartAsync(_relative, _serverDirectory.Path, cancellationToken);
        Assert.Contains(FullPath, server.Output, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/nodes/shared-db-probe", cancellationToken)).StatusCode);

        var import = await RunCliAsync(
            """
            {"node":{"id":"shared-db-probe","kind":"Theme","name":"Shared database probe"}}
            {"edge":{"id":"shared-db-probe-edge","type":"ADDRESSES","source":"nato","target":"shared-db-probe","evidence":[{"sourceId":"public-record","quote":"Belgium is a founding member of NATO"}]}}
            """,
            cancellationToken,
            "import", "-");
        Assert.True(import.ExitCode == 0, import.Output);
        Assert.Contains("ok ", import.Output, StringComparison.Ordinal);
        var changes = await http.GetFromJsonAsync<JsonElement>("/api/changes?after=0&limit=1000", cancellationToken);
        Assert.Contains(changes.GetProperty("changes").EnumerateArray(), c => c.GetProperty("entityId").GetString() == "shared-db-probe");
    }

    /// <summary>The CLI as a child process in another working directory, with the database given as the server's setting is.</summary>
    private async Task<(int ExitCode, string Output)> RunCliAsync(string stdin, CancellationToken cancellationToken, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "explorer.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _cliDirectory.Path,
        };
        start.Environment["Explorer__DatabasePath"] = _relative;
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        _serverDirectory.Dispose();
        _cliDirectory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path.GetDirectoryName(FullPath)!, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment.
        }
    }
}
