using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Ranking;
using Explorer.Seed;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Ranking;

/// <summary>The explanation ranking on small hand-made graphs where the right order is obvious.</summary>
public sealed class ExplanationRankingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AnActorsOwnDeedsOutrankAMembershipShortcutEvenWhenLonger()
    {
        await using var store = await StoreAsync(
            ("alliance", "CONDUCTED", "operation", Essay),
            ("operation", "DEPLOYED_TO", "region", Essay),
            ("alliance", "CONDUCTED", "first-op", Essay),
            ("first-op", "SUCCEEDED_BY", "second-op", Essay),
            ("second-op", "DEPLOYED_TO", "region", Essay),
            ("memberland", "MEMBER_OF", "alliance", Reference),
            ("memberland", "LOCATED_IN", "region", Reference));

        var result = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked));

        Assert.Equal(
            [["alliance", "operation", "region"], ["alliance", "first-op", "second-op", "region"], ["alliance", "memberland", "region"]],
            result.Paths.Select(p => p.Nodes.ToArray()).ToArray());
        Assert.Equal("2 actions; evidence from the essay", result.Paths[0].Why);
        Assert.Equal("2 actions, 1 succession; evidence from the essay", result.Paths[1].Why);
        Assert.Equal("1 location, 1 membership; evidence from the public record only", result.Paths[2].Why);
        Assert.True(result.Paths[0].Cost < result.Paths[1].Cost && result.Paths[1].Cost < result.Paths[2].Cost);
    }

    [Fact]
    public async Task AHopQuotedInTheEssayOutranksTheSameHopFromThePublicRecord()
    {
        await using var store = await StoreAsync(
            ("alliance", "CONDUCTED", "b-reference-op", Reference),
            ("b-reference-op", "DEPLOYED_TO", "region", Reference),
            ("alliance", "CONDUCTED", "a-essay-op", Essay),
            ("a-essay-op", "DEPLOYED_TO", "region", Essay),
            ("alliance", "CONDUCTED", "c-mixed-op", Essay),
            ("c-mixed-op", "DEPLOYED_TO", "region", Reference));

        var result = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked));

        Assert.Equal(["a-essay-op", "c-mixed-op", "b-reference-op"], result.Paths.Select(p => p.Nodes[1]).ToArray());
        Assert.Equal("2 actions; 1 quoted from the essay, 1 from the public record only", result.Paths[1].Why);
        Assert.Equal("2 actions; evidence from the public record only", result.Paths[2].Why);
    }

    [Fact]
    public async Task AHubCostsMoreThanAQuietNodeAndItsReasonSaysSo()
    {
        var edges = new List<(string, string, string, string)>
        {
            ("start-theme", "ADDRESSES", "hub-theme", Essay),
            ("hub-theme", "ADDRESSES", "end-theme", Essay),
            ("start-theme", "ADDRESSES", "quiet-theme", Essay),
            ("quiet-theme", "ADDRESSES", "end-theme", Essay),
        };
        for (var i = 0; i < 40; i++)
        {
            edges.Add(($"other-theme-{i:00}", "SUPPORTS", "hub-theme", Essay));
        }

        await using var store = await StoreAsync([.. edges]);

        var result = await store.FindPathsAsync(new PathQuery("start-theme", "end-theme", PathMode.Ranked));

        Assert.Equal(["start-theme", "quiet-theme", "end-theme"], result.Paths[0].Nodes);
        Assert.Equal(["start-theme", "hub-theme", "end-theme"], result.Paths[1].Nodes);
        Assert.Equal(ExplanationScore.HubCost(42), result.Paths[1].Cost - result.Paths[0].Cost, 3);
        Assert.Contains("through hub Hub Theme (42 links)", result.Paths[1].Why);
        Assert.DoesNotContain("hub", result.Paths[0].Why);
    }

    [Fact]
    public async Task TopPathsDoNotRepeatOneAnother()
    {
        // Three equally cheap chains share the same first stop; a slightly dearer one shares nothing.
        await using var store = await StoreAsync(
            ("start", "CONDUCTED", "shared", Essay),
            ("shared", "CONDUCTED", "x1", Essay),
            ("shared", "CONDUCTED", "x2", Essay),
            ("shared", "CONDUCTED", "x3", Essay),
            ("x1", "DEPLOYED_TO", "end", Essay),
            ("x2", "DEPLOYED_TO", "end", Essay),
            ("x3", "DEPLOYED_TO", "end", Essay),
            ("start", "CONDUCTED", "other", Essay),
            ("other", "SUCCEEDED_BY", "another", Essay),
            ("another", "DEPLOYED_TO", "end", Essay));

        var ranked = await store.FindPathsAsync(new PathQuery("start", "end", PathMode.Ranked, K: 3));

        Assert.Equal(["start", "shared", "x1", "end"], ranked.Paths[0].Nodes);
        Assert.Equal(["start", "other", "another", "end"], ranked.Paths[1].Nodes);
        Assert.Equal(["start", "shared", "x2", "end"], ranked.Paths[2].Nodes);
        Assert.True(ranked.Paths[1].Cost > ranked.Paths[2].Cost, "diversity lifts a dearer path that shows something new above a cheaper repeat");
        Assert.Contains("also passes Shared, shown above", ranked.Paths[2].Why);
        Assert.Null(ranked.Reason);
    }

    [Fact]
    public async Task APathThatOnlyReachesAMembersDeedSaysTheDeedIsTheMembers()
    {
        await using var store = await StoreAsync(
            ("memberland", "MEMBER_OF", "alliance", Reference),
            ("memberland", "PROVIDED_AID_TO", "aidland", Essay));

        var result = await store.FindPathsAsync(new PathQuery("alliance", "aidland", PathMode.Ranked));
        var backwards = await store.FindPathsAsync(new PathQuery("aidland", "alliance", PathMode.Ranked));

        var why = Assert.Single(result.Paths).Why!;
        Assert.StartsWith("only through a member: Memberland acted, as a member of Alliance, not Alliance itself", why);
        Assert.Contains("1 action, 1 membership", why);
        Assert.StartsWith("only through a member", Assert.Single(backwards.Paths).Why);
    }

    [Fact]
    public async Task RankedModeKeepsTheQueryBoundsAndExplainsAMiss()
    {
        await using var store = await StoreAsync(
            ("alliance", "CONDUCTED", "operation", Essay),
            ("operation", "DEPLOYED_TO", "region", Essay),
            ("lonely", "MEMBER_OF", "island", Essay));

        var tooShort = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked, MaxHops: 1));
        var apart = await store.FindPathsAsync(new PathQuery("alliance", "island", PathMode.Ranked));
        var avoided = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked, Avoid: new HashSet<string> { "operation" }));
        var one = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked, K: 1));

        Assert.Empty(tooShort.Paths);
        Assert.Contains("1 hops", tooShort.Reason);
        Assert.Empty(apart.Paths);
        Assert.Contains("not connected", apart.Reason);
        Assert.Empty(avoided.Paths);
        Assert.Equal(["alliance-conducted-operation", "operation-deployed-to-region"], Assert.Single(one.Paths).Edges);
        Assert.Equal(["alliance", "operation", "region"], one.Nodes.Select(n => n.Id).ToArray());
        Assert.Equal(2, one.Edges.Count);
    }

    [Fact]
    public async Task AConfirmedHopOutranksAProposedOneWhichOutranksADisputedOne()
    {
        // Three routes alike in every way but the review status of their first hop; ids put the worst first.
        await using var store = await StoreAsync(
            ("alliance", "CONDUCTED", "a-op", Essay, EdgeStatus.Disputed),
            ("a-op", "DEPLOYED_TO", "region", Essay, EdgeStatus.Confirmed),
            ("alliance", "CONDUCTED", "b-op", Essay, EdgeStatus.Proposed),
            ("b-op", "DEPLOYED_TO", "region", Essay, EdgeStatus.Confirmed),
            ("alliance", "CONDUCTED", "c-op", Essay, EdgeStatus.Confirmed),
            ("c-op", "DEPLOYED_TO", "region", Essay, EdgeStatus.Confirmed));

        var result = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked));

        Assert.Equal(["c-op", "b-op", "a-op"], result.Paths.Select(p => p.Nodes[1]).ToArray());
        Assert.Equal([2.0, 1 + ExplanationScore.ProposedFactor, 1 + ExplanationScore.DisputedFactor], result.Paths.Select(p => p.Cost).ToArray());
        Assert.Equal("2 actions; evidence from the essay", result.Paths[0].Why);
        Assert.Equal("2 actions; evidence from the essay; 1 hop proposed, not yet reviewed", result.Paths[1].Why);
        Assert.Equal("2 actions; evidence from the essay; 1 hop disputed", result.Paths[2].Why);
    }

    [Fact]
    public async Task AnAnalystDisputingAHopMovesItsPathDownAtOnce()
    {
        await using var store = await StoreAsync(
            ("alliance", "CONDUCTED", "a-op", Essay, EdgeStatus.Confirmed),
            ("a-op", "DEPLOYED_TO", "region", Essay, EdgeStatus.Confirmed),
            ("alliance", "CONDUCTED", "b-op", Essay, EdgeStatus.Confirmed),
            ("b-op", "DEPLOYED_TO", "region", Reference, EdgeStatus.Confirmed));
        var before = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked));
        var edge = (await store.GetEdgeAsync("alliance-conducted-a-op"))!;

        Assert.IsType<RecordWrite.Written>(await store.UpdateEdgeAsync(edge with { Status = EdgeStatus.Disputed }, edge.Version, "ana"));
        var after = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked));

        Assert.Equal(["a-op", "b-op"], before.Paths.Select(p => p.Nodes[1]).ToArray());
        Assert.Equal(["b-op", "a-op"], after.Paths.Select(p => p.Nodes[1]).ToArray());
        Assert.Contains("1 hop disputed", after.Paths[1].Why);
    }

    [Fact]
    public async Task OfTwoParallelEdgesThePathTakesTheConfirmedOne()
    {
        // Both actions join the same two nodes; the disputed one comes first by id and by insertion order.
        await using var store = await StoreAsync(
            ("alliance", "AUTHORIZED", "operation", Essay, EdgeStatus.Disputed),
            ("alliance", "CONDUCTED", "operation", Essay, EdgeStatus.Confirmed),
            ("operation", "DEPLOYED_TO", "region", Essay, EdgeStatus.Confirmed));

        var result = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked));

        var path = Assert.Single(result.Paths);
        Assert.Equal(["alliance-conducted-operation", "operation-deployed-to-region"], path.Edges);
        Assert.Equal(2.0, path.Cost);
        Assert.Equal(path.Edges.Order(StringComparer.Ordinal), result.Edges.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OfTwoParallelEdgesThePathTakesTheOneQuotedInTheEssay()
    {
        await using var store = await StoreAsync(
            ("alliance", "AUTHORIZED", "operation", Reference),
            ("alliance", "CONDUCTED", "operation", Essay),
            ("operation", "DEPLOYED_TO", "region", Essay));

        var result = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked));

        Assert.Equal(["alliance-conducted-operation", "operation-deployed-to-region"], Assert.Single(result.Paths).Edges);
        Assert.Equal("2 actions; evidence from the essay", result.Paths[0].Why);
    }

    [Fact]
    public async Task ALongerConfirmedPathBeatsMoreDisputedShortcutsThanTheSearchFirstCollects()
    {
        // 30 two-hop routes, each with a disputed hop (cost 1 + 3 = 4 by the full score, 2 by type alone), fill the
        // search's first pool of 24; the three-hop confirmed route (cost 3) lies beyond it.
        var edges = new List<(string, string, string, string, EdgeStatus)>
        {
            ("alliance", "CONDUCTED", "first-op", Essay, EdgeStatus.Confirmed),
            ("first-op", "PARTNERED_WITH", "next-op", Essay, EdgeStatus.Confirmed),
        };
        for (var i = 0; i < 30; i++)
        {
            edges.Add(("alliance", "CONDUCTED", $"op-{i:00}", Essay, EdgeStatus.Disputed));
            edges.Add(($"op-{i:00}", "DEPLOYED_TO", "region", Essay, EdgeStatus.Confirmed));
        }

        edges.Add(("next-op", "DEPLOYED_TO", "region", Essay, EdgeStatus.Confirmed));
        await using var store = await StoreAsync([.. edges]);

        var result = await store.FindPathsAsync(new PathQuery("alliance", "region", PathMode.Ranked));

        Assert.True(PathRanking.PoolSize(3) < 30);
        Assert.Equal(["alliance", "first-op", "next-op", "region"], result.Paths[0].Nodes);
        Assert.Equal(ExplanationScore.ActionCost * 3, result.Paths[0].Cost);
        Assert.All(result.Paths.Skip(1), p => Assert.Contains("1 hop disputed", p.Why));
    }

    [Fact]
    public async Task APathThatOnlyRestatesTheQuotesOfAPathAboveFallsBehindOneThatSaysSomethingElse()
    {
        // One sentence says both missions support two aims; another says both are peacekeeping missions.
        const string Both = "Both missions support aid and governance.";
        await using var store = await QuotedStoreAsync(
            ("first-mission", "SUPPORTS", "aid", Essay, Both),
            ("second-mission", "SUPPORTS", "aid", Essay, Both),
            ("first-mission", "SUPPORTS", "governance", Essay, Both),
            ("second-mission", "SUPPORTS", "governance", Essay, Both),
            ("first-mission", "EXEMPLIFIES", "peacekeeping", Essay, "Both missions are peacekeeping missions."),
            ("second-mission", "EXEMPLIFIES", "peacekeeping", Essay, "Both missions are peacekeeping missions."));

        var result = await store.FindPathsAsync(new PathQuery("first-mission", "second-mission", PathMode.Ranked));

        // All three cost the same; by ids "governance" would come second.
        Assert.Equal(["aid", "peacekeeping", "governance"], result.Paths.Select(p => p.Nodes[1]).ToArray());
        Assert.Equal(result.Paths[1].Cost, result.Paths[2].Cost);
        Assert.EndsWith("restates the quotes of a path above", result.Paths[2].Why);
        Assert.DoesNotContain("restates", result.Paths[1].Why);
    }

    private const string Essay = "essay";
    private const string Reference = "public-record";

    private Task<IGraphStore> StoreAsync(params (string Source, string Type, string Target, string SourceId)[] edges) =>
        StoreAsync([.. edges.Select(e => (e.Source, e.Type, e.Target, e.SourceId, EdgeStatus.Confirmed))]);

    private Task<IGraphStore> StoreAsync(params (string Source, string Type, string Target, string SourceId, EdgeStatus Status)[] edges) =>
        StoreAsync([.. edges.Select(e => (e.Source, e.Type, e.Target, e.SourceId, $"{e.Source} {e.Type} {e.Target}.", e.Status))]);

    private Task<IGraphStore> QuotedStoreAsync(params (string Source, string Type, string Target, string SourceId, string Quote)[] edges) =>
        StoreAsync([.. edges.Select(e => (e.Source, e.Type, e.Target, e.SourceId, e.Quote, EdgeStatus.Confirmed))]);

    /// <summary>A store seeded with these edges between organizations, each quoting its own line (unless given one) of one of two sources.</summary>
    private async Task<IGraphStore> StoreAsync((string Source, string Type, string Target, string SourceId, string Quote, EdgeStatus Status)[] edges)
    {
        var ids = edges.SelectMany(e => new[] { e.Source, e.Target }).Distinct().Order(StringComparer.Ordinal).ToList();
        var nodes = ids.Select(id => new Node(id, NodeKind.Organization, Title(id), [], "")).ToList();
        string Text(string source) => string.Join('\n', edges.Where(e => e.SourceId == source).Select(e => e.Quote).Distinct());
        var seed = new GraphSeed(
            [
                new SourceDocument(Essay, "The essay", "essay", "", Text(Essay)),
                new SourceDocument(Reference, "Public record", "reference", "", Text(Reference)),
            ],
            nodes,
            [.. edges.Select(e => new Edge($"{e.Source}-{e.Type.ToLowerInvariant().Replace('_', '-')}-{e.Target}", e.Type, e.Source, e.Target, [new Evidence(e.SourceId, e.Quote)]) { Status = e.Status })]);
        var store = EmbeddedStore.Create(_directory.File($"{Guid.NewGuid():N}.db"));
        await store.InitializeAsync();
        await store.SeedAsync(seed);
        foreach (var edge in seed.Edges)
        {
            Assert.Equal(edge.Status, (await store.GetEdgeAsync(edge.Id))!.Status);
        }

        return store;
    }

    private static string Title(string id) =>
        string.Join(' ', id.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
