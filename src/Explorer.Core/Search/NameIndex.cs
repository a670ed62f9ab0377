using System.Numerics;
using System.Runtime.InteropServices;
using Explorer.Graph;

namespace Explorer.Search;

/// <summary>
/// In-memory name search over node ordinals: exact (id, name, alias) &gt; prefix &gt; every query token &gt;
/// typo-tolerant fuzzy. Keys are normalized with <see cref="TextNormalizer"/>. Immutable once built.
/// </summary>
/// <remarks>
/// Sized for a million nodes: keys and tokens get dense ids with their postings (ascending ordinals) in
/// one flat array; token matches are intersected by merging sorted postings; the fuzzy scan skips
/// candidates whose character signature alone proves them too far; only the top <c>limit</c> hits are
/// ordered. Strings are sorted with an MSD radix sort (four UTF-16 units per pass) in ordinal order.
/// </remarks>
internal sealed class NameIndex
{
    private const int PrefixScanCap = 4096;

    private readonly Postings _exact;
    private readonly string[] _sortedKeys;
    private readonly int[] _sortedKeyNode;
    private readonly Postings _tokens;
    private readonly int[] _sortedTokens;
    private readonly Dictionary<int, Bucket> _tokensByLength;
    private readonly Dictionary<int, Bucket> _keysByLength;
    private readonly Func<int, NodeKind> _kindOf;
    private readonly Func<int, string> _nameOf;

    private NameIndex(
        Postings exact,
        string[] sortedKeys,
        int[] sortedKeyNode,
        Postings tokens,
        int[] sortedTokens,
        Dictionary<int, Bucket> keysByLength,
        Dictionary<int, Bucket> tokensByLength,
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
    public static NameIndex Build(int nodeCount, Func<int, IEnumerable<string>> namesOf, Func<int, NodeKind> kindOf, Func<int, string> nameOf)
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
    public static NameIndex Build(Prepared prepared, int[] order, Func<int, NodeKind> kindOf, Func<int, string> nameOf)
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
        return new NameIndex(
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
    public static Prepared Prepare(int count, Func<int, IEnumerable<string>> namesOf)
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
                normalized[i] = Normalize(raw[i]);
            }
        });
        raw = null;

        // Keys and tokens are two independent passes over the normalized names (each in position order, so
        // the result is the same however they are scheduled): run them side by side.
        var keysPart = Task.Run(() => PrepareKeys(normalized));
        var tokens = PrepareTokens(normalized, nodeEnd);
        var keys = keysPart.GetAwaiter().GetResult();
        return new Prepared(nodeEnd, keys.Builder, keys.KeyOfName, keys.Sorted, keys.ByLength, tokens.Builder, tokens.TokenEnd, tokens.TokenOfPair, tokens.Sorted, tokens.ByLength);
    }

    /// <summary>Keys get dense ids in order of first appearance (by position); -1 for a name that normalizes to nothing.</summary>
    private static (Postings.Builder Builder, int[] KeyOfName, int[] Sorted, Dictionary<int, Bucket> ByLength) PrepareKeys(string[] normalized)
    {
        var keys = new Postings.Builder(normalized.Length);
        var keyOfName = new int[normalized.Length];
        for (var i = 0; i < normalized.Length; i++)
        {
            keyOfName[i] = normalized[i].Length > 0 ? keys.IdOf(normalized[i]) : -1;
        }

        return (keys, keyOfName, SortedIds([.. keys.Strings]), keys.BucketsByLength(k => k.Contains(' ', StringComparison.Ordinal)));
    }

    /// <summary>Tokens of every key with the positions that have them, each position once per token, in position order.</summary>
    private static (Postings.Builder Builder, int[] TokenEnd, int[] TokenOfPair, int[] Sorted, Dictionary<int, Bucket> ByLength) PrepareTokens(string[] normalized, int[] nodeEnd)
    {
        var tokens = new Postings.Builder(nodeEnd.Length);
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

        return (tokens, tokenEnd, [.. tokenOfPair], SortedIds([.. tokens.Strings]), tokens.BucketsByLength(_ => true));
    }

    /// <summary>Names prepared by position (see <see cref="Prepare"/>); used once, by one build.</summary>
    internal sealed class Prepared
    {
        internal Prepared(int[] nodeEnd, Postings.Builder keys, int[] keyOfName, int[] sortedKeys, Dictionary<int, Bucket> keysByLength, Postings.Builder tokens, int[] tokenEnd, int[] tokenOfPair, int[] sortedTokens, Dictionary<int, Bucket> tokensByLength)
        {
            NodeEnd = nodeEnd;
            Keys = keys;
            KeyOfName = keyOfName;
            SortedKeys = sortedKeys;
            KeysByLength = keysByLength;
            Tokens = tokens;
            TokenEnd = tokenEnd;
            TokenOfPair = tokenOfPair;
            SortedTokens = sortedTokens;
            TokensByLength = tokensByLength;
        }

        /// <summary>Names of position p are NodeEnd[p-1] .. NodeEnd[p]-1 (in the order given).</summary>
        internal int[] NodeEnd { get; }

        internal Postings.Builder Keys { get; }

        /// <summary>Key id of each name, -1 when it normalizes to nothing.</summary>
        internal int[] KeyOfName { get; }

        internal int[] SortedKeys { get; }

        internal Dictionary<int, Bucket> KeysByLength { get; }

        internal Postings.Builder Tokens { get; }

        /// <summary>Token pairs of position p are TokenEnd[p-1] .. TokenEnd[p]-1.</summary>
        internal int[] TokenEnd { get; }

        internal int[] TokenOfPair { get; }

        internal int[] SortedTokens { get; }

        internal Dictionary<int, Bucket> TokensByLength { get; }
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

    /// <summary>Ids 0..n-1 ordered by their strings, ordinal (MSD radix sort on four UTF-16 units per pass).</summary>
    internal static int[] SortedIds(string[] strings)
    {
        var ids = new int[strings.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }

        SortRange(strings, ids, new ulong[ids.Length], 0, ids.Length, 0);
        return ids;
    }

    private static void SortRange(string[] strings, int[] ids, ulong[] blocks, int lo, int hi, int depth)
    {
        for (var i = lo; i < hi; i++)
        {
            blocks[i] = Block(strings[ids[i]], depth);
        }

        Array.Sort(blocks, ids, lo, hi - lo);
        for (var i = lo; i < hi;)
        {
            var j = i + 1;
            while (j < hi && blocks[j] == blocks[i])
            {
                j++;
            }

            if (j - i > 1)
            {
                // Same four units here (a string that ended reads as zeros): the ones that end within this
                // block are prefixes of the others, shortest first; the rest are ordered by what follows.
                var ended = new List<int>();
                var going = new List<int>();
                for (var k = i; k < j; k++)
                {
                    (strings[ids[k]].Length <= depth + 4 ? ended : going).Add(ids[k]);
                }

                ended.Sort((a, b) => strings[a].Length.CompareTo(strings[b].Length));
                ended.CopyTo(ids, i);
                going.CopyTo(ids, i + ended.Count);
                if (going.Count > 1)
                {
                    SortRange(strings, ids, blocks, i + ended.Count, j, depth + 4);
                }
            }

            i = j;
        }
    }

    private static ulong Block(string s, int depth)
    {
        ulong block = 0;
        for (var k = 0; k < 4; k++)
        {
            block = (block << 16) | (depth + k < s.Length ? s[depth + k] : 0u);
        }

        return block;
    }

    /// <summary>
    /// <see cref="TextNormalizer.Normalize"/>, with a fast path for pure ASCII text (which Unicode
    /// decomposition leaves unchanged and which has no combining marks), giving the same result.
    /// </summary>
    internal static string Normalize(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (!System.Text.Ascii.IsValid(text))
        {
            return TextNormalizer.Normalize(text);
        }

        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            char kept;
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                kept = c;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                kept = (char)(c + ('a' - 'A'));
            }
            else
            {
                pendingSpace |= c is not ('.' or '\'');
                continue;
            }

            if (pendingSpace && length > 0)
            {
                buffer[length++] = ' ';
            }

            pendingSpace = false;
            buffer[length++] = kept;
        }

        var result = buffer[..length];
        return result.SequenceEqual(text) ? text : new string(result);
    }

    /// <summary>Node ordinals whose id, name or alias equals the term after normalization.</summary>
    public IReadOnlyList<int> Resolve(string term) =>
        _exact.Ids.TryGetValue(Normalize(term), out var id) ? _exact.Segment(id) : [];

    public IReadOnlyList<(int Node, double Score, MatchKind Match)> Search(string text, IReadOnlySet<NodeKind>? kinds, int limit)
    {
        var query = Normalize(text);
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
                Offer(node, Normalize(_nameOf(node)) == query ? 1.0 : 0.95, MatchKind.Exact);
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

    private static void FuzzyScan(string query, int budget, Dictionary<int, Bucket> byLength, Postings postings, Action<int, double, MatchKind> offer, double baseScore, Postings? whole)
    {
        var signature = Bucket.Signature(query);
        var counts = Bucket.CharacterCounts(query);
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
                if (BitOperations.PopCount(signature ^ signatures[c]) > 2 * budget || Bucket.CountBound(counts, candidateCounts[c]) > budget)
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

    /// <summary>Strings with dense ids and, per id, an ascending run of distinct node ordinals in one flat array.</summary>
    internal sealed class Postings(Dictionary<string, int> ids, string[] strings, int[] start, int[] nodes)
    {
        public Dictionary<string, int> Ids { get; } = ids;

        public string[] Strings { get; } = strings;

        public ReadOnlySpan<int> Of(int id) => nodes.AsSpan(start[id], start[id + 1] - start[id]);

        public ArraySegment<int> Segment(int id) => new(nodes, start[id], start[id + 1] - start[id]);

        public int Count(int id) => start[id + 1] - start[id];

        /// <summary>Collects strings in order of first appearance.</summary>
        public sealed class Builder(int capacity)
        {
            private readonly Dictionary<string, int> _ids = new(capacity, StringComparer.Ordinal);
            private readonly List<string> _strings = new(capacity);
            private readonly List<ulong> _signatures = new(capacity);
            private readonly List<ulong> _counts = new(capacity);

            public int Count => _strings.Count;

            public List<string> Strings => _strings;

            public int IdOf(string s)
            {
                ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, s, out var exists);
                if (!exists)
                {
                    id = Add(s);
                }

                return id;
            }

            public int IdOf(ReadOnlySpan<char> s)
            {
                var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
                if (lookup.TryGetValue(s, out var id))
                {
                    return id;
                }

                var text = s.ToString();
                id = Add(text);
                _ids.Add(text, id);
                return id;
            }

            private int Add(string s)
            {
                _strings.Add(s);
                _signatures.Add(Bucket.Signature(s));
                _counts.Add(Bucket.CharacterCounts(s));
                return _strings.Count - 1;
            }

            /// <summary>Buckets by string length of the ids whose string passes the test, in id order.</summary>
            public Dictionary<int, Bucket> BucketsByLength(Func<string, bool> include)
            {
                var counts = new Dictionary<int, int>();
                foreach (var s in _strings)
                {
                    if (include(s))
                    {
                        counts[s.Length] = counts.GetValueOrDefault(s.Length) + 1;
                    }
                }

                var buckets = counts.ToDictionary(p => p.Key, p => new Bucket(new int[p.Value], new ulong[p.Value], new ulong[p.Value]));
                var filled = counts.ToDictionary(p => p.Key, _ => 0);
                for (var id = 0; id < _strings.Count; id++)
                {
                    var s = _strings[id];
                    if (include(s))
                    {
                        var bucket = buckets[s.Length];
                        ref var at = ref CollectionsMarshal.GetValueRefOrNullRef(filled, s.Length);
                        bucket.Ids[at] = id;
                        bucket.Counts[at] = _counts[id];
                        bucket.Signatures[at++] = _signatures[id];
                    }
                }

                return buckets;
            }

            public Postings ToPostings(int[] start, int[] grouped, bool distinct)
            {
                if (distinct)
                {
                    // Drop repeats of a node within an id (a node whose name equals its alias).
                    var write = 0;
                    var read = 0;
                    for (var id = 0; id < start.Length - 1; id++)
                    {
                        var end = start[id + 1];
                        start[id] = write;
                        for (; read < end; read++)
                        {
                            if (write == start[id] || grouped[write - 1] != grouped[read])
                            {
                                grouped[write++] = grouped[read];
                            }
                        }
                    }

                    start[^1] = write;
                    Array.Resize(ref grouped, write);
                }

                return new Postings(_ids, [.. _strings], start, grouped);
            }
        }
    }

    /// <summary>Ids of strings of one length (in id order) with their character signatures.</summary>
    internal sealed class Bucket(int[] ids, ulong[] signatures, ulong[] counts)
    {
        private const int CountBuckets = 21;
        private const int CountBits = 3;
        private const ulong CountMask = (1UL << CountBits) - 1;

        public int[] Ids { get; } = ids;

        public ulong[] Signatures { get; } = signatures;

        public ulong[] Counts { get; } = counts;

        /// <summary>One bit per character class: a–z, 0–9 and space each their own; anything else hashed into the rest.</summary>
        public static ulong Signature(string text)
        {
            ulong signature = 0;
            foreach (var c in text)
            {
                signature |= 1UL << Class(c);
            }

            return signature;
        }

        /// <summary>Character counts: 21 buckets of character classes, 3 bits each, saturating at 7.</summary>
        public static ulong CharacterCounts(string text)
        {
            ulong counts = 0;
            foreach (var c in text)
            {
                var shift = Class(c) % CountBuckets * CountBits;
                if (((counts >> shift) & CountMask) != CountMask)
                {
                    counts += 1UL << shift;
                }
            }

            return counts;
        }

        /// <summary>
        /// A lower bound of the edit distance: each insertion, deletion or substitution adds or removes at most
        /// one character on each side of the multiset difference (a transposition none), and merging classes
        /// into buckets or saturating counts only shrinks that difference.
        /// </summary>
        public static int CountBound(ulong a, ulong b)
        {
            int more = 0, fewer = 0;
            for (var shift = 0; shift < CountBuckets * CountBits; shift += CountBits)
            {
                var difference = (int)((a >> shift) & CountMask) - (int)((b >> shift) & CountMask);
                if (difference > 0)
                {
                    more += difference;
                }
                else
                {
                    fewer -= difference;
                }
            }

            return Math.Max(more, fewer);
        }

        private static int Class(char c) => c switch
        {
            >= 'a' and <= 'z' => c - 'a',
            >= '0' and <= '9' => 26 + (c - '0'),
            ' ' => 36,
            _ => 37 + (c % 27),
        };
    }
}
