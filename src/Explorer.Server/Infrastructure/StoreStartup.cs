using System.Diagnostics;
using Explorer.Graph;
using Explorer.Seed;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Infrastructure;

/// <summary>
/// Opens the store and, when <see cref="ExplorerOptions.SeedOnStart"/> is set, upserts graph-seed into it.
/// Runs before Kestrel listens, so no request ever sees an unopened store. A dataset that fails validation
/// stops startup with one line naming the file, record and field.
/// </summary>
internal sealed class StoreStartup(
    IGraphStore store,
    IOptions<ExplorerOptions> options,
    IOptions<Explorer.Neo4j.Neo4jOptions> neo4j,
    IHostEnvironment environment,
    StartupFailures failures,
    ILogger<StoreStartup> logger) : IHostedService, IDisposable
{
    private IDisposable? _held;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var location = settings.Location(neo4j.Value);
        logger.StoreOpening(store.Name, location);
        try
        {
            await store.InitializeAsync(cancellationToken);
            if (settings.Store == StoreKind.Embedded)
            {
                // While this server runs, `explorer restore` refuses to replace the database under it.
                _held = Explorer.Embedded.EmbeddedBackup.HoldForServer(location);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A file that cannot be created or opened, a server that cannot be reached: say which and why.
            throw failures.Fail(logger, $"cannot open the {store.Name} store at {location}: {ex.Message}", ex);
        }

        if (!settings.SeedOnStart)
        {
            logger.SeedSkipped();
            return;
        }

        var directory = settings.SeedDirectory(environment.ContentRootPath);
        if (directory is null)
        {
            logger.SeedNotFound(AppContext.BaseDirectory, Directory.GetCurrentDirectory());
            return;
        }

        logger.SeedStarting(directory);
        var stopwatch = Stopwatch.StartNew();
        GraphSeed seed;
        try
        {
            seed = SeedLoader.Load(directory);
        }
        catch (SeedValidationException ex)
        {
            throw failures.Fail(logger, $"the dataset in {directory} is invalid: {ex.Message}", ex);
        }

        SeedReport report;
        try
        {
            report = await store.SeedAsync(seed, new LogProgress(logger), cancellationToken);
        }
        catch (GraphWriteException ex)
        {
            throw failures.Fail(logger, $"the store refused the dataset in {directory}: {ex.Message}", ex);
        }

        logger.SeedFinished(stopwatch.ElapsedMilliseconds, report.Sources, report.Nodes, report.Edges);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _held?.Dispose();

    /// <summary>Logs progress as it is reported (not via <see cref="Progress{T}"/>, which posts out of order).</summary>
    private sealed class LogProgress(ILogger logger) : IProgress<SeedProgress>
    {
        public void Report(SeedProgress value) => logger.SeedProgress(value.Phase, value.Done, value.Total);
    }
}

/// <summary>A startup failure whose reason has already been logged as one clear line.</summary>
public sealed class StartupException(string message, Exception? inner) : Exception(message, inner);

/// <summary>
/// Explains startup failures in one line. Once it has, or when the caller explains whatever fails
/// (<see cref="CallerExplains"/>, set by <see cref="ExplorerApp.RunExplorerAsync"/>), the host's own "Hosting
/// failed to start" report of the same exception (with its stack trace) is filtered out (see
/// <see cref="ExplorerDefaults"/>). One per app.
/// </summary>
internal sealed class StartupFailures
{
    public bool Explained { get; private set; }

    /// <summary>Whoever runs the app logs any failure itself, once.</summary>
    public bool CallerExplains { get; set; }

    public StartupException Fail(ILogger logger, string reason, Exception? inner = null)
    {
        logger.StartupFailed(reason);
        Explained = true;
        return new StartupException(reason, inner);
    }
}
