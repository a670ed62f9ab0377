using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Explorer.Graph;
using Explorer.Server.Auth;
using Explorer.Server.Infrastructure;
using Explorer.Server.Live;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Explorer.Server.Editing;

/// <summary>One version of a node's, edge's or source's history.</summary>
public sealed record RecordVersionResponse(long Version, DateTimeOffset At, string By, string Action, IReadOnlyList<string> Changed, long Seq, string? Note, JsonElement State);

/// <summary>A record's history, oldest first (a deleted record's last entry has action "deleted" and its last state).</summary>
public sealed record RecordHistoryResponse(string Id, IReadOnlyList<RecordVersionResponse> Versions);

/// <summary>
/// What node, edge and source writes share: If-Match and ETag (the quoted version, as annotations have it),
/// who may delete, the answers to each refusal, history, and publishing after a commit.
/// </summary>
internal static class RecordHttp
{
    public static readonly int[] WriteProblems =
    [
        StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
        StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests,
    ];

    public static readonly int[] EditProblems = [.. WriteProblems, StatusCodes.Status412PreconditionFailed, StatusCodes.Status428PreconditionRequired];

    public static void SetETag(HttpContext http, long version) =>
        http.Response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version If-Match names, or the refusal: 428 without it, 412 when it is not <paramref name="current"/>.</summary>
    public static (long Expected, ProblemHttpResult? Refusal) IfMatch(HttpContext http, long current, string what)
    {
        var ifMatch = http.Request.Headers.IfMatch;
        if (ifMatch.Count == 0 || ifMatch.ToString().Trim() == "*")
        {
            return (0, TypedResults.Problem(
                $"Send If-Match with the {what}'s ETag (its version, e.g. If-Match: \"{current}\"), so that concurrent edits cannot overwrite each other.",
                statusCode: StatusCodes.Status428PreconditionRequired,
                title: "If-Match required"));
        }

        var expected = EntityTagHeaderValue.TryParse(ifMatch.ToString().Trim(), out var tag) && !tag.IsWeak
            && long.TryParse(tag.Tag.ToString()[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? version
                : -1;
        return expected == current ? (expected, null) : (expected, Stale(http, current, what));
    }

    public static ProblemHttpResult Stale(HttpContext http, long current, string what)
    {
        SetETag(http, current);
        return TypedResults.Problem(
            $"If-Match: the {what} is at version {current}; re-read it (GET) and apply your change to that version.",
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: $"{Capital(what)} changed",
            extensions: new Dictionary<string, object?> { ["currentVersion"] = current });
    }

    /// <summary>
    /// Deleting is for admins and for the analyst who created the record (its history's first entry); anyone
    /// with the analyst role may edit and review. Records from the dataset or an import have no creator: admins only.
    /// </summary>
    public static async Task<ProblemHttpResult?> MayDeleteAsync(ClaimsPrincipal user, IGraphStore store, RecordKind kind, string id, string what, CancellationToken cancellationToken)
    {
        if (user.IsAdmin())
        {
            return null;
        }

        var history = await store.GetHistoryAsync(kind, id, cancellationToken) ?? [];
        var created = history.LastOrDefault(v => v.Action == RecordAction.Created);
        return created is not null && string.Equals(created.By, user.UserName(), StringComparison.OrdinalIgnoreCase)
            ? null
            : TypedResults.Problem(
                created is null
                    ? $"{Capital(what)} '{id}' came from the dataset or an import: only an admin may delete it (an analyst may mark an edge disputed)."
                    : $"Only its creator ({created.By}) or an admin may delete {what} '{id}'.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden");
    }

    /// <summary>The answer to a write the store refused (a committed write is handled by the caller).</summary>
    public static ProblemHttpResult Refused(HttpContext http, RecordWrite write, string what, string id) => write switch
    {
        RecordWrite.VersionConflict conflict => Stale(http, conflict.Current, what),
        RecordWrite.AlreadyExists => TypedResults.Problem($"id: a {what} with the id '{id}' exists already.", statusCode: StatusCodes.Status409Conflict, title: $"{Capital(what)} exists"),
        RecordWrite.MissingNode missing => TypedResults.Problem($"no node has the id '{missing.NodeId}' (deleted meanwhile?).", statusCode: StatusCodes.Status409Conflict, title: "Node missing"),
        RecordWrite.InUse inUse => InUse(what, id, inUse),
        _ => Problems.NotFound($"{Capital(what)} not found", $"id: no {what} has the id '{id}'."),
    };

    private static ProblemHttpResult InUse(string what, string id, RecordWrite.InUse inUse)
    {
        var listed = string.Join(", ", inUse.EdgeIds.Take(10)) + (inUse.Count > 10 ? $" and {inUse.Count - 10} more" : "");
        var detail = what switch
        {
            "node" => $"Node '{id}' still has {inUse.Count} edge(s): {listed}. Delete them first, or send ?cascade=true to delete them with it.",
            _ => $"Source '{id}' is cited by {inUse.Count} edge(s): {listed}. Send ?force=true to remove those citations too (an edge left without evidence is deleted); each edge's history records it.",
        };
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: $"{Capital(what)} in use",
            extensions: new Dictionary<string, object?> { ["edges"] = inUse.EdgeIds, ["count"] = inUse.Count });
    }

    public static async Task<Results<Ok<RecordHistoryResponse>, ProblemHttpResult>> HistoryAsync(IGraphStore store, RecordKind kind, string id, CancellationToken cancellationToken)
    {
        if (await store.GetHistoryAsync(kind, id, cancellationToken) is not { } versions)
        {
            var what = kind.ToString().ToLowerInvariant();
            return Problems.NotFound($"{kind} not found", $"id: no {what} has the id '{id}', and none ever had.");
        }

        return TypedResults.Ok(new RecordHistoryResponse(id, [.. versions.Select(v => new RecordVersionResponse(
            v.Version, v.At, v.By, v.Action.ToString().ToLowerInvariant(), v.Changed, v.Seq, v.Note, v.State))]));
    }

    /// <summary>After a commit: every change it made goes out on the hub.</summary>
    public static void Published(ChangePublisher publisher) => publisher.Signal();

    private static string Capital(string what) => char.ToUpperInvariant(what[0]) + what[1..];
}
