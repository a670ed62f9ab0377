using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Search;

/// <summary>Hits, best first; <paramref name="Truncated"/> says the candidates were cut before ranking, so a better match may be missing.</summary>
public sealed record SearchResponse(IReadOnlyList<SearchHit> Results, bool Truncated);

internal static class SearchApi
{
    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/search").WithTags("Search")
            .MapGet("", Search)
            .WithName("Search")
            .WithSummary("Find nodes by name, alias or id")
            .WithDescription("Case-, accent- and punctuation-insensitive; exact matches rank first, then prefixes, tokens and typo-tolerant matches. " +
                $"kinds is a comma-separated list of node kinds; limit is 1..{GraphQueries.MaxSearchLimit} (default {GraphQueries.DefaultSearchLimit}).")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> Search(
        GraphQueries queries, [AsParameters] SearchRequest request, CancellationToken cancellationToken)
    {
        var outcome = await queries.SearchAsync(request, cancellationToken);
        return outcome.Value is { } hits ? TypedResults.Ok(new SearchResponse(hits.Hits, hits.Truncated)) : outcome.Problem!.ToHttp();
    }
}
