namespace Explorer.Search.Reference;

/// <summary>Ids of strings of one length (in id order) with their character signatures.</summary>
internal sealed class LengthBucket(int[] ids, ulong[] signatures, ulong[] counts)
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
