using Explorer.Graph;
using Explorer.Query;
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
            .WithSummary("An edge with its evidence, review status and version (its ETag)")
            .WithDescription("Each evidence item is a verbatim quote from the source document sourceId (GET /api/sources/{sourceId}).")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<Edge>, ProblemHttpResult>> GetEdge(GraphQueries queries, string id, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await queries.EdgeAsync(id, cancellationToken);
        if (outcome.Value is not { } edge)
        {
            return outcome.Problem!.ToHttp();
        }

        http.Response.Headers.ETag = $"\"{edge.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
        return TypedResults.Ok(edge);
    }
}
