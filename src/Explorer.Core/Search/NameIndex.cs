using Explorer.Graph;

namespace Explorer.Search;

/// <summary>
/// In-memory name search over node ordinals: exact (id, name, alias) &gt; prefix &gt; every query token &gt;
/// typo-tolerant fuzzy. Keys are normalized with <see cref="TextNormalizer"/>. Immutable once built.
/// </summary>
internal sealed class NameIndex
{
    private const int PrefixScanCap = 4096;

    private readonly Dictionary<string, int[]> _exact;
    private readonly string[] _sortedKeys;
    private readonly int[] _sortedKeyNode;
    private readonly Dictionary<string, int[]> _tokens;
    private readonly string[] _sortedTokens;
    private readonly Dictionary<int, string[]> _tokensByLength;
    private readonly Dictionary<int, string[]> _keysByLength;
    private readonly Func<int, NodeKind> _kindOf;
    private readonly Func<int, string> _nameOf;

    private NameIndex(
        Dictionary<string, int[]> exact,
        string[] sortedKeys,
        int[] sortedKeyNode,
        Dictionary<string, int[]> tokens,
        Func<int, NodeKind> kindOf,
        Func<int, string> nameOf)
    {
        _exact = exact;
        _sortedKeys = sortedKeys;
        _sortedKeyNode = sortedKeyNode;
        _tokens = tokens;
        _sortedTokens = [.. tokens.Keys.Order(StringComparer.Ordinal)];
        _tokensByLength = tokens.Keys.GroupBy(t => t.Length).ToDictionary(g => g.Key, g => g.ToArray());
        _keysByLength = exact.Keys.Where(k => k.Contains(' ', StringComparison.Ordinal)).GroupBy(k => k.Length).ToDictionary(g => g.Key, g => g.ToArray());
        _kindOf = kindOf;
        _nameOf = nameOf;
    }

    /// <summary>Builds the index. <paramref name="namesOf"/> yields a node's id, name and aliases (raw).</summary>
    public static NameIndex Build(int nodeCount, Func<int, IEnumerable<string>> namesOf, Func<int, NodeKind> kindOf, Func<int, string> nameOf)
    {
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var tokens = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var keys = new List<(string Key, int Node)>(nodeCount * 2);
        for (var node = 0; node < nodeCount; node++)
        {
            foreach (var raw in namesOf(node))
            {
                var key = TextNormalizer.Normalize(raw);
                if (key.Length == 0)
                {
                    continue;
                }

                Add(exact, key, node);
                keys.Add((key, node));
                foreach (var token in TextNormalizer.Tokens(key))
                {
                    Add(tokens, token, node);
                }
            }
        }

        keys.Sort((a, b) => a.Key != b.Key ? string.CompareOrdinal(a.Key, b.Key) : a.Node.CompareTo(b.Node));
        return new NameIndex(
            exact.ToDictionary(p => p.Key, p => p.Value.Distinct().ToArray(), StringComparer.Ordinal),
            [.. keys.Select(k => k.Key)],
            [.. keys.Select(k => k.Node)],
            tokens.ToDictionary(p => p.Key, p => p.Value.Distinct().ToArray(), StringComparer.Ordinal),
            kindOf,
            nameOf);

        static void Add(Dictionary<string, List<int>> map, string key, int node)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = new List<int>(1);
            }

            if (list.Count == 0 || list[^1] != node)
            {
                list.Add(node);
            }
        }
    }

    /// <summary>Node ordinals whose id, name or alias equals the term after normalization.</summary>
    public IReadOnlyList<int> Resolve(string term) =>
        _exact.TryGetValue(TextNormalizer.Normalize(term), out var nodes) ? nodes : [];

    public IReadOnlyList<(int Node, double Score, MatchKind Match)> Search(string text, IReadOnlySet<NodeKind>? kinds, int limit)
    {
        var query = TextNormalizer.Normalize(text);
        var best = new Dictionary<int, (double Score, MatchKind Match)>();
        if (query.Length == 0 || limit <= 0)
        {
            return [];
        }

        void Offer(int node, double score, MatchKind match)
        {
            if (kinds is { Count: > 0 } && !kinds.Contains(_kindOf(node)))
            {
                return;
            }

            if (!best.TryGetValue(node, out var current) || current.Score < score)
            {
                best[node] = (score, match);
            }
        }

        int Found() => best.Count;

        // 1. Exact: id, name or alias.
        if (_exact.TryGetValue(query, out var exactNodes))
        {
            foreach (var node in exactNodes)
            {
                Offer(node, TextNormalizer.Normalize(_nameOf(node)) == query ? 1.0 : 0.95, MatchKind.Exact);
            }
        }

        // 2. Prefix of a whole key; shorter keys rank higher.
        var start = LowerBound(_sortedKeys, query);
        for (var i = start; i < _sortedKeys.Length && i - start < PrefixScanCap && _sortedKeys[i].StartsWith(query, StringComparison.Ordinal); i++)
        {
            Offer(_sortedKeyNode[i], 0.8 - Math.Min(0.1, (_sortedKeys[i].Length - query.Length) * 0.002), MatchKind.Prefix);
        }

        // 3. Every query token is a token of the node (the last may be a prefix).
        var queryTokens = TextNormalizer.Tokens(query);
        if (Found() < limit && queryTokens.Length > 0)
        {
            HashSet<int>? candidates = null;
            for (var t = 0; t < queryTokens.Length; t++)
            {
                var matches = new HashSet<int>();
                if (_tokens.TryGetValue(queryTokens[t], out var exactToken))
                {
                    matches.UnionWith(exactToken);
                }

                if (t == queryTokens.Length - 1 && queryTokens[t].Length >= 2)
                {
                    var from = LowerBound(_sortedTokens, queryTokens[t]);
                    for (var i = from; i < _sortedTokens.Length && i - from < PrefixScanCap && _sortedTokens[i].StartsWith(queryTokens[t], StringComparison.Ordinal); i++)
                    {
                        matches.UnionWith(_tokens[_sortedTokens[i]]);
                    }
                }

                if (candidates is null)
                {
                    candidates = matches;
                }
                else
                {
                    candidates.IntersectWith(matches);
                }

                if (candidates.Count == 0)
                {
                    break;
                }
            }

            foreach (var node in candidates ?? [])
            {
                Offer(node, 0.6, MatchKind.Token);
            }
        }

        // 4. Typo tolerant: whole keys, then single tokens, within an edit budget by length.
        if (Found() < limit)
        {
            var budget = TextNormalizer.FuzzyBudget(query.Length);
            if (budget > 0)
            {
                FuzzyScan(query, budget, _keysByLength, _exact, Offer, 0.45);
            }

            if (queryTokens.Length == 1 && budget > 0)
            {
                FuzzyScan(query, budget, _tokensByLength, _tokens, Offer, 0.4, _exact);
            }
        }

        return [.. best
            .Select(p => (Node: p.Key, p.Value.Score, p.Value.Match))
            .OrderByDescending(h => h.Score)
            .ThenBy(h => _nameOf(h.Node).Length)
            .ThenBy(h => _nameOf(h.Node), StringComparer.Ordinal)
            .ThenBy(h => h.Node)
            .Take(limit)];
    }

    private static void FuzzyScan(string query, int budget, Dictionary<int, string[]> byLength, Dictionary<string, int[]> postings, Action<int, double, MatchKind> offer, double baseScore, Dictionary<string, int[]>? whole = null)
    {
        for (var length = query.Length - budget; length <= query.Length + budget; length++)
        {
            if (!byLength.TryGetValue(length, out var candidates))
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                var distance = TextNormalizer.Distance(query, candidate, budget);
                if (distance <= budget && distance > 0)
                {
                    foreach (var node in postings[candidate])
                    {
                        offer(node, baseScore - (0.1 * distance), MatchKind.Fuzzy);
                    }

                    // A token that is a whole name or alias ("somalia") beats the same token inside a longer name.
                    if (whole is not null && whole.TryGetValue(candidate, out var wholeNodes))
                    {
                        foreach (var node in wholeNodes)
                        {
                            offer(node, baseScore + 0.05 - (0.1 * distance), MatchKind.Fuzzy);
                        }
                    }
                }
            }
        }
    }

    private static int LowerBound(string[] sorted, string value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(sorted[mid], value) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
