using Explorer.Server.Annotations;
using Explorer.Server.Auth;
using Explorer.Server.Changes;
using Explorer.Server.Consistency;
using Explorer.Server.Editing;
using Explorer.Server.Health;
using Explorer.Server.ImportExport;
using Explorer.Server.Infrastructure;
using Explorer.Server.Live;
using Explorer.Server.Nodes;
using Explorer.Server.Paths;
using Explorer.Server.Query;
using Explorer.Server.Search;
using Explorer.Server.Sources;
using Explorer.Server.Suggestions;
using Explorer.Server.Telemetry;
using Explorer.Server.Timeline;
using Explorer.Server.Web;
using Scalar.AspNetCore;

namespace Explorer.Server;

/// <summary>Builds the Explorer HTTP API. <c>Program</c> and the CLI's <c>serve</c> verb both run it.</summary>
public static class ExplorerApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddExplorerDefaults();
        builder.Services.AddExplorerOptions();
        builder.Services.AddExplorerJson();
        builder.Services.AddExplorerProblems();
        builder.Services.AddExplorerStore();
        builder.Services.AddRequestLimits();
        builder.Services.AddExplorerAuth();
        builder.Services.AddWriteLimits();
        builder.Services.AddBookmarkTokens();
        builder.Services.AddLive(builder.Configuration);
        builder.Services.AddExplorerHealth(builder.Configuration);
        builder.Services.AddExplorerTelemetry(builder.Configuration);
        builder.Services.AddExplorerOpenApi();

        var app = builder.Build();

        app.UseRequestLog();
        app.UseLiveShutdown();
        app.UseStorageRecovery();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseRequestLimits();
        app.UseExplorerAuth();
        app.UseBookmarkScopes();

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(options => options
            .WithTitle("Explorer API")
            .WithNonce()
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools())
            .AllowAnonymous();

        // The browser front end at "/" (and its assets under /app); the API reference stays at /scalar.
        app.MapWebApp();

        // Reads follow Explorer:Auth:AnonymousReads (default: anonymous from this machine, signed in otherwise).
        var reads = app.MapGroup("").RequireAuthorization(AuthPolicies.Viewer);
        reads.MapSearch();
        reads.MapNodes();
        reads.MapEdges();
        reads.MapSources();
        reads.MapPaths();
        reads.MapQuery();
        reads.MapTimeline();
        reads.MapChanges();
        reads.MapLive();
        reads.MapExport();

        // Each of these sets its own policies: annotations, graph edits and sources read as above and write as analysts or admins.
        app.MapAnnotations();
        app.MapGraphEditing();
        app.MapSourceWrites();
        app.MapImport();
        app.MapSuggestions();
        app.MapAuth();
        app.MapTokens();
        app.MapUsers();
        app.MapHealth();
        app.MapTelemetry(app.Configuration);

        return app;
    }

    /// <summary>Exit code: startup failed for a reason logged as one clear line (a bad dataset, invalid configuration, the store).</summary>
    public const int ExitStartupFailed = 1;

    /// <summary>Exit code: the address to listen on is taken by another program.</summary>
    public const int ExitAddressInUse = 4;

    /// <summary>Exit code: an unexpected error (a bug); its stack trace is logged once.</summary>
    public const int ExitInternalError = 70;

    /// <summary>Runs the app until shutdown; see <see cref="RunExplorerAsync"/>.</summary>
    public static int RunExplorer(this WebApplication app) => app.RunExplorerAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Runs the app until shutdown and returns the process exit code: 0, <see cref="ExitStartupFailed"/>,
    /// <see cref="ExitAddressInUse"/> or <see cref="ExitInternalError"/>. Every failure is logged once: one line
    /// when its reason is known, one stack trace when it is not; never the host's report and a crash besides.
    /// </summary>
    public static async Task<int> RunExplorerAsync(this WebApplication app)
    {
        var failures = app.Services.GetRequiredService<StartupFailures>();
        failures.CallerExplains = true;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Explorer.Server");
        try
        {
            await app.RunAsync();
            return Environment.ExitCode;
        }
        catch (StartupException)
        {
            return ExitStartupFailed;
        }
        catch (Exception ex) when (ex is Microsoft.AspNetCore.Connections.AddressInUseException || ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            failures.Fail(logger, $"{ex.Message.TrimEnd('.')}: another program listens there. Stop it, or choose another address (--urls http://localhost:5081).");
            return ExitAddressInUse;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.UnexpectedFailure(ex);
            return ExitInternalError;
        }
    }
}
