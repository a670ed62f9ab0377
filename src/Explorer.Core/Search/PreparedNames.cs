namespace Explorer.Search;

/// <summary>Names prepared by position (see <see cref="NameIndex.Prepare"/>); used once, by one build.</summary>
internal sealed class PreparedNames
{
    internal PreparedNames(int[] nodeEnd, Packed keys, int[] keyOfName, Packed tokens, int[] tokenEnd, int[] tokenOfPair)
    {
        NodeEnd = nodeEnd;
        Keys = keys;
        KeyOfName = keyOfName;
        Tokens = tokens;
        TokenEnd = tokenEnd;
        TokenOfPair = tokenOfPair;
    }

    /// <summary>
    /// Distinct strings in ordinal order, packed, with their order read backwards (no postings yet) and that order's
    /// shape (<see cref="SortedStrings.Shape.Shared"/> and <see cref="SortedStrings.Shape.Leaves"/>), as the sort that made it found it.
    /// </summary>
    internal sealed record Packed(char[] Text, int[] Start, int[] Reversed, byte[] BackwardShared, char[] BackwardLeaves)
    {
        public int Count => Start.Length - 1;
    }

    /// <summary>Names of position p are NodeEnd[p-1] .. NodeEnd[p]-1 (in the order given).</summary>
    internal int[] NodeEnd { get; }

    /// <summary>Distinct normalized keys (ids, names, aliases).</summary>
    internal Packed Keys { get; }

    /// <summary>Key id (rank) of each name, -1 when it normalizes to nothing.</summary>
    internal int[] KeyOfName { get; }

    /// <summary>Distinct tokens of the keys.</summary>
    internal Packed Tokens { get; }

    /// <summary>Token pairs of position p are TokenEnd[p-1] .. TokenEnd[p]-1.</summary>
    internal int[] TokenEnd { get; }

    /// <summary>Token id (rank) of each pair: a position has each of its tokens once (entries past the last position's end are unused).</summary>
    internal int[] TokenOfPair { get; }
}
