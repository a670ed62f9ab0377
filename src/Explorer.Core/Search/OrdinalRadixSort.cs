namespace Explorer.Search;

/// <summary>Sorts strings in ordinal order with an MSD radix sort (four UTF-16 units per pass); used to build the name index.</summary>
internal static class OrdinalRadixSort
{
    /// <summary>Ids 0..n-1 ordered by their strings, ordinal (MSD radix sort on four UTF-16 units per pass).</summary>
    internal static int[] SortedIds(string[] strings) => Sort(new Strings(strings), strings.Length);

    /// <summary>Ids 0..n-1 ordered by their strings read backwards (ordinal).</summary>
    internal static int[] SortedIds(string[] strings, bool backwards) =>
        backwards ? Sort(new BackwardStrings(strings), strings.Length) : SortedIds(strings);

    /// <summary>
    /// Ids 0..n-1 of strings packed in <paramref name="text"/> (string i is text[start[i] .. start[i+1]-1]),
    /// ordered by the strings read backwards when <paramref name="backwards"/>, else forwards (ordinal).
    /// </summary>
    internal static int[] SortedIds(char[] text, int[] start, bool backwards) => Sort(new Packed(text, start, backwards), start.Length - 1);

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

    /// <summary>Ranges this small are finished by comparing their strings (now in cache) rather than by more passes.</summary>
    private const int SmallRange = 48;

    private static int[] Sort<T>(T units, int count)
        where T : struct, IUnits
    {
        var ids = new int[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }

        SortRange(units, ids, new ulong[ids.Length], 0, ids.Length, 0);
        return ids;
    }

    private static void SortRange<T>(T units, int[] ids, ulong[] blocks, int lo, int hi, int depth)
        where T : struct, IUnits
    {
        if (hi - lo <= SmallRange)
        {
            ids.AsSpan(lo, hi - lo).Sort(new FromDepth<T>(units, depth));
            return;
        }

        for (var i = lo; i < hi; i++)
        {
            blocks[i] = Block(units, ids[i], depth);
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
                var ended = 0;
                for (var k = i; k < j; k++)
                {
                    if (units.Length(ids[k]) <= depth + 4)
                    {
                        ended++;
                    }
                }

                if (ended > 0)
                {
                    // Stable: ended ones to the front by length, the others after them in their order.
                    var group = ids.AsSpan(i, j - i);
                    var going = new int[group.Length - ended];
                    int e = 0, g = 0;
                    foreach (var id in group)
                    {
                        if (units.Length(id) <= depth + 4)
                        {
                            group[e++] = id;
                        }
                        else
                        {
                            going[g++] = id;
                        }
                    }

                    group[..ended].Sort((a, b) => units.Length(a).CompareTo(units.Length(b)));
                    going.CopyTo(group[ended..]);
                }

                if (j - i - ended > 1)
                {
                    SortRange(units, ids, blocks, i + ended, j, depth + 4);
                }
            }

            i = j;
        }
    }

    private static ulong Block<T>(T units, int id, int depth)
        where T : struct, IUnits
    {
        ulong block = 0;
        var length = units.Length(id);
        for (var k = 0; k < 4; k++)
        {
            var at = depth + k;
            block = (block << 16) | (at < length ? units.At(id, at) : 0u);
        }

        return block;
    }
}
