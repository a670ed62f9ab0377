using Explorer.Graph;
using Explorer.Query;

namespace Explorer.Suggestions;

/// <summary>The suggestions of one document, and for each what the graph already holds between its two nodes.</summary>
/// <param name="SourceId">The source document's id; null for a file that is not (yet) a source.</param>
/// <param name="Sentences">How many sentences the document was split into.</param>
/// <param name="Dismissed">How many suggestions analysts dismissed (listed only when asked for).</param>
public sealed record DocumentSuggestions(string? SourceId, int Sentences, IReadOnlyList<SuggestedRelation> Suggestions, int Dismissed = 0);

/// <summary>
/// A suggestion with what the graph holds between its two nodes: <see cref="ExistingEdges"/> joins them (either
/// direction); <see cref="Cited"/> says one of those already quotes this sentence (the suggestion is in the graph);
/// <see cref="Review"/> is an analyst's verdict on it (accepted, with the edge it created, or dismissed), null while open.
/// </summary>
public sealed record SuggestedRelation(
    string Id,
    string Source,
    string SourceName,
    string Target,
    string TargetName,
    string? Type,
    string? Cue,
    string Quote,
    int QuoteStart,
    Mention SourceMention,
    Mention TargetMention,
    IReadOnlyList<ExistingEdge> ExistingEdges,
    bool Cited,
    SuggestionReview? Review = null);

/// <summary>An edge that already joins a suggestion's two nodes; <see cref="CitesQuote"/> when it quotes the suggestion's sentence.</summary>
public sealed record ExistingEdge(string Id, string Type, string Source, string Target, bool CitesQuote);

/// <summary>Suggested relations for a source Explorer holds, or for any text: the one way the API and the CLI ask.</summary>
public static class SuggestionQueries
{
    /// <summary>A node's neighbours looked at for edges that already join a suggested pair.</summary>
    private const int NeighborhoodLimit = 2000;

    /// <summary>
    /// The suggestions of a source Explorer holds, each with its verdict; dismissed ones only with
    /// <paramref name="includeDismissed"/> (<see cref="DocumentSuggestions.Dismissed"/> counts them either way).
    /// </summary>
    public static async Task<Outcome<DocumentSuggestions>> ForSourceAsync(IGraphStore store, string sourceId, bool includeDismissed = false, CancellationToken cancellationToken = default)
    {
        if (await store.GetSourceAsync(sourceId, cancellationToken) is not { } source)
        {
            return new QueryProblem(404, "Source not found", $"id: no source has the id '{sourceId}'.");
        }

        var found = await ForTextAsync(store, source.Id, source.Text, cancellationToken);
        var reviews = (await store.ListSuggestionReviewsAsync(source.Id, cancellationToken)).ToDictionary(r => r.SuggestionId, StringComparer.Ordinal);
        var reviewed = found.Suggestions.Select(s => s with { Review = reviews.GetValueOrDefault(s.Id) }).ToList();
        var dismissed = reviewed.Count(s => s.Review?.Verdict == SuggestionVerdict.Dismissed);
        return found with
        {
            Suggestions = includeDismissed ? reviewed : [.. reviewed.Where(s => s.Review?.Verdict != SuggestionVerdict.Dismissed)],
            Dismissed = dismissed,
        };
    }

    public static async Task<DocumentSuggestions> ForTextAsync(IGraphStore store, string? sourceId, string text, CancellationToken cancellationToken = default)
    {
        var suggestions = await RelationSuggester.SuggestAsync(store, text, cancellationToken);

        // The edges around every suggested node, once per node.
        var edgesAround = new Dictionary<string, IReadOnlyList<Edge>>(StringComparer.Ordinal);
        foreach (var id in suggestions.Select(s => s.Source).Distinct(StringComparer.Ordinal))
        {
            var around = await store.GetNeighborhoodAsync(new NeighborhoodQuery(id, Limit: NeighborhoodLimit), cancellationToken);
            edgesAround[id] = around?.Edges ?? [];
        }

        // The nodes' names, for a reader (mentions give the words of the sentence, which may be an alias).
        var nodes = await store.GetNodesAsync([.. suggestions.SelectMany(s => new[] { s.Source, s.Target }).Distinct(StringComparer.Ordinal)], cancellationToken);
        string Name(string id) => nodes.TryGetValue(id, out var node) ? node.Name : id;

        var relations = new List<SuggestedRelation>(suggestions.Count);
        foreach (var s in suggestions)
        {
            var existing = edgesAround[s.Source]
                .Where(e => (e.Source == s.Source && e.Target == s.Target) || (e.Source == s.Target && e.Target == s.Source))
                .Select(e => new ExistingEdge(e.Id, e.Type, e.Source, e.Target, e.Evidence.Any(v => (sourceId is null || v.SourceId == sourceId) && Cites(v.Quote, s.Quote))))
                .OrderBy(e => e.Id, StringComparer.Ordinal)
                .ToList();
            relations.Add(new SuggestedRelation(s.Id, s.Source, Name(s.Source), s.Target, Name(s.Target), s.Type, s.Cue, s.Quote, s.QuoteStart, s.SourceMention, s.TargetMention, existing, existing.Any(e => e.CitesQuote)));
        }

        return new DocumentSuggestions(sourceId, SentenceSplitter.Split(text).Count, relations);
    }

    /// <summary>An evidence quote cites the sentence when one contains the other (a quote may be part of a sentence, or span two).</summary>
    private static bool Cites(string quote, string sentence) =>
        quote.Length > 0 && (sentence.Contains(quote, StringComparison.Ordinal) || quote.Contains(sentence, StringComparison.Ordinal));
}
