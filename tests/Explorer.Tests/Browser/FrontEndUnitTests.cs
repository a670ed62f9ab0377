using System.Diagnostics;

namespace Explorer.Tests.Browser;

/// <summary>
/// Runs the front end's Vitest suites (URL state, live delta application and catch-up) so the .NET test run
/// counts them. The build already ran npm ci for the front end, so node_modules is there.
/// </summary>
public sealed class FrontEndUnitTests
{
    [Fact]
    public async Task TheFrontEndsVitestSuitesPass()
    {
        var web = Path.Combine(RepositoryRoot(), "src", "Explorer.Web");
        var start = new ProcessStartInfo("npm", ["test", "--silent", "--", "--reporter=default", "--no-color"])
        {
            WorkingDirectory = web,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["CI"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var summary = $"{await output}\n{await errors}";

        Assert.True(process.ExitCode == 0, $"npm test exited {process.ExitCode}:\n{summary}");
        Assert.Matches(@"Tests\s+\d+ passed", summary);
        Assert.DoesNotMatch(@"\d+ failed", summary);
    }

    internal static string RepositoryRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Explorer.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Explorer.sln not found above the test binaries.");
    }
}
