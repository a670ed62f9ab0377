using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Explorer.Annotations;
using Explorer.Graph;

namespace Explorer.Neo4j;

/// <summary>
/// Annotations in Neo4j, with the embedded store's semantics. <c>:Annotation</c> nodes carry the current state
/// (plus <c>seq</c>, the change-log seq of their creation, for "oldest first", and <c>lastSeq</c>, that of their
/// newest write, for the feed); every write adds an <c>:AnnotationVersion</c> node (action, actor, time, changed
/// fields, seq and a JSON snapshot of the annotation right after). Each write is one <see cref="WriteAsync"/>
/// statement: it takes the change-log lock, checks the expected version in its WHERE and writes the annotation,
/// its version row and its change together; when the check fails it writes nothing, so no change-log entry is
/// made. Times are ISO 8601 UTC strings (as in the embedded store, so they compare as text).
/// </summary>
internal sealed partial class Neo4jGraphStore
{
    private static readonly JsonSerializerOptions s_snapshotJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<AnnotationWrite> AddAnnotationAsync(NewAnnotation annotation, CancellationToken cancellationToken = default)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var at = DateTimeOffset.UtcNow;
        var written = annotation.Created(id, at);
        var parameters = VersionParameters(written, AnnotationAction.Created, annotation.Author, Annotation.EditableFields);
        parameters["targetKind"] = written.TargetKind.ToString();
        parameters["targetId"] = written.TargetId;
        parameters["author"] = written.Author;
        parameters["authorKey"] = Fold(written.Author);
        var statement = annotation.TargetKind == AnnotationTargetKind.Edge ? Cypher.AddEdgeAnnotation : Cypher.AddNodeAnnotation;
        return await WriteAsync(statement, parameters, ChangeKind.AnnotationAdded, id, at, cancellationToken) is { } change
            ? new AnnotationWrite.Written(written, change)
            : AnnotationWrite.Missing;
    }

    public async Task<AnnotationWrite> UpdateAnnotationAsync(string id, long expectedVersion, AnnotationEdit edit, string by, CancellationToken cancellationToken = default)
    {
        var (refusal, current) = await CheckVersionAsync(id, expectedVersion, cancellationToken);
        if (refusal is not null || current is null)
        {
            return refusal ?? AnnotationWrite.Missing;
        }

        var at = DateTimeOffset.UtcNow;
        var updated = current.Edited(edit, at);
        var parameters = VersionParameters(updated, AnnotationAction.Updated, by, updated.ChangedFrom(current));
        parameters["expected"] = expectedVersion;
        return await WriteAsync(Cypher.UpdateAnnotation, parameters, ChangeKind.AnnotationChanged, id, at, cancellationToken) is { } change
            ? new AnnotationWrite.Written(updated, change)
            : await RefusalAsync(id, cancellationToken);
    }

    public async Task<AnnotationWrite> DeleteAnnotationAsync(string id, long expectedVersion, string by, CancellationToken cancellationToken = default)
    {
        var (refusal, current) = await CheckVersionAsync(id, expectedVersion, cancellationToken);
        if (refusal is not null || current is null)
        {
            return refusal ?? AnnotationWrite.Missing;
        }

        var at = DateTimeOffset.UtcNow;
        var deleted = current.DeletedAt(at);
        var parameters = VersionParameters(deleted, AnnotationAction.Deleted, by, Annotation.DeletionFields);
        parameters["expected"] = expectedVersion;
        return await WriteAsync(Cypher.DeleteAnnotation, parameters, ChangeKind.AnnotationRemoved, id, at, cancellationToken) is { } change
            ? new AnnotationWrite.Written(deleted, change)
            : await RefusalAsync(id, cancellationToken);
    }

    public async Task<Annotation?> GetAnnotationAsync(string id, CancellationToken cancellationToken = default) =>
        First((await ReadAsync(Cypher.AnnotationById, Params(("id", id)), cancellationToken)).Records) is { } record ? ReadAnnotation(record) : null;

    public async Task<IReadOnlyList<Annotation>> ListAnnotationsAsync(AnnotationTargetKind targetKind, string targetId, CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(Cypher.AnnotationsOnTarget, Params(("targetId", targetId), ("targetKind", targetKind.ToString())), cancellationToken)).Records.Select(ReadAnnotation)];

    public async Task<IReadOnlyList<AnnotationVersion>?> GetAnnotationHistoryAsync(string id, CancellationToken cancellationToken = default)
    {
        var records = (await ReadAsync(Cypher.AnnotationHistory, Params(("id", id)), cancellationToken)).Records;
        if (records.Count == 0)
        {
            return null;
        }

        return [.. records.Where(r => r["version"] is not null).Select(r => new AnnotationVersion(
            r.Long("version"),
            ParseTime(r.String("at")),
            r.String("actor"),
            Enum.Parse<AnnotationAction>(r.String("action")),
            r.Strings("changedFields"),
            r.Long("seq"),
            JsonSerializer.Deserialize<Annotation>(r.String("snapshot"), s_snapshotJson)
                ?? throw new Neo4jException(Neo4jErrorKind.Protocol, $"annotation '{id}' has an empty version snapshot")))];
    }

    public async Task<IReadOnlyList<Annotation>> QueryAnnotationsAsync(AnnotationQuery query, CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(Cypher.AnnotationFeed, Params(
            ("includeDeleted", query.IncludeDeleted),
            ("authorKey", query.Author is { } author ? Fold(author) : null),
            ("status", query.Status?.ToString()),
            ("since", query.Since is { } since ? Iso(since) : null),
            ("tagKey", query.Tag is { } tag ? Fold(tag) : null),
            ("limit", Math.Clamp(query.Limit, 0, AnnotationQuery.MaxLimit))), cancellationToken)).Records.Select(ReadAnnotation)];

    public async Task<IReadOnlyDictionary<string, int>> CountAnnotationsAsync(IReadOnlyCollection<string> targetIds, AnnotationTargetKind? targetKind = null, CancellationToken cancellationToken = default)
    {
        var counts = targetIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        if (counts.Count == 0)
        {
            return counts;
        }

        var rows = (await ReadAsync(Cypher.CountAnnotations, Params(("ids", counts.Keys.ToList()), ("targetKind", targetKind?.ToString())), cancellationToken)).Records;
        foreach (var row in rows)
        {
            counts[row.String("targetId")] = (int)row.Long("count");
        }

        return counts;
    }

    /// <summary>
    /// The checks before an update or delete (a read): the refusal (NotFound for an unknown or deleted annotation,
    /// VersionConflict when the version differs), or null and the current state, from which the new state and
    /// its changed fields are computed. The write itself checks the version again, under the change-log lock.
    /// </summary>
    private async Task<(AnnotationWrite? Refusal, Annotation? Current)> CheckVersionAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        if (await GetAnnotationAsync(id, cancellationToken) is not { Deleted: false } current)
        {
            return (AnnotationWrite.Missing, null);
        }

        return current.Version != expectedVersion ? (new AnnotationWrite.VersionConflict(current), current) : (null, current);
    }

    /// <summary>Why a versioned write wrote nothing: the annotation is gone, or someone else changed it first.</summary>
    private async Task<AnnotationWrite> RefusalAsync(string id, CancellationToken cancellationToken) =>
        await GetAnnotationAsync(id, cancellationToken) is { Deleted: false } current ? new AnnotationWrite.VersionConflict(current) : AnnotationWrite.Missing;

    /// <summary>The parameters shared by the three annotation writes: the new state and its version row.</summary>
    private static Dictionary<string, object?> VersionParameters(Annotation state, AnnotationAction action, string by, IReadOnlyList<string> changed) => Params(
        ("id", state.Id),
        ("text", state.Text),
        ("tags", state.Tags.ToList()),
        ("tagKeys", state.Tags.Select(Fold).Distinct(StringComparer.Ordinal).ToList()),
        ("confidence", state.Confidence.ToString()),
        ("citation", state.Citation),
        ("status", state.Status.ToString()),
        ("at", Iso(state.UpdatedAt)),
        ("version", state.Version),
        ("action", action.ToString()),
        ("actor", by),
        ("changed", changed.ToList()),
        ("snapshot", JsonSerializer.Serialize(state, s_snapshotJson)));


    private static Annotation ReadAnnotation(QueryRecord r) => new(
        r.String("id"),
        Enum.Parse<AnnotationTargetKind>(r.String("targetKind")),
        r.String("targetId"),
        r.String("text"),
        r.Strings("tags"),
        Enum.Parse<Confidence>(r.String("confidence")),
        r.StringOrNull("citation"),
        Enum.Parse<AnnotationStatus>(r.String("status")),
        r.String("author"),
        ParseTime(r.String("createdAt")),
        ParseTime(r.String("updatedAt")),
        r.Long("version"),
        r.Bool("deleted"));

    /// <summary>
    /// Case folding for names, authors and tags as SQLite's NOCASE does it in the embedded store (ASCII letters
    /// only), so both stores match the same values.
    /// </summary>
    private static string Fold(string value) =>
        string.Create(value.Length, value, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsAsciiLetterUpper(text[i]) ? (char)(text[i] + ('a' - 'A')) : text[i];
            }
        });

    internal static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
