using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Ranking;

/// <summary>Queries as of a date on a small dated graph: accessions, missions, suspensions, undated facts.</summary>
public sealed class AsOfTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private IGraphStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        Node Node(string id, NodeKind kind, string? from = null, string? to = null) => new(id, kind, id, [], "", from, to);
        Edge Edge(string source, string type, string target, string? from = null, string? to = null, params Suspension[] suspensions) =>
            new($"{source}-{type}-{target}", type, source, target, [new Evidence("essay", "text")], from, to, suspensions);

        var seed = new GraphSeed(
            [new SourceDocument("essay", "The essay", "essay", "", "text")],
            [
                Node("union", NodeKind.Organization, "2002-07-09"),
                Node("memberland", NodeKind.Nation),
                Node("joiner", NodeKind.Nation),
                Node("mission", NodeKind.Mission, "1995-12", "2004"),
                Node("region", NodeKind.Region),
                Node("alliance", NodeKind.Organization),
            ],
            [
                // A member from the union's founding, suspended 2005 to 2007.
                Edge("memberland", "MEMBER_OF", "union", "2002-07-09", null, new Suspension("2005-03", "2007")),

                // A member from July 2011.
                Edge("joiner", "MEMBER_OF", "union", "2011-07"),

                // A mission from December 1995 through 2004; the edges themselves are undated.
                Edge("alliance", "CONDUCTED", "mission"),
                Edge("mission", "DEPLOYED_TO", "region"),

                // An undated fact: always holds.
                Edge("memberland", "LOCATED_IN", "region"),
            ]);
        _store = EmbeddedStore.Create(_directory.File("dated.db"));
        await _store.InitializeAsync();
        await _store.SeedAsync(seed);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData("2011-06", false)]
    [InlineData("2011-07", true)]
    [InlineData("2011", true)]
    [InlineData("2010", false)]
    [InlineData("2030-01-01", true)]
    public async Task AMemberIsOnlyAMemberFromItsAccession(string asOf, bool member)
    {
        var members = await MembersAsync(asOf);

        Assert.Equal(member, members.Contains("joiner"));
    }

    [Theory]
    [InlineData("2004", true)]
    [InlineData("2005", true)] // a member in January and February 2005
    [InlineData("2005-04", false)]
    [InlineData("2006", false)]
    [InlineData("2007-12-31", false)]
    [InlineData("2008", true)]
    public async Task ASuspendedMembershipDoesNotHoldDuringItsSuspension(string asOf, bool member)
    {
        var members = await MembersAsync(asOf);
        var path = await _store.FindPathsAsync(new PathQuery("memberland", "union", PathMode.Shortest, AsOf: PartialDate.Parse(asOf)));

        Assert.Equal(member, members.Contains("memberland"));
        Assert.Equal(member, path.Paths.Count == 1);
    }

    [Theory]
    [InlineData("1995-11", false)]
    [InlineData("1995", true)]
    [InlineData("2004-12-31", true)]
    [InlineData("2005", false)]
    public async Task APathThroughAMissionHoldsOnlyWhileTheMissionRan(string asOf, bool throughMission)
    {
        var result = await _store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked, AsOf: PartialDate.Parse(asOf)));

        Assert.Equal(throughMission, result.Paths.Any(p => p.Nodes.Contains("mission")));
        if (!throughMission)
        {
            Assert.Empty(result.Paths);
            Assert.Contains($"as of {asOf}", result.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUndatedFactHoldsAtAnyDate()
    {
        var early = await _store.FindPathsAsync(new PathQuery("memberland", "region", PathMode.Shortest, AsOf: PartialDate.Parse("1066")));
        var late = await _store.FindPathsAsync(new PathQuery("memberland", "region", PathMode.Shortest, AsOf: PartialDate.Parse("2100-02")));

        Assert.Equal(["memberland", "region"], Assert.Single(early.Paths).Nodes);
        Assert.Equal(["memberland", "region"], Assert.Single(late.Paths).Nodes);
    }

    [Fact]
    public async Task ANodeThatDidNotExistYetIsNoEndpointAndNoSearchHit()
    {
        var path = await _store.FindPathsAsync(new PathQuery("memberland", "union", AsOf: PartialDate.Parse("1999")));
        var before = await _store.SearchAsync(new SearchQuery("union", AsOf: PartialDate.Parse("2001")));
        var after = await _store.SearchAsync(new SearchQuery("union", AsOf: PartialDate.Parse("2002")));
        var undated = await _store.SearchAsync(new SearchQuery("union"));

        Assert.Empty(path.Paths);
        Assert.Equal("'union' did not exist in 1999 (from 2002-07-09).", path.Reason);
        Assert.DoesNotContain(before, h => h.Id == "union");
        Assert.Contains(after, h => h.Id == "union");
        Assert.Contains(undated, h => h.Id == "union");
    }

    [Fact]
    public async Task WithoutADateEveryFactHolds()
    {
        var members = (await _store.GetNeighborhoodAsync(new NeighborhoodQuery("union", Types: new HashSet<string> { "MEMBER_OF" })))!.Nodes.Select(n => n.Id);

        Assert.Equal(["joiner", "memberland", "union"], members.Order(StringComparer.Ordinal));
    }

    private async Task<List<string>> MembersAsync(string asOf)
    {
        var neighborhood = await _store.GetNeighborhoodAsync(new NeighborhoodQuery("union", Types: new HashSet<string> { "MEMBER_OF" }, AsOf: PartialDate.Parse(asOf)));
        return [.. neighborhood!.Nodes.Select(n => n.Id)];
    }
}
