using Explorer.Graph;
using Explorer.Search;

namespace Explorer.Tests.Engine;

/// <summary>The name index on its own: ranking tiers, accents, aliases, typos and ties, over hand-made names.</summary>
public sealed class NameIndexTests
{
    private static readonly Node[] s_nodes =
    [
        new("nato", NodeKind.Organization, "North Atlantic Treaty Organization", ["NATO", "OTAN"], ""),
        new("north-macedonia", NodeKind.Nation, "North Macedonia", ["Macedonia"], ""),
        new("cote-divoire", NodeKind.Nation, "Côte d'Ivoire", ["Ivory Coast"], ""),
        new("somalia", NodeKind.Nation, "Somalia", [], ""),
        new("mali", NodeKind.Nation, "Mali", [], ""),
        new("malawi", NodeKind.Nation, "Malawi", [], ""),
        new("minusma", NodeKind.Mission, "MINUSMA", ["UN Multidimensional Integrated Stabilization Mission in Mali"], ""),
        new("peacekeeping", NodeKind.Theme, "Peacekeeping", [], ""),
        new("peace-enforcement", NodeKind.Theme, "Peace enforcement", [], ""),
        new("sahel", NodeKind.Region, "Sahel", [], ""),
        new("sahel-alliance", NodeKind.Organization, "Sahel Alliance", [], ""),
        new("alliance-sahel", NodeKind.Organization, "Alliance Sahel", [], ""),
    ];

    private static readonly NameIndex s_index = NameIndex.Build(
        s_nodes.Length,
        i => [s_nodes[i].Id, s_nodes[i].Name, .. s_nodes[i].Aliases],
        i => s_nodes[i].Kind,
        i => s_nodes[i].Name);

    private static List<(string Id, MatchKind Match)> Search(string text, IReadOnlySet<NodeKind>? kinds = null, int limit = 10) =>
        [.. s_index.Search(text, kinds, limit).Select(h => (s_nodes[h.Node].Id, h.Match))];

    [Fact]
    public void AnExactNameOutranksAPrefixWhichOutranksAllTokensWhichOutranksATypo()
    {
        // "sahel": exact for Sahel, prefix of "Sahel Alliance", a token of "Alliance Sahel".
        var hits = Search("sahel");
        Assert.Equal([("sahel", MatchKind.Exact), ("sahel-alliance", MatchKind.Prefix), ("alliance-sahel", MatchKind.Token)], hits);

        // "Somala" is none of those for any node: only the typo tier finds Somalia.
        Assert.Equal([("somalia", MatchKind.Fuzzy)], Search("Somala").Take(1));
    }

    [Fact]
    public void ScoresNeverRiseFromOneTierToTheNext()
    {
        foreach (var query in new[] { "sahel", "mali", "peace", "north", "alliance sahel", "malwi" })
        {
            var hits = s_index.Search(query, null, 20);
            for (var i = 1; i < hits.Count; i++)
            {
                Assert.True(hits[i - 1].Score >= hits[i].Score, $"'{query}': {s_nodes[hits[i - 1].Node].Id} before {s_nodes[hits[i].Node].Id}");
                Assert.True(hits[i - 1].Match <= hits[i].Match, $"'{query}': a {hits[i - 1].Match} before a {hits[i].Match}");
            }
        }
    }

    [Theory]
    [InlineData("cote d'ivoire")]
    [InlineData("CÔTE D’IVOIRE")]
    [InlineData("Cote dIvoire")]
    [InlineData("  côte   d'ivoire ")]
    public void CaseAccentsApostrophesAndSpacesDoNotMatter(string query)
    {
        Assert.Equal(("cote-divoire", MatchKind.Exact), Search(query)[0]);
        Assert.Equal([Array.IndexOf(s_nodes, s_nodes.Single(n => n.Id == "cote-divoire"))], s_index.Resolve(query));
    }

    [Fact]
    public void AliasesAndIdsMatchExactlyAsNamesDo()
    {
        Assert.Equal(("nato", MatchKind.Exact), Search("OTAN")[0]);
        Assert.Equal(("cote-divoire", MatchKind.Exact), Search("Ivory Coast")[0]);
        Assert.Equal(("north-macedonia", MatchKind.Exact), Search("north-macedonia")[0]);

        // An alias that equals a node's name exactly scores below the name itself.
        var byName = s_index.Search("North Macedonia", null, 1)[0];
        var byAlias = s_index.Search("Macedonia", null, 1)[0];
        Assert.Equal(byName.Node, byAlias.Node);
        Assert.True(byName.Score > byAlias.Score);
    }

    [Theory]
    [InlineData("Somala", "somalia")]
    [InlineData("Malawe", "malawi")]
    [InlineData("Peacekeepign", "peacekeeping")]
    [InlineData("Sahle", "sahel")]
    public void OneOrTwoTyposStillFindTheName(string query, string id) =>
        Assert.Equal((id, MatchKind.Fuzzy), Search(query)[0]);

    [Fact]
    public void ATypoAgainstOneWordOfALongNameIsNotAnExactOrPrefixMatch()
    {
        var hits = Search("Atlantis");
        Assert.DoesNotContain(hits, h => h.Match is MatchKind.Exact or MatchKind.Prefix or MatchKind.Token);
    }

    [Fact]
    public void TiesGoToTheShorterNameThenTheOrdinalOrder()
    {
        // "Malwi" is one edit from Mali and one from Malawi: the same typo score, so the shorter name leads.
        Assert.Equal(["mali", "malawi"], Search("Malwi").Where(h => h.Match == MatchKind.Fuzzy).Select(h => h.Id).Take(2));

        // "peace" is a prefix of both themes: equal tier; the shorter name ranks first, every time.
        var hits = Search("peace");
        Assert.Equal(["peacekeeping", "peace-enforcement"], hits.Where(h => h.Match == MatchKind.Prefix).Select(h => h.Id));
        Assert.Equal(hits, Search("peace"));

        // Two names of one length: ordinal order ("Alliance Sahel" < "Sahel Alliance") decides among equal scores.
        var tokens = Search("sahel alliance").Where(h => h.Match == MatchKind.Token).Select(h => h.Id).ToList();
        Assert.Equal(["alliance-sahel"], tokens);
    }

    [Fact]
    public void KindsFilterAndLimitCuts()
    {
        Assert.All(Search("mali", new HashSet<NodeKind> { NodeKind.Mission }), h => Assert.Equal("minusma", h.Id));
        Assert.Single(Search("mal", limit: 1));
    }

    [Fact]
    public void ResolveAnswersOnlyExactIdsNamesAndAliases()
    {
        Assert.Single(s_index.Resolve("NATO"));
        Assert.Empty(s_index.Resolve("Somala"));
        Assert.Empty(s_index.Resolve("North"));
    }
}
