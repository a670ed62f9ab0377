using Explorer.Server.Annotations;
using Explorer.Server.Auth;
using Explorer.Server.Changes;
using Explorer.Server.Health;
using Explorer.Server.Infrastructure;
using Explorer.Server.Live;
using Explorer.Server.Nodes;
using Explorer.Server.Paths;
using Explorer.Server.Query;
using Explorer.Server.Search;
using Explorer.Server.Sources;
using Explorer.Server.Telemetry;
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
        builder.Services.AddLive(builder.Configuration);
        builder.Services.AddExplorerHealth(builder.Configuration);
        builder.Services.AddExplorerTelemetry(builder.Configuration);
        builder.Services.AddExplorerOpenApi();

        var app = builder.Build();

        app.UseStorageRecovery();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseRequestLimits();
        app.UseExplorerAuth();

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
        reads.MapChanges();
        reads.MapLive();

        // Each of these sets its own policies: annotations read as above and write as analysts or admins.
        app.MapAnnotations();
        app.MapAuth();
        app.MapTokens();
        app.MapUsers();
        app.MapHealth();
        app.MapTelemetry(app.Configuration);

        return app;
    }

    /// <summary>
    /// Runs the app until shutdown and returns the process exit code: 0, or 1 when startup failed for a
    /// reason already logged as one clear line (a bad dataset, invalid configuration) rather than a stack trace.
    /// </summary>
    public static int RunExplorer(this WebApplication app)
    {
        try
        {
            app.Run();
            return Environment.ExitCode;
        }
        catch (StartupException)
        {
            return 1;
        }
    }
}
