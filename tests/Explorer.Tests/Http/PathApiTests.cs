using System.Net;
using System.Text.Json;
using static Explorer.Tests.Http.Api;

namespace Explorer.Tests.Http;

public sealed class PathApiTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task PathFromNatoToBalkansGoesThroughTheBalkansIntervention()
    {
        var body = await _client.GetOkAsync($"/api/paths?from={Q("NATO")}&to={Q("Balkans")}&mode=shortest&direction=out");

        Assert.Equal("nato", body.GetProperty("from").GetProperty("id").GetString());
        Assert.Equal("balkans", body.GetProperty("to").GetProperty("id").GetString());
        Assert.Equal("shortest", body.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("reason").ValueKind);
        var path = Assert.Single(body.GetProperty("paths").EnumerateArray());
        Assert.Contains("nato-balkans-intervention", path.GetProperty("nodes").Strings());
        AssertConsistent(body);
    }

    [Fact]
    public async Task EveryEdgeOfAPathResponseCarriesEvidence()
    {
        var body = await _client.GetOkAsync("/api/paths?from=NATO&to=Balkans&mode=k&k=5");

        var edges = body.GetProperty("edges").EnumerateArray().ToList();
        Assert.NotEmpty(edges);
        Assert.All(edges, edge =>
        {
            var evidence = edge.GetProperty("evidence").EnumerateArray().ToList();
            Assert.NotEmpty(evidence);
            Assert.All(evidence, e =>
            {
                Assert.False(string.IsNullOrEmpty(e.GetProperty("sourceId").GetString()));
                Assert.False(string.IsNullOrEmpty(e.GetProperty("quote").GetString()));
            });
        });
    }

    [Fact]
    public async Task PathFromTheUnToMaliGoesThroughMinusma()
    {
        var body = await _client.GetOkAsync("/api/paths?from=UN&to=Mali&mode=k&k=2");

        Assert.Equal("un", body.GetProperty("from").GetProperty("id").GetString());
        Assert.Equal("mali", body.GetProperty("to").GetProperty("id").GetString());
        var paths = body.GetProperty("paths").EnumerateArray().ToList();
        Assert.Equal(["un", "mali"], paths[0].GetProperty("nodes").Strings());
        Assert.Contains("minusma", paths[1].GetProperty("nodes").Strings());
        AssertConsistent(body);
    }

    [Fact]
    public async Task ModeAllGivesOnlyShortestPathsOfOneLength()
    {
        var shortest = await _client.GetOkAsync("/api/paths?from=nato&to=mali");
        var all = await _client.GetOkAsync("/api/paths?from=nato&to=mali&mode=all");

        Assert.Equal("all", all.GetProperty("mode").GetString());
        var length = shortest.GetProperty("paths")[0].GetProperty("length").GetInt32();
        var paths = all.GetProperty("paths").EnumerateArray().ToList();
        Assert.NotEmpty(paths);
        Assert.All(paths, p => Assert.Equal(length, p.GetProperty("length").GetInt32()));
        Assert.Equal(paths.Count, paths.Select(p => string.Join(">", p.GetProperty("nodes").Strings())).Distinct().Count());
        AssertConsistent(all);
    }

    [Theory]
    [InlineData(1, 6)]
    [InlineData(3, 4)]
    [InlineData(5, 3)]
    public async Task ModeKGivesAtMostKPathsByAscendingCostWithinMaxHops(int k, int maxHops)
    {
        var body = await _client.GetOkAsync($"/api/paths?from=nato&to=mali&mode=k&k={k}&maxHops={maxHops}");

        Assert.Equal("k", body.GetProperty("mode").GetString());
        var paths = body.GetProperty("paths").EnumerateArray().ToList();
        Assert.InRange(paths.Count, 1, k);
        Assert.All(paths, p => Assert.InRange(p.GetProperty("length").GetInt32(), 1, maxHops));
        var costs = paths.Select(p => p.GetProperty("cost").GetDouble()).ToList();
        Assert.Equal(costs.Order(), costs);
        Assert.Equal(paths.Count, paths.Select(p => string.Join(">", p.GetProperty("edges").Strings())).Distinct().Count());
        AssertConsistent(body);
    }

    [Fact]
    public async Task DirectionOutFollowsEdgesForwardAndInFollowsThemBackward()
    {
        var forward = await _client.GetOkAsync("/api/paths?from=nato&to=balkans&direction=out");
        var backward = await _client.GetOkAsync("/api/paths?from=balkans&to=nato&direction=in");
        var against = await _client.GetOkAsync("/api/paths?from=nato&to=balkans&direction=in");

        var forwardPath = forward.GetProperty("paths")[0];
        var forwardEdges = forward.GetProperty("edges").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!);
        var nodes = forwardPath.GetProperty("nodes").Strings();
        var edges = forwardPath.GetProperty("edges").Strings();
        for (var i = 0; i < edges.Count; i++)
        {
            Assert.Equal(nodes[i], forwardEdges[edges[i]].GetProperty("source").GetString());
            Assert.Equal(nodes[i + 1], forwardEdges[edges[i]].GetProperty("target").GetString());
        }

        Assert.Equal(Enumerable.Reverse(nodes), backward.GetProperty("paths")[0].GetProperty("nodes").Strings());
        Assert.Equal(0, against.GetProperty("paths").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(against.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task AvoidingANodeRoutesAroundIt()
    {
        var body = await _client.GetOkAsync("/api/paths?from=nato&to=balkans&avoid=nato-balkans-intervention&mode=k&k=5");

        Assert.All(body.GetProperty("paths").EnumerateArray(), p => Assert.DoesNotContain("nato-balkans-intervention", p.GetProperty("nodes").Strings()));
        Assert.DoesNotContain("nato-balkans-intervention", body.GetProperty("nodes").Ids());
    }

    [Fact]
    public async Task NoPathIsAnOkWithNoPathsAndAReason()
    {
        var body = await _client.GetOkAsync("/api/paths?from=nato&to=mali&maxHops=1");

        Assert.Equal(0, body.GetProperty("paths").GetArrayLength());
        Assert.Equal(0, body.GetProperty("edges").GetArrayLength());
        Assert.Contains("1 hop", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AnUnknownNodeIsANotFoundProblemWithSuggestions()
    {
        var problem = await _client.GetProblemAsync("/api/paths?from=Atlantis&to=Mali", HttpStatusCode.NotFound);

        Assert.Equal("from", problem.GetProperty("field").GetString());
        Assert.Contains("nato", problem.GetProperty("suggestions").Ids());
    }

    [Fact]
    public async Task ANodeNothingResemblesIsANotFoundProblem()
    {
        var problem = await _client.GetProblemAsync("/api/paths?from=nato&to=Qqqqqqqqqqqq", HttpStatusCode.NotFound);

        Assert.Equal("to", problem.GetProperty("field").GetString());
        Assert.Equal(JsonValueKind.Array, problem.GetProperty("suggestions").ValueKind);
    }

    [Theory]
    [InlineData("maxHops=11", "maxHops")]
    [InlineData("maxHops=0", "maxHops")]
    [InlineData("k=0", "k")]
    [InlineData("k=11", "k")]
    [InlineData("mode=longest", "mode")]
    [InlineData("direction=sideways", "direction")]
    [InlineData("types=LIKES", "types")]
    [InlineData("kinds=Planet", "kinds")]
    public async Task OutOfBoundsOrUnknownOptionsAreBadRequests(string option, string field)
    {
        var problem = await _client.GetProblemAsync($"/api/paths?from=nato&to=mali&mode=k&{option}", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("/api/paths?to=mali", "from")]
    [InlineData("/api/paths?from=nato", "to")]
    [InlineData("/api/paths?from=nato&to=mali&k=abc", "k")]
    [InlineData("/api/paths?from=nato&to=mali&maxHops=2.5", "maxHops")]
    public async Task MissingOrMalformedParametersAreBadRequestsNamingThem(string url, string field)
    {
        var problem = await _client.GetProblemAsync(url, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    /// <summary>Paths only use nodes and edges the response lists, and edges join consecutive nodes.</summary>
    private static void AssertConsistent(JsonElement body)
    {
        var nodes = body.GetProperty("nodes").Ids().ToHashSet();
        var edges = body.GetProperty("edges").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!);
        foreach (var path in body.GetProperty("paths").EnumerateArray())
        {
            var pathNodes = path.GetProperty("nodes").Strings();
            var pathEdges = path.GetProperty("edges").Strings();
            Assert.Equal(pathEdges.Count, path.GetProperty("length").GetInt32());
            Assert.Equal(pathNodes.Count, pathEdges.Count + 1);
            Assert.All(pathNodes, n => Assert.Contains(n, nodes));
            for (var i = 0; i < pathEdges.Count; i++)
            {
                var edge = edges[pathEdges[i]];
                var ends = new[] { edge.GetProperty("source").GetString(), edge.GetProperty("target").GetString() };
                Assert.Contains(pathNodes[i], ends);
                Assert.Contains(pathNodes[i + 1], ends);
            }
        }
    }
}
