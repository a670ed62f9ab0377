using Explorer.Graph;
using Explorer.Server.Auth;
using Explorer.Server.Infrastructure;
using Explorer.Suggestions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Suggestions;

/// <summary>
/// Suggested relations from a source document: sentence by sentence, the known nodes each names, and a
/// suggestion per pair (the sentence as quote, a type where a cue states one). Nothing is added to the graph
/// by listing them.
/// </summary>
internal static class SuggestionsApi
{
    public static IEndpointRouteBuilder MapSuggestions(this IEndpointRouteBuilder app)
    {
        var sources = app.MapGroup("/api/sources/{id}/suggestions").WithTags("Suggestions");
        sources.MapGet("", ListAsync)
            .WithName("ListSuggestions")
            .WithSummary("Relations the document suggests between known nodes")
            .WithDescription("Every sentence naming two or more known nodes (names and aliases, normalized as search does; overlapping " +
                "names resolve to the longest) gives one suggestion per pair: the sentence as quote (a verbatim substring at quoteStart), " +
                "a type only where a cue in the sentence states one (otherwise null: the analyst picks), and the edges that already join " +
                "the pair (cited: one of them already quotes this sentence). Listing adds nothing to the graph.")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<DocumentSuggestions>, ProblemHttpResult>> ListAsync(IGraphStore store, string id, CancellationToken cancellationToken)
    {
        var outcome = await SuggestionQueries.ForSourceAsync(store, id, cancellationToken);
        return outcome.Value is { } suggestions ? TypedResults.Ok(suggestions) : outcome.Problem!.ToHttp();
    }
}
