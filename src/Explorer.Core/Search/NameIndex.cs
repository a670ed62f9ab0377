using System.Runtime.InteropServices;
using Explorer.Embedded;
using Explorer.Graph;

namespace Explorer.Search;

/// <summary>
/// In-memory name search over node ordinals: exact (id, name, alias) &gt; prefix &gt; every query token &gt;
/// typo-tolerant fuzzy (only for a query that is no node's exact id, name or alias). Keys are normalized with
/// <see cref="TextNormalizer"/>. Immutable once built.
/// </summary>
/// <remarks>
/// Sized for a million nodes and lean: the distinct keys and the distinct tokens are each one
/// <see cref="SortedStrings"/> (characters packed in one buffer in ordinal order, int offsets, postings of
/// ascending ordinals in one flat array, no string objects and no hash tables), so exact and prefix look-ups
/// are binary searches; token matches are intersected by merging sorted postings; the typo tiers walk the
/// sorted strings as a trie from both ends (<see cref="SortedStrings.Within"/>) instead of scanning them;
/// only the top <c>limit</c> hits are ordered.
/// </remarks>
internal sealed class NameIndex
{

    private const int PrefixScanCap = 4096;

    /// <summary>Distinct keys; a key's postings are its (key, node) pairs, so a node repeats when it has the key twice.</summary>
    private readonly SortedStrings _keys;

    /// <summary>Distinct tokens of the keys; each node once per token.</summary>
    private readonly SortedStrings _tokens;
    private readonly Func<int, NodeKind> _kindOf;
    private readonly Func<int, string> _nameOf;

    private NameIndex(SortedStrings keys, SortedStrings tokens, Func<int, NodeKind> kindOf, Func<int, string> nameOf)
    {
        _keys = keys;
        _tokens = tokens;
        _kindOf = kindOf;
        _nameOf = nameOf;
    }

    /// <summary>What the index is made of, as stored in an index snapshot (the functions come from the nodes).</summary>
    internal sealed record NameIndexParts(SortedStrings Keys, SortedStrings Tokens);

    internal NameIndexParts Parts => new(_keys, _tokens);

    /// <summary>Bytes held by the index's arrays (what it retains).</summary>
    public long MemoryBytes => _keys.MemoryBytes + _tokens.MemoryBytes;

    /// <summary>An index from its parts (read from a snapshot written from <see cref="Parts"/>).</summary>
    internal static NameIndex FromParts(NameIndexParts parts, Func<int, NodeKind> kindOf, Func<int, string> nameOf) =>
        new(parts.Keys, parts.Tokens, kindOf, nameOf);

    /// <summary>Builds the index. <paramref name="namesOf"/> yields a node's id, name and aliases (raw).</summary>
    public static NameIndex Build(int nodeCount, Func<int, IEnumerable<string>> namesOf, Func<int, NodeKind> kindOf, Func<int, string> nameOf)
    {
        var identity = HugePages.Allocate<int>(nodeCount);
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
    public static NameIndex Build(PreparedNames prepared, int[] order, Func<int, NodeKind> kindOf, Func<int, string> nameOf)
    {
        if (order.Length != prepared.NodeEnd.Length)
        {
            throw new ArgumentException("order must cover every prepared position", nameof(order));
        }

        // Keys and tokens are independent from here on: each gets its postings and its sorted strings (the walk's
        // shapes) on its own core.
        var keys = Task.Run(() => Strings(prepared.Keys, order, prepared.NodeEnd, prepared.KeyOfName));
        var tokens = Strings(prepared.Tokens, order, prepared.TokenEnd, prepared.TokenOfPair);
        var k = keys.GetAwaiter().GetResult();
        return new NameIndex(k, tokens, kindOf, nameOf);
    }

    /// <summary>
    /// Packed strings with their postings by counting sort over the ordinals in order: string s's nodes are the
    /// ordinals whose position has an item of id s (items of position p are end[p-1] .. end[p]-1; id -1 is none),
    /// in ordinal order, a node as many times as it has the item.
    /// </summary>
    private static SortedStrings Strings(PreparedNames.Packed packed, int[] order, int[] end, int[] idOfItem)
    {
        var postingStart = HugePages.Allocate<int>(packed.Count + 1, uninitialized: false);
        foreach (var position in order)
        {
            for (var i = position == 0 ? 0 : end[position - 1]; i < end[position]; i++)
            {
                if (idOfItem[i] >= 0)
                {
                    postingStart[idOfItem[i] + 1]++;
                }
            }
        }

        for (var s = 0; s + 1 < postingStart.Length; s++)
        {
            postingStart[s + 1] += postingStart[s];
        }

        var nodes = HugePages.Allocate<int>(postingStart[^1]);
        var cursor = HugePages.Copy<int>(postingStart.AsSpan(0, packed.Count));
        for (var ordinal = 0; ordinal < order.Length; ordinal++)
        {
            var position = order[ordinal];
            for (var i = position == 0 ? 0 : end[position - 1]; i < end[position]; i++)
            {
                if (idOfItem[i] >= 0)
                {
                    nodes[cursor[idOfItem[i]]++] = ordinal;
                }
            }
        }

        return new SortedStrings(packed.Text, packed.Start, postingStart, nodes, packed.Reversed, packed.BackwardShared, packed.BackwardLeaves);
    }

    /// <summary>
    /// The part of the build that does not depend on the node order (most of the work): names normalized,
    /// keys and tokens collected, sorted and packed, all by position. Runs on all cores.
    /// </summary>
    public static PreparedNames Prepare(int count, Func<int, IEnumerable<string>> namesOf)
    {
        var (text, start, nodeEnd) = Normalized(count, namesOf);

        // Keys forwards, the names backwards and the tokens are independent passes over the normalized names:
        // run side by side. The keys' order read backwards, and its shape, come from the names read backwards
        // (same strings, repeats side by side).
        var keysPart = Task.Run(() => PrepareKeys(text, start));
        var backwardsPart = Task.Run(() =>
        {
            var ids = OrdinalRadixSort.SortedIds(text, start, backwards: true, SortedStrings.Shape.Cap, out var shared, out var leaves);
            return (Ids: ids, Shared: shared, Leaves: leaves);
        });
        var (tokens, tokenEnd, tokenOfPair) = PrepareTokens(text, start, nodeEnd);
        var namesBackwards = backwardsPart.GetAwaiter().GetResult();
        var (keyText, keyStart, keyOfName) = keysPart.GetAwaiter().GetResult();
        var keyCount = keyStart.Length - 1;
        var reversed = HugePages.Allocate<int>(keyCount, uninitialized: false);
        var backShared = HugePages.Allocate<byte>(keyCount, uninitialized: false);
        var backLeaves = HugePages.Allocate<char>(keyCount, uninitialized: false);
        var distinctKeys = 0;
        var previous = -1;
        for (var q = 0; q < namesBackwards.Ids.Length; q++)
        {
            // A key's first name in this order leaves the key before it where the keys part (equal names are side by side).
            var key = keyOfName[namesBackwards.Ids[q]];
            if (key >= 0 && key != previous)
            {
                reversed[distinctKeys] = key;
                backShared[distinctKeys] = distinctKeys == 0 ? (byte)0 : namesBackwards.Shared[q];
                backLeaves[distinctKeys++] = namesBackwards.Leaves[q];
                previous = key;
            }
        }

        var keys = new PreparedNames.Packed(keyText, keyStart, reversed, backShared, backLeaves);
        return new PreparedNames(nodeEnd, keys, keyOfName, tokens, tokenEnd, tokenOfPair);
    }

    /// <summary>
    /// Every name of every position (ids, names, aliases as <paramref name="namesOf"/> gives them), normalized and
    /// packed in position order: name i is text[start[i] .. start[i+1]-1], the names of position p are
    /// nodeEnd[p-1] .. nodeEnd[p]-1. Collected and normalized on all cores, a run of positions each (so
    /// <paramref name="namesOf"/> is called from several threads), into one buffer: no string per name.
    /// </summary>
    private static (char[] Text, int[] Start, int[] NodeEnd) Normalized(int count, Func<int, IEnumerable<string>> namesOf)
    {
        var runLength = Math.Max(4096, (count / (8 * Environment.ProcessorCount)) + 1);
        var runs = new (char[] Text, int Length, List<int> Ends)[(count + runLength - 1) / runLength];
        var nodeEnd = HugePages.Allocate<int>(count, uninitialized: false);
        Parallel.For(0, runs.Length, r =>
        {
            var text = HugePages.Allocate<char>(runLength * 48);
            var length = 0;
            var ends = new List<int>(runLength * 3);
            for (var position = r * runLength; position < Math.Min(count, (r + 1) * runLength); position++)
            {
                var names = namesOf(position);
                if (names is IReadOnlyList<string> list)
                {
                    // Read by index: no enumerator allocated per position (a million of them are ~8,000 fresh pages of
                    // the GC heap to fault in; a collection expression of the names is such a list).
                    for (var n = 0; n < list.Count; n++)
                    {
                        length = FastNormalizer.NormalizeInto(list[n], ref text, length);
                        ends.Add(length);
                    }
                }
                else
                {
                    foreach (var name in names)
                    {
                        length = FastNormalizer.NormalizeInto(name, ref text, length);
                        ends.Add(length);
                    }
                }

                // Counted within the run; made global below.
                nodeEnd[position] = ends.Count;
            }

            runs[r] = (text, length, ends);
        });

        var names = 0;
        long chars = 0;
        var firstName = new int[runs.Length];
        var firstChar = new int[runs.Length];
        for (var r = 0; r < runs.Length; r++)
        {
            firstName[r] = names;
            firstChar[r] = checked((int)chars);
            names += runs[r].Ends.Count;
            chars += runs[r].Length;
        }

        var all = HugePages.Allocate<char>(checked((int)chars));
        var start = HugePages.Allocate<int>(names + 1, uninitialized: false);
        Parallel.For(0, runs.Length, r =>
        {
            var (text, length, ends) = runs[r];
            text.AsSpan(0, length).CopyTo(all.AsSpan(firstChar[r]));
            for (var i = 0; i < ends.Count; i++)
            {
                start[firstName[r] + i + 1] = firstChar[r] + ends[i];
            }

            for (var position = r * runLength; position < Math.Min(count, (r + 1) * runLength); position++)
            {
                nodeEnd[position] += firstName[r];
            }

            runs[r] = default;
        });

        return (all, start, nodeEnd);
    }

    /// <summary>Distinct keys packed in ordinal order; each name's key rank, -1 for a name that normalizes to nothing.</summary>
    private static (char[] Text, int[] Start, int[] KeyOfName) PrepareKeys(char[] names, int[] nameStart)
    {
        var count = nameStart.Length - 1;
        var sorted = OrdinalRadixSort.SortedIds(names, nameStart, backwards: false);
        // One pass in sorted order: each distinct key copied once (into buffers sized for all names, then copied to
        // size) while reading it to compare, not read a second time from its scattered place. Every array here is
        // advised huge pages (a list or ToArray would fault ~24,000 fresh 4 KiB pages at 1M, ~0.3 s of CPU).
        var keyOfName = HugePages.Allocate<int>(count);
        var all = HugePages.Allocate<char>(nameStart[^1]);
        var starts = HugePages.Allocate<int>(count + 1);
        starts[0] = 0;
        var keys = 0;
        var last = ReadOnlySpan<char>.Empty;
        var end = 0;
        foreach (var i in sorted)
        {
            var key = names.AsSpan(nameStart[i], nameStart[i + 1] - nameStart[i]);
            if (key.Length == 0)
            {
                keyOfName[i] = -1;
                continue;
            }

            if (keys == 0 || !key.SequenceEqual(last))
            {
                key.CopyTo(all.AsSpan(end));
                last = all.AsSpan(end, key.Length);
                end += key.Length;
                starts[++keys] = end;
            }

            keyOfName[i] = keys - 1;
        }

        var start = HugePages.Copy<int>(starts.AsSpan(0, keys + 1));
        var text = HugePages.Copy<char>(all.AsSpan(0, end));

        return (text, start, keyOfName);
    }

    /// <summary>Tokens of every key with the positions that have them, each position once per token, in position order.</summary>
    private static (PreparedNames.Packed Tokens, int[] TokenEnd, int[] TokenOfPair) PrepareTokens(char[] names, int[] nameStart, int[] nodeEnd)
    {
        // Ids in order of first appearance while collecting (a transient table of packed text), ranks once sorted.
        var table = new TokenTable(nodeEnd.Length);
        var nameCount = nameStart.Length - 1;
        // At most one pair per token occurrence (a word is a name's start or follows a space): room for all of them
        // at once, so no list grows by copying; only the first pairs count (tokenEnd says how many).
        var pairs = new TokenPairs(table, names, nodeEnd.Length, nameCount + names.AsSpan(0, nameStart[^1]).Count(' '));
        var position = 0;
        for (var i = 0; i < nameCount; i++)
        {
            while (i >= nodeEnd[position])
            {
                position++;
            }

            // Tokens of a normalized key are its words: one space apart, none leading or trailing.
            int from = nameStart[i], end = nameStart[i + 1];
            while (from < end)
            {
                var space = names.AsSpan(from, end - from).IndexOf(' ');
                var to = space < 0 ? end : from + space;
                if (to > from)
                {
                    pairs.Add(from, to - from, position);
                }

                from = to + 1;
            }
        }

        var (tokenEnd, tokenOfPair) = pairs.Finish();
        var pairCount = pairs.Count;
        var (text, start) = table.Packed();

        // The tokens' order read backwards, and its shape, do not depend on how the tokens are numbered (they are
        // distinct): sorted over the table's ids on the other core, beside the forward sort, then renamed to ranks.
        var backwardsPart = Task.Run(() =>
        {
            var ids = OrdinalRadixSort.SortedIds(text, start, backwards: true, SortedStrings.Shape.Cap, out var shared, out var leaves);
            return (Ids: ids, Shared: shared, Leaves: leaves);
        });
        var sorted = OrdinalRadixSort.SortedIds(text, start, backwards: false);
        var rank = HugePages.Allocate<int>(sorted.Length);
        for (var r = 0; r < sorted.Length; r++)
        {
            rank[sorted[r]] = r;
        }

        for (var p = 0; p < pairCount; p++)
        {
            tokenOfPair[p] = rank[tokenOfPair[p]];
        }

        var (sortedText, sortedStart) = Pack(text, start, sorted);
        var backwards = backwardsPart.GetAwaiter().GetResult();
        var reversed = backwards.Ids;
        for (var q = 0; q < reversed.Length; q++)
        {
            reversed[q] = rank[reversed[q]];
        }

        return (new PreparedNames.Packed(sortedText, sortedStart, reversed, backwards.Shared, backwards.Leaves), tokenEnd, tokenOfPair);
    }

    /// <summary>Packed strings in the order given by <paramref name="order"/>, packed again.</summary>
    private static (char[] Text, int[] Start) Pack(char[] text, int[] start, int[] order)
    {
        var newStart = HugePages.Allocate<int>(order.Length + 1, uninitialized: false);
        for (var i = 0; i < order.Length; i++)
        {
            newStart[i + 1] = newStart[i] + (start[order[i] + 1] - start[order[i]]);
        }

        var newText = HugePages.Allocate<char>(newStart[^1]);
        for (var i = 0; i < order.Length; i++)
        {
            text.AsSpan(start[order[i]], start[order[i] + 1] - start[order[i]]).CopyTo(newText.AsSpan(newStart[i]));
        }

        return (newText, newStart);
    }

    /// <summary>
    /// The token pairs of positions in order (each token once per position) as their occurrences come, looked up in
    /// the token table in batches: the hashes of a batch first and their slots read together (independent loads that
    /// the processor overlaps, where one look-up after the other waits for each cache miss in turn), then the
    /// look-ups, which find their slots in cache.
    /// </summary>
    private sealed class TokenPairs(TokenTable table, char[] text, int positions, int capacity)
    {
        private const int Batch = 64;

        private readonly int[] _from = new int[Batch];
        private readonly int[] _length = new int[Batch];
        private readonly int[] _position = new int[Batch];
        private readonly int[] _hash = new int[Batch];
        private readonly int[] _tokenEnd = HugePages.Allocate<int>(positions);
        private readonly int[] _tokenOfPair = HugePages.Allocate<int>(capacity);
        private int[] _lastPosition = HugePages.Allocate<int>(Math.Max(16, positions));
        private int _pending;
        private long _touched;
        private int _pairCount;
        private int _settled;

        /// <summary>An occurrence of the token text[from .. from+length-1] in a name of <paramref name="position"/> (positions never decrease).</summary>
        public void Add(int from, int length, int position)
        {
            (_from[_pending], _length[_pending], _position[_pending]) = (from, length, position);
            if (++_pending == Batch)
            {
                Flush();
            }
        }

        /// <summary>How many pairs there are (the first ones of the token array).</summary>
        public int Count => _pairCount;

        public (int[] TokenEnd, int[] TokenOfPair) Finish()
        {
            Flush();
            while (_settled < _tokenEnd.Length)
            {
                _tokenEnd[_settled++] = _pairCount;
            }

            return (_tokenEnd, _tokenOfPair);
        }

        private void Flush()
        {
            var touched = 0L;
            for (var k = 0; k < _pending; k++)
            {
                _hash[k] = string.GetHashCode(text.AsSpan(_from[k], _length[k]));
                touched ^= table.SlotAt(_hash[k]);
            }

            _touched ^= touched;
            for (var k = 0; k < _pending; k++)
            {
                var position = _position[k];
                while (_settled < position)
                {
                    _tokenEnd[_settled++] = _pairCount;
                }

                var tokenId = table.IdOf(text.AsSpan(_from[k], _length[k]), _hash[k], out var added);
                if (added)
                {
                    if (tokenId == _lastPosition.Length)
                    {
                        HugePages.Resize(ref _lastPosition, _lastPosition.Length * 2);
                    }

                    _lastPosition[tokenId] = -1;
                }

                if (_lastPosition[tokenId] != position)
                {
                    _lastPosition[tokenId] = position;
                    _tokenOfPair[_pairCount++] = tokenId;
                }
            }

            _pending = 0;
        }
    }

    /// <summary>
    /// Distinct strings by first appearance, packed in one growing buffer, found by an open-addressing table of
    /// their ids, each slot holding the string's hash (its own randomized one) beside its id: a probe compares the
    /// hash in the slot and reads the string only when it matches; a collection pass over millions of tokens
    /// without a string or a dictionary entry per distinct one.
    /// </summary>
    private sealed class TokenTable(int expected)
    {
        private char[] _text = HugePages.Allocate<char>(Math.Max(64, expected * 8));
        private int[] _start = HugePages.Allocate<int>(Math.Max(16, expected) + 1, uninitialized: false);

        /// <summary>Empty (0) or the hash in the high half and id + 1 in the low half.</summary>
        private long[] _slots = HugePages.Allocate<long>((int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(32, expected * 3))), uninitialized: false);
        private int _count;

        /// <summary>The id of <paramref name="value"/>, added (with the next id) when new.</summary>
        public int IdOf(ReadOnlySpan<char> value, out bool added) => IdOf(value, string.GetHashCode(value), out added);

        /// <summary>The slot where a look-up of <paramref name="hash"/> starts (read to have it in cache).</summary>
        public long SlotAt(int hash) => _slots[hash & (_slots.Length - 1)];

        /// <summary><see cref="IdOf(ReadOnlySpan{char}, out bool)"/> given the value's hash (string.GetHashCode).</summary>
        public int IdOf(ReadOnlySpan<char> value, int hash, out bool added)
        {
            var mask = _slots.Length - 1;
            for (var slot = hash & mask; ; slot = (slot + 1) & mask)
            {
                var entry = _slots[slot];
                if (entry == 0)
                {
                    added = true;
                    return Add(value, hash, slot);
                }

                if ((int)(entry >> 32) == hash)
                {
                    var id = (int)entry - 1;
                    if (_text.AsSpan(_start[id], _start[id + 1] - _start[id]).SequenceEqual(value))
                    {
                        added = false;
                        return id;
                    }
                }
            }
        }

        public (char[] Text, int[] Start) Packed() => (_text, HugePages.Copy<int>(_start.AsSpan(0, _count + 1)));

        private int Add(ReadOnlySpan<char> value, int hash, int slot)
        {
            var id = _count++;
            if (_count == _start.Length)
            {
                HugePages.Resize(ref _start, ((_start.Length - 1) * 2) + 1);
            }

            var end = checked(_start[id] + value.Length);
            if (end > _text.Length)
            {
                HugePages.Resize(ref _text, Math.Max(end, checked(_text.Length * 2)));
            }

            value.CopyTo(_text.AsSpan(_start[id]));
            _start[id + 1] = end;
            _slots[slot] = ((long)hash << 32) | (uint)(id + 1);
            if (_count * 2 > _slots.Length)
            {
                Grow();
            }

            return id;
        }

        private void Grow()
        {
            var old = _slots;
            _slots = HugePages.Allocate<long>(checked(old.Length * 2), uninitialized: false);
            var mask = _slots.Length - 1;
            foreach (var entry in old)
            {
                if (entry == 0)
                {
                    continue;
                }

                var slot = (int)(entry >> 32) & mask;
                while (_slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                _slots[slot] = entry;
            }
        }
    }

    /// <summary>Node ordinals whose id, name or alias equals the term after normalization.</summary>
    public IReadOnlyList<int> Resolve(string term)
    {
        var id = _keys.Find(FastNormalizer.Normalize(term));
        if (id < 0)
        {
            return ArraySegment<int>.Empty;
        }

        // A node with the key twice (its name equals its alias) is in its postings twice, side by side.
        var nodes = _keys.Segment(id);
        for (var i = 1; i < nodes.Count; i++)
        {
            if (nodes[i] == nodes[i - 1])
            {
                var distinct = new List<int>(nodes.Count);
                foreach (var node in nodes)
                {
                    if (distinct.Count == 0 || distinct[^1] != node)
                    {
                        distinct.Add(node);
                    }
                }

                return distinct;
            }
        }

        return nodes;
    }

    /// <summary>Ranked search: exact, prefix, token, then typo-tolerant tiers, each scoring below the one before.</summary>
    /// <param name="fuzzyBesideExact">
    /// Run the typo tier even when the query is some node's exact id, name or alias. For a caller that merges this
    /// index's hits with another's (<see cref="Explorer.Embedded.GraphIndex.Search"/>): whether an exact hit rules
    /// the typos out is for the merged hits to say, as an exact hit may be on the other side or out of date here.
    /// </param>
    public IReadOnlyList<(int Node, double Score, MatchKind Match)> Search(string text, IReadOnlySet<NodeKind>? kinds, int limit, bool fuzzyBesideExact = false)
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
        var exactId = _keys.Find(query);
        if (exactId >= 0)
        {
            foreach (var node in _keys.Of(exactId))
            {
                Offer(node, FastNormalizer.NormalizesTo(_nameOf(node), query) ? 1.0 : 0.95, MatchKind.Exact);
            }
        }

        var exactHit = Found() > 0;

        // Every later tier scores below 0.95 and a node keeps its best score: with limit exact hits already,
        // nothing after them can enter the top (an alias shared by thousands of nodes stops here).
        if (Found() >= limit)
        {
            return Top(best, limit);
        }

        // 2. Prefix of a whole key; shorter keys rank higher. At most PrefixScanCap (key, node) pairs, in key order.
        Prefix(query, limit, Offer, Found);

        // 3. Every query token is a token of the node (the last may be a prefix).
        var queryTokens = TextNormalizer.Tokens(query);
        if (Found() < limit && queryTokens.Length > 0)
        {
            foreach (var node in TokenMatches(queryTokens))
            {
                Offer(node, 0.6, MatchKind.Token);
            }
        }

        // 4. Typo tolerant: whole keys, then single tokens, within an edit budget by length. Not when the query
        // is some node's exact id, name or alias: its typo neighbours are other nodes that merely look alike
        // (Iran and Iraq, ids one digit apart), not what the analyst typed.
        if ((!exactHit || fuzzyBesideExact) && Found() < limit)
        {
            var budget = TextNormalizer.FuzzyBudget(query.Length);
            if (budget > 0)
            {
                Fuzzy(query, budget, _keys, Offer, 0.45, null);
            }

            if (queryTokens.Length == 1 && budget > 0)
            {
                Fuzzy(query, budget, _tokens, Offer, 0.4, _keys);
            }
        }

        return Top(best, limit);
    }

    /// <summary>
    /// Offers the nodes of the keys that start with the query: the first <see cref="PrefixScanCap"/> (key, node)
    /// pairs in key order, each scored by its key's length (shorter is higher). Offered shortest keys first, and
    /// once <paramref name="limit"/> nodes are found, no further than the end of a score: every pair after that
    /// scores lower than the nodes found, so it cannot enter the top, and the later tiers (lower still) are
    /// skipped anyway at <paramref name="limit"/> found. The top is the same as offering all of them.
    /// </summary>
    private void Prefix(string query, int limit, Action<int, double, MatchKind> offer, Func<int> found)
    {
        var (from, to) = _keys.PrefixRange(query);
        if (from == to)
        {
            return;
        }

        // The pairs offered end at pairEnd: keys from..last, the last one perhaps in part.
        var pairEnd = (int)Math.Min((long)_keys.PostingStart(from) + PrefixScanCap, _keys.PostingStart(to));
        var last = _keys.KeyOfPosting(pairEnd - 1, from, to);
        double Score(int length) => 0.8 - Math.Min(0.1, (length - query.Length) * 0.002);
        void OfferKey(int k, double score)
        {
            var nodes = _keys.Of(k);
            foreach (var node in nodes[..Math.Min(nodes.Length, pairEnd - _keys.PostingStart(k))])
            {
                offer(node, score, MatchKind.Prefix);
            }
        }

        if (last == from)
        {
            OfferKey(from, Score(_keys.Length(from)));
            return;
        }

        // Keys by length (a counting sort of the range's ids), then offered a length at a time.
        var count = last - from + 1;
        var lengths = new int[_keys.MaxLength - query.Length + 2];
        for (var k = from; k <= last; k++)
        {
            lengths[_keys.Length(k) - query.Length + 1]++;
        }

        for (var d = 1; d < lengths.Length; d++)
        {
            lengths[d] += lengths[d - 1];
        }

        var byLength = System.Buffers.ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (var k = from; k <= last; k++)
            {
                byLength[lengths[_keys.Length(k) - query.Length]++] = k;
            }

            var levelScore = double.NaN;
            for (var i = 0; i < count; i++)
            {
                var k = byLength[i];
                var score = Score(_keys.Length(k));
                if (score != levelScore)
                {
                    if (found() >= limit)
                    {
                        return;
                    }

                    levelScore = score;
                }

                OfferKey(k, score);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(byLength);
        }
    }

    /// <summary>
    /// Nodes that have every query token (the last one also as a prefix of a token, when it has two or
    /// more characters, over at most <see cref="PrefixScanCap"/> tokens), in no particular order.
    /// </summary>
    private IEnumerable<int> TokenMatches(string[] queryTokens)
    {
        // Tokens before the last must match exactly.
        var exact = new int[queryTokens.Length - 1];
        for (var t = 0; t < exact.Length; t++)
        {
            exact[t] = _tokens.Find(queryTokens[t]);
            if (exact[t] < 0)
            {
                return [];
            }
        }

        // The last token: its own postings and, for two or more characters, those of tokens it begins.
        var last = queryTokens[^1];
        var alternatives = new List<int>();
        var own = _tokens.Find(last);
        var ownFound = own >= 0;
        if (ownFound)
        {
            alternatives.Add(own);
        }

        if (last.Length >= 2)
        {
            var from = _tokens.LowerBound(last);
            for (var i = from; i < _tokens.Count && i - from < PrefixScanCap && _tokens[i].StartsWith(last, StringComparison.Ordinal); i++)
            {
                if (!ownFound || i != own)
                {
                    alternatives.Add(i);
                }
            }
        }

        if (exact.Length == 0)
        {
            if (alternatives.Count == 1)
            {
                return _tokens.Segment(alternatives[0]);
            }

            var union = new HashSet<int>();
            foreach (var id in alternatives)
            {
                foreach (var node in _tokens.Of(id))
                {
                    union.Add(node);
                }
            }

            return union;
        }

        // Smallest first. When the last token's nodes are few next to every exact token's ("security in
        // Valmora": "in" has a quarter of the nodes, "valmora" a handful), look each of them up in the
        // exact tokens' postings instead of intersecting those large runs first.
        Array.Sort(exact, (a, b) => _tokens.PostingCount(a).CompareTo(_tokens.PostingCount(b)));
        long lastNodes = 0;
        foreach (var id in alternatives)
        {
            lastNodes += _tokens.PostingCount(id);
        }

        var result = new HashSet<int>();
        if (lastNodes * 8 <= _tokens.PostingCount(exact[0]))
        {
            foreach (var id in alternatives)
            {
                foreach (var node in _tokens.Of(id))
                {
                    if (InEvery(exact, node))
                    {
                        result.Add(node);
                    }
                }
            }

            return result;
        }

        var common = _tokens.Of(exact[0]).ToArray();
        for (var t = 1; t < exact.Length && common.Length > 0; t++)
        {
            common = Intersect(common, _tokens.Of(exact[t]));
        }

        if (common.Length == 0)
        {
            return [];
        }

        foreach (var id in alternatives)
        {
            foreach (var node in Intersect(common, _tokens.Of(id)))
            {
                result.Add(node);
            }
        }

        return result;
    }

    /// <summary>Whether the node is in the postings of every one of these tokens.</summary>
    private bool InEvery(int[] tokens, int node)
    {
        foreach (var id in tokens)
        {
            if (_tokens.Of(id).BinarySearch(node) < 0)
            {
                return false;
            }
        }

        return true;
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

    /// <summary>
    /// Offers the nodes of every string within the budget of the query (whole keys only when they have a space,
    /// as single-word keys are tokens too); a token that is also a whole key also offers that key's nodes a bit higher.
    /// </summary>
    private static void Fuzzy(string query, int budget, SortedStrings strings, Action<int, double, MatchKind> offer, double baseScore, SortedStrings? whole)
    {
        var found = new List<(int Id, int Distance)>();
        strings.Within(query, budget, spacedOnly: whole is null, found);
        foreach (var (id, distance) in found)
        {
            foreach (var node in strings.Of(id))
            {
                offer(node, baseScore - (0.1 * distance), MatchKind.Fuzzy);
            }

            // A token that is a whole name or alias ("somalia") beats the same token inside a longer name.
            var wholeId = whole?.Find(strings[id]) ?? -1;
            if (wholeId >= 0)
            {
                foreach (var node in whole!.Of(wholeId))
                {
                    offer(node, baseScore + 0.05 - (0.1 * distance), MatchKind.Fuzzy);
                }
            }
        }
    }
}
