namespace Explorer.Search;

/// <summary>
/// Distinct strings in ordinal order, packed in one char buffer (a string's id is its rank), each with a run
/// of node ordinals in one flat array, and the ids once more in the order of their reversed strings. No
/// string objects and no hash tables: look-ups are binary searches, the typo search walks the sorted strings
/// as an implicit trie (<see cref="Within"/>).
/// </summary>
internal sealed class SortedStrings
{
    private readonly char[] _text;
    private readonly int[] _start;
    private readonly int[] _postingStart;
    private readonly int[] _nodes;
    private readonly int[] _reversed;

    /// <param name="text">The strings one after another, in ordinal order.</param>
    /// <param name="start">String i is text[start[i] .. start[i+1]-1]; one more entry than strings.</param>
    /// <param name="postingStart">Nodes of string i are nodes[postingStart[i] .. postingStart[i+1]-1].</param>
    /// <param name="nodes">Node ordinals, ascending within a string.</param>
    /// <param name="reversed">The ids ordered by their strings read backwards (ordinal).</param>
    public SortedStrings(char[] text, int[] start, int[] postingStart, int[] nodes, int[] reversed)
        : this(text, start, postingStart, nodes, reversed, shapes: null, backward: null)
    {
    }

    /// <summary>
    /// The same strings with the backward order's shared lengths and leaving characters as the sort that made that
    /// order found them (<see cref="OrdinalRadixSort"/>): not derived again by reading the strings at the random
    /// positions that order visits them in. The forward shape is derived (it reads the text in order).
    /// </summary>
    internal SortedStrings(char[] text, int[] start, int[] postingStart, int[] nodes, int[] reversed, byte[] backwardShared, char[] backwardLeaves)
        : this(text, start, postingStart, nodes, reversed, null, (backwardShared, backwardLeaves))
    {
    }

    /// <summary>
    /// The same strings with the walk's shapes of both orders as <see cref="Shapes"/> gave them (read from an index
    /// snapshot), not derived again: deriving them reads every string twice, once in its backwards order.
    /// </summary>
    internal SortedStrings(char[] text, int[] start, int[] postingStart, int[] nodes, int[] reversed, Shape forward, Shape backward)
        : this(text, start, postingStart, nodes, reversed, (forward, backward), null)
    {
    }

    private SortedStrings(char[] text, int[] start, int[] postingStart, int[] nodes, int[] reversed, (Shape Forward, Shape Backward)? shapes, (byte[] Shared, char[] Leaves)? backward)
    {
        _text = text;
        _start = start;
        _postingStart = postingStart;
        _nodes = nodes;
        _reversed = reversed;
        for (var i = 0; i + 1 < start.Length; i++)
        {
            MaxLength = Math.Max(MaxLength, start[i + 1] - start[i]);
        }

        if (shapes is { } given)
        {
            if (given.Forward.Shared.Length != Count || given.Backward.Shared.Length != Count)
            {
                throw new ArgumentException("the shapes are not of these strings", nameof(shapes));
            }

            Forward = given.Forward;
            Backward = given.Backward;
            return;
        }

        if (backward is { } sizes && sizes.Shared.Length != Count)
        {
            throw new ArgumentException("the backward shape is not of these strings", nameof(backward));
        }

        Forward = new Shape(Count, (a, b) => this[a].CommonPrefixLength(this[b]), (p, at) => _text[_start[p] + at], Length);
        Func<int, int, char> backwardChar = (p, at) => _text[_start[_reversed[p] + 1] - 1 - at];
        Func<int, int> backwardLength = p => Length(_reversed[p]);
        Backward = backward is { } known
            ? new Shape(known.Shared, known.Leaves, backwardChar, backwardLength)
            : new Shape(Count, (a, b) => CommonSuffixLength(_reversed[a], _reversed[b]), backwardChar, backwardLength);
    }

    /// <summary>The walk's shapes of both orders, as stored in an index snapshot.</summary>
    internal (Shape Forward, Shape Backward) Shapes => (Forward, Backward);

    public int Count => _start.Length - 1;

    public int MaxLength { get; }

    /// <summary>The arrays, as stored in an index snapshot.</summary>
    internal (char[] Text, int[] Start, int[] PostingStart, int[] Nodes, int[] Reversed) Parts => (_text, _start, _postingStart, _nodes, _reversed);

    /// <summary>Bytes held by the arrays.</summary>
    public long MemoryBytes => (2L * _text.Length) + (4L * (_start.Length + _postingStart.Length + _nodes.Length + _reversed.Length)) + Forward.MemoryBytes + Backward.MemoryBytes;

    public ReadOnlySpan<char> this[int id] => _text.AsSpan(_start[id], _start[id + 1] - _start[id]);

    public int Length(int id) => _start[id + 1] - _start[id];

    public ReadOnlySpan<int> Of(int id) => _nodes.AsSpan(_postingStart[id], _postingStart[id + 1] - _postingStart[id]);

    public ArraySegment<int> Segment(int id) => new(_nodes, _postingStart[id], _postingStart[id + 1] - _postingStart[id]);

    public int PostingCount(int id) => _postingStart[id + 1] - _postingStart[id];

    /// <summary>The id of <paramref name="value"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> value)
    {
        var at = LowerBound(value);
        return at < Count && this[at].SequenceEqual(value) ? at : -1;
    }

    /// <summary>Where node ordinals of id start in the flat postings (ascending with id; Count gives the end).</summary>
    public int PostingStart(int id) => _postingStart[id];

    /// <summary>The id in [<paramref name="from"/>, <paramref name="to"/>) whose postings hold flat position <paramref name="posting"/>.</summary>
    public int KeyOfPosting(int posting, int from, int to)
    {
        // The last id in the range whose postings start at or before it.
        int lo = from, hi = to;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) >>> 1;
            if (_postingStart[mid] <= posting)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The ids whose strings start with <paramref name="prefix"/>: from (its lower bound) up to, not including, to.</summary>
    public (int From, int To) PrefixRange(ReadOnlySpan<char> prefix)
    {
        var from = LowerBound(prefix);
        int lo = from, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (this[mid].StartsWith(prefix))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return (from, lo);
    }

    /// <summary>The first id whose string is not ordinally less than <paramref name="value"/>.</summary>
    public int LowerBound(ReadOnlySpan<char> value)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (this[mid].SequenceCompareTo(value) < 0)
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

    /// <summary>
    /// Every id whose string is within <paramref name="budget"/> edits of <paramref name="query"/> (optimal
    /// string alignment: insertions, deletions, substitutions, adjacent transpositions) and not equal to it,
    /// each once, with its distance, in no particular order. <paramref name="spacedOnly"/> keeps strings that
    /// contain a space.
    /// </summary>
    /// <remarks>
    /// The query is cut in two halves with one character between them; an edit touches at most one half, so
    /// any match has at most budget/2 edits in one of them. One walk down the sorted strings (an implicit trie)
    /// matches the front half with at most budget/2 edits, then the rest with the full budget; a second walk
    /// does the same backwards, over the strings in reversed order, for the back half. Each walk keeps one
    /// row of the edit-distance table per depth and drops a branch as soon as no cell of its row is within
    /// what is allowed there, so it visits a few thousand prefixes where a scan would test every string.
    /// </remarks>
    public void Within(string query, int budget, bool spacedOnly, List<(int Id, int Distance)> found)
    {
        var n = query.Length;
        if (budget <= 0 || n == 0 || Count == 0)
        {
            return;
        }

        var half = budget / 2;
        var gap = (n - 1) / 2;
        var seen = new HashSet<int>();
        var walk = new Walk(this, query, budget, spacedOnly, found, seen);
        walk.Run(backwards: false, strictDepth: gap - half);
        walk.Run(backwards: true, strictDepth: n - gap - 1 - half);
    }

    /// <summary>
    /// The trie shape of one order (the sorted strings, or the same strings read backwards in their backwards
    /// order): for each position the length of the prefix it shares with the position before it and the
    /// character where it leaves it. The children of a range of positions that share a prefix of length d
    /// start where that length is exactly d, so a walk finds them by scanning bytes in order (with the minimum
    /// of each block of 64 and 4096 to skip), not by binary searches that miss the cache on every probe.
    /// </summary>
    internal sealed class Shape
    {
        /// <summary>Shared lengths are stored up to this; deeper, the walk reads the strings themselves.</summary>
        public const int Cap = 255;

        private const int BlockBits = 6;
        private const int SuperBits = 12;

        /// <summary>Length of the prefix the string at p shares with the one at p-1 (at most <see cref="Cap"/>); 0 at 0.</summary>
        public readonly byte[] Shared;

        /// <summary>The character of the string at p right after that shared prefix (where it leaves p-1).</summary>
        public readonly char[] Leaves;

        /// <summary>At most this many children in <see cref="Top"/>, at most <see cref="TopDepth"/> levels of them.</summary>
        public const int TopEntryCap = 32_768;

        /// <summary>The walk's levels that <see cref="Top"/> holds at most: the children of the nodes at depths 0..3.</summary>
        public const int TopDepth = 4;

        private readonly byte[] _blockMin;
        private readonly byte[] _superMin;

        public Shape(int count, Func<int, int, int> shared, Func<int, int, char> charAt, Func<int, int> lengthAt)
        {
            Shared = Explorer.Embedded.HugePages.Allocate<byte>(count, uninitialized: false);
            Leaves = Explorer.Embedded.HugePages.Allocate<char>(count, uninitialized: false);
            var firstIsEmpty = count > 0 && lengthAt(0) == 0;
            if (count > 0 && !firstIsEmpty)
            {
                // The first string leaves the empty prefix it "shares" with nothing at its first character.
                Leaves[0] = charAt(0, 0);
            }

            var chunk = Math.Max(1 << 14, (count / (4 * Environment.ProcessorCount)) + 1);
            Parallel.For(0, (count + chunk - 1) / chunk, c =>
            {
                for (var p = Math.Max(1, c * chunk); p < Math.Min(count, (c + 1) * chunk); p++)
                {
                    var length = shared(p - 1, p);
                    Shared[p] = (byte)Math.Min(length, Cap);
                    Leaves[p] = charAt(p, length);
                }
            });

            _blockMin = Minima(Shared, BlockBits);
            _superMin = Minima(Shared, SuperBits);
            Top = TopTable.Derive(this, count, charAt, lengthAt);
        }

        /// <summary>
        /// A shape whose <see cref="Shared"/> and <see cref="Leaves"/> the pass that ordered the strings gave: the block
        /// minima and the <see cref="Top"/> table are derived from them.
        /// </summary>
        public Shape(byte[] shared, char[] leaves, Func<int, int, char> charAt, Func<int, int> lengthAt)
            : this(shared, leaves, shape => TopTable.Derive(shape, shared.Length, charAt, lengthAt))
        {
        }

        /// <summary>
        /// A shape as <see cref="Shared"/>, <see cref="Leaves"/> and <see cref="Top"/> gave it (read from an index
        /// snapshot): only the block minima are computed again (one pass over the shared lengths).
        /// </summary>
        public Shape(byte[] shared, char[] leaves, int[] topFirst, int[] topEntries)
            : this(shared, leaves, _ => new TopTable(topFirst, topEntries, shared.Length))
        {
        }

        private Shape(byte[] shared, char[] leaves, Func<Shape, TopTable> top)
        {
            if (shared.Length != leaves.Length)
            {
                throw new ArgumentException("shared lengths and leaves differ in length", nameof(leaves));
            }

            Shared = shared;
            Leaves = leaves;
            _blockMin = Minima(Shared, BlockBits);
            _superMin = Minima(Shared, SuperBits);
            Top = top(this);
        }

        /// <summary>The walk's top levels: each trie node's children in order, derived once (see <see cref="TopTable"/>).</summary>
        public TopTable Top { get; }

        public long MemoryBytes => Shared.Length + (2L * Leaves.Length) + _blockMin.Length + _superMin.Length + Top.MemoryBytes;

        private static byte[] Minima(byte[] values, int bits)
        {
            var minima = new byte[(values.Length + (1 << bits) - 1) >> bits];
            for (var b = 0; b < minima.Length; b++)
            {
                var from = b << bits;
                var block = values.AsSpan(from, Math.Min(1 << bits, values.Length - from));
                var min = byte.MaxValue;
                foreach (var value in block)
                {
                    min = Math.Min(min, value);
                }

                minima[b] = min;
            }

            return minima;
        }

        /// <summary>The first position in [from, hi) whose shared length is at most <paramref name="depth"/> (&lt; <see cref="Cap"/>), else hi.</summary>
        public int NextBoundary(int from, int hi, int depth)
        {
            var d = (byte)depth;
            if (hi - from <= 128)
            {
                var at = Shared.AsSpan(from, hi - from).IndexOfAnyInRange((byte)0, d);
                return at < 0 ? hi : from + at;
            }

            // The rest of the block that holds from, then whole blocks by their minima (and blocks of blocks).
            var blockEnd = (from | ((1 << BlockBits) - 1)) + 1;
            var first = Shared.AsSpan(from, blockEnd - from).IndexOfAnyInRange((byte)0, d);
            if (first >= 0)
            {
                return from + first;
            }

            var block = blockEnd >> BlockBits;
            var lastBlock = (hi - 1) >> BlockBits;
            const int perSuper = 1 << (SuperBits - BlockBits);
            while (block <= lastBlock)
            {
                if ((block & (perSuper - 1)) == 0 && _superMin[block >> (SuperBits - BlockBits)] > d)
                {
                    block += perSuper;
                    continue;
                }

                var end = Math.Min(lastBlock + 1, (block | (perSuper - 1)) + 1);
                var found = _blockMin.AsSpan(block, end - block).IndexOfAnyInRange((byte)0, d);
                if (found < 0)
                {
                    block = end;
                    continue;
                }

                var start = (block + found) << BlockBits;
                var within = Shared.AsSpan(start, Math.Min(hi, start + (1 << BlockBits)) - start).IndexOfAnyInRange((byte)0, d);
                return within < 0 ? hi : start + within;
            }

            return hi;
        }
    }

    /// <summary>
    /// The first levels of one order's implicit trie made explicit: for each trie node of depth below
    /// <see cref="Levels"/>, its children (character, first and end position) side by side, so the walk's top
    /// levels, which every typo query passes through, read a small table that stays in cache across queries
    /// instead of scanning the shared lengths (cold, spread over megabytes) again for each query. Nodes are
    /// numbered breadth-first, the root 0; the children of node k are entries First[k] .. First[k+1]-1 (a
    /// string equal to the node's prefix, sorted first in its range, is not a child), and entry e's own node is
    /// e+1 when e+1 &lt; <see cref="NodeCount"/> (the last level's entries have no node). Levels are added while
    /// the entries stay within <see cref="Shape.TopEntryCap"/>, up to <see cref="Shape.TopDepth"/>.
    /// </summary>
    internal sealed class TopTable
    {
        /// <summary>Per node, where its children start in the entries; one more than the nodes.</summary>
        public readonly int[] First;

        /// <summary>Per entry, three ints: the child's character, its first position and its end (exclusive).</summary>
        public readonly int[] Entries;

        /// <summary>A table over <paramref name="count"/> positions; checked to be one (not that it is this order's).</summary>
        public TopTable(int[] first, int[] entries, int count)
        {
            var children = entries.Length / 3;
            if (first.Length == 0 || first[0] != 0 || entries.Length % 3 != 0 || first[^1] > children || first.Length - 1 > children + 1)
            {
                throw new ArgumentException("not a top table", nameof(first));
            }

            for (var k = 1; k < first.Length; k++)
            {
                if (first[k] < first[k - 1])
                {
                    throw new ArgumentException("the top table's nodes are out of order", nameof(first));
                }
            }

            for (var e = 0; e < children; e++)
            {
                if ((uint)entries[3 * e] > char.MaxValue || entries[(3 * e) + 1] < 0 || entries[(3 * e) + 1] >= entries[(3 * e) + 2] || entries[(3 * e) + 2] > count)
                {
                    throw new ArgumentException("a top table entry is out of range", nameof(entries));
                }
            }

            First = first;
            Entries = entries;
        }

        public int NodeCount => First.Length - 1;

        public long MemoryBytes => 4L * (First.Length + Entries.Length);

        /// <summary>The table of the order that <paramref name="shape"/> describes (its shared lengths already set).</summary>
        public static TopTable Derive(Shape shape, int count, Func<int, int, char> charAt, Func<int, int> lengthAt)
        {
            // Level by level, breadth-first: the nodes of one depth, each (lo, hi) past a string equal to its prefix.
            var first = new List<int> { 0 };
            var entries = new List<int>();
            var level = new List<(int Lo, int Hi)>();
            if (count > 0)
            {
                level.Add((count > 0 && lengthAt(0) == 0 ? 1 : 0, count));
            }

            for (var depth = 0; depth < Shape.TopDepth && level.Count > 0; depth++)
            {
                var children = new List<(int Char, int Lo, int Hi)>();
                foreach (var (lo, hi) in level)
                {
                    for (var p = lo; p < hi;)
                    {
                        var end = shape.NextBoundary(p + 1, hi, depth);
                        children.Add((charAt(p, depth), p, end));
                        p = end;
                    }
                }

                if (entries.Count / 3 + children.Count > Shape.TopEntryCap)
                {
                    break;
                }

                // The nodes of this depth get their children; the entries become the next depth's nodes.
                var at = entries.Count / 3;
                var next = new List<(int Lo, int Hi)>(children.Count);
                var child = 0;
                foreach (var (lo, hi) in level)
                {
                    while (child < children.Count && children[child].Lo < hi)
                    {
                        var (c, clo, chi) = children[child++];
                        entries.Add(c);
                        entries.Add(clo);
                        entries.Add(chi);
                        next.Add((lengthAt(clo) == depth + 1 ? clo + 1 : clo, chi));
                        at++;
                    }

                    first.Add(at);
                }

                level = next;
            }

            return new TopTable([.. first], [.. entries], count);
        }
    }

    /// <summary>How many trie nodes of one order have their children in its top table, and how many children that is.</summary>
    internal (int Nodes, int Children) TopSize(bool backwards) =>
        backwards ? (Backward.Top.NodeCount, Backward.Top.Entries.Length / 3) : (Forward.Top.NodeCount, Forward.Top.Entries.Length / 3);

    private Shape Forward { get; }

    private Shape Backward { get; }

    private int CommonSuffixLength(int a, int b)
    {
        int i = _start[a + 1] - 1, j = _start[b + 1] - 1, length = 0;
        while (i >= _start[a] && j >= _start[b] && _text[i] == _text[j])
        {
            i--;
            j--;
            length++;
        }

        return length;
    }

    /// <summary>One typo search: the query, its budget, the rows of the table by depth and what was found.</summary>
    private sealed class Walk(SortedStrings strings, string query, int budget, bool spacedOnly, List<(int Id, int Distance)> found, HashSet<int> seen)
    {
        private readonly int _width = query.Length + 1;
        private readonly int _maxDepth = Math.Min(query.Length + budget, strings.MaxLength);
        private int[] _rows = [];
        private int[] _rowMin = [];
        private char[] _path = [];
        private char[] _query = [];
        private bool _backwards;
        private int _strictDepth;
        private Shape _shape = null!;

        public void Run(bool backwards, int strictDepth)
        {
            _backwards = backwards;
            _strictDepth = strictDepth;
            _shape = backwards ? strings.Backward : strings.Forward;
            _query = query.ToCharArray();
            if (backwards)
            {
                Array.Reverse(_query);
            }

            if (_rows.Length == 0)
            {
                _rows = new int[(_maxDepth + 1) * _width];
                _path = new char[_maxDepth + 1];
                _rowMin = new int[_maxDepth + 1];
            }

            for (var j = 0; j < _width; j++)
            {
                _rows[j] = j;
            }

            _rowMin[0] = 0;
            Visit(0, 0, strings.Count, 0);
        }

        private int IdAt(int position) => _backwards ? strings._reversed[position] : position;

        private char CharAt(int id, int depth) =>
            _backwards ? strings._text[strings._start[id + 1] - 1 - depth] : strings._text[strings._start[id] + depth];

        /// <summary>The character at this depth of the string at <paramref name="position"/> (which is longer than that).</summary>
        private char ChildChar(int position, int depth) =>
            depth < Shape.Cap && _shape.Shared[position] == depth ? _shape.Leaves[position] : CharAt(IdAt(position), depth);

        /// <summary>Where the child that starts at <paramref name="position"/> ends: the next position that leaves its prefix at this depth.</summary>
        private int ChildEnd(int position, int hi, int depth, char c) =>
            depth < Shape.Cap ? _shape.NextBoundary(position + 1, hi, depth) : RunEnd(position, hi, depth, c);

        /// <param name="node">The trie node's number in the shape's <see cref="TopTable"/> when it holds its children, else -1.</param>
        private void Visit(int depth, int lo, int hi, int node)
        {
            // Every string in [lo, hi) starts (or ends, backwards) with the path so far; one equal to it sorts first.
            var first = IdAt(lo);
            if (strings.Length(first) == depth)
            {
                if (Math.Abs(depth - query.Length) <= budget && _rows[(depth * _width) + _width - 1] <= budget)
                {
                    Report(first);
                }

                lo++;
            }

            if (depth >= _maxDepth || lo >= hi)
            {
                return;
            }

            // What the next row may reach: the halves' limit while within the strict depth, else the budget.
            var limit = depth + 1 <= _strictDepth ? budget / 2 : budget;
            var top = _shape.Top;
            if (node >= 0 && node < top.NodeCount)
            {
                VisitTop(depth, node, limit);
                return;
            }

            if (_rowMin[depth] < limit)
            {
                // Any next character can stay within the limit (a substitution): try each one present.
                while (lo < hi)
                {
                    var c = ChildChar(lo, depth);
                    var end = ChildEnd(lo, hi, depth, c);
                    Child(depth, lo, end, c, limit, -1);
                    lo = end;
                }

                return;
            }

            // At the limit already: only a character that matches the query where this row is at the limit (or
            // completes a transposition) keeps a cell there. Only those children are visited.
            Span<char> wanted = stackalloc char[(4 * budget) + 4];
            var count = Wanted(depth, limit, wanted, out var last);
            if (count == 0)
            {
                return;
            }

            while (lo < hi)
            {
                var c = ChildChar(lo, depth);
                if (c > last)
                {
                    return;
                }

                var end = ChildEnd(lo, hi, depth, c);
                if (wanted[..count].IndexOf(c) >= 0)
                {
                    Child(depth, lo, end, c, limit, -1);
                }

                lo = end;
            }
        }

        /// <summary>
        /// <see cref="Visit"/> for a node whose children the top table holds: the same children in the same
        /// order, read from the table.
        /// </summary>
        private void VisitTop(int depth, int node, int limit)
        {
            var top = _shape.Top;
            var entries = top.Entries;
            int from = top.First[node], to = top.First[node + 1];
            var withNodes = top.NodeCount;
            if (_rowMin[depth] < limit)
            {
                for (var e = from; e < to; e++)
                {
                    Child(depth, entries[3 * e + 1], entries[3 * e + 2], (char)entries[3 * e], limit, e + 1 < withNodes ? e + 1 : -1);
                }

                return;
            }

            Span<char> wanted = stackalloc char[(4 * budget) + 4];
            var count = Wanted(depth, limit, wanted, out var last);
            if (count == 0)
            {
                return;
            }

            for (var e = from; e < to; e++)
            {
                var c = (char)entries[3 * e];
                if (c > last)
                {
                    return;
                }

                if (wanted[..count].IndexOf(c) >= 0)
                {
                    Child(depth, entries[3 * e + 1], entries[3 * e + 2], c, limit, e + 1 < withNodes ? e + 1 : -1);
                }
            }
        }

        /// <summary>
        /// The next characters that keep a cell of the next row within <paramref name="limit"/> when this row is at
        /// it; their count, and the largest of them (children come in character order: none past it is wanted).
        /// </summary>
        private int Wanted(int depth, int limit, Span<char> wanted, out char last)
        {
            var count = 0;
            var row = depth * _width;
            for (var j = Math.Max(0, depth - budget); j <= Math.Min(query.Length - 1, depth + budget); j++)
            {
                // Cell j+1 of the next row from cell j of this one: the next character is q[j].
                if (_rows[row + j] == limit && wanted[..count].IndexOf(_query[j]) < 0)
                {
                    wanted[count++] = _query[j];
                }
            }

            for (var j = Math.Max(0, depth - 1 - budget); depth > 0 && j <= Math.Min(query.Length - 2, depth - 1 + budget); j++)
            {
                // Cell j+2 of the next row by a transposition: path[depth-1] == q[j+1] and the next character is q[j].
                if (_path[depth - 1] == _query[j + 1] && _rows[row - _width + j] + 1 <= limit && wanted[..count].IndexOf(_query[j]) < 0)
                {
                    wanted[count++] = _query[j];
                }
            }

            last = '\0';
            foreach (var w in wanted[..count])
            {
                last = w > last ? w : last;
            }

            return count;
        }

        /// <summary>Row depth+1 of the table for next character <paramref name="c"/> (only the cells within the budget's band), then the visit if it stays within the limit.</summary>
        private void Child(int depth, int lo, int hi, char c, int limit, int node)
        {
            _path[depth] = c;
            var i = depth + 1;
            var previous = depth * _width;
            var current = previous + _width;
            var n = _width - 1;
            var (from, to) = (Math.Max(1, i - budget), Math.Min(n, i + budget));
            _rows[current] = i;
            var rowMin = i;
            if (from > 1)
            {
                _rows[current + from - 1] = budget + 1;
            }

            for (var j = from; j <= to; j++)
            {
                var value = Math.Min(Math.Min(_rows[previous + j] + 1, _rows[current + j - 1] + 1), _rows[previous + j - 1] + (c == _query[j - 1] ? 0 : 1));
                if (depth > 0 && j > 1 && c == _query[j - 2] && _path[depth - 1] == _query[j - 1])
                {
                    value = Math.Min(value, _rows[previous - _width + j - 2] + 1);
                }

                _rows[current + j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (to < n)
            {
                _rows[current + to + 1] = budget + 1;
            }

            _rowMin[i] = rowMin;
            if (rowMin <= limit)
            {
                Visit(i, lo, hi, node);
            }
        }

        /// <summary>Past the shared lengths' cap: the first position in (lo, hi] whose string has a character past <paramref name="c"/> at this depth.</summary>
        private int RunEnd(int lo, int hi, int depth, char c)
        {
            // Gallop: runs are often short.
            var step = 1;
            var below = lo;
            var probe = lo + 1;
            while (probe < hi && CharAt(IdAt(probe), depth) == c)
            {
                below = probe;
                probe = lo + (step <<= 1);
            }

            var above = Math.Min(probe, hi);
            while (below + 1 < above)
            {
                var mid = (below + above) >>> 1;
                if (CharAt(IdAt(mid), depth) == c)
                {
                    below = mid;
                }
                else
                {
                    above = mid;
                }
            }

            return above;
        }

        private void Report(int id)
        {
            var text = strings[id];
            if (spacedOnly && !text.Contains(' '))
            {
                return;
            }

            // The same distance the table gives, from the one function the rest of search uses.
            var distance = TextNormalizer.Distance(query, text, budget);
            if (distance > 0 && distance <= budget && seen.Add(id))
            {
                found.Add((id, distance));
            }
        }
    }
}

