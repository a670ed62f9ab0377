using System.Text.Json;
using Explorer.Graph;
using Explorer.Server.Live;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Explorer.Server.Health;

/// <summary>The original health answer, kept at /healthz. <see cref="ServerVersion"/> is the database server's (Neo4j) version; null for the embedded store.</summary>
public sealed record HealthResponse(string Status, string Store, int Nodes, int Edges, string? ServerVersion);

/// <summary>
/// Health the ASP.NET Core way: <c>/health/live</c> (the process answers; restart it when this fails) and
/// <c>/health/ready</c> (store reachable and its index loaded, storage accepting writes, the Redis backplane
/// connected when configured, not shutting down; send it traffic while this is 200). Degraded is still 200:
/// an instance whose disk is full serves reads. <c>/healthz</c> stays as before for existing probes.
/// </summary>
internal static class HealthApi
{
    public const string Ready = "ready";

    public static IServiceCollection AddExplorerHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageState>();
        var checks = services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [Ready])
            .AddCheck<StorageHealthCheck>("storage", tags: [Ready])
            .AddCheck<ShutdownHealthCheck>("shutdown", tags: [Ready]);
        if (RedisSettings.From(configuration) is { } redis)
        {
            checks.AddRedis(redis.ConnectionString, name: "backplane", failureStatus: HealthStatus.Unhealthy, tags: [Ready], timeout: TimeSpan.FromSeconds(3));
        }

        return services;
    }

    /// <summary>
    /// Ends a storage fault once a write succeeds again: a state-changing request (sign-in aside, which writes
    /// nothing) that the app answered below 400 went through the store.
    /// </summary>
    public static IApplicationBuilder UseStorageRecovery(this IApplicationBuilder app)
    {
        var storage = app.ApplicationServices.GetRequiredService<StorageState>();
        return app.Use(async (context, next) =>
        {
            await next(context);
            if (storage.Current is not null
                && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
                && context.Response.StatusCode < 400
                && !context.Request.Path.StartsWithSegments("/api/auth", StringComparison.OrdinalIgnoreCase))
            {
                storage.Succeeded();
            }
        });
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/healthz").WithTags("Health")
            .MapGet("", GetHealth)
            .WithName("Health")
            .WithSummary("The store is open; how many nodes and edges it holds (kept for existing probes; see /health/ready)")
            .AllowAnonymous();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithTags("Health").WithName("Liveness").WithSummary("The process answers requests").AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync })
            .WithTags("Health").WithName("Readiness").WithSummary("Store, storage, backplane and shutdown state: 200 (healthy or degraded) or 503").AllowAnonymous();
        return app;
    }

    private static async Task<Ok<HealthResponse>> GetHealth(IGraphStore store, CancellationToken cancellationToken)
    {
        var counts = await store.CountAsync(cancellationToken);
        return TypedResults.Ok(new HealthResponse("ok", store.Name, counts.Nodes, counts.Edges, store.ServerVersion));
    }

    /// <summary><c>{status, checks: {name: {status, description, durationMs, data}}}</c>, statuses in lower case.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = Name(report.Status),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = Name(e.Value.Status),
                    description = e.Value.Description,
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    data = e.Value.Data.Count == 0 ? null : e.Value.Data,
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, s_json));
    }

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
