using System.Numerics;
using System.Runtime.InteropServices;
using Explorer.Graph;

namespace Explorer.Search.Reference;

/// <summary>
/// The name index as it was before the compact rewrite (issue 9 item 6), kept verbatim as the reference the
/// new <see cref="Explorer.Search.NameIndex"/> must rank exactly like (property test) and as the benchmark's "before".
/// </summary>
/// <remarks>
/// In-memory name search over node ordinals: exact (id, name, alias) &gt; prefix &gt; every query token &gt;
/// typo-tolerant fuzzy. Keys are normalized with <see cref="TextNormalizer"/>. Immutable once built.
/// Sized for a million nodes: keys and tokens get dense ids with their postings (ascending ordinals) in
/// one flat array; token matches are intersected by merging sorted postings; the fuzzy scan skips
/// candidates whose character signature alone proves them too far; only the top <c>limit</c> hits are
/// ordered. Strings are sorted with an MSD radix sort (four UTF-16 units per pass) in ordinal order.
/// </remarks>
internal sealed class ReferenceNameIndex
{
    private const int PrefixScanCap = 4096;

    private readonly Postings _exact;
    private readonly string[] _sortedKeys;
    private readonly int[] _sortedKeyNode;
    private readonly Postings _tokens;
    private readonly int[] _sortedTokens;
    private readonly Dictionary<int, LengthBucket> _tokensByLength;
    private readonly Dictionary<int, LengthBucket> _keysByLength;
    private readonly Func<int, NodeKind> _kindOf;
    private readonly Func<int, string> _nameOf;

    private ReferenceNameIndex(
        Postings exact,
        string[] sortedKeys,
        int[] sortedKeyNode,
        Postings tokens,
        int[] sortedTokens,
        Dictionary<int, LengthBucket> keysByLength,
        Dictionary<int, LengthBucket> tokensByLength,
        Func<int, NodeKind> kindOf,
        Func<int, string> nameOf)
    {
        _exact = exact;
        _sortedKeys = sortedKeys;
        _sortedKeyNode = sortedKeyNode;
        _tokens = tokens;
        _sortedTokens = sortedTokens;
        _keysByLength = keysByLength;
        _tokensByLength = tokensByLength;
        _kindOf = kindOf;
        _nameOf = nameOf;
    }

    /// <summary>Builds the index. <paramref name="namesOf"/> yields a node's id, name and aliases (raw).</summary>
    public static ReferenceNameIndex Build(int nodeCount, Func<int, IEnumerable<string>> namesOf, Func<int, NodeKind> kindOf, Func<int, string> nameOf)
    {
        var identity = new int[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            identity[i] = i;
        }

        return Build(Prepare(nodeCount, namesOf), identity, kindOf, nameOf);
    }

    /// <summary>
    /// The same index as <see cref="Build(int, Func{int, IEnumerable{string}}, Func{int, NodeKind}, Func{int, string})"/>
    /// over ordinals, from names prepared by position: <paramref name="order"/>[ordinal] = position.
    /// </summary>
    public static ReferenceNameIndex Build(PreparedNames prepared, int[] order, Func<int, NodeKind> kindOf, Func<int, string> nameOf)
    {
        if (order.Length != prepared.NodeEnd.Length)
        {
            throw new ArgumentException("order must cover every prepared position", nameof(order));
        }

        // (id, ordinal) pairs in ordinal order: a node's pairs in the order its names were given.
        var keyPairKey = new List<int>(prepared.KeyOfName.Length);
        var keyPairNode = new List<int>(prepared.KeyOfName.Length);
        var tokenPairToken = new List<int>(prepared.TokenOfPair.Length);
        var tokenPairNode = new List<int>(prepared.TokenOfPair.Length);
        for (var ordinal = 0; ordinal < order.Length; ordinal++)
        {
            var position = order[ordinal];
            for (var i = position == 0 ? 0 : prepared.NodeEnd[position - 1]; i < prepared.NodeEnd[position]; i++)
            {
                if (prepared.KeyOfName[i] >= 0)
                {
                    keyPairKey.Add(prepared.KeyOfName[i]);
                    keyPairNode.Add(ordinal);
                }
            }

            for (var i = position == 0 ? 0 : prepared.TokenEnd[position - 1]; i < prepared.TokenEnd[position]; i++)
            {
                tokenPairToken.Add(prepared.TokenOfPair[i]);
                tokenPairNode.Add(ordinal);
            }
        }

        // Every (key, node) pair ordered by key (ordinal), then node; pairs repeat when a node has a key twice.
        var keys = prepared.Keys;
        var (keyStart, keyNodes) = Group(keys.Count, keyPairKey, keyPairNode);
        var sortedKeys = new string[keyNodes.Length];
        var sortedKeyNode = new int[keyNodes.Length];
        var at = 0;
        foreach (var k in prepared.SortedKeys)
        {
            for (var i = keyStart[k]; i < keyStart[k + 1]; i++)
            {
                sortedKeys[at] = keys.Strings[k];
                sortedKeyNode[at++] = keyNodes[i];
            }
        }

        var (tokenStart, tokenNodes) = Group(prepared.Tokens.Count, tokenPairToken, tokenPairNode);
        return new ReferenceNameIndex(
            keys.ToPostings(keyStart, keyNodes, distinct: true),
            sortedKeys,
            sortedKeyNode,
            prepared.Tokens.ToPostings(tokenStart, tokenNodes, distinct: false),
            prepared.SortedTokens,
            prepared.KeysByLength,
            prepared.TokensByLength,
            kindOf,
            nameOf);
    }

    /// <summary>
    /// The part of the build that does not depend on the node order (most of the work): names normalized,
    /// keys and tokens collected, sorted and bucketed, all by position. Runs on all cores.
    /// </summary>
    public static PreparedNames Prepare(int count, Func<int, IEnumerable<string>> namesOf)
    {
        // Every raw name in position order, normalized on all cores (normalization is independent per string).
        var raw = new List<string>(count * 3);
        var nodeEnd = new int[count];
        for (var position = 0; position < count; position++)
        {
            raw.AddRange(namesOf(position));
            nodeEnd[position] = raw.Count;
        }

        var normalized = new string[raw.Count];
        var chunk = Math.Max(4096, (normalized.Length / (4 * Environment.ProcessorCount)) + 1);
        Parallel.For(0, (normalized.Length + chunk - 1) / chunk, c =>
        {
            for (var i = c * chunk; i < Math.Min(normalized.Length, (c + 1) * chunk); i++)
            {
                normalized[i] = FastNormalizer.Normalize(raw[i]);
            }
        });
        raw = null;

        // Keys and tokens are two independent passes over the normalized names (each in position order, so
        // the result is the same however they are scheduled): run them side by side.
        var keysPart = Task.Run(() => PrepareKeys(normalized));
        var tokens = PrepareTokens(normalized, nodeEnd);
        var keys = keysPart.GetAwaiter().GetResult();
        return new PreparedNames(nodeEnd, keys.Builder, keys.KeyOfName, keys.Sorted, keys.ByLength, tokens.Builder, tokens.TokenEnd, tokens.TokenOfPair, tokens.Sorted, tokens.ByLength);
    }

    /// <summary>Keys get dense ids in order of first appearance (by position); -1 for a name that normalizes to nothing.</summary>
    private static (PostingsBuilder Builder, int[] KeyOfName, int[] Sorted, Dictionary<int, LengthBucket> ByLength) PrepareKeys(string[] normalized)
    {
        var keys = new PostingsBuilder(normalized.Length);
        var keyOfName = new int[normalized.Length];
        for (var i = 0; i < normalized.Length; i++)
        {
            keyOfName[i] = normalized[i].Length > 0 ? keys.IdOf(normalized[i]) : -1;
        }

        return (keys, keyOfName, OrdinalRadixSort.SortedIds([.. keys.Strings]), keys.BucketsByLength(k => k.Contains(' ', StringComparison.Ordinal)));
    }

    /// <summary>Tokens of every key with the positions that have them, each position once per token, in position order.</summary>
    private static (PostingsBuilder Builder, int[] TokenEnd, int[] TokenOfPair, int[] Sorted, Dictionary<int, LengthBucket> ByLength) PrepareTokens(string[] normalized, int[] nodeEnd)
    {
        var tokens = new PostingsBuilder(nodeEnd.Length);
        var lastPosition = new List<int>(nodeEnd.Length);
        var tokenOfPair = new List<int>(normalized.Length * 2);
        var tokenEnd = new int[nodeEnd.Length];
        var position = 0;
        for (var i = 0; i < normalized.Length; i++)
        {
            while (i >= nodeEnd[position])
            {
                tokenEnd[position++] = tokenOfPair.Count;
            }

            // Tokens of a normalized key are its words: one space apart, none leading or trailing.
            var key = normalized[i];
            var whole = !key.Contains(' ', StringComparison.Ordinal);
            var rest = key.AsSpan();
            while (rest.Length > 0)
            {
                var space = rest.IndexOf(' ');
                var token = space < 0 ? rest : rest[..space];
                rest = space < 0 ? [] : rest[(space + 1)..];
                if (token.IsEmpty)
                {
                    continue;
                }

                var tokenId = whole ? tokens.IdOf(key) : tokens.IdOf(token);
                if (tokenId == lastPosition.Count)
                {
                    lastPosition.Add(-1);
                }

                if (lastPosition[tokenId] != position)
                {
                    lastPosition[tokenId] = position;
                    tokenOfPair.Add(tokenId);
                }
            }
        }

        for (; position < nodeEnd.Length; position++)
        {
            tokenEnd[position] = tokenOfPair.Count;
        }

        return (tokens, tokenEnd, [.. tokenOfPair], OrdinalRadixSort.SortedIds([.. tokens.Strings]), tokens.BucketsByLength(_ => true));
    }

    /// <summary>Counting sort of (id, node) pairs by id, keeping node order within an id.</summary>
    private static (int[] Start, int[] Nodes) Group(int idCount, List<int> pairId, List<int> pairNode)
    {
        var start = new int[idCount + 1];
        var ids = CollectionsMarshal.AsSpan(pairId);
        var nodes = CollectionsMarshal.AsSpan(pairNode);
        foreach (var id in ids)
        {
            start[id + 1]++;
        }

        for (var i = 0; i < idCount; i++)
        {
            start[i + 1] += start[i];
        }

        var cursor = start[..^1];
        var grouped = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            grouped[cursor[ids[i]]++] = nodes[i];
        }

        return (start, grouped);
    }

    /// <summary>Node ordinals whose id, name or alias equals the term after normalization.</summary>
    public IReadOnlyList<int> Resolve(string term) =>
        _exact.Ids.TryGetValue(FastNormalizer.Normalize(term), out var id) ? _exact.Segment(id) : ArraySegment<int>.Empty;

    public IReadOnlyList<(int Node, double Score, MatchKind Match)> Search(string text, IReadOnlySet<NodeKind>? kinds, int limit)
    {
        var query = FastNormalizer.Normalize(text);
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

            ref var current = ref CollectionsMarshal.GetValueRefOrAddDefault(best, node, out var exists);
            if (!exists || current.Score < score)
            {
                current = (score, match);
            }
        }

        int Found() => best.Count;

        // 1. Exact: id, name or alias.
        if (_exact.Ids.TryGetValue(query, out var exactId))
        {
            foreach (var node in _exact.Of(exactId))
            {
                Offer(node, FastNormalizer.Normalize(_nameOf(node)) == query ? 1.0 : 0.95, MatchKind.Exact);
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
            foreach (var node in TokenMatches(queryTokens))
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
                FuzzyScan(query, budget, _keysByLength, _exact, Offer, 0.45, null);
            }

            if (queryTokens.Length == 1 && budget > 0)
            {
                FuzzyScan(query, budget, _tokensByLength, _tokens, Offer, 0.4, _exact);
            }
        }

        return Top(best, limit);
    }

    /// <summary>
    /// Nodes that have every query token (the last one also as a prefix of a token, when it has two or
    /// more characters, over at most <see cref="PrefixScanCap"/> tokens), in no particular order.
    /// </summary>
    private IEnumerable<int> TokenMatches(string[] queryTokens)
    {
        // Tokens before the last must match exactly: intersect their postings, smallest first.
        int[]? common = null;
        if (queryTokens.Length > 1)
        {
            var ids = new int[queryTokens.Length - 1];
            for (var t = 0; t < ids.Length; t++)
            {
                if (!_tokens.Ids.TryGetValue(queryTokens[t], out ids[t]))
                {
                    return [];
                }
            }

            Array.Sort(ids, (a, b) => _tokens.Count(a).CompareTo(_tokens.Count(b)));
            common = _tokens.Of(ids[0]).ToArray();
            for (var t = 1; t < ids.Length && common.Length > 0; t++)
            {
                common = Intersect(common, _tokens.Of(ids[t]));
            }

            if (common.Length == 0)
            {
                return [];
            }
        }

        // The last token: its own postings and, for two or more characters, those of tokens it begins.
        var last = queryTokens[^1];
        var alternatives = new List<int>();
        var ownFound = _tokens.Ids.TryGetValue(last, out var own);
        if (ownFound)
        {
            alternatives.Add(own);
        }

        if (last.Length >= 2)
        {
            var from = LowerBound(_sortedTokens, _tokens.Strings, last);
            for (var i = from; i < _sortedTokens.Length && i - from < PrefixScanCap && _tokens.Strings[_sortedTokens[i]].StartsWith(last, StringComparison.Ordinal); i++)
            {
                if (!ownFound || _sortedTokens[i] != own)
                {
                    alternatives.Add(_sortedTokens[i]);
                }
            }
        }

        if (common is null && alternatives.Count == 1)
        {
            return _tokens.Segment(alternatives[0]);
        }

        var result = new HashSet<int>();
        foreach (var id in alternatives)
        {
            if (common is null)
            {
                foreach (var node in _tokens.Of(id))
                {
                    result.Add(node);
                }
            }
            else
            {
                foreach (var node in Intersect(common, _tokens.Of(id)))
                {
                    result.Add(node);
                }
            }
        }

        return result;
    }

    /// <summary>Intersection of two ascending runs of distinct values, ascending.</summary>
    private static int[] Intersect(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length > b.Length)
        {
            var swap = a;
            a = b;
            b = swap;
        }

        var result = new List<int>(a.Length);
        if ((long)a.Length * 16 < b.Length)
        {
            // Much smaller side: binary search each of its values in what is left of the larger one.
            foreach (var value in a)
            {
                var found = b.BinarySearch(value);
                if (found >= 0)
                {
                    result.Add(value);
                    b = b[(found + 1)..];
                }
                else
                {
                    b = b[~found..];
                }

                if (b.IsEmpty)
                {
                    break;
                }
            }
        }
        else
        {
            for (int i = 0, j = 0; i < a.Length && j < b.Length;)
            {
                if (a[i] < b[j])
                {
                    i++;
                }
                else if (a[i] > b[j])
                {
                    j++;
                }
                else
                {
                    result.Add(a[i]);
                    i++;
                    j++;
                }
            }
        }

        return [.. result];
    }

    /// <summary>
    /// The first <paramref name="limit"/> hits by score (descending), then name length, name (ordinal)
    /// and ordinal: a total order, so selecting the top ones and sorting them equals sorting everything.
    /// </summary>
    private List<(int Node, double Score, MatchKind Match)> Top(Dictionary<int, (double Score, MatchKind Match)> best, int limit)
    {
        if (best.Count <= limit || limit > 64)
        {
            var all = best.Select(p => (Node: p.Key, p.Value.Score, p.Value.Match)).ToList();
            all.Sort(Compare);
            return all.Count > limit ? all.GetRange(0, limit) : all;
        }

        var top = new List<(int Node, double Score, MatchKind Match)>(limit + 1);
        foreach (var (node, value) in best)
        {
            var hit = (node, value.Score, value.Match);
            if (top.Count == limit && Compare(hit, top[^1]) >= 0)
            {
                continue;
            }

            var position = top.Count;
            while (position > 0 && Compare(hit, top[position - 1]) < 0)
            {
                position--;
            }

            top.Insert(position, hit);
            if (top.Count > limit)
            {
                top.RemoveAt(limit);
            }
        }

        return top;
    }

    private int Compare((int Node, double Score, MatchKind Match) a, (int Node, double Score, MatchKind Match) b)
    {
        var byScore = b.Score.CompareTo(a.Score);
        if (byScore != 0)
        {
            return byScore;
        }

        var nameA = _nameOf(a.Node);
        var nameB = _nameOf(b.Node);
        var byLength = nameA.Length.CompareTo(nameB.Length);
        if (byLength != 0)
        {
            return byLength;
        }

        var byName = string.CompareOrdinal(nameA, nameB);
        return byName != 0 ? byName : a.Node.CompareTo(b.Node);
    }

    private static void FuzzyScan(string query, int budget, Dictionary<int, LengthBucket> byLength, Postings postings, Action<int, double, MatchKind> offer, double baseScore, Postings? whole)
    {
        var signature = LengthBucket.Signature(query);
        var counts = LengthBucket.CharacterCounts(query);
        for (var length = query.Length - budget; length <= query.Length + budget; length++)
        {
            if (!byLength.TryGetValue(length, out var bucket))
            {
                continue;
            }

            var ids = bucket.Ids;
            var signatures = bucket.Signatures;
            var candidateCounts = bucket.Counts;
            for (var c = 0; c < ids.Length; c++)
            {
                // Cheap proofs that the distance exceeds the budget, before computing it: each edit changes
                // whether at most two characters occur, and the character counts by at most one each way.
                if (BitOperations.PopCount(signature ^ signatures[c]) > 2 * budget || LengthBucket.CountBound(counts, candidateCounts[c]) > budget)
                {
                    continue;
                }

                var candidate = postings.Strings[ids[c]];
                var distance = TextNormalizer.Distance(query, candidate, budget);
                if (distance <= budget && distance > 0)
                {
                    foreach (var node in postings.Of(ids[c]))
                    {
                        offer(node, baseScore - (0.1 * distance), MatchKind.Fuzzy);
                    }

                    // A token that is a whole name or alias ("somalia") beats the same token inside a longer name.
                    if (whole is not null && whole.Ids.TryGetValue(candidate, out var wholeId))
                    {
                        foreach (var node in whole.Of(wholeId))
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

    private static int LowerBound(int[] sortedIds, string[] strings, string value)
    {
        int lo = 0, hi = sortedIds.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(strings[sortedIds[mid]], value) < 0)
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
