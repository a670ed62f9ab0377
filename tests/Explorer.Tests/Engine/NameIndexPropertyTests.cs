using Explorer.Graph;
using Explorer.Search;
using Explorer.Search.Reference;

namespace Explorer.Tests.Engine;

/// <summary>
/// The compact name index ranks exactly as the one it replaced (<see cref="ReferenceNameIndex"/>, kept verbatim):
/// the same hits, scores, match kinds and order for every query, on random names built to collide (shared
/// syllables, accents, apostrophes, dots, case, other scripts, surrogate pairs, aliases equal to names, ids that
/// normalize like names), with kind filters and limits on both sides of the top-k path. Fixed seeds.
/// </summary>
public sealed class NameIndexPropertyTests
{
    private static readonly string[] s_syllables = ["ma", "li", "sa", "hel", "no", "ra", "to", "ki", "an", "al", "mé", "lí", "çe", "ñu", "ö", "ss", "st", "ro", "mali", "nord"];
    private static readonly string[] s_words = ["Alliance", "Mission", "Council", "of", "the", "Republic", "Union", "ÉTAT", "Côte", "d'Ivoire", "U.S.", "NATO’s", "Москва", "東京", "Ελλάδα", "x", "Ⅻ", "🙂", "Nord-Süd", "ﬁnance"];
    private static readonly NodeKind[] s_kinds = Enum.GetValues<NodeKind>();

    private sealed record RandomNode(string Id, NodeKind Kind, string Name, string[] Aliases);

    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 300)]
    [InlineData(3, 1500)]
    [InlineData(4, 4000)]
    public void TheCompactIndexRanksExactlyAsTheOldOneOnRandomNames(int seed, int count)
    {
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, count).Select(i => RandomNodeAt(random, i)).ToArray();
        var (index, reference) = BothIndexes(nodes, order: null);
        var queries = Queries(random, nodes, 400);
        var compared = 0;
        foreach (var query in queries)
        {
            var kinds = random.Next(5) == 0 ? new HashSet<NodeKind> { s_kinds[random.Next(s_kinds.Length)], s_kinds[random.Next(s_kinds.Length)] } : null;
            var limit = new[] { 1, 3, 10, 10, 25, 100 }[random.Next(6)];
            var expected = WithoutTyposBesideAnExactHit(reference.Search(query, kinds, limit));
            var actual = index.Search(query, kinds, limit);
            Assert.True(expected.SequenceEqual(actual), $"'{query}' (limit {limit}, kinds {(kinds is null ? "any" : string.Join(",", kinds))}): expected {Show(nodes, expected)}, got {Show(nodes, actual)}");
            Assert.Equal(reference.Resolve(query), index.Resolve(query));
            compared += expected.Count;
        }

        Assert.True(compared > queries.Count, "the queries found too little to compare");
    }

    /// <summary>
    /// The one rule that changed since the old index: a query that is some node's exact id, name or alias (an
    /// Exact hit that passes the kind filter) gets no typo hits. Typo scores (at most 0.45) are below every other
    /// tier's (at least 0.6), so the old answer without its typo hits is the old ranking's top of the rest.
    /// </summary>
    private static List<(int Node, double Score, MatchKind Match)> WithoutTyposBesideAnExactHit(IReadOnlyList<(int Node, double Score, MatchKind Match)> old) =>
        old.Any(h => h.Match == MatchKind.Exact) ? [.. old.Where(h => h.Match != MatchKind.Fuzzy)] : [.. old];

    [Fact]
    public void AQueryThatIsANodesExactNameGetsNoTypoHitsButOneThatIsNotStillDoes()
    {
        // "mali" is a name; "mala" (one edit from "mali", "malta") is none, "org-01" is an id one digit from others.
        (string Name, NodeKind Kind)[] names = [("Mali", NodeKind.Nation), ("Malta", NodeKind.Nation), ("Mala Sahel", NodeKind.Mission), ("Malian Mission", NodeKind.Mission)];
        var nodes = names.Select((n, i) => new RandomNode($"org-{i:D2}", n.Kind, n.Name, [])).ToArray();
        var (index, reference) = BothIndexes(nodes, order: null);
        Assert.Contains(reference.Search("mali", null, 10), h => h.Match == MatchKind.Fuzzy);
        Assert.DoesNotContain(index.Search("mali", null, 10), h => h.Match == MatchKind.Fuzzy);
        Assert.Equal(MatchKind.Exact, index.Search("mali", null, 10)[0].Match);
        Assert.Contains(reference.Search("org-01", null, 10), h => h.Match == MatchKind.Fuzzy);
        Assert.Equal([(1, 0.95, MatchKind.Exact)], index.Search("org-01", null, 10).Take(1));
        Assert.DoesNotContain(index.Search("org-01", null, 10), h => h.Match == MatchKind.Fuzzy);

        // Not an exact key: typo hits as before. Exact key of a node the kind filter drops: typo hits as before.
        Assert.Equal(reference.Search("malto", null, 10), index.Search("malto", null, 10));
        Assert.Contains(index.Search("malto", null, 10), h => h.Match == MatchKind.Fuzzy);
        var missions = new HashSet<NodeKind> { NodeKind.Mission };
        Assert.Equal(reference.Search("mali", missions, 10), index.Search("mali", missions, 10));
        Assert.Contains(index.Search("mali", missions, 10), h => h.Match == MatchKind.Fuzzy);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void QueriesWithVeryCommonTokensOrAliasesSharedByManyNodesRankAsTheOldOne(int seed)
    {
        // Shaped like the benchmark's names: a few words that a large share of the nodes have ("in", "security",
        // "council"), rare roots, and three-letter aliases shared by hundreds of nodes. These take the token
        // tier's look-up of a rare last token in large postings, and stop after an exact tier of limit hits.
        var random = new Random(seed);
        string[] fields = ["energy", "border", "Security", "trade"];
        string[] types = ["Council", "Agency", "Forum"];
        var roots = Enumerable.Range(0, 400).Select(_ => RandomName(random).Split(' ')[0]).Where(r => r.Length > 1).Distinct().ToArray();
        var nodes = Enumerable.Range(0, 3000).Select(i =>
        {
            var root = roots[random.Next(roots.Length)];
            var field = fields[random.Next(fields.Length)];
            var type = types[random.Next(types.Length)];
            return (i % 3) switch
            {
                0 => new RandomNode($"thm-{i:D4}", NodeKind.Theme, $"{field} security in {root}", []),
                1 => new RandomNode($"org-{i:D4}", NodeKind.Organization, $"{root} {field} {type}", [$"{root[0]}{field[0]}{type[0]}".ToUpperInvariant()]),
                _ => new RandomNode($"mis-{i:D4}", NodeKind.Mission, $"Operation {root}", []),
            };
        }).ToArray();
        var (index, reference) = BothIndexes(nodes, order: null);
        var queries = new List<string> { "in", "security in", "security", "energy security in", "council", "operation" };
        for (var q = 0; q < 300; q++)
        {
            var node = nodes[random.Next(nodes.Length)];
            var name = node.Aliases.Length > 0 && random.Next(2) == 0 ? node.Aliases[0] : node.Name;
            queries.Add(random.Next(4) switch
            {
                0 => name,
                1 => name[..Math.Max(1, random.Next(name.Length + 1))],
                2 => string.Join(' ', name.Split(' ').Reverse()),
                _ => Edit(random, name, 1),
            });
        }

        foreach (var query in queries)
        {
            var kinds = random.Next(4) == 0 ? new HashSet<NodeKind> { s_kinds[random.Next(s_kinds.Length)] } : null;
            var limit = new[] { 1, 3, 10, 10, 25, 100 }[random.Next(6)];
            var expected = WithoutTyposBesideAnExactHit(reference.Search(query, kinds, limit));
            var actual = index.Search(query, kinds, limit);
            Assert.True(expected.SequenceEqual(actual), $"'{query}' (limit {limit}, kinds {(kinds is null ? "any" : string.Join(",", kinds))}): expected {Show(nodes, expected)}, got {Show(nodes, actual)}");
        }
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void PrefixesOfThousandsOfKeysOfManyLengthsRankAsTheOldOne(int seed)
    {
        // One word begins most names, with tails of 0 to 70 characters (key lengths past the score's floor of 50
        // extra characters), names shared by several nodes (keys with many postings, one of them cut by the
        // prefix tier's 4,096 pairs) and aliases that begin with the word too: the prefix tier offered shortest
        // keys first and stopped after a length must rank as the old one's offering every pair in key order.
        var random = new Random(seed);
        var tails = Enumerable.Range(0, 2500).Select(_ => RandomString(random, "abcdefgh ", 0, random.Next(6) == 0 ? 70 : 12).Trim()).ToArray();
        var nodes = Enumerable.Range(0, 7000).Select(i =>
        {
            var tail = tails[random.Next(tails.Length)];
            var name = random.Next(10) == 0 ? $"Oper {tail}" : $"Operation {tail}";
            string[] aliases = random.Next(3) == 0 ? [$"Op {tails[random.Next(tails.Length)]}"] : [];
            return new RandomNode($"m-{i:D4}", s_kinds[random.Next(s_kinds.Length)], name, aliases);
        }).ToArray();
        var (index, reference) = BothIndexes(nodes, order: null);
        var queries = new List<string> { "o", "op", "ope", "oper", "operation", "operation ", "operation a", "op a" };
        for (var q = 0; q < 200; q++)
        {
            var name = nodes[random.Next(nodes.Length)].Name;
            queries.Add(name[..Math.Min(name.Length, 1 + random.Next(16))]);
        }

        foreach (var query in queries)
        {
            var kinds = random.Next(4) == 0 ? new HashSet<NodeKind> { s_kinds[random.Next(s_kinds.Length)] } : null;
            var limit = new[] { 1, 3, 10, 10, 25, 100 }[random.Next(6)];
            var expected = WithoutTyposBesideAnExactHit(reference.Search(query, kinds, limit));
            var actual = index.Search(query, kinds, limit);
            Assert.True(expected.SequenceEqual(actual), $"'{query}' (limit {limit}, kinds {(kinds is null ? "any" : string.Join(",", kinds))}): expected {Show(nodes, expected)}, got {Show(nodes, actual)}");
        }
    }

    [Fact]
    public void NormalizingToAStringIsDecidedAsTheNormalizerDecidesIt()
    {
        // The exact tier's allocation-free test against the normalizer itself, on ASCII and other text.
        var random = new Random(23);
        for (var i = 0; i < 4000; i++)
        {
            var text = RandomString(random, "aZ9 .'-_,b", 0, 10) + (random.Next(10) == 0 ? "é" : "");
            var normalized = FastNormalizer.Normalize(text);
            Assert.True(FastNormalizer.NormalizesTo(text, normalized), $"'{text}' -> '{normalized}'");
            var other = random.Next(4) switch
            {
                0 => normalized + "a",
                1 => normalized.Length > 0 ? normalized[..^1] : "a",
                2 => " " + normalized,
                _ => RandomString(random, "az9 ", 0, 6),
            };
            Assert.Equal(string.Equals(normalized, other, StringComparison.Ordinal), FastNormalizer.NormalizesTo(text, other));
        }
    }

    [Fact]
    public void NormalizingIntoABufferAppendsWhatTheNormalizerGives()
    {
        // The build normalizes every name into one growing buffer; it must hold exactly the normalized strings.
        var random = new Random(31);
        var buffer = new char[4];
        var length = 0;
        var expected = new System.Text.StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            var text = random.Next(50) == 0 ? new string('Q', 300) : RandomString(random, "aZ9 .'-_,b", 0, 12) + (random.Next(8) == 0 ? "Éﬁ Ⅻ ß" : "");
            var before = length;
            length = FastNormalizer.NormalizeInto(text, ref buffer, length);
            expected.Append(FastNormalizer.Normalize(text));
            Assert.Equal(FastNormalizer.Normalize(text), new string(buffer, before, length - before));
        }

        Assert.Equal(expected.ToString(), new string(buffer, 0, length));
    }

    [Theory]
    [InlineData(41, 30_000)]
    public void EveryNormalizedNameIsAKeyOfItsNodeAndEveryWordOfItATokenOfIt(int seed, int count)
    {
        // The build collects and normalizes names a run of positions per core into one packed buffer: each key must
        // still be exactly the normalized names (ids, names, aliases) with the nodes that have them, as many times as
        // they have them, and each token the words of those keys with each node once. Long names grow a run's buffer.
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, count).Select(i => random.Next(40) == 0
            ? new RandomNode($"n-{i}", NodeKind.Theme, string.Join(' ', Enumerable.Range(0, 40).Select(_ => RandomName(random))), [])
            : RandomNodeAt(random, i)).ToArray();
        var parts = NameIndex.Build(nodes.Length, p => [nodes[p].Id, nodes[p].Name, .. nodes[p].Aliases], i => nodes[i].Kind, i => nodes[i].Name).Parts;

        var keys = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        var tokens = new SortedDictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        for (var node = 0; node < nodes.Length; node++)
        {
            foreach (var name in (string[])[nodes[node].Id, nodes[node].Name, .. nodes[node].Aliases])
            {
                var key = FastNormalizer.Normalize(name);
                if (key.Length == 0)
                {
                    continue;
                }

                (keys.TryGetValue(key, out var holders) ? holders : keys[key] = []).Add(node);
                foreach (var token in key.Split(' '))
                {
                    (tokens.TryGetValue(token, out var having) ? having : tokens[token] = []).Add(node);
                }
            }
        }

        Assert.Equal(keys.Keys, Enumerable.Range(0, parts.Keys.Count).Select(k => parts.Keys[k].ToString()));
        Assert.Equal(keys.Values.Select(v => v.ToArray()), Enumerable.Range(0, parts.Keys.Count).Select(k => parts.Keys.Of(k).ToArray()));
        Assert.Equal(tokens.Keys, Enumerable.Range(0, parts.Tokens.Count).Select(t => parts.Tokens[t].ToString()));
        Assert.Equal(tokens.Values.Select(v => v.ToArray()), Enumerable.Range(0, parts.Tokens.Count).Select(t => parts.Tokens.Of(t).ToArray()));
    }

    [Fact]
    public void NamesGivenAsALazySequenceMakeTheSameArraysAsNamesGivenAsAList()
    {
        // The build reads a list of names by index (no enumerator per node) and any other sequence by enumerating it.
        var random = new Random(43);
        var nodes = Enumerable.Range(0, 5000).Select(i => RandomNodeAt(random, i)).ToArray();
        IEnumerable<string> Lazily(int p)
        {
            yield return nodes[p].Id;
            yield return nodes[p].Name;
            foreach (var alias in nodes[p].Aliases)
            {
                yield return alias;
            }
        }

        var listed = NameIndex.Build(nodes.Length, p => [nodes[p].Id, nodes[p].Name, .. nodes[p].Aliases], i => nodes[i].Kind, i => nodes[i].Name).Parts;
        var lazy = NameIndex.Build(nodes.Length, Lazily, i => nodes[i].Kind, i => nodes[i].Name).Parts;
        AssertSameArrays(listed, lazy);
    }

    /// <summary>Both indexes' keys and tokens: text, postings, backward order and both orders' shapes.</summary>
    private static void AssertSameArrays(NameIndex.NameIndexParts expected, NameIndex.NameIndexParts actual)
    {
        foreach (var (a, b) in new[] { (expected.Keys, actual.Keys), (expected.Tokens, actual.Tokens) })
        {
            Assert.Equal(a.Parts.Text, b.Parts.Text);
            Assert.Equal(a.Parts.Start, b.Parts.Start);
            Assert.Equal(a.Parts.PostingStart, b.Parts.PostingStart);
            Assert.Equal(a.Parts.Nodes, b.Parts.Nodes);
            Assert.Equal(a.Parts.Reversed, b.Parts.Reversed);
            foreach (var (x, y) in new[] { (a.Shapes.Forward, b.Shapes.Forward), (a.Shapes.Backward, b.Shapes.Backward) })
            {
                Assert.Equal(x.Shared, y.Shared);
                Assert.Equal(x.Leaves, y.Leaves);
                Assert.Equal(x.Top.First, y.Top.First);
                Assert.Equal(x.Top.Entries, y.Top.Entries);
            }
        }
    }

    [Fact]
    public void BuiltFromPreparedNamesInAnotherOrderItStillRanksAsTheOldOne()
    {
        // The store's path: names prepared by load position, then built over the topology's ordinals.
        var random = new Random(9);
        var nodes = Enumerable.Range(0, 2000).Select(i => RandomNodeAt(random, i)).ToArray();
        var order = Enumerable.Range(0, nodes.Length).OrderBy(_ => random.Next()).ToArray();
        var (index, reference) = BothIndexes(nodes, order);
        foreach (var query in Queries(random, nodes, 300))
        {
            Assert.Equal(WithoutTyposBesideAnExactHit(reference.Search(query, null, 10)), index.Search(query, null, 10));
            Assert.Equal(reference.Resolve(query), index.Resolve(query));
        }
    }

    [Fact]
    public void ABuildOverFreedMemoryFullOfGarbageMakesTheSameArraysAsABuildOverFreshMemory()
    {
        // The build writes most of its arrays without zeroing them first (HugePages.Allocate, uninitialized): every
        // element must be written before it is read. Freed large-object memory filled with garbage is what such an
        // array gets when the GC hands out memory again; the arrays must not differ from a build on fresh memory.
        var random = new Random(31);
        var nodes = Enumerable.Range(0, 40_000).Select(i => RandomNodeAt(random, i)).ToArray();
        NameIndex Build() => NameIndex.Build(nodes.Length, p => [nodes[p].Id, nodes[p].Name, .. nodes[p].Aliases], i => nodes[i].Kind, i => nodes[i].Name);
        var fresh = Build().Parts;
        for (var round = 0; round < 3; round++)
        {
            var garbage = new List<byte[]>();
            for (var i = 0; i < 64; i++)
            {
                var junk = GC.AllocateUninitializedArray<byte>(256 << 10 << (i % 4));
                random.NextBytes(junk);
                garbage.Add(junk);
            }

            garbage.Clear();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
            AssertSameArrays(fresh, Build().Parts);
        }
    }

    [Theory]
    [InlineData(21, 3000)]
    [InlineData(22, 20_000)]
    public void TheBackwardShapesTheBuildTakesFromItsSortsAreTheOnesDerivedFromTheStrings(int seed, int count)
    {
        // The build reads each backward order's shape off the sort that made the order (no second pass over the
        // strings at random positions); the walk's answers rely on it being exactly the shape derived from them.
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, count).Select(i => RandomNodeAt(random, i)).ToArray();
        var parts = NameIndex.Build(nodes.Length, p => [nodes[p].Id, nodes[p].Name, .. nodes[p].Aliases], i => nodes[i].Kind, i => nodes[i].Name).Parts;
        foreach (var built in new[] { parts.Keys, parts.Tokens })
        {
            var (text, start, postingStart, postings, reversed) = built.Parts;
            var derived = new SortedStrings(text, start, postingStart, postings, reversed).Shapes;
            foreach (var (mine, theirs) in new[] { (built.Shapes.Forward, derived.Forward), (built.Shapes.Backward, derived.Backward) })
            {
                Assert.Equal(theirs.Shared, mine.Shared);
                Assert.Equal(theirs.Leaves, mine.Leaves);
                Assert.Equal(theirs.Top.First, mine.Top.First);
                Assert.Equal(theirs.Top.Entries, mine.Top.Entries);
            }
        }
    }

    [Theory]
    [InlineData(11, 1)]
    [InlineData(12, 2)]
    [InlineData(13, 3)]
    public void TheTypoWalkFindsExactlyTheStringsWithinTheBudget(int seed, int budget)
    {
        // Against a scan of every string, on short strings over a small alphabet (many neighbours).
        var random = new Random(seed);
        var strings = Enumerable.Range(0, 3000).Select(_ => RandomString(random, "abcde ", 1, 12)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var packed = Packed(strings);
        for (var q = 0; q < 300; q++)
        {
            var query = q % 2 == 0 ? Edit(random, strings[random.Next(strings.Length)], random.Next(budget + 2)) : RandomString(random, "abcdef ", 1, 14);
            if (query.Length == 0)
            {
                continue;
            }

            AssertTheWalkFindsWhatAScanFinds(packed, strings, query, budget);
        }
    }

    [Theory]
    [InlineData(14, 1)]
    [InlineData(15, 2)]
    public void TheTypoWalkFindsExactlyTheStringsWithinTheBudgetPastTheStoredSharedLengths(int seed, int budget)
    {
        // Strings that share 250-260 characters at the front or the back: the walk reads past the 255 shared
        // characters its shape stores, so it must fall back to the strings themselves there.
        var random = new Random(seed);
        var front = new string('m', 250);
        var back = new string('n', 252);
        var strings = Enumerable.Range(0, 600)
            .Select(i => (i % 3) switch
            {
                0 => front + RandomString(random, "ab ", 0, 12),
                1 => RandomString(random, "ab ", 0, 12) + back,
                _ => RandomString(random, "ab", 0, 4) + front + RandomString(random, "ab", 0, 4),
            })
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var packed = Packed(strings);
        for (var q = 0; q < 120; q++)
        {
            var query = Edit(random, strings[random.Next(strings.Length)], random.Next(budget + 2));
            AssertTheWalkFindsWhatAScanFinds(packed, strings, query, budget);
        }
    }

    [Fact]
    public void TheTypoWalkFindsExactlyTheStringsWithinTheBudgetWhenItsTopTableHoldsFewerLevels()
    {
        // Enough distinct four-character prefixes (and suffixes) that the walk's table of its top levels stops
        // at three levels (its cap): below the table the walk scans the shapes again, and must find the same.
        var random = new Random(16);
        var strings = Enumerable.Range(0, 50_000).Select(_ => RandomString(random, "abcdefghijklmnopqrstuvwxyz", 4, 9)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var packed = Packed(strings);
        foreach (var backwards in new[] { false, true })
        {
            int Distinct(int length) => strings.Select(s => backwards ? s[^length..] : s[..length]).Distinct(StringComparer.Ordinal).Count();
            Assert.True(Distinct(1) + Distinct(2) + Distinct(3) + Distinct(4) > 32_768, "the fourth level must not fit");
            Assert.Equal((1 + Distinct(1) + Distinct(2), Distinct(1) + Distinct(2) + Distinct(3)), packed.TopSize(backwards));
        }

        for (var q = 0; q < 40; q++)
        {
            var budget = 1 + (q % 2);
            var query = Edit(random, strings[random.Next(strings.Length)], random.Next(budget + 2));
            if (query.Length == 0)
            {
                continue;
            }

            AssertTheWalkFindsWhatAScanFinds(packed, strings, query, budget);
        }
    }

    [Fact]
    public void TheTopTableHoldsFourLevelsWhenTheyFitAndNoneForNoStrings()
    {
        var strings = new[] { "", "a", "ab", "abc", "abcd", "abcde", "abd", "b" };
        var packed = Packed(strings);

        // Children: a, b; ab; abc, abd; abcd. Nodes with children recorded: the root and the first three levels.
        Assert.Equal((1 + 2 + 1 + 2, 2 + 1 + 2 + 1), packed.TopSize(backwards: false));
        Assert.Equal((0, 0), Packed([]).TopSize(backwards: false));
        var found = new List<(int Id, int Distance)>();
        packed.Within("abce", 1, spacedOnly: false, found);
        Assert.Equal([(3, 1), (4, 1), (5, 1)], found.OrderBy(f => f.Id));
    }

    /// <summary>The walk's strings within the budget of the query are those a scan of every string finds.</summary>
    private static void AssertTheWalkFindsWhatAScanFinds(SortedStrings packed, string[] strings, string query, int budget)
    {
        var found = new List<(int Id, int Distance)>();
        packed.Within(query, budget, spacedOnly: false, found);
        var expected = strings.Select((s, id) => (Id: id, Distance: TextNormalizer.Distance(query, s, budget))).Where(p => p.Distance > 0 && p.Distance <= budget).ToList();
        Assert.Equal(expected, found.OrderBy(f => f.Id).ToList());
    }

    private static SortedStrings Packed(string[] sorted)
    {
        var start = new int[sorted.Length + 1];
        for (var i = 0; i < sorted.Length; i++)
        {
            start[i + 1] = start[i] + sorted[i].Length;
        }

        var text = string.Concat(sorted).ToCharArray();
        var reversed = Enumerable.Range(0, sorted.Length).OrderBy(i => new string(sorted[i].Reverse().ToArray()), StringComparer.Ordinal).ToArray();
        return new SortedStrings(text, start, new int[sorted.Length + 1], [], reversed);
    }

    private static (NameIndex Index, ReferenceNameIndex Reference) BothIndexes(RandomNode[] nodes, int[]? order)
    {
        IEnumerable<string> NamesAt(int position) => [nodes[position].Id, nodes[position].Name, .. nodes[position].Aliases];
        if (order is null)
        {
            return (
                NameIndex.Build(nodes.Length, NamesAt, i => nodes[i].Kind, i => nodes[i].Name),
                ReferenceNameIndex.Build(nodes.Length, NamesAt, i => nodes[i].Kind, i => nodes[i].Name));
        }

        return (
            NameIndex.Build(NameIndex.Prepare(nodes.Length, NamesAt), order, o => nodes[order[o]].Kind, o => nodes[order[o]].Name),
            ReferenceNameIndex.Build(ReferenceNameIndex.Prepare(nodes.Length, NamesAt), order, o => nodes[order[o]].Kind, o => nodes[order[o]].Name));
    }

    private static RandomNode RandomNodeAt(Random random, int i)
    {
        var name = RandomName(random);
        var aliases = new List<string>();
        switch (random.Next(6))
        {
            case 0:
                aliases.Add(name.ToUpperInvariant());
                break;
            case 1:
                aliases.Add(RandomName(random));
                aliases.Add(RandomName(random));
                break;
            case 2:
                aliases.Add(new string([.. name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w[0])]));
                break;
        }

        var id = random.Next(8) == 0 ? name.ToLowerInvariant().Replace(' ', '-') : $"n-{i:D4}";
        return new RandomNode(id, s_kinds[random.Next(s_kinds.Length)], name, [.. aliases]);
    }

    private static string RandomName(Random random)
    {
        var words = new List<string>();
        for (var w = 0; w < 1 + random.Next(4); w++)
        {
            if (random.Next(3) == 0)
            {
                words.Add(s_words[random.Next(s_words.Length)]);
            }
            else
            {
                var word = string.Concat(Enumerable.Range(0, 1 + random.Next(3)).Select(_ => s_syllables[random.Next(s_syllables.Length)]));
                words.Add(random.Next(2) == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
            }
        }

        return string.Join(random.Next(10) == 0 ? " - " : " ", words);
    }

    private static List<string> Queries(Random random, RandomNode[] nodes, int count)
    {
        var queries = new List<string> { "", " ", "...", "a", "ma", "mali", "alliance", "🙂", "東京", "cote divoire", "nato" };
        while (queries.Count < count)
        {
            var node = nodes[random.Next(nodes.Length)];
            var name = node.Aliases.Length > 0 && random.Next(3) == 0 ? node.Aliases[random.Next(node.Aliases.Length)] : node.Name;
            queries.Add(random.Next(8) switch
            {
                0 => name,
                1 => name.ToLowerInvariant(),
                2 => name[..Math.Max(1, random.Next(name.Length + 1))],
                3 => Edit(random, name, 1),
                4 => Edit(random, name, 2),
                5 => name.Split(' ')[random.Next(name.Split(' ').Length)],
                6 => string.Join(' ', name.Split(' ').Reverse()),
                _ => node.Id,
            });
        }

        return queries;
    }

    /// <summary>The text after a few random edits: substitutions, insertions, deletions and adjacent swaps.</summary>
    private static string Edit(Random random, string text, int edits)
    {
        var chars = text.ToList();
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(chars.Count + 1);
            switch (random.Next(4))
            {
                case 0 when at < chars.Count:
                    chars[at] = "aeioumls "[random.Next(9)];
                    break;
                case 1:
                    chars.Insert(at, "aeioumls"[random.Next(8)]);
                    break;
                case 2 when at < chars.Count:
                    chars.RemoveAt(at);
                    break;
                case 3 when at + 1 < chars.Count:
                    (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                    break;
            }
        }

        return new string([.. chars]);
    }

    private static string RandomString(Random random, string alphabet, int min, int max) =>
        new([.. Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)])]);

    private static string Show(RandomNode[] nodes, IReadOnlyList<(int Node, double Score, MatchKind Match)> hits) =>
        "[" + string.Join(", ", hits.Select(h => $"{nodes[h.Node].Name}|{h.Score:F3}|{h.Match}")) + "]";
}
