using Explorer.Graph;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Nodes;

internal static class EdgesApi
{
    public static IEndpointRouteBuilder MapEdges(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/edges").WithTags("Edges")
            .MapGet("/{id}", GetEdge)
            .WithName("GetEdge")
            .WithSummary("An edge with its evidence")
            .WithDescription("Each evidence item is a verbatim quote from the source document sourceId (GET /api/sources/{sourceId}).")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<Edge>, ProblemHttpResult>> GetEdge(IGraphStore store, string id, CancellationToken cancellationToken) =>
        await store.GetEdgeAsync(id, cancellationToken) is { } edge
            ? TypedResults.Ok(edge)
            : Problems.NotFound("Edge not found", $"id: no edge has the id '{id}'.");
}
