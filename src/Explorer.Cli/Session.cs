using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Query;
using Explorer.Seed;

namespace Explorer.Cli;

/// <summary>One verb's run: resolved global options, the output streams and the store it opened.</summary>
internal sealed class Session(Cli cli, ParseResult parse) : IAsyncDisposable
{
    private EmbeddedGraphStore? _store;

    public TextWriter Out => cli.Out;

    public TextWriter Error => cli.Error;

    public TextReader In => cli.In;

    public bool Json => parse.GetValue(cli.Globals.Json);

    public string DatabasePath =>
        parse.GetValue(cli.Globals.Db) is { Length: > 0 } db ? db
        : Environment.GetEnvironmentVariable(GlobalOptions.DatabasePathVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : Explorer.Embedded.DefaultLocations.DatabasePath();

    /// <summary>The dataset folder: <c>--seed</c> or the nearest graph-seed/.</summary>
    public string SeedDirectory =>
        parse.GetValue(cli.Globals.Seed) is { Length: > 0 } seed ? seed
        : SeedLoader.FindSeedDirectory() ?? throw new CliException(ExitCodes.StoreError, "no graph-seed/ folder found above the program or the working directory; pass --seed <dir>");

    /// <summary>The query engine over the store, seeded first if the database is new or empty.</summary>
    public async Task<GraphQueries> QueriesAsync(CancellationToken cancellationToken) =>
        new(await OpenStoreAsync(seedIfEmpty: true, cancellationToken));

    public async Task<EmbeddedGraphStore> OpenStoreAsync(bool seedIfEmpty, CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            return _store;
        }

        var path = DatabasePath;
        if (Directory.Exists(path))
        {
            throw new CliException(ExitCodes.StoreError, $"cannot use the database '{path}': it is a directory");
        }

        var store = new EmbeddedGraphStore(path);
        _store = store;
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // A schema newer than this program, a folder that cannot be created, a file that cannot be opened.
            throw new CliException(ExitCodes.StoreError, $"cannot use the database '{path}': {ex.Message}");
        }

        if (seedIfEmpty && await IsEmptyAsync(store, cancellationToken))
        {
            var directory = SeedDirectory;
            await Error.WriteLineAsync($"explorer: {path} is empty; seeding it from {directory}");
            var seed = SeedLoader.Load(directory);
            var report = await store.SeedAsync(seed, new SeedProgressWriter(Error), cancellationToken);
            await Error.WriteLineAsync($"explorer: seeded: {SeedProgressWriter.Format(report)}");
        }

        return store;
    }

    /// <summary>Prints a one-line error to stderr (and nothing to stdout) and returns the exit code.</summary>
    public int Fail(int exitCode, string message)
    {
        Error.WriteLine($"explorer: {message}");
        return exitCode;
    }

    /// <summary>Prints a query problem: its detail and any candidates on stderr, problem JSON on stdout with --json.</summary>
    public int Fail(QueryProblem problem)
    {
        if (Json)
        {
            JsonOutput.Write(Out, Problems.ToJson(problem));
        }

        Error.WriteLine($"explorer: {Problems.Describe(problem)}");
        return Problems.ExitCode(problem);
    }

    public void WriteJson<T>(T value) => JsonOutput.Write(Out, value);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>A database that never received a source or any write (a new file) is empty.</summary>
    private static async Task<bool> IsEmptyAsync(EmbeddedGraphStore store, CancellationToken cancellationToken) =>
        (await store.ListSourcesAsync(cancellationToken)).Count == 0
        && (await store.GetChangesAsync(0, 1, cancellationToken)).Count == 0;
}
