using System.Diagnostics;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Durability;

/// <summary>
/// The real <c>explorer</c> executable as a child process (<c>dotnet explorer.dll</c> from the test output
/// folder) running <c>import -</c>: the test writes records to its stdin and reads the acknowledgements.
/// </summary>
public sealed class ExplorerImportProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = [];

    private ExplorerImportProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.Add(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public static ExplorerImportProcess Start(string databasePath) => Start(databasePath, "-");

    /// <summary>Runs <c>explorer import &lt;importArgs&gt;</c> on the database.</summary>
    public static ExplorerImportProcess Start(string databasePath, params string[] importArgs)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "explorer.dll");
        Assert.True(File.Exists(dll), $"explorer.dll not found next to the tests in {AppContext.BaseDirectory}");
        // The SDK running the tests says which dotnet it is; fall back to the one on PATH.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[dll, "import", .. importArgs, "--db", databasePath, "--seed", Seeded.SeedDirectory])
        {
            start.ArgumentList.Add(arg);
        }

        return new ExplorerImportProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet"));
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    public async Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
    }

    /// <summary>The next acknowledgement line; fails the test if the process ends or prints something else.</summary>
    public async Task<string> ReadAckAsync(CancellationToken cancellationToken)
    {
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        Assert.True(line is not null, $"explorer import ended early (exit {(_process.HasExited ? _process.ExitCode : -1)}):\n{Stderr}");
        Assert.True(line.StartsWith("ok ", StringComparison.Ordinal), $"unexpected output '{line}':\n{Stderr}");
        return line;
    }

    /// <summary>SIGKILL: no chance to flush, close or checkpoint anything.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
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
}
