using System.Globalization;
using System.Security.Claims;
using Explorer.Annotations;
using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Auth;
using Explorer.Server.Infrastructure;
using Explorer.Server.Live;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Explorer.Server.Annotations;

/// <summary>
/// Annotations on edges and nodes. Reads follow the anonymous-read rule; writes need an analyst (their own
/// annotations) or an admin (any), are rate-limited per user, and every committed write is pushed on the live
/// hub with its sequence number. Edits and deletes use optimistic concurrency: the ETag is the quoted version,
/// PUT and DELETE must send it as If-Match (428 without; 412 when stale, and nothing changes).
/// </summary>
internal static class AnnotationsApi
{
    public const int MaxFilterLength = 100;

    public static IEndpointRouteBuilder MapAnnotations(this IEndpointRouteBuilder app)
    {
        var edges = app.MapGroup("/api/edges/{id}/annotations").WithTags("Annotations");
        edges.MapGet("", (IGraphStore store, string id, CancellationToken ct) => ListAsync(store, AnnotationTargetKind.Edge, id, ct))
            .WithName("ListEdgeAnnotations")
            .WithSummary("The annotations on an edge, oldest first (deleted ones left out)")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        edges.MapPost("", (string id, [FromBody] AnnotationRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken ct) =>
                CreateAsync(AnnotationTargetKind.Edge, id, request, http, store, publisher, ct))
            .WithName("AnnotateEdge")
            .WithSummary("Annotates an edge")
            .WithDescription(CreateDescription)
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(WriteProblems);

        var nodes = app.MapGroup("/api/nodes/{id}/annotations").WithTags("Annotations");
        nodes.MapGet("", (IGraphStore store, string id, CancellationToken ct) => ListAsync(store, AnnotationTargetKind.Node, id, ct))
            .WithName("ListNodeAnnotations")
            .WithSummary("The annotations on a node (by id), oldest first (deleted ones left out)")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        nodes.MapPost("", (string id, [FromBody] AnnotationRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken ct) =>
                CreateAsync(AnnotationTargetKind.Node, id, request, http, store, publisher, ct))
            .WithName("AnnotateNode")
            .WithSummary("Annotates a node (by id)")
            .WithDescription(CreateDescription)
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(WriteProblems);

        var annotations = app.MapGroup("/api/annotations").WithTags("Annotations");
        annotations.MapGet("", Feed)
            .WithName("AnnotationFeed")
            .WithSummary("Recent activity: annotations, most recently changed first")
            .WithDescription($"Filters: author, tag (one tag, ignoring case), status (proposed|confirmed|disputed), since (ISO 8601: changed after it), " +
                $"includeDeleted (default false). limit is 1..{AnnotationQuery.MaxLimit} (default {AnnotationQuery.DefaultLimit}).")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized);
        annotations.MapGet("/counts", Counts)
            .WithName("AnnotationCounts")
            .WithSummary("How many live annotations each edge or node has")
            .WithDescription($"targets is a comma-separated list of up to {AnnotationLimits.MaxCountTargets} ids; every one is in the answer (0 included). " +
                "kind (edge|node) restricts the count to one kind of target.")
            .WithQueryStringLimit(RequestLimits.MaxCountsQueryStringLength)
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized);
        annotations.MapGet("/{id}", GetAnnotation)
            .WithName("GetAnnotation")
            .WithSummary("An annotation (deleted ones too, with deleted: true); ETag is its version")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        annotations.MapPut("/{id}", UpdateAsync)
            .WithName("EditAnnotation")
            .WithSummary("Edits an annotation (If-Match: its ETag)")
            .WithDescription("Fields left out keep their value; citation \"\" removes it. Authors edit their own annotations, admins any. " +
                "Without If-Match: 428. With a stale one: 412 (currentVersion says what is current), and nothing changes.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(EditProblems);
        annotations.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteAnnotation")
            .WithSummary("Deletes an annotation (If-Match: its ETag); it stays in its history")
            .WithDescription("A soft delete: the annotation leaves lists and counts but GET and /history still show it. Same rules as an edit.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(EditProblems);
        annotations.MapGet("/{id}/history", History)
            .WithName("AnnotationHistory")
            .WithSummary("Every version of an annotation, oldest first: who, when, what changed")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        return app;
    }

    private const string CreateDescription =
        "text (required, plain text up to 10,000 characters, newlines kept), tags (up to 20), confidence (low|medium|high, default medium), " +
        "citation (a URL or free text), status (proposed|confirmed|disputed, default proposed). 201 with Location and ETag.";

    private static readonly int[] WriteProblems =
    [
        StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
        StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests,
    ];

    private static readonly int[] EditProblems = [.. WriteProblems, StatusCodes.Status412PreconditionFailed, StatusCodes.Status428PreconditionRequired];

    private static async Task<Results<Ok<AnnotationListResponse>, ProblemHttpResult>> ListAsync(IGraphStore store, AnnotationTargetKind kind, string id, CancellationToken cancellationToken)
    {
        if (!await TargetExistsAsync(store, kind, id, cancellationToken))
        {
            return TargetNotFound(kind, id);
        }

        var annotations = await store.ListAnnotationsAsync(kind, id, cancellationToken);
        return TypedResults.Ok(new AnnotationListResponse([.. annotations.Select(AnnotationResponse.From)]));
    }

    private static async Task<Results<Created<AnnotationResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        AnnotationTargetKind kind, string id, AnnotationRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (AnnotationInput.ForCreate(request, kind, id, http.User.UserName(), errors) is not { } annotation)
        {
            return Invalid(errors);
        }

        switch (await store.AddAnnotationAsync(annotation, cancellationToken))
        {
            case AnnotationWrite.Written written:
                publisher.Publish(written);
                SetETag(http, written.Annotation);
                return TypedResults.Created($"/api/annotations/{written.Annotation.Id}", AnnotationResponse.From(written.Annotation));
            default:
                return TargetNotFound(kind, id);
        }
    }

    private static async Task<Results<Ok<AnnotationResponse>, ProblemHttpResult>> GetAnnotation(string id, HttpContext http, IGraphStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAnnotationAsync(id, cancellationToken) is not { } annotation)
        {
            return AnnotationNotFound(id);
        }

        SetETag(http, annotation);
        return TypedResults.Ok(AnnotationResponse.From(annotation));
    }

    private static async Task<Results<Ok<AnnotationResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, [FromBody] AnnotationRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        var (current, refusal) = await CheckEditAsync(id, http, store, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var errors = new Dictionary<string, string[]>();
        if (AnnotationInput.ForEdit(request, current!.Annotation, errors) is not { } edit)
        {
            return Invalid(errors);
        }

        var (written, problem) = Commit(http, publisher, id, await store.UpdateAnnotationAsync(id, current.Expected, edit, http.User.UserName(), cancellationToken));
        return written is not null ? TypedResults.Ok(written) : problem!;
    }

    private static async Task<Results<Ok<AnnotationResponse>, ProblemHttpResult>> DeleteAsync(
        string id, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        var (current, refusal) = await CheckEditAsync(id, http, store, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var (written, problem) = Commit(http, publisher, id, await store.DeleteAnnotationAsync(id, current!.Expected, http.User.UserName(), cancellationToken));
        return written is not null ? TypedResults.Ok(written) : problem!;
    }

    private static async Task<Results<Ok<AnnotationHistoryResponse>, ProblemHttpResult>> History(string id, IGraphStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAnnotationHistoryAsync(id, cancellationToken) is not { } versions)
        {
            return AnnotationNotFound(id);
        }

        return TypedResults.Ok(new AnnotationHistoryResponse(id, [.. versions.Select(v => new AnnotationVersionResponse(
            v.Version, v.At, v.By, Wire.Name(v.Action), v.Changed, v.Seq, AnnotationResponse.From(v.Annotation)))]));
    }

    private static async Task<Results<Ok<AnnotationListResponse>, ProblemHttpResult>> Feed(
        IGraphStore store, string? author, string? tag, string? status, string? since, int? limit, bool? includeDeleted, CancellationToken cancellationToken)
    {
        if (author is { Length: > MaxFilterLength })
        {
            return QueryProblem.Invalid("author", $"at most {MaxFilterLength} characters").ToHttp();
        }

        if (tag is { Length: > MaxFilterLength })
        {
            return QueryProblem.Invalid("tag", $"at most {MaxFilterLength} characters").ToHttp();
        }

        AnnotationStatus? parsedStatus = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Wire.TryParse<AnnotationStatus>(status, out var value))
            {
                return QueryProblem.Invalid("status", $"one of {Wire.Choices<AnnotationStatus>()}").ToHttp();
            }

            parsedStatus = value;
        }

        DateTimeOffset? parsedSince = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return QueryProblem.Invalid("since", "an ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z").ToHttp();
            }

            parsedSince = value;
        }

        if (limit is < 1 or > AnnotationQuery.MaxLimit)
        {
            return QueryProblem.Invalid("limit", $"must be between 1 and {AnnotationQuery.MaxLimit}").ToHttp();
        }

        var query = new AnnotationQuery(
            string.IsNullOrEmpty(author) ? null : author,
            string.IsNullOrWhiteSpace(tag) ? null : tag.Trim(),
            parsedStatus,
            parsedSince,
            limit ?? AnnotationQuery.DefaultLimit,
            includeDeleted ?? false);
        var annotations = await store.QueryAnnotationsAsync(query, cancellationToken);
        return TypedResults.Ok(new AnnotationListResponse([.. annotations.Select(AnnotationResponse.From)]));
    }

    private static async Task<Results<Ok<AnnotationCountsResponse>, ProblemHttpResult>> Counts(IGraphStore store, string? targets, string? kind, CancellationToken cancellationToken)
    {
        var ids = (targets ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return QueryProblem.Invalid("targets", "a comma-separated list of edge or node ids is required").ToHttp();
        }

        if (ids.Count > AnnotationLimits.MaxCountTargets)
        {
            return QueryProblem.Invalid("targets", $"at most {AnnotationLimits.MaxCountTargets} ids").ToHttp();
        }

        AnnotationTargetKind? targetKind = null;
        if (!string.IsNullOrEmpty(kind))
        {
            if (!Wire.TryParse<AnnotationTargetKind>(kind, out var value))
            {
                return QueryProblem.Invalid("kind", "edge or node").ToHttp();
            }

            targetKind = value;
        }

        return TypedResults.Ok(new AnnotationCountsResponse(await store.CountAnnotationsAsync(ids, targetKind, cancellationToken)));
    }

    /// <summary>
    /// What every edit and delete checks first, in order: the annotation exists and is not deleted (404), the
    /// caller is its author or an admin (403), If-Match is present (428) and names the current version (412).
    /// </summary>
    private static async Task<(EditTarget? Target, ProblemHttpResult? Refusal)> CheckEditAsync(string id, HttpContext http, IGraphStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAnnotationAsync(id, cancellationToken) is not { } annotation)
        {
            return (null, AnnotationNotFound(id));
        }

        if (annotation.Deleted)
        {
            return (null, Problems.NotFound("Annotation deleted", $"id: annotation '{id}' was deleted; its history is at /api/annotations/{id}/history."));
        }

        var user = http.User;
        if (!user.IsAdmin() && !string.Equals(annotation.Author, user.UserName(), StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem($"Only its author ({annotation.Author}) or an admin may change annotation '{id}'.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"));
        }

        var ifMatch = http.Request.Headers.IfMatch;
        if (ifMatch.Count == 0 || ifMatch.ToString().Trim() == "*")
        {
            return (null, TypedResults.Problem(
                $"Send If-Match with the annotation's ETag (its version, e.g. If-Match: \"{annotation.Version}\"), so that concurrent edits cannot overwrite each other.",
                statusCode: StatusCodes.Status428PreconditionRequired,
                title: "If-Match required"));
        }

        var expected = ParseVersion(ifMatch.ToString());
        if (expected != annotation.Version)
        {
            return (null, Stale(http, annotation));
        }

        return (new EditTarget(annotation, annotation.Version), null);
    }

    /// <summary>A committed edit is published and answered with its ETag; a conflict is 412, a vanished annotation 404.</summary>
    private static (AnnotationResponse? Written, ProblemHttpResult? Problem) Commit(HttpContext http, ChangePublisher publisher, string id, AnnotationWrite write)
    {
        switch (write)
        {
            case AnnotationWrite.Written written:
                publisher.Publish(written);
                SetETag(http, written.Annotation);
                return (AnnotationResponse.From(written.Annotation), null);
            case AnnotationWrite.VersionConflict conflict:
                return (null, Stale(http, conflict.Current));
            default:
                return (null, AnnotationNotFound(id));
        }
    }

    /// <summary>A strong entity tag holding a version number ("3"); null when it is anything else (it then matches nothing).</summary>
    private static long? ParseVersion(string ifMatch) =>
        EntityTagHeaderValue.TryParse(ifMatch.Trim(), out var tag) && !tag.IsWeak
        && long.TryParse(tag.Tag.ToString()[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;

    private static ProblemHttpResult Stale(HttpContext http, Annotation current)
    {
        SetETag(http, current);
        return TypedResults.Problem(
            $"If-Match: the annotation is at version {current.Version}; re-read it (GET) and apply your change to that version.",
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "Annotation changed",
            extensions: new Dictionary<string, object?> { ["currentVersion"] = current.Version });
    }

    private static void SetETag(HttpContext http, Annotation annotation) =>
        http.Response.Headers.ETag = $"\"{annotation.Version.ToString(CultureInfo.InvariantCulture)}\"";

    private static async Task<bool> TargetExistsAsync(IGraphStore store, AnnotationTargetKind kind, string id, CancellationToken cancellationToken) =>
        kind == AnnotationTargetKind.Edge
            ? await store.GetEdgeAsync(id, cancellationToken) is not null
            : await store.GetNodeAsync(id, cancellationToken) is not null;

    private static ProblemHttpResult TargetNotFound(AnnotationTargetKind kind, string id) => kind == AnnotationTargetKind.Edge
        ? Problems.NotFound("Edge not found", $"id: no edge has the id '{id}'.")
        : Problems.NotFound("Node not found", $"id: no node has the id '{id}'.");

    private static ProblemHttpResult AnnotationNotFound(string id) => Problems.NotFound("Annotation not found", $"id: no annotation has the id '{id}'.");

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join("; ", e.Value)}.")), title: "Invalid annotation");

    private sealed record EditTarget(Annotation Annotation, long Expected);
}
