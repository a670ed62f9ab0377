using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Explorer.Tests.Durability;

/// <summary>
/// The real server as a child process (<c>dotnet Explorer.Server.dll</c> from the test output folder) on a
/// free loopback port and a given database, started and waited for until /healthz answers.
/// </summary>
public sealed class ExplorerServerProcess : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly List<string> _output = [];

    private ExplorerServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static Task<ExplorerServerProcess> StartAsync(string databasePath, string workingDirectory, CancellationToken cancellationToken, params string[] settings) =>
        StartAsync(databasePath, workingDirectory, addressInEnvironment: false, cancellationToken, settings);

    /// <summary>
    /// As <see cref="StartAsync(string, string, CancellationToken, string[])"/>; with <paramref name="addressInEnvironment"/>
    /// the address is given as <c>ASPNETCORE_URLS</c> instead of <c>--urls</c>.
    /// </summary>
    public static async Task<ExplorerServerProcess> StartAsync(string databasePath, string workingDirectory, bool addressInEnvironment, CancellationToken cancellationToken, params string[] settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Explorer.Server.dll");
        Assert.True(File.Exists(dll), $"Explorer.Server.dll not found next to the tests in {AppContext.BaseDirectory}");
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        string[] listen = addressInEnvironment ? [] : ["--urls", address.ToString().TrimEnd('/')];
        if (addressInEnvironment)
        {
            start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        }

        foreach (var arg in new[] { dll }.Concat(listen).Append($"--Explorer:DatabasePath={databasePath}").Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        var server = new ExplorerServerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet"), address);
        try
        {
            await server.WaitUntilHealthyAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL for the whole process tree: no chance to flush, close or checkpoint anything.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>
    /// SIGTERM, as a process manager sends it for a graceful stop; waits for the exit and returns its code.
    /// </summary>
    public async Task<int> TerminateAsync(CancellationToken cancellationToken)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await kill!.WaitForExitAsync(cancellationToken);
            Assert.True(kill.ExitCode == 0, $"kill -TERM {_process.Id} failed ({kill.ExitCode})");
        }

        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < s_startTimeout)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"the server exited ({_process.ExitCode}) before answering:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/healthz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Timed out: still starting.
            }

            await Task.Delay(100, cancellationToken);
        }

        Assert.Fail($"the server did not answer /healthz within {s_startTimeout.TotalSeconds} s:\n{Output}");
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
