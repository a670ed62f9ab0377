using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Durability;

/// <summary>The real server started on a port another program holds.</summary>
public sealed class BusyPortTests
{
    [Fact]
    public async Task AServerStartedOnABusyPortSaysSoInOneLineAndExitsWithCode4()
    {
        using var directory = new TempDirectory();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory.Path,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Explorer.Server.dll"), "--urls", $"http://127.0.0.1:{port}",
            $"--Explorer:DatabasePath={directory.File("explorer.db")}", "--Explorer:SeedOnStart=false",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await errors;

        Assert.True(process.ExitCode == 4, $"exit code {process.ExitCode}:\n{text}");
        var reason = Assert.Single(text.Split('\n'), line => line.Contains("cannot start", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{port}", reason, StringComparison.Ordinal);
        Assert.Contains("another program listens there", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
    }
}
