using Explorer.Search;

namespace Explorer.Tests.Engine;

/// <summary>
/// The name index's string sort against ordinal comparison, forwards and backwards, over string objects and packed
/// text, in both of its block layouts (ASCII, and any UTF-16 with '\0', accents, other scripts and surrogate pairs),
/// and the shape it reports (where each sorted string leaves the one before it) against one computed from the strings.
/// </summary>
public sealed class OrdinalRadixSortTests
{
    [Theory]
    [InlineData(1, "ab ", 3000)]
    [InlineData(2, "abcdefghij", 5000)]
    [InlineData(3, "ab\0é東", 3000)]
    [InlineData(4, "a\ud83d\ude42\u007f\uffff", 2000)]
    [InlineData(5, "abc ", 70_000)]
    public void SortsAsOrdinalAndReportsWhereEachStringLeavesTheOneBefore(int seed, string alphabet, int count)
    {
        var random = new Random(seed);
        var strings = Enumerable.Range(0, count).Select(i => (i % 5) switch
        {
            // Long shared fronts and backs (past the 255 a shape stores, and past many blocks), repeats, empties.
            0 => new string('m', 300) + RandomString(random, alphabet, 0, 6),
            1 => RandomString(random, alphabet, 0, 6) + new string('n', 270),
            2 => RandomString(random, alphabet, 0, 2),
            _ => RandomString(random, alphabet, 0, 24),
        }).ToArray();
        var start = new int[strings.Length + 1];
        for (var i = 0; i < strings.Length; i++)
        {
            start[i + 1] = start[i] + strings[i].Length;
        }

        var text = string.Concat(strings).ToCharArray();
        foreach (var backwards in new[] { false, true })
        {
            var read = backwards ? strings.Select(s => new string([.. s.Reverse()])).ToArray() : strings;
            foreach (var cap in new[] { 255, 3 })
            {
                var fromStrings = OrdinalRadixSort.SortedIds(strings, backwards, cap, out var shared, out var leaves);
                AssertSortedWithShape(read, fromStrings, shared, leaves, cap);
                var fromPacked = OrdinalRadixSort.SortedIds(text, start, backwards, cap, out shared, out leaves);
                AssertSortedWithShape(read, fromPacked, shared, leaves, cap);
            }

            AssertSortedWithShape(read, OrdinalRadixSort.SortedIds(strings, backwards), null, null, 0);
            AssertSortedWithShape(read, OrdinalRadixSort.SortedIds(text, start, backwards), null, null, 0);
        }
    }

    [Theory]
    [InlineData(1, 70_000)]
    [InlineData(2, 200_000)]
    public void LargeRangesOfBlocksSortAsAComparisonSortDoes(int seed, int count)
    {
        // Large ranges are sorted a byte at a time (skipping bytes in which every block agrees): blocks that share
        // their high bytes, repeat, or differ in one byte only must end in the order a comparison sort gives.
        var random = new Random(seed);
        var highs = Enumerable.Range(0, 5).Select(_ => (ulong)random.NextInt64() << 20).ToArray();
        var blocks = Enumerable.Range(0, count).Select(i => (i % 4) switch
        {
            0 => highs[random.Next(highs.Length)] | (uint)random.Next(1 << 20),
            1 => (ulong)random.Next(3) << 56,
            2 => highs[0] | (uint)random.Next(256),
            _ => (ulong)random.NextInt64() | ((ulong)random.Next(2) << 63),
        }).ToArray();
        var ids = Enumerable.Range(0, count).ToArray();
        var original = (ulong[])blocks.Clone();

        OrdinalRadixSort.SortBlocks(blocks, ids);

        Assert.Equal(original.Order(), blocks);
        Assert.Equal(Enumerable.Range(0, count), ids.Order());
        Assert.All(Enumerable.Range(0, count), i => Assert.Equal(original[ids[i]], blocks[i]));
    }

    private static void AssertSortedWithShape(string[] read, int[] ids, byte[]? shared, char[]? leaves, int cap)
    {
        Assert.Equal(Enumerable.Range(0, read.Length), ids.Order());
        Assert.Equal(read.Order(StringComparer.Ordinal), ids.Select(id => read[id]));
        if (shared is null || leaves is null)
        {
            return;
        }

        for (var p = 0; p < ids.Length; p++)
        {
            var current = read[ids[p]];
            var length = p == 0 ? 0 : current.AsSpan().CommonPrefixLength(read[ids[p - 1]]);
            Assert.True(Math.Min(length, cap) == shared[p], $"shared length at {p}");
            Assert.True((length < current.Length ? current[length] : '\0') == leaves[p], $"leaving character at {p}");
        }
    }

    private static string RandomString(Random random, string alphabet, int min, int max) =>
        new([.. Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
}
