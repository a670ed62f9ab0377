using System.Net;
using Explorer.Tests.TestSupport;
using static Explorer.Tests.Http.Api;

namespace Explorer.Tests.Http;

public sealed class NodeApiTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task ANodeComesWithItsDegreeAndEdgeCountsByType()
    {
        var node = await _client.GetOkAsync("/api/nodes/nato");

        Assert.Equal("nato", node.GetProperty("id").GetString());
        Assert.Equal("Organization", node.GetProperty("kind").GetString());
        Assert.Equal("NATO", node.GetProperty("name").GetString());
        Assert.False(string.IsNullOrWhiteSpace(node.GetProperty("description").GetString()));
        Assert.NotEmpty(node.GetProperty("aliases").Strings());

        var counts = node.GetProperty("countsByType").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.True(counts.GetValueOrDefault("MEMBER_OF") > 0);
        Assert.True(counts.GetValueOrDefault("CONDUCTED") > 0);
        Assert.Equal(node.GetProperty("degree").GetInt32(), counts.Values.Sum());
    }

    [Fact]
    public async Task TheDegreeMatchesTheDatasetsEdges()
    {
        var expected = Seeded.Dataset.Edges.Count(e => e.Source == "mali" || e.Target == "mali");

        var node = await _client.GetOkAsync("/api/nodes/mali");

        Assert.Equal(expected, node.GetProperty("degree").GetInt32());
    }

    [Fact]
    public async Task ANodeCanBeAskedForByAUniqueAlias()
    {
        var node = await _client.GetOkAsync($"/api/nodes/{Q("North Atlantic Treaty Organization")}");

        Assert.Equal("nato", node.GetProperty("id").GetString());
    }

    [Fact]
    public async Task AnUnknownNodeIsANotFoundProblem()
    {
        var problem = await _client.GetProblemAsync("/api/nodes/atlantis-xyz", HttpStatusCode.NotFound);

        Assert.Equal("id", problem.GetProperty("field").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, problem.GetProperty("suggestions").ValueKind);
    }

    [Fact]
    public async Task ANeighborhoodHasItsCenterNodesEdgesAndCounts()
    {
        var body = await _client.GetOkAsync("/api/nodes/nato/neighborhood");

        Assert.Equal("nato", body.GetProperty("center").GetProperty("id").GetString());
        var nodes = body.GetProperty("nodes").Ids();
        Assert.Contains("nato-balkans-intervention", nodes);
        Assert.False(body.GetProperty("truncated").GetBoolean());
        Assert.True(body.GetProperty("countsByType").GetProperty("MEMBER_OF").GetInt32() > 0);

        // Every edge joins nodes of the response, and every edge carries evidence.
        var nodeSet = nodes.ToHashSet();
        Assert.All(body.GetProperty("edges").EnumerateArray(), edge =>
        {
            Assert.Contains(edge.GetProperty("source").GetString()!, nodeSet);
            Assert.Contains(edge.GetProperty("target").GetString()!, nodeSet);
            Assert.NotEqual(0, edge.GetProperty("evidence").GetArrayLength());
        });
    }

    [Fact]
    public async Task ANeighborhoodCappedByLimitSaysItIsTruncated()
    {
        var body = await _client.GetOkAsync("/api/nodes/nato/neighborhood?limit=1");

        // nodes holds the center plus at most limit others.
        Assert.True(body.GetProperty("truncated").GetBoolean());
        var nodes = body.GetProperty("nodes").Ids();
        Assert.Contains("nato", nodes);
        Assert.InRange(nodes.Count, 1, 2);
    }

    [Fact]
    public async Task TheTypesFilterKeepsOnlyThoseEdgeTypes()
    {
        var body = await _client.GetOkAsync("/api/nodes/nato/neighborhood?types=CONDUCTED");

        var edges = body.GetProperty("edges").EnumerateArray().ToList();
        Assert.NotEmpty(edges);
        Assert.All(edges, e => Assert.Equal("CONDUCTED", e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task ADeeperNeighborhoodReachesFurther()
    {
        var one = await _client.GetOkAsync("/api/nodes/nato/neighborhood?depth=1");
        var two = await _client.GetOkAsync("/api/nodes/nato/neighborhood?depth=2");

        Assert.True(two.GetProperty("nodes").GetArrayLength() > one.GetProperty("nodes").GetArrayLength());
    }

    [Theory]
    [InlineData("depth=0")]
    [InlineData("depth=4")]
    [InlineData("limit=0")]
    [InlineData("limit=2001")]
    [InlineData("offset=-1")]
    public async Task NeighborhoodBoundsAreBadRequests(string query)
    {
        var problem = await _client.GetProblemAsync($"/api/nodes/nato/neighborhood?{query}", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(query.Split('=')[0], out _));
    }

    [Fact]
    public async Task AFractionalDepthIsABadRequestNamingDepth()
    {
        var problem = await _client.GetProblemAsync("/api/nodes/nato/neighborhood?depth=1.5", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("depth", out _));
    }

    [Fact]
    public async Task TheNeighborhoodOfAnUnknownNodeIsANotFoundProblem()
    {
        await _client.GetProblemAsync("/api/nodes/atlantis-xyz/neighborhood", HttpStatusCode.NotFound);
    }
}
