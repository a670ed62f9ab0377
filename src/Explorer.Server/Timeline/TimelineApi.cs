using Explorer.Query;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Timeline;

internal static class TimelineApi
{
    public static IEndpointRouteBuilder MapTimeline(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/timeline").WithTags("Timeline")
            .MapGet("", GetTimeline)
            .WithName("GetTimeline")
            .WithSummary("The dates the graph spans, for a time slider")
            .WithDescription("asOf says whether this store answers asOf= queries; earliest and latest are the first and last date any node, edge or suspension carries (null when nothing is dated).");
        return app;
    }

    private static async Task<Ok<Explorer.Query.Timeline>> GetTimeline(GraphQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.TimelineAsync(cancellationToken));
}
