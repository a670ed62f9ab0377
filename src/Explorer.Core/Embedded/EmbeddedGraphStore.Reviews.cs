using System.Globalization;
using Explorer.Graph;
using Explorer.Suggestions;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>
/// Analysts' verdicts on suggested relations (<c>suggestion_reviews</c>, one row per suggestion of a source) and the
/// edges citing a source. An acceptance writes its edge (with history and change) and its verdict in one
/// transaction under the write lock, through the same path as any analyst's write; a dismissal writes its verdict
/// and a <see cref="ChangeKind.SuggestionDismissed"/> change (no history: no record changed).
/// </summary>
internal sealed partial class EmbeddedGraphStore
{
    public Task<IReadOnlyList<Edge>> GetCitingEdgesAsync(string sourceId, int limit, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        IReadOnlyList<Edge> edges = [.. CitingEdges(connection, null, sourceId).Take(Math.Max(0, limit)).Select(e => e.Edge)];
        return Task.FromResult(edges);
    }

    public async Task<ReviewWrite> ReviewSuggestionAsync(string sourceId, string suggestionId, SuggestionVerdict verdict, Edge? edge, string by, CancellationToken cancellationToken = default)
    {
        if ((verdict == SuggestionVerdict.Accepted) != (edge is not null))
        {
            throw new ArgumentException("an acceptance creates an edge, a dismissal none", nameof(edge));
        }

        SuggestionReview? existing = null;
        var at = DateTimeOffset.UtcNow;
        var review = new SuggestionReview(sourceId, suggestionId, verdict, by, at, edge?.Id);
        var write = await RecordWriteAsync(by, (connection, transaction) =>
        {
            existing = ReadReviews(connection, transaction, sourceId, suggestionId).FirstOrDefault();
            if (existing is not null)
            {
                return RecordWrite.Exists;
            }

            // A dismissal changes no record but is a change all the same (numbered, pushed live): open source views drop it.
            var decision = edge is null
                ? new Decision(null, 0, [new Touched(ChangeKind.SuggestionDismissed, sourceId, null, null, null)])
                : CreateEdgeRow(connection, transaction, edge, $"accepted from a suggestion of source '{sourceId}'");
            if (decision.Refusal is not null)
            {
                return decision;
            }

            using var insert = Command(connection, transaction, """
                INSERT INTO suggestion_reviews (source_id, suggestion_id, verdict, by, at, edge_id) VALUES ($source, $suggestion, $verdict, $by, $at, $edge)
                """);
            Bind(insert, ("$source", sourceId), ("$suggestion", suggestionId), ("$verdict", verdict.ToString()), ("$by", by),
                ("$at", at.ToString("O", CultureInfo.InvariantCulture)), ("$edge", (object?)edge?.Id ?? DBNull.Value));
            insert.ExecuteNonQuery();
            return decision;
        }, cancellationToken);

        return write switch
        {
            RecordWrite.Written written => new ReviewWrite.Written(review, edge is null ? null : written),
            _ when existing is not null => new ReviewWrite.AlreadyReviewed(existing),
            _ => new ReviewWrite.EdgeRefused(write),
        };
    }

    public Task<IReadOnlyList<SuggestionReview>> ListSuggestionReviewsAsync(string sourceId, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        return Task.FromResult<IReadOnlyList<SuggestionReview>>(ReadReviews(connection, null, sourceId, null));
    }

    private static List<SuggestionReview> ReadReviews(SqliteConnection connection, SqliteTransaction? transaction, string sourceId, string? suggestionId)
    {
        using var command = Command(connection, transaction, """
            SELECT source_id, suggestion_id, verdict, by, at, edge_id FROM suggestion_reviews
            WHERE source_id = $source AND ($suggestion IS NULL OR suggestion_id = $suggestion)
            ORDER BY suggestion_id
            """);
        Bind(command, ("$source", sourceId), ("$suggestion", (object?)suggestionId ?? DBNull.Value));
        using var reader = command.ExecuteReader();
        var reviews = new List<SuggestionReview>();
        while (reader.Read())
        {
            reviews.Add(new SuggestionReview(
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<SuggestionVerdict>(reader.GetString(2)),
                reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return reviews;
    }
}
