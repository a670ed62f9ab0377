using Explorer.Graph;
using Explorer.Ranking;
using Explorer.Seed;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="IGraphStore"/> must have, run against the seed dataset.
/// A subclass per store supplies a fresh, seeded store for each test.
/// </summary>
public abstract partial class GraphStoreContract : IAsyncLifetime
{
    private IGraphStore? _store;

    protected IGraphStore Store => _store ?? throw new InvalidOperationException("store not created");

    protected static GraphSeed Dataset => Seeded.Dataset;

    /// <summary>Creates an empty, initialized store of the kind under test.</summary>
    protected abstract Task<IGraphStore> CreateEmptyStoreAsync();

    public async ValueTask InitializeAsync()
    {
        _store = await CreateEmptyStoreAsync();
        await _store.SeedAsync(Dataset);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    // ---- Seeding ----

    [Fact]
    public async Task SeedingTwiceReportsEverythingUnchanged()
    {
        var report = await Store.SeedAsync(Dataset);
        Assert.Equal(new SeedCounts(0, 0, Dataset.Nodes.Count), report.Nodes);
        Assert.Equal(new SeedCounts(0, 0, Dataset.Edges.Count), report.Edges);
        Assert.Equal(new SeedCounts(0, 0, Dataset.Sources.Count), report.Sources);
    }

    [Fact]
    public async Task ReseedingUpdatesChangedRecordsAndKeepsUserData()
    {
        await Store.UpsertNodeAsync(new Node("analyst-note-node", NodeKind.Theme, "Analyst theme", [], "Added by a user."));
        var changed = Dataset with
        {
            Nodes = [.. Dataset.Nodes.Select(n => n.Id == "nato" ? n with { Description = "Changed." } : n)],
        };

        var report = await Store.SeedAsync(changed);

        Assert.Equal(1, report.Nodes.Updated);
        Assert.Equal(0, report.Nodes.Added);
        Assert.Equal("Changed.", (await Store.GetNodeAsync("nato"))!.Node.Description);
        Assert.NotNull(await Store.GetNodeAsync("analyst-note-node"));
    }

    // ---- Search and resolution ----

    [Theory]
    [InlineData("NATO", "nato")]
    [InlineData("nato", "nato")]
    [InlineData("North Atlantic Treaty Organization", "nato")]
    [InlineData("United Nations", "un")]
    [InlineData("UN", "un")]
    [InlineData("U.S.", "united-states")]
    [InlineData("USA", "united-states")]
    [InlineData("MINUSMA", "minusma")]
    [InlineData("United Nations Multidimensional Integrated Stabilization Mission in Mali", "minusma")]
    [InlineData("Somala", "somalia")]
    [InlineData("somalia", "somalia")]
    [InlineData("SOMALIA", "somalia")]
    [InlineData("Shanghai Cooperation Organisation", "sco")]
    public async Task SearchRanksTheIntendedNodeFirst(string text, string expectedId)
    {
        var hits = await Store.SearchAsync(new SearchQuery(text));
        Assert.NotEmpty(hits);
        Assert.Equal(expectedId, hits[0].Id);
    }

    [Fact]
    public async Task SearchIgnoresAccents()
    {
        var withAccent = Dataset.Nodes.FirstOrDefault(n => n.Name.Normalize(System.Text.NormalizationForm.FormD).Any(c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark));
        Assert.NotNull(withAccent);
        var plain = new string(withAccent.Name.Normalize(System.Text.NormalizationForm.FormD)
            .Where(c => char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark).ToArray());
        var hits = await Store.SearchAsync(new SearchQuery(plain.ToUpperInvariant()));
        Assert.Equal(withAccent.Id, hits[0].Id);
    }

    [Fact]
    public async Task SearchOrdersExactBeforePrefixBeforeFuzzy()
    {
        var hits = await Store.SearchAsync(new SearchQuery("Mali", Limit: 20));
        Assert.Equal("mali", hits[0].Id);
        Assert.Equal(MatchKind.Exact, hits[0].Match);
        for (var i = 1; i < hits.Count; i++)
        {
            Assert.True(hits[i - 1].Score >= hits[i].Score, "scores must not increase down the list");
        }
    }

    [Fact]
    public async Task SearchFiltersByKindAndHonoursTheLimit()
    {
        var hits = await Store.SearchAsync(new SearchQuery("a", new HashSet<NodeKind> { NodeKind.Mission }, 3));
        Assert.InRange(hits.Count, 1, 3);
        Assert.All(hits, h => Assert.Equal(NodeKind.Mission, h.Kind));
    }

    [Fact]
    public async Task EveryAliasResolvesToItsNode()
    {
        foreach (var node in Dataset.Nodes)
        {
            foreach (var term in node.Aliases.Append(node.Name).Append(node.Id))
            {
                var resolved = await Store.ResolveAsync(term);
                Assert.True(resolved.Count == 1 && resolved[0].Id == node.Id, $"'{term}' should resolve to {node.Id} only, got [{string.Join(", ", resolved.Select(r => r.Id))}]");
            }
        }
    }

    // ---- Nodes, edges, sources ----

    [Fact]
    public async Task NodeDetailsCountEveryIncidentEdgeByType()
    {
        var incident = Dataset.Edges.Where(e => e.Source == "nato" || e.Target == "nato").ToList();
        var details = await Store.GetNodeAsync("nato");

        Assert.NotNull(details);
        Assert.Equal(incident.Count, details.Degree);
        foreach (var group in incident.GroupBy(e => e.Type))
        {
            Assert.Equal(group.Count(), details.CountsByType[group.Key]);
        }
    }

    [Fact]
    public async Task UnknownIdsReadAsNull()
    {
        Assert.Null(await Store.GetNodeAsync("no-such-node"));
        Assert.Null(await Store.GetEdgeAsync("no-such-edge"));
        Assert.Null(await Store.GetSourceAsync("no-such-source"));
        Assert.Null(await Store.GetNeighborhoodAsync(new NeighborhoodQuery("no-such-node")));
    }

    [Fact]
    public async Task EdgesCarryTheirEvidenceQuotedVerbatimFromTheirSource()
    {
        var expected = Dataset.Edges.First(e => e.Source == "nato" && e.Target == "nato-balkans-intervention");
        var edge = await Store.GetEdgeAsync(expected.Id);

        Assert.NotNull(edge);
        Assert.Equal(expected.Type, edge.Type);
        Assert.NotEmpty(edge.Evidence);
        foreach (var evidence in edge.Evidence)
        {
            var source = await Store.GetSourceAsync(evidence.SourceId);
            Assert.NotNull(source);
            Assert.Contains(evidence.Quote, source.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SourcesAreListedAndServedWithTheirText()
    {
        var sources = await Store.ListSourcesAsync();
        Assert.Equal(Dataset.Sources.Select(s => s.Id).Order(), sources.Select(s => s.Id).Order());
        var essay = await Store.GetSourceAsync("military-engagement-in-global-diplomacy");
        Assert.NotNull(essay);
        Assert.Contains("NATO, established in 1949", essay.Text, StringComparison.Ordinal);
    }

    // ---- Neighborhoods ----

    [Fact]
    public async Task NeighborhoodOfNatoHoldsAllItsMembers()
    {
        var members = Dataset.Edges.Where(e => e.Type == "MEMBER_OF" && e.Target == "nato").Select(e => e.Source).ToHashSet();
        var neighborhood = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", Limit: 2000));

        Assert.NotNull(neighborhood);
        Assert.Equal("nato", neighborhood.Center.Id);
        Assert.False(neighborhood.Truncated);
        Assert.Superset(members, neighborhood.Nodes.Select(n => n.Id).ToHashSet());
        Assert.Equal(members.Count, neighborhood.CountsByType["MEMBER_OF"]);
        Assert.All(neighborhood.Edges, e => Assert.NotEmpty(e.Evidence));
    }

    [Fact]
    public async Task NeighborhoodIsCappedAndSaysSo()
    {
        var neighborhood = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("african-union", Limit: 5));

        Assert.NotNull(neighborhood);
        Assert.True(neighborhood.Truncated);
        Assert.Equal(6, neighborhood.Nodes.Count); // the center and five neighbors
        Assert.True(neighborhood.CountsByType.Values.Sum() > 5);
        var ids = neighborhood.Nodes.Select(n => n.Id).ToHashSet();
        Assert.All(neighborhood.Edges, e => Assert.True(ids.Contains(e.Source) && ids.Contains(e.Target)));
    }

    [Fact]
    public async Task NeighborhoodPagesWithOffset()
    {
        var first = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("african-union", Limit: 10));
        var second = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("african-union", Limit: 10, Offset: 10));

        var firstIds = first!.Nodes.Skip(1).Select(n => n.Id).ToHashSet();
        var secondIds = second!.Nodes.Skip(1).Select(n => n.Id).ToHashSet();
        Assert.Equal(10, secondIds.Count);
        Assert.Empty(firstIds.Intersect(secondIds));
    }

    [Fact]
    public async Task NeighborhoodFiltersByEdgeTypeAndNodeKind()
    {
        var byType = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", Types: new HashSet<string> { "CONDUCTED" }));
        Assert.NotEmpty(byType!.Edges);
        Assert.All(byType.Edges, e => Assert.Equal("CONDUCTED", e.Type));

        var byKind = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", Kinds: new HashSet<NodeKind> { NodeKind.Theme }));
        Assert.NotEmpty(byKind!.Nodes.Skip(1));
        Assert.All(byKind.Nodes.Skip(1), n => Assert.Equal(NodeKind.Theme, n.Kind));
    }

    [Fact]
    public async Task DepthTwoReachesFurtherThanDepthOne()
    {
        var one = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("minusma", Depth: 1, Limit: 2000));
        var two = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("minusma", Depth: 2, Limit: 2000));
        Assert.True(two!.Nodes.Count > one!.Nodes.Count);
        Assert.Superset(one.Nodes.Select(n => n.Id).ToHashSet(), two.Nodes.Select(n => n.Id).ToHashSet());
    }

    // ---- Paths ----

    [Fact]
    public async Task PathFromNatoToBalkansGoesThroughTheBalkansIntervention()
    {
        // NATO's own action is the only outward chain; its Balkan members give other two-hop chains.
        var result = await Store.FindPathsAsync(new PathQuery("nato", "balkans", Direction: Direction.Out));
        var all = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.All));

        var path = Assert.Single(result.Paths);
        Assert.Equal(["nato", "nato-balkans-intervention", "balkans"], path.Nodes);
        Assert.Equal(2, path.Length);
        Assert.Contains(all.Paths, p => p.Nodes.SequenceEqual(path.Nodes));
        Assert.Contains(all.Paths, p => p.Nodes.SequenceEqual(["nato", "croatia", "balkans"]));
        Assert.Equal(path.Edges.Count, result.Edges.Count);
        Assert.All(result.Edges, e => Assert.NotEmpty(e.Evidence));
        Assert.Equal(path.Nodes.Order(), result.Nodes.Select(n => n.Id).Order());
    }

    [Fact]
    public async Task PathFromUnToMaliGoesThroughMinusma()
    {
        // Mali is a UN member (one hop); the UN's own mission there is the next chain.
        var result = await Store.FindPathsAsync(new PathQuery("un", "mali", PathMode.K, K: 3));
        Assert.Equal(["un", "mali"], result.Paths[0].Nodes);
        Assert.Equal(["un", "minusma", "mali"], result.Paths[1].Nodes);
    }

    [Fact]
    public async Task ShortestPathIsDeterministic()
    {
        var first = await Store.FindPathsAsync(new PathQuery("canada", "somalia"));
        for (var i = 0; i < 5; i++)
        {
            var again = await Store.FindPathsAsync(new PathQuery("canada", "somalia"));
            Assert.Equal(first.Paths[0].Nodes, again.Paths[0].Nodes);
            Assert.Equal(first.Paths[0].Edges, again.Paths[0].Edges);
        }
    }

    [Fact]
    public async Task ShortestPathLengthsMatchAReferenceBreadthFirstSearch()
    {
        var adjacency = ReferenceGraph.Undirected(Dataset);
        var ids = Dataset.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal).ToArray();
        var random = new Random(1949);
        for (var i = 0; i < 60; i++)
        {
            var from = ids[random.Next(ids.Length)];
            var to = ids[random.Next(ids.Length)];
            var expected = ReferenceGraph.Distance(adjacency, from, to);
            var result = await Store.FindPathsAsync(new PathQuery(from, to, MaxHops: 10));
            if (expected is null or > 10)
            {
                Assert.Empty(result.Paths);
                Assert.False(string.IsNullOrEmpty(result.Reason));
            }
            else
            {
                Assert.Equal(expected, Assert.Single(result.Paths).Length);
                ReferenceGraph.AssertIsWalk(Dataset, result.Paths[0], from, to);
            }
        }
    }

    [Fact]
    public async Task AllShortestPathsAreDistinctAndEquallyShort()
    {
        var one = await Store.FindPathsAsync(new PathQuery("canada", "mali"));
        var all = await Store.FindPathsAsync(new PathQuery("canada", "mali", PathMode.All));

        Assert.True(all.Paths.Count >= 1);
        Assert.All(all.Paths, p => Assert.Equal(one.Paths[0].Length, p.Length));
        Assert.Equal(all.Paths.Count, all.Paths.Select(p => string.Join('|', p.Edges)).Distinct().Count());
        Assert.All(all.Paths, p => ReferenceGraph.AssertIsWalk(Dataset, p, "canada", "mali"));
        Assert.Contains(all.Paths, p => p.Edges.SequenceEqual(one.Paths[0].Edges));
    }

    [Fact]
    public async Task KShortestPathsAreSimpleRankedByCostAndWithinBounds()
    {
        var result = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.K, K: 5, MaxHops: 5));

        Assert.InRange(result.Paths.Count, 2, 5);
        Assert.Equal(2.0, result.Paths[0].Cost);
        for (var i = 1; i < result.Paths.Count; i++)
        {
            Assert.True(result.Paths[i - 1].Cost <= result.Paths[i].Cost);
        }

        Assert.All(result.Paths, p =>
        {
            Assert.True(p.Length <= 5);
            Assert.Equal(p.Nodes.Count, p.Nodes.Distinct().Count());
            ReferenceGraph.AssertIsWalk(Dataset, p, "nato", "balkans");
            var expectedCost = p.Edges.Sum(id => Vocabulary.Cost(Dataset.Edges.Single(e => e.Id == id).Type));
            Assert.Equal(expectedCost, p.Cost);
        });
    }

    [Fact]
    public async Task RankedPathsFromNatoToTheBalkansLeadWithTheInterventionAndSayWhy()
    {
        var result = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.Ranked));

        Assert.InRange(result.Paths.Count, 2, 3);
        Assert.Equal(["nato", "nato-balkans-intervention", "balkans"], result.Paths[0].Nodes);
        Assert.Equal("2 actions; evidence from the essay", result.Paths[0].Why);
        Assert.All(result.Paths, p =>
        {
            ReferenceGraph.AssertIsWalk(Dataset, p, "nato", "balkans");
            Assert.False(string.IsNullOrWhiteSpace(p.Why));
        });
        var inner = result.Paths.Select(p => string.Join('|', p.Nodes.Skip(1).SkipLast(1).Order(StringComparer.Ordinal))).ToList();
        Assert.Equal(inner.Count, inner.Distinct().Count());
        Assert.Equal(result.Paths.SelectMany(p => p.Edges).Distinct().Order(StringComparer.Ordinal), result.Edges.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RankedPathsFromNatoToHaitiSayTheLinkIsOnlyAMembersDeed()
    {
        var result = await Store.FindPathsAsync(new PathQuery("nato", "haiti", PathMode.Ranked));

        // NATO itself never acted in Haiti: the best explanation is a member's deed, and it says so.
        Assert.NotEmpty(result.Paths);
        Assert.Equal("united-states", result.Paths[0].Nodes[1]);
        Assert.StartsWith("only through a member: United States acted, as a member of NATO, not NATO itself", result.Paths[0].Why);
        Assert.All(result.Paths.Where(p => p.Nodes.Contains("united-states")), p => Assert.StartsWith("only through a member", p.Why));
    }

    [Fact]
    public async Task RankedPathsFromMinusmaToAmisomLeadWithTheEssayAndShowTheUnsDeedsAndPeacekeeping()
    {
        var result = await Store.FindPathsAsync(new PathQuery("minusma", "amisom", PathMode.Ranked));

        // The essay relates the two missions in one sentence (both support local governance and humanitarian
        // efforts; both are its examples of peacekeeping); the UN conducted one and authorized the other.
        Assert.Equal("2 thematic links; evidence from the essay", result.Paths[0].Why);
        Assert.Equal(["minusma", "local-governance", "amisom"], result.Paths[0].Nodes);
        Assert.Equal(["minusma", "un", "amisom"], result.Paths[1].Nodes);
        Assert.StartsWith("2 actions;", result.Paths[1].Why);
        Assert.Equal(["minusma", "peacekeeping", "amisom"], result.Paths[2].Nodes);
        Assert.DoesNotContain(result.Paths, p => p.Nodes.Contains("mali") || p.Nodes.Contains("humanitarian-assistance"));
    }

    [Fact]
    public async Task DisputedHopsCostMoreAndSaySoUntilTheInterventionNoLongerLeads()
    {
        var before = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.Ranked));
        await DisputeAsync("nato-conducted-nato-balkans-intervention");
        var oneDisputed = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.Ranked));
        await DisputeAsync("nato-balkans-intervention-deployed-to-balkans");
        var bothDisputed = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.Ranked));
        var actionsOnly = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.Ranked, Types: new HashSet<string> { "CONDUCTED", "DEPLOYED_TO" }));

        Assert.Equal(["nato", "nato-balkans-intervention", "balkans"], before.Paths[0].Nodes);
        Assert.Equal(["nato", "nato-balkans-intervention", "balkans"], oneDisputed.Paths[0].Nodes);
        Assert.Equal(before.Paths[0].Cost + ExplanationScore.DisputedFactor - 1, oneDisputed.Paths[0].Cost, 3);
        Assert.Equal("2 actions; evidence from the essay; 1 hop disputed", oneDisputed.Paths[0].Why);
        Assert.All(bothDisputed.Paths, p => Assert.NotEqual("nato-balkans-intervention", p.Nodes[1]));
        var intervention = Assert.Single(actionsOnly.Paths, p => p.Nodes.SequenceEqual(["nato", "nato-balkans-intervention", "balkans"]));
        Assert.Equal(before.Paths[0].Cost + (2 * (ExplanationScore.DisputedFactor - 1)), intervention.Cost, 3);
        Assert.EndsWith("2 hops disputed", intervention.Why);
        Assert.True(intervention.Cost > bothDisputed.Paths[^1].Cost, "every path shown costs less than the disputed intervention");

        async Task DisputeAsync(string id)
        {
            var edge = (await Store.GetEdgeAsync(id))!;
            Assert.IsType<RecordWrite.Written>(await Store.UpdateEdgeAsync(edge with { Status = EdgeStatus.Disputed }, edge.Version, "ana"));
        }
    }

    [Fact]
    public async Task DirectionOutFollowsEdgesForwardOnly()
    {
        var outward = await Store.FindPathsAsync(new PathQuery("nato", "balkans", Direction: Direction.Out));
        Assert.Equal(["nato", "nato-balkans-intervention", "balkans"], Assert.Single(outward.Paths).Nodes);

        var inward = await Store.FindPathsAsync(new PathQuery("nato", "balkans", Direction: Direction.In));
        Assert.All(inward.Paths, p => ReferenceGraph.AssertIsWalk(Dataset, p, "nato", "balkans", Direction.In));
        var backwards = await Store.FindPathsAsync(new PathQuery("balkans", "nato", Direction: Direction.In));
        Assert.Equal(["balkans", "nato-balkans-intervention", "nato"], Assert.Single(backwards.Paths).Nodes);
    }

    [Fact]
    public async Task AvoidedNodesAreNotUsed()
    {
        var result = await Store.FindPathsAsync(new PathQuery("nato", "balkans", Avoid: new HashSet<string> { "nato-balkans-intervention" }));
        Assert.NotEmpty(result.Paths);
        Assert.All(result.Paths, p => Assert.DoesNotContain("nato-balkans-intervention", p.Nodes));
        var around = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.All, Avoid: new HashSet<string> { "nato-balkans-intervention", "croatia" }));
        Assert.All(around.Paths, p => Assert.DoesNotContain("croatia", p.Nodes));
        Assert.All(around.Paths, p => Assert.DoesNotContain("nato-balkans-intervention", p.Nodes));
    }

    [Fact]
    public async Task TypeAndKindFiltersRestrictThePath()
    {
        var concrete = new HashSet<string>(Vocabulary.EdgeTypes.Values.Where(t => !t.Thematic).Select(t => t.Name));
        var result = await Store.FindPathsAsync(new PathQuery("canada", "somalia", Types: concrete, MaxHops: 10));
        Assert.All(result.Edges, e => Assert.Contains(e.Type, concrete));

        var noThemes = await Store.FindPathsAsync(new PathQuery("canada", "somalia", Kinds: new HashSet<NodeKind> { NodeKind.Nation, NodeKind.Organization, NodeKind.Mission, NodeKind.Region }, MaxHops: 10));
        Assert.All(noThemes.Nodes, n => Assert.NotEqual(NodeKind.Theme, n.Kind));
    }

    [Fact]
    public async Task NoPathWithinTheHopBoundIsAnEmptyResultWithAReason()
    {
        var result = await Store.FindPathsAsync(new PathQuery("nato", "balkans", MaxHops: 1));
        Assert.Empty(result.Paths);
        Assert.Contains("1 hop", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPathWithinTheHopBoundSaysHowLongTheShortestIs()
    {
        var result = await Store.FindPathsAsync(new PathQuery("nato", "balkans", MaxHops: 1));

        Assert.Equal("No path of at most 1 hops joins 'NATO' and 'Balkans'; the shortest has 2 hops.", result.Reason);
    }

    [Fact]
    public async Task TheNoPathCheckUsesTheQuerysOwnFilters()
    {
        // Connected in the graph, but not over memberships alone: the check must not fall back to any edge.
        var conducted = new HashSet<string> { "CONDUCTED" };
        var result = await Store.FindPathsAsync(new PathQuery("nato", "balkans", MaxHops: 3, Types: conducted));
        Assert.Empty(result.Paths);
        Assert.Equal("'NATO' and 'Balkans' are not connected within 10 hops with the given direction and filters.", result.Reason);

        // NATO to Haiti is 2 hops through a member nation; with no nation on the way it is 3, and the reason says 3.
        var noNations = new HashSet<NodeKind> { NodeKind.Mission, NodeKind.Organization, NodeKind.Region, NodeKind.Theme };
        var around = await Store.FindPathsAsync(new PathQuery("nato", "haiti", MaxHops: 2, Kinds: noNations));
        Assert.Single((await Store.FindPathsAsync(new PathQuery("nato", "haiti", MaxHops: 2))).Paths);
        Assert.Empty(around.Paths);
        Assert.Equal("No path of at most 2 hops joins 'NATO' and 'Haiti' with the given direction and filters; the shortest has 3 hops.", around.Reason);
    }

    [Fact]
    public async Task AllShortestPathsBeyondTheCapAreTheFirstByIdsAndSayTruncated()
    {
        // 54 nations are members of both the UN and the African Union: 54 two-hop membership paths.
        var result = await Store.FindPathsAsync(new PathQuery("un", "african-union", PathMode.All, Types: new HashSet<string> { "MEMBER_OF" }));

        Assert.True(result.Truncated);
        Assert.Equal(PathQuery.MaxAllPaths, result.Paths.Count);
        Assert.Equal(result.Paths.Select(p => p.Nodes[1]).Order(StringComparer.Ordinal), result.Paths.Select(p => p.Nodes[1]));
        var all = Dataset.Edges.Where(e => e.Type == "MEMBER_OF" && e.Target == "un").Select(e => e.Source)
            .Intersect(Dataset.Edges.Where(e => e.Type == "MEMBER_OF" && e.Target == "african-union").Select(e => e.Source))
            .Order(StringComparer.Ordinal).Take(PathQuery.MaxAllPaths);
        Assert.Equal(all, result.Paths.Select(p => p.Nodes[1]));
        Assert.False((await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.All))).Truncated);
    }

    // ---- As of a date (the seed's dated memberships, suspensions and missions) ----

    [Theory]
    [InlineData("2010", false)]
    [InlineData("2017-06", true)]
    [InlineData("2017-06-08", false)]
    [InlineData("2017-06-09", true)]
    public async Task AMembershipHoldsFromItsAccession(string asOf, bool indiaIsAMember)
    {
        var members = await Store.GetNeighborhoodAsync(new NeighborhoodQuery("sco", Types: new HashSet<string> { "MEMBER_OF" }, AsOf: PartialDate.Parse(asOf)));

        Assert.Contains(members!.Nodes, n => n.Id == "china");
        Assert.Equal(indiaIsAMember, members.Nodes.Any(n => n.Id == "india"));
        Assert.Equal(indiaIsAMember, members.Edges.Any(e => e.Id == "india-member-of-sco"));
    }

    [Theory]
    [InlineData("2011", true)]
    [InlineData("2012", true)] // suspended March to October 2012: not the whole year
    [InlineData("2012-05", false)]
    [InlineData("2012-10", false)]
    [InlineData("2012-11", true)]
    [InlineData("2023", false)] // suspended from June 2021, with no end yet
    public async Task ASuspensionThatCoversThePeriodSuspendsTheMembership(string asOf, bool maliIsAMember)
    {
        var path = await Store.FindPathsAsync(new PathQuery("mali", "african-union", MaxHops: 1, Types: new HashSet<string> { "MEMBER_OF" }, AsOf: PartialDate.Parse(asOf)));

        Assert.Equal(maliIsAMember, path.Paths.Count == 1);
    }

    [Fact]
    public async Task ANodeThatDidNotExistIsNoEndAndNoSearchHit()
    {
        var path = await Store.FindPathsAsync(new PathQuery("nato", "ifor", AsOf: PartialDate.Parse("1990")));
        Assert.Empty(path.Paths);
        Assert.Equal("'Implementation Force' did not exist in 1990 (1995-12-20 to 1996-12-20).", path.Reason);

        Assert.DoesNotContain(await Store.SearchAsync(new SearchQuery("Implementation Force", AsOf: PartialDate.Parse("1990"))), h => h.Id == "ifor");
        Assert.Equal("ifor", (await Store.SearchAsync(new SearchQuery("Implementation Force", AsOf: PartialDate.Parse("1996"))))[0].Id);
        Assert.Empty((await Store.GetNeighborhoodAsync(new NeighborhoodQuery("ifor", AsOf: PartialDate.Parse("1990"))))!.Nodes.Skip(1));
        Assert.DoesNotContain((await Store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", Limit: 2000, AsOf: PartialDate.Parse("1990"))))!.Nodes, n => n.Id == "ifor");
    }

    [Fact]
    public async Task ThePathAsOfADateUsesOnlyWhatHeldThen()
    {
        var then = PartialDate.Parse("1999");
        var result = await Store.FindPathsAsync(new PathQuery("nato", "balkans", PathMode.K, K: 5, AsOf: then));

        Assert.NotEmpty(result.Paths);
        Assert.All(result.Nodes, n => Assert.True(n.Holds(then), n.Id));
        Assert.All(result.Edges, e => Assert.True(e.Holds(then), e.Id));
        var none = await Store.FindPathsAsync(new PathQuery("nato", "kfor", MaxHops: 1, AsOf: PartialDate.Parse("1990")));
        Assert.Contains("did not exist in 1990", none.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APathAsOfADateSaysWhenNothingHeldThen()
    {
        var result = await Store.FindPathsAsync(new PathQuery("india", "sco", MaxHops: 1, Types: new HashSet<string> { "MEMBER_OF" }, AsOf: PartialDate.Parse("2010")));

        Assert.Empty(result.Paths);
        Assert.StartsWith("No path of at most 1 hops joins 'India' and 'Shanghai Cooperation Organization' with the given direction and filters, as of 2010", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APathFromANodeToItselfHasNoHops()
    {
        var result = await Store.FindPathsAsync(new PathQuery("nato", "nato"));
        var path = Assert.Single(result.Paths);
        Assert.Equal(0, path.Length);
        Assert.Equal(["nato"], path.Nodes);
    }

    // ---- Writes and changes ----

    [Fact]
    public async Task UpsertedNodesAndEdgesAreQueryableAtOnce()
    {
        await Store.UpsertNodeAsync(new Node("test-mission", NodeKind.Mission, "Test Mission Alpha", ["TMA"], "A mission made up by a test."));
        await Store.UpsertEdgeAsync(new Edge("test-mission-deployed-to-mali", "DEPLOYED_TO", "test-mission", "mali", [new Evidence("public-record", "x")]));

        Assert.Equal("test-mission", (await Store.SearchAsync(new SearchQuery("TMA")))[0].Id);
        var path = await Store.FindPathsAsync(new PathQuery("test-mission", "mali"));
        Assert.Equal(1, Assert.Single(path.Paths).Length);
        Assert.Equal(1, (await Store.GetNodeAsync("test-mission"))!.Degree);
    }

    [Fact]
    public async Task DatesAndSuspensionsAreStoredAndReadBack()
    {
        await Store.UpsertNodeAsync(new Node("dated-mission", NodeKind.Mission, "Dated Mission", [], "A mission made up by a test.", "1995-12", "2004-12-02"));
        await Store.UpsertEdgeAsync(new Edge("dated-mission-deployed-to-mali", "DEPLOYED_TO", "dated-mission", "mali", [new Evidence("public-record", "x")],
            "1995-12-20", "2004", [new Suspension("1999", "1999-06"), new Suspension("2001-02-03", "2002")]));
        await Store.UpsertEdgeAsync(new Edge("dated-mission-deployed-to-sudan", "DEPLOYED_TO", "dated-mission", "sudan", [new Evidence("public-record", "x")], "1996"));

        var node = (await Store.GetNodeAsync("dated-mission"))!.Node;
        var edge = (await Store.GetEdgeAsync("dated-mission-deployed-to-mali"))!;
        var open = (await Store.GetEdgeAsync("dated-mission-deployed-to-sudan"))!;
        var around = (await Store.GetNeighborhoodAsync(new NeighborhoodQuery("dated-mission")))!;

        Assert.Equal(("1995-12", "2004-12-02"), (node.ValidFrom, node.ValidTo));
        Assert.Equal(("1995-12-20", "2004"), (edge.ValidFrom, edge.ValidTo));
        Assert.Equal([new Suspension("1999", "1999-06"), new Suspension("2001-02-03", "2002")], edge.Suspensions);
        Assert.Equal(("1996", null), (open.ValidFrom, open.ValidTo));
        Assert.Empty(open.Suspensions);
        Assert.True(around.Edges.Single(e => e.Id == edge.Id).SameAs(edge));
        Assert.True(around.Center.SameAs(node));

        await Store.UpsertEdgeAsync(edge with { ValidTo = null, Suspensions = [] });
        var undated = (await Store.GetEdgeAsync(edge.Id))!;
        Assert.Equal(("1995-12-20", null), (undated.ValidFrom, undated.ValidTo));
        Assert.Empty(undated.Suspensions);
    }

    [Fact]
    public async Task EdgesToUnknownNodesAreRefusedAndNothingIsWritten()
    {
        var before = await Store.GetChangesAsync(0, 10_000);
        await Assert.ThrowsAsync<GraphWriteException>(() => Store.UpsertEdgeAsync(new Edge("bad-edge", "DEPLOYED_TO", "nato", "atlantis", [new Evidence("public-record", "x")])));
        await Assert.ThrowsAsync<GraphWriteException>(() => Store.UpsertEdgeAsync(new Edge("bad-type", "INVADED", "nato", "mali", [new Evidence("public-record", "x")])));
        Assert.Null(await Store.GetEdgeAsync("bad-edge"));
        Assert.Equal(before.Count, (await Store.GetChangesAsync(0, 10_000)).Count);
    }

    [Fact]
    public async Task RemovingANodeRemovesItsEdges()
    {
        var edgeIds = Dataset.Edges.Where(e => e.Source == "minusma" || e.Target == "minusma").Select(e => e.Id).ToList();
        Assert.NotNull(await Store.RemoveNodeAsync("minusma"));

        Assert.Null(await Store.GetNodeAsync("minusma"));
        foreach (var id in edgeIds)
        {
            Assert.Null(await Store.GetEdgeAsync(id));
        }

        var result = await Store.FindPathsAsync(new PathQuery("un", "mali"));
        Assert.All(result.Paths, p => Assert.DoesNotContain("minusma", p.Nodes));
        Assert.Null(await Store.RemoveNodeAsync("minusma"));
    }

    [Fact]
    public async Task RemovingAnEdgeChangesThePaths()
    {
        var edge = Dataset.Edges.Single(e => e.Source == "un" && e.Target == "minusma");
        Assert.NotNull(await Store.RemoveEdgeAsync(edge.Id));
        Assert.Null(await Store.GetEdgeAsync(edge.Id));
        var result = await Store.FindPathsAsync(new PathQuery("un", "mali"));
        Assert.All(result.Paths, p => Assert.DoesNotContain(edge.Id, p.Edges));
        Assert.Null(await Store.RemoveEdgeAsync(edge.Id));
    }

    [Fact]
    public async Task EveryCommittedWriteGetsTheNextSequenceNumber()
    {
        var start = (await Store.GetChangesAsync(0, 10_000)).LastOrDefault()?.Seq ?? 0;
        var a = await Store.UpsertNodeAsync(new Node("seq-a", NodeKind.Theme, "Sequence A", [], ""));
        var b = await Store.UpsertNodeAsync(new Node("seq-b", NodeKind.Theme, "Sequence B", [], ""));
        var c = await Store.RemoveNodeAsync("seq-a");

        Assert.True(a.Seq > start);
        Assert.True(b.Seq > a.Seq);
        Assert.True(c!.Seq > b.Seq);
        var missed = await Store.GetChangesAsync(a.Seq, 100);
        Assert.Equal([b.Seq, c.Seq], missed.Select(m => m.Seq));
        Assert.Equal([ChangeKind.NodeUpserted, ChangeKind.NodeRemoved], missed.Select(m => m.Kind));
        Assert.Equal(["seq-b", "seq-a"], missed.Select(m => m.EntityId));
    }
}
