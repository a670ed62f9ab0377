namespace Explorer.Search;

/// <summary>Sorts strings in ordinal order with an MSD radix sort (four UTF-16 units per pass); used to build the name index.</summary>
internal static class OrdinalRadixSort
{
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
    /// Ids 0..n-1 of strings packed in <paramref name="text"/> (string i is text[start[i] .. start[i+1]-1]),
    /// ordered by the strings read backwards when <paramref name="backwards"/>, else forwards (ordinal).
    /// </summary>
    internal static int[] SortedIds(char[] text, int[] start, bool backwards)
    {
        var ids = new int[start.Length - 1];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }

        new Packed(text, start, backwards).SortRange(ids, new ulong[ids.Length], 0, ids.Length, 0);
        return ids;
    }

    /// <summary>The same sort over packed strings (no string objects).</summary>
    private readonly struct Packed(char[] text, int[] start, bool backwards)
    {
        private int Length(int id) => start[id + 1] - start[id];

        public void SortRange(int[] ids, ulong[] blocks, int lo, int hi, int depth)
        {
            for (var i = lo; i < hi; i++)
            {
                blocks[i] = Block(ids[i], depth);
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
                    var ended = new List<int>();
                    var going = new List<int>();
                    for (var k = i; k < j; k++)
                    {
                        (Length(ids[k]) <= depth + 4 ? ended : going).Add(ids[k]);
                    }

                    var self = this;
                    ended.Sort((a, b) => self.Length(a).CompareTo(self.Length(b)));
                    ended.CopyTo(ids, i);
                    going.CopyTo(ids, i + ended.Count);
                    if (going.Count > 1)
                    {
                        SortRange(ids, blocks, i + ended.Count, j, depth + 4);
                    }
                }

                i = j;
            }
        }

        private ulong Block(int id, int depth)
        {
            ulong block = 0;
            var length = Length(id);
            for (var k = 0; k < 4; k++)
            {
                var at = depth + k;
                block = (block << 16) | (at < length ? text[backwards ? start[id + 1] - 1 - at : start[id] + at] : 0u);
            }

            return block;
        }
    }
}
