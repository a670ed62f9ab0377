using Explorer.Cli;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Cli;

/// <summary>What one in-process run of the command line printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs <c>explorer</c> in-process against one database file in its own temp directory.</summary>
public sealed class CliRunner : IDisposable
{
    private readonly TempDirectory _directory = new();

    public string DatabasePath => _directory.File("explorer.db");

    public string Directory => _directory.Path;

    /// <summary>Runs a verb with <c>--db</c> and <c>--seed</c> pointing at this runner's database and the repository's dataset.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public async Task<CliResult> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        string[] all = [.. args, "--db", DatabasePath, "--seed", Seeded.SeedDirectory];
        var code = await CliApp.RunAsync(all, stdout, stderr, input, TestContext.Current.CancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs exactly the given arguments (no --db or --seed added).</summary>
    public static async Task<CliResult> RunRawAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, TextReader.Null, TestContext.Current.CancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => _directory.Dispose();
}

/// <summary>A database seeded once through the CLI and shared by a class's read-only tests.</summary>
public sealed class SeededCliDatabase : IAsyncLifetime
{
    public CliRunner Cli { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var result = await Cli.RunAsync("seed");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public ValueTask DisposeAsync()
    {
        Cli.Dispose();
        return ValueTask.CompletedTask;
    }
}
