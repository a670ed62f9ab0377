using System.Globalization;
using System.Text;
using System.Text.Json;
using Explorer.Annotations;
using Explorer.Graph;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>
/// Annotations in the embedded store. Each write runs in one transaction holding the annotation row, its
/// version row and its change row, committed with synchronous=FULL: once a write returns Written, it and its
/// history survive a crash. The version check is part of the UPDATE. The graph index is not touched.
/// </summary>
internal sealed partial class EmbeddedGraphStore
{
    private const string AnnotationSelectSql = """
        SELECT a.aid, a.id, a.target_kind, a.target_id, a.text, a.tags, a.confidence, a.citation, a.status,
               a.author, a.created_at, a.updated_at, a.version, a.deleted
        FROM annotations a
        """;

    public Task<AnnotationWrite> AddAnnotationAsync(NewAnnotation annotation, CancellationToken cancellationToken = default) =>
        AnnotationWriteAsync((connection, transaction) =>
        {
            var targetSql = annotation.TargetKind == AnnotationTargetKind.Edge
                ? "SELECT 1 FROM edges WHERE id = $id"
                : "SELECT 1 FROM nodes WHERE id = $id";
            using (var exists = Command(connection, transaction, targetSql))
            {
                Bind(exists, ("$id", annotation.TargetId));
                if (exists.ExecuteScalar() is null)
                {
                    return AnnotationWrite.Missing;
                }
            }

            var id = Guid.CreateVersion7().ToString("N");
            var change = AppendChange(connection, transaction, ChangeKind.AnnotationAdded, id);
            var written = annotation.Created(id, change.At);

            using var insert = Command(connection, transaction, """
                INSERT INTO annotations (id, target_kind, target_id, text, tags, confidence, citation, status, author, created_at, updated_at, version, deleted, last_seq)
                VALUES ($id, $targetKind, $targetId, $text, $tags, $confidence, $citation, $status, $author, $at, $at, 1, 0, $seq)
                RETURNING aid
                """);
            Bind(
                insert,
                ("$id", id),
                ("$targetKind", annotation.TargetKind.ToString()),
                ("$targetId", annotation.TargetId),
                ("$text", annotation.Text),
                ("$tags", JsonSerializer.Serialize(written.Tags)),
                ("$confidence", annotation.Confidence.ToString()),
                ("$citation", (object?)annotation.Citation ?? DBNull.Value),
                ("$status", annotation.Status.ToString()),
                ("$author", annotation.Author),
                ("$at", Iso(change.At)),
                ("$seq", change.Seq));
            var aid = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
            WriteTags(connection, transaction, aid, written.Tags);
            AppendVersion(connection, transaction, aid, written, AnnotationAction.Created, annotation.Author, Annotation.EditableFields, change.Seq);
            return new AnnotationWrite.Written(written, change);
        }, cancellationToken);

    public Task<AnnotationWrite> UpdateAnnotationAsync(string id, long expectedVersion, AnnotationEdit edit, string by, CancellationToken cancellationToken = default) =>
        AnnotationWriteAsync((connection, transaction) =>
        {
            var row = ReadAnnotation(connection, transaction, id);
            if (Annotation.Refusal(row?.Annotation, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            var (aid, current) = row!.Value;
            var change = AppendChange(connection, transaction, ChangeKind.AnnotationChanged, id);
            var updated = current.Edited(edit, change.At);
            if (!CommitVersion(connection, transaction, aid, expectedVersion, updated, change.Seq))
            {
                return new AnnotationWrite.VersionConflict(current);
            }

            WriteTags(connection, transaction, aid, updated.Tags, replace: true);
            AppendVersion(connection, transaction, aid, updated, AnnotationAction.Updated, by, updated.ChangedFrom(current), change.Seq);
            return new AnnotationWrite.Written(updated, change);
        }, cancellationToken);

    public Task<AnnotationWrite> DeleteAnnotationAsync(string id, long expectedVersion, string by, CancellationToken cancellationToken = default) =>
        AnnotationWriteAsync((connection, transaction) =>
        {
            var row = ReadAnnotation(connection, transaction, id);
            if (Annotation.Refusal(row?.Annotation, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            var (aid, current) = row!.Value;
            var change = AppendChange(connection, transaction, ChangeKind.AnnotationRemoved, id);
            var deleted = current.DeletedAt(change.At);
            if (!CommitVersion(connection, transaction, aid, expectedVersion, deleted, change.Seq))
            {
                return new AnnotationWrite.VersionConflict(current);
            }

            AppendVersion(connection, transaction, aid, deleted, AnnotationAction.Deleted, by, Annotation.DeletionFields, change.Seq);
            return new AnnotationWrite.Written(deleted, change);
        }, cancellationToken);

    public Task<Annotation?> GetAnnotationAsync(string id, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        return Task.FromResult(ReadAnnotation(connection, null, id)?.Annotation);
    }

    public Task<IReadOnlyList<Annotation>> ListAnnotationsAsync(AnnotationTargetKind targetKind, string targetId, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, AnnotationSelectSql + " WHERE a.target_id = $targetId AND a.target_kind = $targetKind AND a.deleted = 0 ORDER BY a.aid");
        Bind(command, ("$targetId", targetId), ("$targetKind", targetKind.ToString()));
        return Task.FromResult<IReadOnlyList<Annotation>>(ReadAnnotations(command));
    }

    public Task<IReadOnlyList<AnnotationVersion>?> GetAnnotationHistoryAsync(string id, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        if (ReadAnnotation(connection, transaction, id) is not { } row)
        {
            return Task.FromResult<IReadOnlyList<AnnotationVersion>?>(null);
        }

        using var command = Command(connection, transaction, """
            SELECT version, at, by, action, changed, text, tags, confidence, citation, status, deleted, seq
            FROM annotation_versions WHERE aid = $aid ORDER BY version
            """);
        Bind(command, ("$aid", row.Aid));
        using var reader = command.ExecuteReader();
        var versions = new List<AnnotationVersion>();
        var first = row.Annotation;
        while (reader.Read())
        {
            var at = ParseTime(reader.GetString(1));
            var snapshot = first with
            {
                Text = reader.GetString(5),
                Tags = ParseTags(reader.GetString(6)),
                Confidence = Enum.Parse<Confidence>(reader.GetString(7)),
                Citation = reader.IsDBNull(8) ? null : reader.GetString(8),
                Status = Enum.Parse<AnnotationStatus>(reader.GetString(9)),
                Deleted = reader.GetInt64(10) != 0,
                Version = reader.GetInt64(0),
                UpdatedAt = at,
            };
            versions.Add(new AnnotationVersion(
                reader.GetInt64(0),
                at,
                reader.GetString(2),
                Enum.Parse<AnnotationAction>(reader.GetString(3)),
                ParseTags(reader.GetString(4)),
                reader.GetInt64(11),
                snapshot));
        }

        return Task.FromResult<IReadOnlyList<AnnotationVersion>?>(versions);
    }

    public Task<IReadOnlyList<Annotation>> QueryAnnotationsAsync(AnnotationQuery query, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, "");
        var sql = new StringBuilder(AnnotationSelectSql).Append(" WHERE 1 = 1");
        if (!query.IncludeDeleted)
        {
            sql.Append(" AND a.deleted = 0");
        }

        if (query.Author is { } author)
        {
            sql.Append(" AND a.author = $author COLLATE NOCASE");
            command.Parameters.AddWithValue("$author", author);
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND a.status = $status");
            command.Parameters.AddWithValue("$status", status.ToString());
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND a.updated_at > $since");
            command.Parameters.AddWithValue("$since", Iso(since));
        }

        if (query.Tag is { } tag)
        {
            sql.Append(" AND a.aid IN (SELECT aid FROM annotation_tags WHERE tag = $tag)");
            command.Parameters.AddWithValue("$tag", tag);
        }

        sql.Append(" ORDER BY a.last_seq DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 0, AnnotationQuery.MaxLimit));
        command.CommandText = sql.ToString();
        return Task.FromResult<IReadOnlyList<Annotation>>(ReadAnnotations(command));
    }

    public Task<IReadOnlyDictionary<string, int>> CountAnnotationsAsync(IReadOnlyCollection<string> targetIds, AnnotationTargetKind? targetKind = null, CancellationToken cancellationToken = default)
    {
        var counts = targetIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        if (counts.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, int>>(counts);
        }

        using var connection = Open();
        using var command = Command(connection, null, """
            SELECT target_id, count(*) FROM annotations
            WHERE deleted = 0 AND target_id IN (SELECT value FROM json_each($ids)) AND ($kind IS NULL OR target_kind = $kind)
            GROUP BY target_id
            """);
        Bind(command, ("$ids", JsonSerializer.Serialize(counts.Keys)), ("$kind", (object?)targetKind?.ToString() ?? DBNull.Value));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return Task.FromResult<IReadOnlyDictionary<string, int>>(counts);
    }

    /// <summary>Runs one annotation write through the group commit (see <see cref="AnnotationCommitQueue"/>).</summary>
    private Task<AnnotationWrite> AnnotationWriteAsync(Func<SqliteConnection, SqliteTransaction, AnnotationWrite> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _annotationWrites.RunAsync(write);
    }

    /// <summary>The optimistic-concurrency step: updates the row only if it is still at the expected version.</summary>
    private static bool CommitVersion(SqliteConnection connection, SqliteTransaction transaction, long aid, long expectedVersion, Annotation next, long seq)
    {
        using var update = Command(connection, transaction, """
            UPDATE annotations SET text = $text, tags = $tags, confidence = $confidence, citation = $citation, status = $status,
                updated_at = $at, version = version + 1, deleted = $deleted, last_seq = $seq
            WHERE aid = $aid AND version = $expected
            """);
        Bind(
            update,
            ("$text", next.Text),
            ("$tags", JsonSerializer.Serialize(next.Tags)),
            ("$confidence", next.Confidence.ToString()),
            ("$citation", (object?)next.Citation ?? DBNull.Value),
            ("$status", next.Status.ToString()),
            ("$at", Iso(next.UpdatedAt)),
            ("$deleted", next.Deleted ? 1 : 0),
            ("$seq", seq),
            ("$aid", aid),
            ("$expected", expectedVersion));
        return update.ExecuteNonQuery() == 1;
    }

    private static void WriteTags(SqliteConnection connection, SqliteTransaction transaction, long aid, IReadOnlyList<string> tags, bool replace = false)
    {
        if (replace)
        {
            using var delete = Command(connection, transaction, "DELETE FROM annotation_tags WHERE aid = $aid");
            Bind(delete, ("$aid", aid));
            delete.ExecuteNonQuery();
        }

        using var insert = Command(connection, transaction, "INSERT OR IGNORE INTO annotation_tags (tag, aid) VALUES ($tag, $aid)");
        foreach (var tag in tags)
        {
            Bind(insert, ("$tag", tag), ("$aid", aid));
            insert.ExecuteNonQuery();
        }
    }

    private static void AppendVersion(SqliteConnection connection, SqliteTransaction transaction, long aid, Annotation state, AnnotationAction action, string by, IReadOnlyList<string> changed, long seq)
    {
        using var insert = Command(connection, transaction, """
            INSERT INTO annotation_versions (aid, version, at, by, action, changed, text, tags, confidence, citation, status, deleted, seq)
            VALUES ($aid, $version, $at, $by, $action, $changed, $text, $tags, $confidence, $citation, $status, $deleted, $seq)
            """);
        Bind(
            insert,
            ("$aid", aid),
            ("$version", state.Version),
            ("$at", Iso(state.UpdatedAt)),
            ("$by", by),
            ("$action", action.ToString()),
            ("$changed", JsonSerializer.Serialize(changed)),
            ("$text", state.Text),
            ("$tags", JsonSerializer.Serialize(state.Tags)),
            ("$confidence", state.Confidence.ToString()),
            ("$citation", (object?)state.Citation ?? DBNull.Value),
            ("$status", state.Status.ToString()),
            ("$deleted", state.Deleted ? 1 : 0),
            ("$seq", seq));
        insert.ExecuteNonQuery();
    }


    private static (long Aid, Annotation Annotation)? ReadAnnotation(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var command = Command(connection, transaction, AnnotationSelectSql + " WHERE a.id = $id");
        Bind(command, ("$id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), ReadAnnotation(reader)) : null;
    }

    private static List<Annotation> ReadAnnotations(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var result = new List<Annotation>();
        while (reader.Read())
        {
            result.Add(ReadAnnotation(reader));
        }

        return result;
    }

    /// <summary>Reads the columns of <see cref="AnnotationSelectSql"/> (column 0 is the row id).</summary>
    private static Annotation ReadAnnotation(SqliteDataReader reader) => new(
        reader.GetString(1),
        Enum.Parse<AnnotationTargetKind>(reader.GetString(2)),
        reader.GetString(3),
        reader.GetString(4),
        ParseTags(reader.GetString(5)),
        Enum.Parse<Confidence>(reader.GetString(6)),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        Enum.Parse<AnnotationStatus>(reader.GetString(8)),
        reader.GetString(9),
        ParseTime(reader.GetString(10)),
        ParseTime(reader.GetString(11)),
        reader.GetInt64(12),
        reader.GetInt64(13) != 0);

    private static List<string> ParseTags(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
