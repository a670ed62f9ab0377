using Explorer.Graph;
using Explorer.Server.Auth;
using Explorer.Server.Editing;
using Explorer.Server.Infrastructure;
using Explorer.Server.Live;
using Explorer.Sources;
using Explorer.Suggestions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Explorer.Server.Suggestions;

/// <summary>What accepting a suggestion creates: the type (required when the suggestion has none) and, with reverse, the other direction.</summary>
public sealed record AcceptSuggestionRequest(string? Type = null, bool? Reverse = null);

/// <summary>A recorded verdict, and for an acceptance the proposed edge it created.</summary>
public sealed record SuggestionReviewResponse(SuggestionReview Review, Edge? Edge);

/// <summary>
/// Suggested relations from a source document: sentence by sentence, the known nodes each names, and a
/// suggestion per pair (the sentence as quote, a type where a cue states one). Nothing is added to the graph
/// by listing them; an analyst accepts one (a proposed edge quoting the sentence) or dismisses it.
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
                "names resolve to the longest) gives one suggestion per pair: the two nodes (ids and names), the sentence as quote (a verbatim substring at quoteStart), " +
                "a type only where a cue in the sentence states one (otherwise null: the analyst picks), and the edges that already join " +
                "the pair (cited: one of them already quotes this sentence). review is an analyst's verdict (accepted, with the edge it " +
                "created, or dismissed; null while open). Dismissed suggestions are left out (dismissed counts them) unless include=dismissed. " +
                "Listing adds nothing to the graph. ETag: the source's version (send it as If-Match when accepting or dismissing).")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        sources.MapPost("/{suggestionId}/accept", AcceptAsync)
            .WithName("AcceptSuggestion")
            .WithSummary("Accepts a suggestion: creates a proposed edge quoting its sentence, and records who accepted it")
            .WithDescription("Body {type, reverse}: type is required when the suggestion has none (and may replace its cue's type); reverse " +
                "swaps the ends. The edge follows every rule of POST /api/edges (vocabulary, the kinds the type joins); its evidence is the " +
                "suggestion's sentence. The edge and the verdict commit together. 409 when an edge of that type already joins the ends that way (add the sentence to it as evidence instead). If-Match (optional): the source's ETag, 412 when the text changed. " +
                "404 when the current text has no such suggestion, 409 when it was reviewed already (naming who and when). 201 with the edge's Location and ETag.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems([.. RecordHttp.WriteProblems, StatusCodes.Status412PreconditionFailed]);
        sources.MapPost("/{suggestionId}/dismiss", DismissAsync)
            .WithName("DismissSuggestion")
            .WithSummary("Dismisses a suggestion, recording who and when; it is no longer listed (include=dismissed lists it)")
            .WithDescription("If-Match (optional): the source's ETag, 412 when the text changed. 404 when the current text has no such suggestion, " +
                "409 when it was reviewed already. Adds nothing to the graph.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems([.. RecordHttp.WriteProblems, StatusCodes.Status412PreconditionFailed]);
        return app;
    }

    private static async Task<Results<Ok<DocumentSuggestions>, ProblemHttpResult>> ListAsync(
        IGraphStore store, string id, string? include, HttpContext http, CancellationToken cancellationToken)
    {
        var parts = (include ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.FirstOrDefault(p => !p.Equals("dismissed", StringComparison.OrdinalIgnoreCase)) is { } unknown)
        {
            return Invalid("include", $"'{unknown}' is not something to include (expected dismissed)");
        }

        if (await store.GetSourceAsync(id, cancellationToken) is { } source)
        {
            RecordHttp.SetETag(http, source.Version);
        }

        var outcome = await SuggestionQueries.ForSourceAsync(store, id, parts.Length > 0, cancellationToken);
        return outcome.Value is { } suggestions ? TypedResults.Ok(suggestions) : outcome.Problem!.ToHttp();
    }

    private static async Task<Results<Created<SuggestionReviewResponse>, ProblemHttpResult>> AcceptAsync(
        string id, string suggestionId, [FromBody] AcceptSuggestionRequest? request, HttpContext http, IGraphStore store, ChangePublisher publisher,
        CancellationToken cancellationToken)
    {
        var (suggestion, refusal) = await OpenSuggestionAsync(id, suggestionId, http, store, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var type = string.IsNullOrWhiteSpace(request?.Type) ? suggestion!.Type : request.Type.Trim().ToUpperInvariant().Replace('-', '_');
        if (type is null)
        {
            return Invalid("type", "this suggestion has no type (no cue in its sentence states one): choose one from the vocabulary");
        }

        var (source, target) = request?.Reverse == true ? (suggestion!.Target, suggestion.Source) : (suggestion!.Source, suggestion.Target);
        if (suggestion.ExistingEdges.FirstOrDefault(e => e.Type == type && e.Source == source && e.Target == target) is { } same)
        {
            return TypedResults.Problem(
                $"Edge '{same.Id}' already states {source} {type} {target}: add this sentence to it as evidence (POST /api/edges/{same.Id}/evidence), or dismiss the suggestion.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Relation exists",
                extensions: new Dictionary<string, object?> { ["edge"] = same.Id });
        }

        var baseId = DocumentText.Slug($"{source} {type} {target}");
        var validator = new RecordValidator(store);
        for (var attempt = 1; ; attempt++)
        {
            var record = new EdgeRecord(attempt == 1 ? baseId : $"{baseId}-{attempt}", type, source, target, [new EvidenceRecord(id, suggestion.Quote)], null, null, null);
            var validated = await validator.ValidateEdgeAsync(await validator.WithSourceWordingAsync(record, cancellationToken), cancellationToken);
            if (validated.Value is not { } edge)
            {
                return validated.Problem!.ToHttp();
            }

            edge = edge with { Status = EdgeStatus.Proposed };
            var write = await store.ReviewSuggestionAsync(id, suggestionId, SuggestionVerdict.Accepted, edge, http.User.UserName(), cancellationToken);
            switch (write)
            {
                case ReviewWrite.Written { Edge: { } written } done:
                    RecordHttp.Published(publisher);
                    RecordHttp.SetETag(http, written.Version);
                    return TypedResults.Created($"/api/edges/{edge.Id}", new SuggestionReviewResponse(done.Review, edge with { Version = written.Version }));
                case ReviewWrite.AlreadyReviewed already:
                    return Reviewed(already.Existing);
                case ReviewWrite.EdgeRefused { Refusal: RecordWrite.AlreadyExists } when attempt < 50:
                    continue;
                case ReviewWrite.EdgeRefused refused:
                    return RecordHttp.Refused(http, refused.Refusal, "edge", edge.Id);
                default:
                    throw new InvalidOperationException($"unexpected review outcome {write}");
            }
        }
    }

    private static async Task<Results<Ok<SuggestionReviewResponse>, ProblemHttpResult>> DismissAsync(
        string id, string suggestionId, HttpContext http, IGraphStore store, CancellationToken cancellationToken)
    {
        var (_, refusal) = await OpenSuggestionAsync(id, suggestionId, http, store, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        return await store.ReviewSuggestionAsync(id, suggestionId, SuggestionVerdict.Dismissed, null, http.User.UserName(), cancellationToken) switch
        {
            ReviewWrite.Written done => TypedResults.Ok(new SuggestionReviewResponse(done.Review, null)),
            ReviewWrite.AlreadyReviewed already => Reviewed(already.Existing),
            var other => throw new InvalidOperationException($"unexpected review outcome {other}"),
        };
    }

    /// <summary>The suggestion as the source's current text gives it, not yet reviewed; or why not (404, 412, 409).</summary>
    private static async Task<(SuggestedRelation? Suggestion, ProblemHttpResult? Refusal)> OpenSuggestionAsync(
        string id, string suggestionId, HttpContext http, IGraphStore store, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is not { } source)
        {
            return (null, RecordHttp.Refused(http, RecordWrite.Missing, "source", id));
        }

        if (http.Request.Headers.IfMatch.Count > 0 && RecordHttp.IfMatch(http, source.Version, "source").Refusal is { } stale)
        {
            return (null, stale);
        }

        var all = await SuggestionQueries.ForSourceAsync(store, id, includeDismissed: true, cancellationToken);
        if (all.Value?.Suggestions.FirstOrDefault(s => s.Id == suggestionId) is not { } suggestion)
        {
            return (null, Problems.NotFound("Suggestion not found",
                $"suggestionId: the current text of source '{id}' suggests nothing with the id '{suggestionId}' (its text may have changed: list the suggestions again)."));
        }

        return suggestion.Review is { } review ? (null, Reviewed(review)) : (suggestion, null);
    }

    private static ProblemHttpResult Reviewed(SuggestionReview review) => TypedResults.Problem(
        $"This suggestion was {review.Verdict.ToString().ToLowerInvariant()} by {review.By} at {review.At:u}" +
            (review.EdgeId is { } edge ? $" (edge '{edge}')." : "."),
        statusCode: StatusCodes.Status409Conflict,
        title: "Suggestion already reviewed",
        extensions: new Dictionary<string, object?> { ["review"] = review });

    private static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem($"{field}: {message}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid request",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
