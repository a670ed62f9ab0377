using System.Net;
using Explorer.Graph;
using static Explorer.Tests.Http.Api;

namespace Explorer.Tests.Http;

/// <summary>The dataset plus two nodes that share an alias, written through the store after startup.</summary>
public sealed class TwinsFactory : ExplorerFactory
{
    public const string SharedAlias = "Twin Peaks Mission";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.UpsertNodeAsync(new Node("twin-peaks-north", NodeKind.Mission, "Twin Peaks North", [SharedAlias], "Test node."));
        await Store.UpsertNodeAsync(new Node("twin-peaks-south", NodeKind.Mission, "Twin Peaks South", [SharedAlias], "Test node."));
        await Store.UpsertEdgeAsync(new Edge("twin-peaks-north-deployed-to-mali", "DEPLOYED_TO", "twin-peaks-north", "mali", [new Evidence("public-record", "test")]));
    }
}

public sealed class AmbiguousNameTests(TwinsFactory factory) : IClassFixture<TwinsFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task ANameSharedByTwoNodesIsAnUnprocessableProblemListingBoth()
    {
        var problem = await _client.GetProblemAsync($"/api/paths?from={Q(TwinsFactory.SharedAlias)}&to=mali", HttpStatusCode.UnprocessableEntity);

        Assert.Equal("from", problem.GetProperty("field").GetString());
        var candidates = problem.GetProperty("candidates");
        Assert.Equal(["twin-peaks-north", "twin-peaks-south"], candidates.Ids().Order());
        Assert.All(candidates.EnumerateArray(), c =>
        {
            Assert.Equal("Mission", c.GetProperty("kind").GetString());
            Assert.StartsWith("Twin Peaks", c.GetProperty("name").GetString());
        });
    }

    [Fact]
    public async Task ACandidatesIdResolvesTheAmbiguity()
    {
        var body = await _client.GetOkAsync("/api/paths?from=twin-peaks-north&to=mali");

        Assert.Equal(["twin-peaks-north", "mali"], body.GetProperty("paths")[0].GetProperty("nodes").Strings());
    }

    [Fact]
    public async Task AnAmbiguousNodeNameIsUnprocessableForNodeDetailsNeighborhoodAndQueryToo()
    {
        var alias = Q(TwinsFactory.SharedAlias);

        await _client.GetProblemAsync($"/api/nodes/{alias}", HttpStatusCode.UnprocessableEntity);
        await _client.GetProblemAsync($"/api/nodes/{alias}/neighborhood", HttpStatusCode.UnprocessableEntity);
        var problem = await _client.GetProblemAsync($"/api/query?q={Q($"{TwinsFactory.SharedAlias} to Mali")}", HttpStatusCode.UnprocessableEntity);
        Assert.Equal(2, problem.GetProperty("candidates").GetArrayLength());
    }

    [Fact]
    public async Task APrefixSharedByNodesOfTheDatasetIsAmbiguousInAPhrase()
    {
        // "United" starts United States, United Kingdom and United Nations, none better than the others.
        var problem = await _client.GetProblemAsync($"/api/query?q={Q("United to Mali")}", HttpStatusCode.UnprocessableEntity);

        var candidates = problem.GetProperty("candidates").Ids();
        Assert.Contains("united-states", candidates);
        Assert.Contains("un", candidates);
    }
}
