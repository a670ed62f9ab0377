using System.Security.Cryptography;
using System.Text;
using Explorer.Graph;
using Explorer.Search;

namespace Explorer.Suggestions;

/// <summary>
/// A relation a document suggests: two known nodes named in one sentence, the sentence as the quote, and a type
/// only where a cue in the sentence states one (<see cref="RelationCues"/>); otherwise <see cref="Type"/> is null
/// and the analyst picks one. With a type, <see cref="Source"/> → <see cref="Target"/> is the edge's direction;
/// without one it is the order of the mentions. Suggestions are never applied by themselves.
/// </summary>
/// <param name="Id">Stable for the same document text: the sentence's offset and the two nodes, hashed.</param>
/// <param name="QuoteStart">Where the quote starts in the document (a verbatim substring of length Quote.Length).</param>
public sealed record Suggestion(
    string Id,
    string Source,
    string Target,
    string? Type,
    string? Cue,
    string Quote,
    int QuoteStart,
    Mention SourceMention,
    Mention TargetMention);

/// <summary>
/// Suggests relations from a document: sentence by sentence (<see cref="SentenceSplitter"/>), the known nodes
/// each sentence names (<see cref="MentionFinder"/>), and for every sentence naming two or more, a suggestion
/// per pair of distinct nodes that some type of the vocabulary could join.
/// </summary>
public static class RelationSuggester
{
    /// <summary>A sentence naming more nodes than this is a list, not a statement: its pairs are not suggested.</summary>
    public const int MaxNodesPerSentence = 12;

    public static async Task<IReadOnlyList<Suggestion>> SuggestAsync(IGraphStore store, string text, CancellationToken cancellationToken = default)
    {
        var finder = new MentionFinder(store);
        var suggestions = new List<Suggestion>();
        foreach (var sentence in SentenceSplitter.Split(text))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mentions = await finder.FindAsync(sentence, cancellationToken);
            suggestions.AddRange(Suggest(sentence, mentions));
        }

        return suggestions;
    }

    /// <summary>The suggestions of one sentence given its mentions (in text order, not overlapping).</summary>
    internal static IEnumerable<Suggestion> Suggest(SentenceSpan sentence, IReadOnlyList<Mention> mentions)
    {
        // Each node once, at its first mention.
        var firsts = new List<Mention>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mention in mentions)
        {
            if (seen.Add(mention.NodeId))
            {
                firsts.Add(mention);
            }
        }

        if (firsts.Count < 2 || firsts.Count > MaxNodesPerSentence)
        {
            yield break;
        }

        for (var i = 0; i < firsts.Count; i++)
        {
            for (var j = i + 1; j < firsts.Count; j++)
            {
                var (a, b) = (firsts[i], firsts[j]);
                if (!RelationCues.Joinable(a.Kind, b.Kind))
                {
                    continue;
                }

                var typed = RelationCues.Type(a, b, Between(sentence, mentions, a, b));
                var (source, target) = typed is null ? (a, b) : (typed.Source, typed.Target);
                yield return new Suggestion(
                    IdOf(sentence, a.NodeId, b.NodeId),
                    source.NodeId,
                    target.NodeId,
                    typed?.Type,
                    typed?.Cue,
                    sentence.Text,
                    sentence.Start,
                    source,
                    target);
            }
        }
    }

    /// <summary>The normalized words strictly between two mentions that lie in no mention.</summary>
    private static List<string> Between(SentenceSpan sentence, IReadOnlyList<Mention> mentions, Mention a, Mention b)
    {
        var from = a.Start + a.Length - sentence.Start;
        var to = b.Start - sentence.Start;
        var words = new List<string>();
        var cursor = from;
        foreach (var m in mentions)
        {
            var ms = m.Start - sentence.Start;
            if (ms >= from && ms < to)
            {
                words.AddRange(TextNormalizer.Tokens(TextNormalizer.Normalize(sentence.Text[cursor..ms])));
                cursor = ms + m.Length;
            }
        }

        if (cursor < to)
        {
            words.AddRange(TextNormalizer.Tokens(TextNormalizer.Normalize(sentence.Text[cursor..to])));
        }

        return words;
    }

    private static string IdOf(SentenceSpan sentence, string a, string b)
    {
        var (first, second) = string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sentence.Start}\n{sentence.Text}\n{first}\n{second}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}
