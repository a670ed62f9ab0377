using System.Diagnostics;
using System.Text.Json.Serialization;
using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Infrastructure;
using Explorer.Server.Paths;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Query;

/// <summary>What a phrase was understood as; <c>kind</c> (path, neighborhood or search) says which fields follow.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PathQueryResponse), "path")]
[JsonDerivedType(typeof(NeighborhoodQueryResponse), "neighborhood")]
[JsonDerivedType(typeof(SearchQueryResponse), "search")]
public abstract record QueryResponse([property: JsonPropertyOrder(-1)] string Interpretation)
{
    /// <summary>The date the answer holds as of (asOf=, or the phrase's own "as of 1995"); null for all time.</summary>
    [JsonPropertyOrder(-1)]
    public string? AsOf { get; init; }

    /// <summary>The response for the engine's answer: one case per kind of answer.</summary>
    public static QueryResponse Of(QueryAnswer answer) => Kind(answer) with { AsOf = answer.AsOf };

    private static QueryResponse Kind(QueryAnswer answer) => answer switch
    {
        QueryAnswer.Paths { Answer: var path } => new PathQueryResponse(
            answer.Interpretation, path.From, path.To, path.ModeName, path.Result.Paths, path.Result.Nodes, path.Result.Edges, PathsResponse.ReasonOf(path.Result), path.Result.Truncated),
        QueryAnswer.Neighbors { Neighborhood: var n } => new NeighborhoodQueryResponse(answer.Interpretation, n.Center, n.Nodes, n.Edges, n.Truncated, n.CountsByType),
        QueryAnswer.Search search => new SearchQueryResponse(answer.Interpretation, search.Hits.Hits, search.Hits.Truncated),
        _ => throw new UnreachableException($"Unknown answer {answer.GetType().Name}."),
    };
}

/// <summary>A path question: the /api/paths fields.</summary>
public sealed record PathQueryResponse(
    string Interpretation,
    NodeRef From,
    NodeRef To,
    string Mode,
    IReadOnlyList<GraphPath> Paths,
    IReadOnlyList<Node> Nodes,
    IReadOnlyList<Edge> Edges,
    string? Reason,
    bool Truncated) : QueryResponse(Interpretation);

/// <summary>A neighborhood question: the /api/nodes/{id}/neighborhood fields.</summary>
public sealed record NeighborhoodQueryResponse(
    string Interpretation,
    Node Center,
    IReadOnlyList<Node> Nodes,
    IReadOnlyList<Edge> Edges,
    bool Truncated,
    IReadOnlyDictionary<string, int> CountsByType) : QueryResponse(Interpretation);

/// <summary>Anything else: search results.</summary>
public sealed record SearchQueryResponse(string Interpretation, IReadOnlyList<SearchHit> Results, bool Truncated) : QueryResponse(Interpretation);

internal static class QueryApi
{
    public static IEndpointRouteBuilder MapQuery(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/query").WithTags("Query")
            .MapGet("", Answer)
            .WithName("Query")
            .WithSummary("Answer a typed phrase")
            .WithDescription("Understands \"NATO to Balkans\", \"path from X to Y\", \"between X and Y\", \"how is X related to Y\" (ranked paths), " +
                "\"neighbors of X\", \"members of X\"; anything else is a search. A trailing \"as of 1995\" or \"in 2010\" (or asOf=) answers as of that year, month or day. status (confirmed, proposed, disputed; comma-separated) keeps paths and neighbors to edges of those review statuses. kind says which it was and which fields follow; interpretation says it in words.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<Results<Ok<QueryResponse>, ProblemHttpResult>> Answer(GraphQueries queries, string? q, string? asOf, string? status, CancellationToken cancellationToken)
    {
        var outcome = await queries.AnswerAsync(q, asOf, status, cancellationToken);
        if (outcome.Problem is { } problem)
        {
            return problem.ToHttp();
        }

        return TypedResults.Ok(QueryResponse.Of(outcome.Value!));
    }
}
