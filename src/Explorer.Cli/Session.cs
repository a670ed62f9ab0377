using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Neo4j;
using Explorer.Query;
using Explorer.Seed;

namespace Explorer.Cli;

/// <summary>One verb's run: resolved global options, the output streams and the store it opened.</summary>
internal sealed class Session(Cli cli, ParseResult parse) : IAsyncDisposable
{
    private IGraphStore? _store;

    public TextWriter Out => cli.Out;

    public TextWriter Error => cli.Error;

    public TextReader In => cli.In;

    public bool Json => parse.GetValue(cli.Globals.Json);

    /// <summary>
    /// The database file as an absolute path: <c>--db</c> (a command-line file argument, so relative to the
    /// working directory), else $Explorer__DatabasePath, else data/explorer.db; these two resolved like the
    /// server's setting (relative to the checkout root), so the CLI and the server open one file.
    /// </summary>
    public string DatabasePath =>
        parse.GetValue(cli.Globals.Db) is { Length: > 0 } db ? Path.GetFullPath(db)
        : DefaultLocations.ResolveDatabasePath(Environment.GetEnvironmentVariable(GlobalOptions.DatabasePathVariable));

    /// <summary><c>--store</c>, else $Explorer__Store, else embedded.</summary>
    public bool UsesNeo4j =>
        (parse.GetValue(cli.Globals.Store) ?? Environment.GetEnvironmentVariable(GlobalOptions.StoreVariable) ?? "embedded").ToLowerInvariant() switch
        {
            "neo4j" => true,
            "embedded" => false,
            var other => throw new CliException(ExitCodes.InvalidInput, $"unknown store '{other}': use embedded or neo4j"),
        };

    /// <summary>The Neo4j settings: options, else the same environment variables as the server (Neo4j__Uri ...).</summary>
    public Neo4jOptions Neo4jSettings => new()
    {
        Uri = parse.GetValue(cli.Globals.Neo4jUri) ?? Environment.GetEnvironmentVariable("Neo4j__Uri"),
        Database = parse.GetValue(cli.Globals.Neo4jDatabase) ?? Environment.GetEnvironmentVariable("Neo4j__Database") ?? Neo4jOptions.DefaultDatabase,
        User = parse.GetValue(cli.Globals.Neo4jUser) ?? Environment.GetEnvironmentVariable("Neo4j__User"),
        Password = Environment.GetEnvironmentVariable("Neo4j__Password"),
        AuthFile = Environment.GetEnvironmentVariable("Neo4j__AuthFile"),
        Token = Environment.GetEnvironmentVariable("Neo4j__Token"),
    };

    /// <summary>Where the store is, for messages: the database file, or the Neo4j server and database.</summary>
    public string StoreLocation => UsesNeo4j ? Neo4jSettings.Describe() : DatabasePath;

    /// <summary>The dataset folder: <c>--seed</c> or the nearest graph-seed/.</summary>
    public string SeedDirectory =>
        parse.GetValue(cli.Globals.Seed) is { Length: > 0 } seed ? seed
        : SeedLoader.FindSeedDirectory() ?? throw new CliException(ExitCodes.StoreError, "no graph-seed/ folder found above the program or the working directory; pass --seed <dir>");

    /// <summary>The query engine over the store, seeded first if the database is new or empty.</summary>
    public async Task<GraphQueries> QueriesAsync(CancellationToken cancellationToken) =>
        new(await OpenStoreAsync(seedIfEmpty: true, cancellationToken));

    public async Task<IGraphStore> OpenStoreAsync(bool seedIfEmpty, CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            return _store;
        }

        if (UsesNeo4j)
        {
            var settings = Neo4jSettings;
            if (settings.Problems() is { Count: > 0 } problems)
            {
                throw new CliException(ExitCodes.InvalidInput, $"the Neo4j store needs: {string.Join(" ", problems).Replace("Neo4j:Uri", "--neo4j-uri (or Neo4j__Uri)", StringComparison.Ordinal)}");
            }

            _store = Neo4jStore.Create(settings);
            await _store.InitializeAsync(cancellationToken);
            await SeedIfEmptyAsync(_store, settings.Describe(), seedIfEmpty, cancellationToken);
            return _store;
        }

        var path = DatabasePath;
        if (Directory.Exists(path))
        {
            throw new CliException(ExitCodes.StoreError, $"cannot use the database '{path}': it is a directory");
        }

        var store = EmbeddedStore.Create(path);
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

        await SeedIfEmptyAsync(store, path, seedIfEmpty, cancellationToken);
        return store;
    }

    private async Task SeedIfEmptyAsync(IGraphStore store, string location, bool seedIfEmpty, CancellationToken cancellationToken)
    {
        if (seedIfEmpty && await IsEmptyAsync(store, cancellationToken))
        {
            var directory = SeedDirectory;
            await Error.WriteLineAsync($"explorer: {location} is empty; seeding it from {directory}");
            var seed = SeedLoader.Load(directory);
            var report = await store.SeedAsync(seed, new SeedProgressWriter(Error), cancellationToken);
            await Error.WriteLineAsync($"explorer: seeded: {SeedProgressWriter.Format(report)}");
        }
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
    private static async Task<bool> IsEmptyAsync(IGraphStore store, CancellationToken cancellationToken) =>
        (await store.ListSourcesAsync(cancellationToken)).Count == 0
        && (await store.GetChangesAsync(0, 1, cancellationToken)).Count == 0;
}
