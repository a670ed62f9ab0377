using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Changes;

/// <summary>Committed changes after a sequence number; <paramref name="Last"/> is what to pass as <c>after</c> next time.</summary>
public sealed record ChangesResponse(IReadOnlyList<Change> Changes, long Last);

internal static class ChangesApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapChanges(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/changes").WithTags("Changes")
            .MapGet("", GetChanges)
            .WithName("GetChanges")
            .WithSummary("Committed changes after a sequence number, oldest first")
            .WithDescription($"after is a sequence number (default 0); limit is 1..{MaxLimit} (default {DefaultLimit}). " +
                "A GraphReloaded change means many records changed at once: re-fetch the view.")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<ChangesResponse>, ProblemHttpResult>> GetChanges(IGraphStore store, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (after is < 0)
        {
            return QueryProblem.Invalid("after", "must be 0 or more").ToHttp();
        }

        if (limit is < 1 or > MaxLimit)
        {
            return QueryProblem.Invalid("limit", $"must be between 1 and {MaxLimit}").ToHttp();
        }

        var changes = await store.GetChangesAsync(after ?? 0, limit ?? DefaultLimit, cancellationToken);
        return TypedResults.Ok(new ChangesResponse(changes, changes.Count > 0 ? changes[^1].Seq : after ?? 0));
    }
}
