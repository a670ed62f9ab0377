using Explorer.Embedded;
using Explorer.Graph;

namespace Explorer.Tests.Living;

/// <summary>
/// The packed node records of the embedded index (<see cref="NodeTable"/>) give back exactly the records put in
/// (ids, names, aliases, descriptions, dates, versions; accents, other scripts, surrogate pairs, empty text),
/// find every id and nothing else, keep that through a permutation and through a copy column by column, and
/// refuse an id twice; a stored id map is used only when it fits the ids.
/// </summary>
public sealed class NodeTableTests
{
    private static readonly string[] s_pieces = ["NATO", "Élysée", "Bundesrat", "ООН", "联合国", "𝔘𝔑", "o'Brien", "a.b", " ", "", "-", "Ærø"];

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 500)]
    public void RecordsComeBackAsTheyWentIn(int seed, int count)
    {
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, count).Select(i => RandomNode(random, i)).ToList();
        var builder = new NodeTable.Builder(count);
        nodes.ForEach(builder.Add);
        var table = builder.Build();

        Assert.Equal(count, table.Count);
        for (var o = 0; o < count; o++)
        {
            AssertSame(nodes[o], table[o]);
            Assert.Equal(nodes[o].Id, table.Id(o));
            Assert.Equal(nodes[o].Name, table.Name(o));
            Assert.Equal(nodes[o].Kind, table.Kind(o));
            Assert.Equal(o, table.Find(nodes[o].Id));
        }

        Assert.Equal(-1, table.Find("not-a-node"));
        Assert.Equal(-1, table.Find(""));
        Assert.Equal(nodes.Select((n, o) => (n, o)).Where(p => p.n.ValidFrom is not null || p.n.ValidTo is not null).Select(p => p.o), table.Dated.ToArray());
    }

    [Fact]
    public void APermutationAndACopyKeepEveryRecordAndId()
    {
        var random = new Random(7);
        var nodes = Enumerable.Range(0, 300).Select(i => RandomNode(random, i)).ToList();
        var builder = new NodeTable.Builder(nodes.Count);
        nodes.ForEach(builder.Add);
        var table = builder.Build(findable: false);
        var order = Enumerable.Range(0, nodes.Count).OrderBy(_ => random.Next()).ToArray();

        var permuted = table.Permute(order);

        for (var o = 0; o < order.Length; o++)
        {
            AssertSame(nodes[order[o]], permuted[o]);
            Assert.Equal(o, permuted.Find(nodes[order[o]].Id));
        }

        Assert.Equal(order.Select((p, o) => (p, o)).Where(x => nodes[x.p].ValidFrom is not null || nodes[x.p].ValidTo is not null).Select(x => x.o), permuted.Dated.ToArray());

        var copy = NodeTable.FromParts(permuted.ToParts());
        for (var o = 0; o < order.Length; o++)
        {
            AssertSame(permuted[o], copy[o]);
            Assert.Equal(o, copy.Find(permuted.Id(o)));
        }

        Assert.Throws<InvalidOperationException>(() => table.Find(nodes[0].Id));
    }

    [Fact]
    public void AnIdTwiceIsRefused()
    {
        var builder = new NodeTable.Builder(2);
        builder.Add(new Node("same", NodeKind.Nation, "One", [], ""));
        builder.Add(new Node("same", NodeKind.Region, "Two", [], ""));

        Assert.Contains("appears twice", Assert.Throws<InvalidDataException>(() => builder.Build()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnsThatDoNotFitTogetherAreRefused()
    {
        var builder = new NodeTable.Builder(3);
        for (var i = 0; i < 3; i++)
        {
            builder.Add(new Node($"n{i}", NodeKind.Theme, $"Node {i}", ["x"], "d", i == 1 ? "2001" : null));
        }

        var parts = builder.Build().ToParts();

        Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { Versions = [1, 2] }));
        Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { Kinds = [0, 1, 99] }));
        Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { Ids = parts.Ids with { Start = [0, 5, 2, parts.Ids.Utf8.Length] } }));
        Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { Dated = [3] }));
        Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { ValidFrom = [null] }));
    }

    [Fact]
    public void AStoredIdMapIsUsedWhenItFitsTheIdsAndRefusedWhenItDoesNot()
    {
        var random = new Random(11);
        var nodes = Enumerable.Range(0, 300).Select(i => RandomNode(random, i)).ToList();
        var builder = new NodeTable.Builder(nodes.Count);
        nodes.ForEach(builder.Add);
        var parts = builder.Build().ToParts();
        var slots = parts.IdSlots!;

        // Used as it is (not hashed again), and every id found through it; without one, hashed from the ids.
        var stored = NodeTable.FromParts(parts);
        Assert.Same(slots, stored.ToParts().IdSlots);
        var hashed = NodeTable.FromParts(parts with { IdSlots = null });
        Assert.Equal(slots, hashed.ToParts().IdSlots);
        for (var o = 0; o < nodes.Count; o++)
        {
            Assert.Equal(o, stored.Find(nodes[o].Id));
        }

        Assert.Equal(-1, stored.Find("not-a-node"));

        // Another size, an ordinal twice, one missing, and the same entries laid out by another hash.
        var twice = (int[])slots.Clone();
        twice[Array.IndexOf(twice, 0)] = 1;
        var missing = (int[])slots.Clone();
        missing[Array.IndexOf(missing, 1)] = 0;
        var mirrored = slots.Reverse().ToArray();
        Assert.Contains("slots", Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { IdSlots = new int[slots.Length * 2] })).Message, StringComparison.Ordinal);
        Assert.Contains("every node once", Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { IdSlots = twice })).Message, StringComparison.Ordinal);
        Assert.Contains("every node once", Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { IdSlots = missing })).Message, StringComparison.Ordinal);
        Assert.Contains("does not find node id", Assert.Throws<InvalidDataException>(() => NodeTable.FromParts(parts with { IdSlots = mirrored })).Message, StringComparison.Ordinal);
    }

    private static void AssertSame(Node expected, Node actual)
    {
        Assert.True(expected.SameAs(actual), $"{expected} read back as {actual}");
        Assert.Equal(expected.Aliases, actual.Aliases);
        Assert.Equal(expected.Version, actual.Version);
    }

    private static Node RandomNode(Random random, int i)
    {
        string Text(int most) => string.Concat(Enumerable.Range(0, random.Next(most + 1)).Select(_ => s_pieces[random.Next(s_pieces.Length)]));
        var aliases = Enumerable.Range(0, random.Next(3)).Select(_ => Text(2) + "x").ToArray();
        var from = random.Next(4) == 0 ? $"{1900 + random.Next(120)}" : null;
        var to = random.Next(5) == 0 ? $"{1950 + random.Next(70)}-0{1 + random.Next(9)}" : null;
        return new Node($"{Text(1)}-{i}", (NodeKind)random.Next(5), Text(3) + "n", aliases, Text(4), from, to) { Version = 1 + random.Next(1000) };
    }
}
