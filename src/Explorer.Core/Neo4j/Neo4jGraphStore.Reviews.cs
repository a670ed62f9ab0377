using Explorer.Graph;
using Explorer.Suggestions;

namespace Explorer.Neo4j;

/// <summary>
/// Analysts' verdicts on suggested relations as <c>:SuggestionReview</c> nodes (unique per source and suggestion),
/// and the edges citing a source. An acceptance is one statement: the edge, its history and change, and the verdict; a
/// dismissal one too: the verdict and its change (SuggestionDismissed).
/// </summary>
internal sealed partial class Neo4jGraphStore
{
    public async Task<IReadOnlyList<Edge>> GetCitingEdgesAsync(string sourceId, int limit, CancellationToken cancellationToken = default) =>
        [.. (await CitingEdgesAsync(sourceId, cancellationToken)).Take(Math.Max(0, limit))];

    public async Task<ReviewWrite> ReviewSuggestionAsync(string sourceId, string suggestionId, SuggestionVerdict verdict, Edge? edge, string by, CancellationToken cancellationToken = default)
    {
        if ((verdict == SuggestionVerdict.Accepted) != (edge is not null))
        {
            throw new ArgumentException("an acceptance creates an edge, a dismissal none", nameof(edge));
        }

        var at = DateTimeOffset.UtcNow;
        if (edge is null)
        {
            if (await WriteAsync(Cypher.DismissSuggestion, Params(("sourceId", sourceId), ("suggestionId", suggestionId), ("actor", by)),
                ChangeKind.SuggestionDismissed, sourceId, at, cancellationToken) is not null)
            {
                return new ReviewWrite.Written(new SuggestionReview(sourceId, suggestionId, verdict, by, at, null), null);
            }
        }
        else
        {
            var written = edge with { Version = await NextVersionAsync(RecordKind.Edge, edge.Id, cancellationToken) };
            var parameters = EdgeParameters(written, RecordAction.Created, by, RecordWrites.AllFields(RecordKind.Edge), $"accepted from a suggestion of source '{sourceId}'");
            parameters["sourceId"] = sourceId;
            parameters["suggestionId"] = suggestionId;
            if (await WriteAsync(Cypher.AcceptSuggestion[edge.Type], parameters, ChangeKind.EdgeUpserted, edge.Id, at, cancellationToken) is { } change)
            {
                return new ReviewWrite.Written(new SuggestionReview(sourceId, suggestionId, verdict, by, at, edge.Id), new RecordWrite.Written(written.Version, [change]));
            }
        }

        if ((await ReviewsAsync(sourceId, suggestionId, cancellationToken)).FirstOrDefault() is { } existing)
        {
            return new ReviewWrite.AlreadyReviewed(existing);
        }

        if (edge is null)
        {
            return new ReviewWrite.EdgeRefused(RecordWrite.Missing); // no change log: the store is not initialized
        }

        return new ReviewWrite.EdgeRefused(await MissingEndAsync(edge, cancellationToken) is { } missing ? new RecordWrite.MissingNode(missing) : RecordWrite.Exists);
    }

    public async Task<IReadOnlyList<SuggestionReview>> ListSuggestionReviewsAsync(string sourceId, CancellationToken cancellationToken = default) =>
        await ReviewsAsync(sourceId, null, cancellationToken);

    private async Task<List<SuggestionReview>> ReviewsAsync(string sourceId, string? suggestionId, CancellationToken cancellationToken) =>
        [.. (await ReadAsync(Cypher.SuggestionReviews, Params(("sourceId", sourceId), ("suggestionId", suggestionId)), cancellationToken)).Records.Select(r => new SuggestionReview(
            r.String("sourceId"),
            r.String("suggestionId"),
            Enum.Parse<SuggestionVerdict>(r.String("verdict")),
            r.String("actor"),
            ParseTime(r.String("at")),
            r.StringOrNull("edgeId")))];
}
