namespace Explorer.Search;

/// <summary>Sorts strings in ordinal order with an MSD radix sort (four UTF-16 units per pass); used to build the name index.</summary>
internal static class OrdinalRadixSort
{
    /// <summary>Ids 0..n-1 ordered by their strings, ordinal (MSD radix sort on four UTF-16 units per pass).</summary>
    internal static int[] SortedIds(string[] strings) => Sort(new Strings(strings), strings.Length);

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
    }

    private readonly struct Strings(string[] strings) : IUnits
    {
        public int Length(int id) => strings[id].Length;

        public char At(int id, int position) => strings[id][position];
    }

    /// <summary>Strings packed in one array (no string objects), read forwards or backwards.</summary>
    private readonly struct Packed(char[] text, int[] start, bool backwards) : IUnits
    {
        public int Length(int id) => start[id + 1] - start[id];

        public char At(int id, int position) => text[backwards ? start[id + 1] - 1 - position : start[id] + position];
    }

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
                var ended = new List<int>();
                var going = new List<int>();
                for (var k = i; k < j; k++)
                {
                    (units.Length(ids[k]) <= depth + 4 ? ended : going).Add(ids[k]);
                }

                ended.Sort((a, b) => units.Length(a).CompareTo(units.Length(b)));
                ended.CopyTo(ids, i);
                going.CopyTo(ids, i + ended.Count);
                if (going.Count > 1)
                {
                    SortRange(units, ids, blocks, i + ended.Count, j, depth + 4);
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
