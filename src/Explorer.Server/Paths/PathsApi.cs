using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Paths;

/// <summary>
/// Paths between two resolved nodes, plus every node and edge (with evidence) they touch.
/// <paramref name="Reason"/> is null unless <paramref name="Paths"/> is empty; <paramref name="Truncated"/> says there
/// were more paths than listed (mode=all lists at most 50, the first by node ids then edge ids).
/// </summary>
public sealed record PathsResponse(
    NodeRef From,
    NodeRef To,
    string Mode,
    IReadOnlyList<GraphPath> Paths,
    IReadOnlyList<Node> Nodes,
    IReadOnlyList<Edge> Edges,
    string? Reason,
    bool Truncated)
{
    public static PathsResponse Of(PathAnswer answer) => new(
        answer.From,
        answer.To,
        answer.ModeName,
        answer.Result.Paths,
        answer.Result.Nodes,
        answer.Result.Edges,
        ReasonOf(answer.Result),
        answer.Result.Truncated);

    /// <summary>Why there is no path (null when there are paths).</summary>
    public static string? ReasonOf(PathSet result) => result.Paths.Count == 0 ? result.Reason ?? "No path found." : null;
}

internal static class PathsApi
{
    public static IEndpointRouteBuilder MapPaths(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/paths").WithTags("Paths")
            .MapGet("", FindPaths)
            .WithName("FindPaths")
            .WithSummary("How two nodes connect")
            .WithDescription("from, to and avoid take an id, a name or an alias, exactly (case, accents and punctuation ignored). mode: ranked (default: up to k paths ordered by how well they explain the " +
                "connection, each with a one-line why), shortest (one path, fewest hops), all (every shortest path, capped) " +
                $"or k (up to k simple paths ranked by cost, thematic hops cost more); k is 1..{PathQuery.MaxK}, default 3. " +
                $"maxHops is 1..{PathQuery.MaxMaxHops} (default 6); types and kinds filter edges and nodes; direction is any, out or in; " +
                "avoid is a comma-separated list of nodes to route around (naming an end of the path is a 400); status (confirmed, proposed, disputed; comma-separated, default all) " +
                "keeps paths to edges of those review statuses (status=confirmed: confirmed edges only). No path gives 200 with paths [] and a reason; " +
                "a name several nodes share gives 422 with candidates, any other text 404 with suggestions (did you mean).")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<Results<Ok<PathsResponse>, ProblemHttpResult>> FindPaths(
        GraphQueries queries, [AsParameters] PathRequest request, CancellationToken cancellationToken)
    {
        var outcome = await queries.PathsAsync(request, cancellationToken);
        return outcome.Value is { } answer ? TypedResults.Ok(PathsResponse.Of(answer)) : outcome.Problem!.ToHttp();
    }
}
