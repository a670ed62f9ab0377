using Explorer.Graph;
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

    private static async Task<Ok<IReadOnlyList<SourceInfo>>> ListSources(IGraphStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListSourcesAsync(cancellationToken));

    private static async Task<Results<Ok<SourceDocument>, ProblemHttpResult>> GetSource(IGraphStore store, string id, CancellationToken cancellationToken) =>
        await store.GetSourceAsync(id, cancellationToken) is { } source
            ? TypedResults.Ok(source)
            : Problems.NotFound("Source not found", $"id: no source has the id '{id}'.");
}
