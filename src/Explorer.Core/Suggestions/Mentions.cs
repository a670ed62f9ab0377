using Explorer.Graph;
using Explorer.Search;

namespace Explorer.Suggestions;

/// <summary>A known node named in a sentence: its id and kind, and where (offsets into the document) with which words.</summary>
public sealed record Mention(string NodeId, NodeKind Kind, int Start, int Length, string Text);

/// <summary>
/// Finds the known nodes a sentence names, through their names and aliases, with the store's own exact
/// resolution (<see cref="IGraphStore.ResolveAsync"/>: the normalization search uses, <see cref="TextNormalizer"/>).
/// </summary>
/// <remarks>
/// Every run of up to <see cref="MaxWords"/> words is looked up as one key (a possessive "’s" is also tried
/// without it: "NATO’s" names NATO). Then:
/// <list type="bullet">
/// <item>overlapping mentions resolve to the longest ("Kosovo Force" is KFOR, not Kosovo), then the earliest;</item>
/// <item>a key that names two or more nodes is ambiguous and names none;</item>
/// <item>ids are not names: a word matching only a node's id ("un") names nothing;</item>
/// <item>an acronym (a name or alias without lower-case letters, "US", "AU", "CAR") must be written in capitals
/// ("us" and "car" are words, not nations).</item>
/// </list>
/// Lookups are cached per finder, so one finder over one document asks the store once per distinct key.
/// </remarks>
public sealed class MentionFinder(IGraphStore store)
{
    /// <summary>The longest name looked up, in words (the seed's longest has 8).</summary>
    public const int MaxWords = 10;

    private readonly Dictionary<string, Node?> _resolved = new(StringComparer.Ordinal);

    /// <summary>The mentions in <paramref name="sentence"/>, in text order, none overlapping.</summary>
    public async Task<IReadOnlyList<Mention>> FindAsync(SentenceSpan sentence, CancellationToken cancellationToken = default)
    {
        var words = Words(sentence);
        var candidates = new List<(int First, int Count, int End, Node Node)>();
        for (var first = 0; first < words.Count; first++)
        {
            for (var count = 1; count <= MaxWords && first + count <= words.Count; count++)
            {
                var last = words[first + count - 1];

                // The words as written, then (when one is possessive) with "’s" taken off.
                var plain = Key(words, first, count, stripPossessives: false);
                if (await LookupAsync(plain, cancellationToken) is { } node && Admissible(node, plain, sentence, words[first].Start, last.End))
                {
                    candidates.Add((first, count, last.End, node));
                    continue;
                }

                if (HasPossessive(words, first, count))
                {
                    var stripped = Key(words, first, count, stripPossessives: true);
                    var end = last.Possessive > 0 ? last.End - last.Possessive : last.End;
                    if (await LookupAsync(stripped, cancellationToken) is { } strippedNode && Admissible(strippedNode, stripped, sentence, words[first].Start, end))
                    {
                        candidates.Add((first, count, end, strippedNode));
                    }
                }
            }
        }

        // Longest first (in words), then earliest; a candidate overlapping a kept one is dropped.
        candidates.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.First.CompareTo(b.First));
        var taken = new bool[words.Count];
        var kept = new List<Mention>();
        foreach (var (first, count, end, node) in candidates)
        {
            var free = true;
            for (var w = first; w < first + count && free; w++)
            {
                free = !taken[w];
            }

            if (!free)
            {
                continue;
            }

            for (var w = first; w < first + count; w++)
            {
                taken[w] = true;
            }

            var start = words[first].Start;
            kept.Add(new Mention(node.Id, node.Kind, sentence.Start + start, end - start, sentence.Text[start..end]));
        }

        kept.Sort((a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }

    private async Task<Node?> LookupAsync(string key, CancellationToken cancellationToken)
    {
        if (!_resolved.TryGetValue(key, out var node))
        {
            var nodes = await store.ResolveAsync(key, cancellationToken);
            node = nodes.Count == 1 ? nodes[0] : null;
            _resolved[key] = node;
        }

        return node;
    }

    /// <summary>The node is named (not only id'd) by this key, and an acronym key is written in capitals.</summary>
    private static bool Admissible(Node node, string key, SentenceSpan sentence, int start, int end)
    {
        var named = false;
        var acronymOnly = true;
        foreach (var name in node.Aliases.Prepend(node.Name))
        {
            if (TextNormalizer.Normalize(name) == key)
            {
                named = true;
                acronymOnly &= IsAcronym(name);
            }
        }

        return named && (!acronymOnly || !sentence.Text.AsSpan(start, end - start).ContainsAnyInRange('a', 'z'));
    }

    private static bool IsAcronym(string name)
    {
        var letters = 0;
        foreach (var c in name)
        {
            if (char.IsLower(c))
            {
                return false;
            }

            letters += char.IsLetter(c) ? 1 : 0;
        }

        return letters >= 2;
    }

    private static bool HasPossessive(List<Word> words, int first, int count)
    {
        for (var w = first; w < first + count; w++)
        {
            if (words[w].Possessive > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string Key(List<Word> words, int first, int count, bool stripPossessives) =>
        string.Join(' ', words.Skip(first).Take(count).Select(w => stripPossessives && w.Stripped is not null ? w.Stripped : w.Normalized));

    /// <summary>
    /// A word: a run of letters, digits, combining marks, dots and apostrophes (what the normalizer keeps inside
    /// a token), with its normalized form. Trailing dots are not part of a word's span unless it is an
    /// initialism ("U.N."); a trailing "’s" is noted so the word can be tried without it.
    /// </summary>
    private readonly record struct Word(int Start, int End, string Normalized, string? Stripped, int Possessive);

    private static List<Word> Words(SentenceSpan sentence)
    {
        var text = sentence.Text;
        var words = new List<Word>();
        var i = 0;
        while (i < text.Length)
        {
            if (!IsWordChar(text[i]) || text[i] is '.' or '\'' or '’' or '‘' or 'ʼ')
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }

            var end = i;

            // "Balkans." ends a sentence; "U.N." keeps its last dot; a closing apostrophe is not part of the word.
            var initialism = end - start >= 2 && text[start + 1] == '.';
            while (end > start + 1 && (text[end - 1] is '\'' or '’' or '‘' or 'ʼ' || (text[end - 1] == '.' && !initialism)))
            {
                end--;
            }

            var normalized = TextNormalizer.Normalize(text[start..end]);
            if (normalized.Length == 0 || normalized.Contains(' ', StringComparison.Ordinal))
            {
                continue;
            }

            var possessive = end - start > 2 && text[end - 1] is 's' or 'S' && text[end - 2] is '\'' or '’' or 'ʼ' ? 2 : 0;
            var stripped = possessive > 0 ? TextNormalizer.Normalize(text[start..(end - 2)]) : null;
            words.Add(new Word(start, end, normalized, stripped is { Length: > 0 } ? stripped : null, stripped is { Length: > 0 } ? possessive : 0));
        }

        return words;
    }

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || c is '.' or '\'' or '’' or '‘' or 'ʼ'
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;
}
