namespace Explorer.Search.Reference;

/// <summary>Names prepared by position (see <see cref="ReferenceNameIndex.Prepare"/>); used once, by one build.</summary>
internal sealed class PreparedNames
{
    internal PreparedNames(int[] nodeEnd, PostingsBuilder keys, int[] keyOfName, int[] sortedKeys, Dictionary<int, LengthBucket> keysByLength, PostingsBuilder tokens, int[] tokenEnd, int[] tokenOfPair, int[] sortedTokens, Dictionary<int, LengthBucket> tokensByLength)
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

    internal PostingsBuilder Keys { get; }

    /// <summary>Key id of each name, -1 when it normalizes to nothing.</summary>
    internal int[] KeyOfName { get; }

    internal int[] SortedKeys { get; }

    internal Dictionary<int, LengthBucket> KeysByLength { get; }

    internal PostingsBuilder Tokens { get; }

    /// <summary>Token pairs of position p are TokenEnd[p-1] .. TokenEnd[p]-1.</summary>
    internal int[] TokenEnd { get; }

    internal int[] TokenOfPair { get; }

    internal int[] SortedTokens { get; }

    internal Dictionary<int, LengthBucket> TokensByLength { get; }
}
