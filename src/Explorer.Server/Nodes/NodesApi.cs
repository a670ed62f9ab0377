using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Nodes;

public sealed record NodeResponse(
    string Id,
    NodeKind Kind,
    string Name,
    IReadOnlyList<string> Aliases,
    string Description,
    int Degree,
    IReadOnlyDictionary<string, int> CountsByType,
    string? ValidFrom,
    string? ValidTo,
    long Version)
{
    public static NodeResponse Of(NodeDetails details) => new(
        details.Node.Id, details.Node.Kind, details.Node.Name, details.Node.Aliases, details.Node.Description, details.Degree, details.CountsByType,
        details.Node.ValidFrom, details.Node.ValidTo, details.Node.Version);
}

internal static class NodesApi
{
    public static IEndpointRouteBuilder MapNodes(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/nodes").WithTags("Nodes");

        nodes.MapGet("/{id}", GetNode)
            .WithName("GetNode")
            .WithSummary("A node with its degree and edge counts by type")
            .WithDescription("id is a node id, or exactly a node's name or alias (case, accents and punctuation ignored; the response carries the id). " +
                "A name several nodes share gives 422 with candidates, any other text 404 with suggestions (did you mean). " +
                "asOf (YYYY, YYYY-MM or YYYY-MM-DD) and status (confirmed, proposed, disputed; comma-separated, default all) count only the edges " +
                "that held in that period and have those review statuses, as the neighborhood's countsByType does; degree is then their sum.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);

        nodes.MapGet("/{id}/neighborhood", GetNeighborhood)
            .WithName("GetNeighborhood")
            .WithSummary("Nodes and edges around a node")
            .WithDescription($"depth is 1..{GraphQueries.MaxDepth} (default 1). nodes holds the center and at most limit others, " +
                $"1..{GraphQueries.MaxNeighborhoodLimit} (default {GraphQueries.DefaultNeighborhoodLimit}); truncated says the limit cut the result, and offset pages on. " +
                "kinds and types are comma-separated filters; status (confirmed, proposed, disputed; comma-separated, default all) follows only edges of those " +
                "review statuses; countsByType counts every edge of the center by type that the query could follow: as of asOf and of those statuses, " +
                "whatever kinds and types filter (so a client can page, and say how many are not drawn).")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);

        return app;
    }

    private static async Task<Results<Ok<NodeResponse>, ProblemHttpResult>> GetNode(
        GraphQueries queries, [AsParameters] NodeRequest request, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await queries.NodeAsync(request, cancellationToken);
        if (outcome.Value is not { } details)
        {
            return outcome.Problem!.ToHttp();
        }

        http.Response.Headers.ETag = $"\"{details.Node.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
        return TypedResults.Ok(NodeResponse.Of(details));
    }

    private static async Task<Results<Ok<Neighborhood>, ProblemHttpResult>> GetNeighborhood(
        GraphQueries queries, [AsParameters] NeighborhoodRequest request, CancellationToken cancellationToken)
    {
        var outcome = await queries.NeighborhoodAsync(request, cancellationToken);
        return outcome.Value is { } neighborhood ? TypedResults.Ok(neighborhood) : outcome.Problem!.ToHttp();
    }
}
