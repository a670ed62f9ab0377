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
    IReadOnlyDictionary<string, int> CountsByType);

internal static class NodesApi
{
    public static IEndpointRouteBuilder MapNodes(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/nodes").WithTags("Nodes");

        nodes.MapGet("/{id}", GetNode)
            .WithName("GetNode")
            .WithSummary("A node with its degree and edge counts by type")
            .WithDescription("id is a node id; a name or alias that names exactly one node is accepted too (the response carries the id). " +
                "An ambiguous name gives 422 with candidates, an unknown one 404 with suggestions.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);

        nodes.MapGet("/{id}/neighborhood", GetNeighborhood)
            .WithName("GetNeighborhood")
            .WithSummary("Nodes and edges around a node")
            .WithDescription($"depth is 1..{GraphQueries.MaxDepth} (default 1). nodes holds the center and at most limit others, " +
                $"1..{GraphQueries.MaxNeighborhoodLimit} (default {GraphQueries.DefaultNeighborhoodLimit}); truncated says the limit cut the result, and offset pages on. " +
                "kinds and types are comma-separated filters; countsByType counts every edge of the center by type.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);

        return app;
    }

    private static async Task<Results<Ok<NodeResponse>, ProblemHttpResult>> GetNode(GraphQueries queries, string id, CancellationToken cancellationToken)
    {
        var resolved = await queries.ResolveAsync(id, "id", cancellationToken);
        if (resolved.Problem is { } problem)
        {
            return problem.ToHttp();
        }

        if (await queries.Store.GetNodeAsync(resolved.Value!.Id, cancellationToken) is not { } details)
        {
            return Problems.NotFound("Node not found", $"id: no node is called '{id}'.");
        }

        var node = details.Node;
        return TypedResults.Ok(new NodeResponse(node.Id, node.Kind, node.Name, node.Aliases, node.Description, details.Degree, details.CountsByType));
    }

    private static async Task<Results<Ok<Neighborhood>, ProblemHttpResult>> GetNeighborhood(
        GraphQueries queries, string id, int? depth, string? kinds, string? types, int? limit, int? offset, CancellationToken cancellationToken)
    {
        var outcome = await queries.NeighborhoodAsync(new NeighborhoodRequest(id, depth, kinds, types, limit, offset), cancellationToken);
        return outcome.Value is { } neighborhood ? TypedResults.Ok(neighborhood) : outcome.Problem!.ToHttp();
    }
}
