using Explorer.Graph;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Health;

/// <summary>Liveness. <see cref="ServerVersion"/> is the database server's (Neo4j) version; null for the embedded store.</summary>
public sealed record HealthResponse(string Status, string Store, int Nodes, int Edges, string? ServerVersion);

internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/healthz").WithTags("Health")
            .MapGet("", GetHealth)
            .WithName("Health")
            .WithSummary("Liveness: the store is open; how many nodes and edges it holds")
            .AllowAnonymous();
        return app;
    }

    private static async Task<Ok<HealthResponse>> GetHealth(IGraphStore store, CancellationToken cancellationToken)
    {
        var counts = await store.CountAsync(cancellationToken);
        return TypedResults.Ok(new HealthResponse("ok", store.Name, counts.Nodes, counts.Edges, store.ServerVersion));
    }
}
