using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Sources;

internal static class SourcesApi
{
    public static IEndpointRouteBuilder MapSources(this IEndpointRouteBuilder app)
    {
        var sources = app.MapGroup("/api/sources").WithTags("Sources");

        sources.MapGet("", ListSources)
            .WithName("ListSources")
            .WithSummary("The source documents evidence quotes from (without their text)");

        sources.MapGet("/{id}", GetSource)
            .WithName("GetSource")
            .WithSummary("A source document with its full text")
            .WithDescription("Every evidence quote citing this source occurs verbatim in text.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<Ok<IReadOnlyList<SourceInfo>>> ListSources(GraphQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.SourcesAsync(cancellationToken));

    private static async Task<Results<Ok<SourceDocument>, ProblemHttpResult>> GetSource(GraphQueries queries, string id, CancellationToken cancellationToken)
    {
        var outcome = await queries.SourceAsync(id, cancellationToken);
        return outcome.Value is { } source ? TypedResults.Ok(source) : outcome.Problem!.ToHttp();
    }
}
