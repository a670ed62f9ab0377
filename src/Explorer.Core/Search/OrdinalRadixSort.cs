using System.Numerics;
using Explorer.Embedded;

namespace Explorer.Search;

/// <summary>
/// Sorts strings in ordinal order with an MSD radix sort (nine ASCII or three UTF-16 units per pass); used to
/// build the name index. It can also give the trie shape of the order it made (see <see cref="SortedStrings.Shape"/>):
/// where each string leaves the one before it, read off the sort's own blocks, so that the shape of an order
/// read backwards costs no second pass over strings at random positions.
/// </summary>
internal static class OrdinalRadixSort
{
    /// <summary>Ids 0..n-1 ordered by their strings, ordinal.</summary>
    internal static int[] SortedIds(string[] strings) => Sort(new Strings(strings), strings.Length, IsAscii(strings), null);

    /// <summary>Ids 0..n-1 ordered by their strings read backwards (ordinal).</summary>
    internal static int[] SortedIds(string[] strings, bool backwards) =>
        backwards ? Sort(new BackwardStrings(strings), strings.Length, IsAscii(strings), null) : SortedIds(strings);

    /// <summary>
    /// Ids 0..n-1 of strings packed in <paramref name="text"/> (string i is text[start[i] .. start[i+1]-1]),
    /// ordered by the strings read backwards when <paramref name="backwards"/>, else forwards (ordinal).
    /// </summary>
    internal static int[] SortedIds(char[] text, int[] start, bool backwards) =>
        Sort(new Packed(text, start, backwards), start.Length - 1, IsAscii(text.AsSpan(0, start[^1])), null);

    /// <summary>
    /// <see cref="SortedIds(string[], bool)"/> with the order's shape: for each sorted position p, the length of the
    /// prefix (of the strings as read) it shares with position p-1, at most <paramref name="cap"/>, and the
    /// character where it leaves it ('\0' when it equals it; its first character at 0).
    /// </summary>
    internal static int[] SortedIds(string[] strings, bool backwards, int cap, out byte[] shared, out char[] leaves)
    {
        var shape = new ShapeOut(strings.Length, cap);
        var ids = backwards
            ? Sort(new BackwardStrings(strings), strings.Length, IsAscii(strings), shape)
            : Sort(new Strings(strings), strings.Length, IsAscii(strings), shape);
        (shared, leaves) = (shape.Shared, shape.Leaves);
        return ids;
    }

    /// <summary><see cref="SortedIds(char[], int[], bool)"/> with the order's shape (as <see cref="SortedIds(string[], bool, int, out byte[], out char[])"/>).</summary>
    internal static int[] SortedIds(char[] text, int[] start, bool backwards, int cap, out byte[] shared, out char[] leaves)
    {
        var shape = new ShapeOut(start.Length - 1, cap);
        var ids = Sort(new Packed(text, start, backwards), start.Length - 1, IsAscii(text.AsSpan(0, start[^1])), shape);
        (shared, leaves) = (shape.Shared, shape.Leaves);
        return ids;
    }

    /// <summary>The strings the sort reads: a length and the UTF-16 unit at a position, by id.</summary>
    private interface IUnits
    {
        int Length(int id);

        char At(int id, int position);

        /// <summary>Ordinal order of two strings that agree before <paramref name="depth"/>.</summary>
        int CompareFrom(int a, int b, int depth);
    }

    private readonly struct Strings(string[] strings) : IUnits
    {
        public int Length(int id) => strings[id].Length;

        public char At(int id, int position) => strings[id][position];

        public int CompareFrom(int a, int b, int depth) => strings[a].AsSpan(depth).SequenceCompareTo(strings[b].AsSpan(depth));
    }

    private readonly struct BackwardStrings(string[] strings) : IUnits
    {
        public int Length(int id) => strings[id].Length;

        public char At(int id, int position) => strings[id][strings[id].Length - 1 - position];

        public int CompareFrom(int a, int b, int depth)
        {
            var (x, y) = (strings[a], strings[b]);
            int i = x.Length - 1 - depth, j = y.Length - 1 - depth;
            for (; i >= 0 && j >= 0; i--, j--)
            {
                if (x[i] != y[j])
                {
                    return x[i].CompareTo(y[j]);
                }
            }

            return i.CompareTo(j);
        }
    }

    /// <summary>Strings packed in one array (no string objects), read forwards or backwards.</summary>
    private readonly struct Packed(char[] text, int[] start, bool backwards) : IUnits
    {
        public int Length(int id) => start[id + 1] - start[id];

        public char At(int id, int position) => text[backwards ? start[id + 1] - 1 - position : start[id] + position];

        public int CompareFrom(int a, int b, int depth)
        {
            if (!backwards)
            {
                return text.AsSpan(start[a] + depth, start[a + 1] - start[a] - depth).SequenceCompareTo(text.AsSpan(start[b] + depth, start[b + 1] - start[b] - depth));
            }

            int i = start[a + 1] - 1 - depth, j = start[b + 1] - 1 - depth;
            for (; i >= start[a] && j >= start[b]; i--, j--)
            {
                if (text[i] != text[j])
                {
                    return text[i].CompareTo(text[j]);
                }
            }

            return (i - start[a]).CompareTo(j - start[b]);
        }
    }

    /// <summary>Orders ids by their strings from a depth on (the ones they agree before), for a small range.</summary>
    private readonly struct FromDepth<T>(T units, int depth) : IComparer<int>
        where T : struct, IUnits
    {
        public int Compare(int a, int b) => units.CompareFrom(a, b, depth);
    }

    /// <summary>Where each sorted position leaves the one before it, as the sort finds out.</summary>
    private sealed class ShapeOut(int count, int cap)
    {
        public readonly byte[] Shared = HugePages.Allocate<byte>(count, uninitialized: false);
        public readonly char[] Leaves = HugePages.Allocate<char>(count, uninitialized: false);

        public void Set(int position, int length, char leaves)
        {
            Shared[position] = (byte)Math.Min(length, cap);
            Leaves[position] = leaves;
        }
    }

    /// <summary>
    /// How a pass reads strings: <see cref="Units"/> units of <see cref="Bits"/> bits in one block, each unit its
    /// character + 1 and 0 past the string's end, so that blocks order as the strings do (a string that ends first
    /// is smaller) and two equal blocks with a 0 are two equal strings. Nine 7-bit units when every character is
    /// below U+007F (one pass reads nine characters), else three of 17 bits.
    /// </summary>
    private readonly struct Layout(bool ascii)
    {
        public int Units { get; } = ascii ? 9 : 3;

        public int Bits { get; } = ascii ? 7 : 17;

        public int Unit(ulong block, int k) => (int)((block >> (Bits * (Units - 1 - k))) & ((1UL << Bits) - 1));

        /// <summary>How many leading units two blocks share.</summary>
        public int Common(ulong a, ulong b) =>
            a == b ? Units : (BitOperations.LeadingZeroCount(a ^ b) - (64 - (Units * Bits))) / Bits;

        /// <summary>Whether the string ends within this block.</summary>
        public bool Ends(ulong block) => Unit(block, Units - 1) == 0;
    }

    private static bool IsAscii(ReadOnlySpan<char> text) => text.IndexOfAnyInRange('\u007f', char.MaxValue) < 0;

    private static bool IsAscii(string[] strings)
    {
        foreach (var s in strings)
        {
            if (!IsAscii(s))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Ranges this small are finished by comparing their strings (now in cache) rather than by more passes.</summary>
    private const int SmallRange = 48;

    private static int[] Sort<T>(T units, int count, bool ascii, ShapeOut? shape)
        where T : struct, IUnits
    {
        var ids = HugePages.Allocate<int>(count);
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }

        var layout = new Layout(ascii);
        SortRange(units, layout, ids, HugePages.Allocate<ulong>(count), shape, 0, count, 0);
        if (shape is not null && count > 0)
        {
            // The first string leaves the empty prefix it "shares" with nothing at its first character.
            shape.Set(0, 0, units.Length(ids[0]) > 0 ? units.At(ids[0], 0) : '\0');
        }

        return ids;
    }

    /// <summary>
    /// Sorts ids[lo..hi), whose strings agree before <paramref name="depth"/>; with a shape, sets where each
    /// position past lo leaves the one before it (lo's own was set by the caller, which knows its neighbour).
    /// </summary>
    private static void SortRange<T>(T units, Layout layout, int[] ids, ulong[] blocks, ShapeOut? shape, int lo, int hi, int depth)
        where T : struct, IUnits
    {
        if (hi - lo <= SmallRange)
        {
            ids.AsSpan(lo, hi - lo).Sort(new FromDepth<T>(units, depth));
            if (shape is not null)
            {
                for (var i = lo + 1; i < hi; i++)
                {
                    SetByReading(units, shape, ids[i - 1], ids[i], i, depth);
                }
            }

            return;
        }

        for (var i = lo; i < hi; i++)
        {
            blocks[i] = Block(units, layout, ids[i], depth);
        }

        SortBlocks(blocks.AsSpan(lo, hi - lo), ids.AsSpan(lo, hi - lo));
        var before = 0UL;
        for (var i = lo; i < hi;)
        {
            var block = blocks[i];
            if (shape is not null && i > lo)
            {
                // A new block: the strings part within it, at its first unit that differs. (The run before may have
                // been sorted deeper already, its blocks overwritten: its block at this depth was kept.)
                var common = layout.Common(before, block);
                shape.Set(i, depth + common, (char)(layout.Unit(block, common) - 1));
            }

            var j = i + 1;
            while (j < hi && blocks[j] == block)
            {
                j++;
            }

            if (j - i > 1)
            {
                if (layout.Ends(block))
                {
                    // Equal strings (they end within the same block): nothing left to order.
                    if (shape is not null)
                    {
                        var length = units.Length(ids[i]);
                        for (var k = i + 1; k < j; k++)
                        {
                            shape.Set(k, length, '\0');
                        }
                    }
                }
                else
                {
                    SortRange(units, layout, ids, blocks, shape, i, j, depth + layout.Units);
                }
            }

            before = block;
            i = j;
        }
    }

    /// <summary>Ranges at least this large sort their blocks by bytes (LSD), smaller ones by comparison.</summary>
    private const int ByteSortedRange = 1 << 16;

    /// <summary>
    /// Orders <paramref name="ids"/> by <paramref name="blocks"/> (sorting both): a least-significant-byte-first radix
    /// sort for large ranges (a few sequential passes in place of ~log2(n) passes of comparisons; it skips the bytes in
    /// which every block agrees), <see cref="MemoryExtensions.Sort{TKey, TValue}(Span{TKey}, Span{TValue})"/> for small ones. Equal blocks
    /// may come in either order (they hold equal strings, or are sorted deeper).
    /// </summary>
    internal static void SortBlocks(Span<ulong> blocks, Span<int> ids)
    {
        var n = blocks.Length;
        if (n < ByteSortedRange)
        {
            blocks.Sort(ids);
            return;
        }

        // One pass counts every byte of every block.
        var counts = new int[8 * 256];
        foreach (var block in blocks)
        {
            for (var b = 0; b < 8; b++)
            {
                counts[(b << 8) | (int)((block >> (8 * b)) & 0xFF)]++;
            }
        }

        var spareBlocks = HugePages.Allocate<ulong>(n);
        var spareIds = HugePages.Allocate<int>(n);
        Span<ulong> fromBlocks = blocks, toBlocks = spareBlocks;
        Span<int> fromIds = ids, toIds = spareIds;
        Span<int> next = stackalloc int[256];
        for (var b = 0; b < 8; b++)
        {
            var count = counts.AsSpan(b << 8, 256);
            if (count.Contains(n))
            {
                // Every block has the same byte here: the pass would not move anything.
                continue;
            }

            var sum = 0;
            for (var v = 0; v < 256; v++)
            {
                next[v] = sum;
                sum += count[v];
            }

            var shift = 8 * b;
            for (var i = 0; i < n; i++)
            {
                var block = fromBlocks[i];
                var to = next[(int)((block >> shift) & 0xFF)]++;
                toBlocks[to] = block;
                toIds[to] = fromIds[i];
            }

            var swapBlocks = fromBlocks;
            fromBlocks = toBlocks;
            toBlocks = swapBlocks;
            var swapIds = fromIds;
            fromIds = toIds;
            toIds = swapIds;
        }

        if (fromBlocks != blocks)
        {
            fromBlocks.CopyTo(blocks);
            fromIds.CopyTo(ids);
        }
    }

    /// <summary>Where the string of <paramref name="b"/> (at <paramref name="position"/>) leaves that of <paramref name="a"/>, which it follows and agrees with before depth.</summary>
    private static void SetByReading<T>(T units, ShapeOut shape, int a, int b, int position, int depth)
        where T : struct, IUnits
    {
        int la = units.Length(a), lb = units.Length(b), at = depth;
        while (at < la && at < lb && units.At(a, at) == units.At(b, at))
        {
            at++;
        }

        shape.Set(position, at, at < lb ? units.At(b, at) : '\0');
    }

    private static ulong Block<T>(T units, Layout layout, int id, int depth)
        where T : struct, IUnits
    {
        ulong block = 0;
        var length = units.Length(id);
        for (var k = 0; k < layout.Units; k++)
        {
            var at = depth + k;
            block = (block << layout.Bits) | (at < length ? units.At(id, at) + 1u : 0u);
        }

        return block;
    }
}
