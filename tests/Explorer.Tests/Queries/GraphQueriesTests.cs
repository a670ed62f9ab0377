using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Query;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Queries;

public sealed class GraphQueriesTests : IAsyncLifetime
{
    private IGraphStore? _store;
    private TempDirectory? _directory;

    private GraphQueries Queries => new(_store!);

    public async ValueTask InitializeAsync() => (_store, _directory) = await Seeded.EmbeddedStoreAsync();

    public async ValueTask DisposeAsync()
    {
        await _store!.DisposeAsync();
        _directory!.Dispose();
    }

    [Fact]
    public async Task NatoToBalkansYieldsAPathThroughTheBalkansIntervention()
    {
        var answer = await Queries.AnswerAsync("NATO to Balkans");
        Assert.Null(answer.Problem);
        var paths = Assert.IsType<QueryAnswer.Paths>(answer.Value);
        Assert.Equal(PathMode.Ranked, paths.Answer.Mode);
        Assert.Equal(["nato", "nato-balkans-intervention", "balkans"], paths.Answer.Result.Paths[0].Nodes);
    }

    [Fact]
    public async Task UnToMaliGoesThroughMinusma()
    {
        var answer = await Queries.PathsAsync(new PathRequest { From = "UN", To = "Mali", Mode = "k", K = 3 });
        Assert.Equal(["un", "mali"], answer.Value!.Result.Paths[0].Nodes);
        Assert.Equal(["un", "minusma", "mali"], answer.Value.Result.Paths[1].Nodes);
        Assert.Equal("un", answer.Value.From.Id);
    }

    [Theory]
    [InlineData("United Nations", "un")]
    [InlineData("U.S.", "united-states")]
    [InlineData("  mali ", "mali")]
    [InlineData("Shanghai Cooperation Organisation", "sco")]
    public async Task NamesAndAliasesResolve(string term, string id) =>
        Assert.Equal(id, (await Queries.ResolveAsync(term)).Value?.Id);

    [Theory]
    [InlineData("Somala to Mali", "somalia", "'Somala' (read as Somalia)")]
    [InlineData("Shanghai Coop to Mali", "sco", "'Shanghai Coop' (read as Shanghai Cooperation Organization)")]
    [InlineData("NATO to Mali", "nato", "'NATO'")]
    public async Task APhraseReadsTyposAndPrefixesAndSaysSo(string phrase, string from, string reading)
    {
        var paths = Assert.IsType<QueryAnswer.Paths>((await Queries.AnswerAsync(phrase)).Value);

        Assert.Equal(from, paths.Answer.From.Id);
        Assert.StartsWith($"paths from {reading} to 'Mali'", paths.Interpretation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAmbiguousNameIsA422ListingCandidates()
    {
        await _store!.UpsertNodeAsync(new Node("georgia-nation", NodeKind.Nation, "Georgia", ["Sakartvelo"], ""));
        await _store.UpsertNodeAsync(new Node("georgia-state", NodeKind.Region, "Georgia (U.S. state)", ["State of Georgia"], ""));
        await _store.UpsertNodeAsync(new Node("georgia-state-alias", NodeKind.Region, "Peach State", ["Georgia"], ""));

        var outcome = await Queries.PathsAsync(new PathRequest { From = "Georgia", To = "Mali" });

        Assert.Equal(422, outcome.Problem!.Status);
        var candidates = Assert.IsType<List<NodeRef>>(outcome.Problem.Extensions!["candidates"]);
        Assert.Equal(["georgia-nation", "georgia-state-alias"], candidates.Select(c => c.Id));
    }

    [Fact]
    public async Task AnUnknownNameIsA404WithSuggestions()
    {
        var outcome = await Queries.PathsAsync(new PathRequest { From = "Atlantis", To = "Mali" });
        Assert.Equal(404, outcome.Problem!.Status);
        Assert.Equal("from", outcome.Problem.Extensions!["field"]);
        Assert.True(outcome.Problem.Extensions.ContainsKey("suggestions"));
    }

    [Theory]
    [InlineData(null, "Mali", null, null, null, "from")]
    [InlineData("NATO", "", null, null, null, "to")]
    [InlineData("NATO", "Mali", "fastest", null, null, "mode")]
    [InlineData("NATO", "Mali", "k", 11, null, "k")]
    [InlineData("NATO", "Mali", "k", 0, null, "k")]
    [InlineData("NATO", "Mali", null, null, 11, "maxHops")]
    [InlineData("NATO", "Mali", null, null, 0, "maxHops")]
    public async Task OutOfBoundsPathParametersAre400s(string? from, string? to, string? mode, int? k, int? maxHops, string field)
    {
        var outcome = await Queries.PathsAsync(new PathRequest { From = from, To = to, Mode = mode, K = k, MaxHops = maxHops });
        Assert.Equal(400, outcome.Problem!.Status);
        Assert.StartsWith(field, outcome.Problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sideways", null, null)]
    [InlineData(null, "Planet", null)]
    [InlineData(null, null, "INVADED")]
    public async Task UnknownDirectionsKindsAndTypesAre400s(string? direction, string? kinds, string? types)
    {
        var outcome = await Queries.PathsAsync(new PathRequest { From = "NATO", To = "Mali", Direction = direction, Kinds = kinds, Types = types });
        Assert.Equal(400, outcome.Problem!.Status);
    }

    [Fact]
    public async Task NeighborhoodBoundsAreEnforced()
    {
        Assert.Equal(400, (await Queries.NeighborhoodAsync(new NeighborhoodRequest { Id = "nato", Depth = 4 })).Problem!.Status);
        Assert.Equal(400, (await Queries.NeighborhoodAsync(new NeighborhoodRequest { Id = "nato", Limit = 2001 })).Problem!.Status);
        Assert.Equal(400, (await Queries.NeighborhoodAsync(new NeighborhoodRequest { Id = "nato", Offset = -1 })).Problem!.Status);
        Assert.Equal(2001 - 1, GraphQueries.MaxNeighborhoodLimit);
    }

    [Fact]
    public async Task TypesAreAcceptedInAnyCase()
    {
        var outcome = await Queries.PathsAsync(new PathRequest { From = "NATO", To = "Balkans", Types = "conducted,deployed-to" });
        Assert.Null(outcome.Problem);
        Assert.All(outcome.Value!.Result.Edges, e => Assert.Contains(e.Type, new[] { "CONDUCTED", "DEPLOYED_TO" }));
    }

    [Fact]
    public async Task NeighborsOfAPhraseAnswersWithANeighborhood()
    {
        var answer = await Queries.AnswerAsync("neighbors of NATO");
        Assert.Equal("nato", Assert.IsType<QueryAnswer.Neighbors>(answer.Value).Neighborhood.Center.Id);
    }

    [Fact]
    public async Task APlainNameAnswersWithASearch()
    {
        var answer = await Queries.AnswerAsync("Somalia");
        Assert.Equal("somalia", Assert.IsType<QueryAnswer.Search>(answer.Value).Hits[0].Id);
    }

    [Fact]
    public async Task HowIsRelatedRanksConcreteLinksFirst()
    {
        var answer = await Queries.AnswerAsync("how is the United States related to Haiti?");
        var ranked = Assert.IsType<QueryAnswer.Paths>(answer.Value).Answer;
        Assert.Equal(PathMode.Ranked, ranked.Mode);
        var paths = ranked.Result.Paths;
        Assert.True(paths.Count > 1);
        Assert.All(paths[0].Edges, id => Assert.False(Vocabulary.EdgeTypes[ranked.Result.Edges.Single(e => e.Id == id).Type].Thematic));
    }

    [Fact]
    public async Task APhraseWithoutAPathGivesTheResolutionProblem()
    {
        var answer = await Queries.AnswerAsync("Atlantis to Mali");
        Assert.Equal(404, answer.Problem!.Status);
    }
}
