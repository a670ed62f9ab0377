using System.Net;
using System.Text.Json;
using static Explorer.Tests.Http.Api;

namespace Explorer.Tests.Http;

public sealed class QueryApiTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task NatoToBalkansIsAnsweredAsAPathWithThePathsFields()
    {
        var body = await _client.GetOkAsync($"/api/query?q={Q("NATO to Balkans")}");

        Assert.Equal("path", body.GetProperty("kind").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("interpretation").GetString()));
        Assert.Equal("nato", body.GetProperty("from").GetProperty("id").GetString());
        Assert.Equal("balkans", body.GetProperty("to").GetProperty("id").GetString());
        Assert.Equal("ranked", body.GetProperty("mode").GetString());
        Assert.Contains("nato-balkans-intervention", body.GetProperty("paths")[0].GetProperty("nodes").Strings());
        Assert.NotEqual(0, body.GetProperty("nodes").GetArrayLength());
        Assert.NotEqual(0, body.GetProperty("edges").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("reason").ValueKind);
    }

    [Fact]
    public async Task HowIsXRelatedToYIsAnsweredWithRankedPaths()
    {
        var body = await _client.GetOkAsync($"/api/query?q={Q("how is NATO related to Mali?")}");

        Assert.Equal("path", body.GetProperty("kind").GetString());
        Assert.Equal("ranked", body.GetProperty("mode").GetString());
        Assert.NotEqual(0, body.GetProperty("paths").GetArrayLength());
    }

    [Fact]
    public async Task NeighborsOfNatoIsAnsweredAsANeighborhood()
    {
        var body = await _client.GetOkAsync($"/api/query?q={Q("neighbors of NATO")}");

        Assert.Equal("neighborhood", body.GetProperty("kind").GetString());
        Assert.Equal("nato", body.GetProperty("center").GetProperty("id").GetString());
        Assert.NotEqual(0, body.GetProperty("nodes").GetArrayLength());
        Assert.True(body.TryGetProperty("truncated", out _));
        Assert.True(body.TryGetProperty("countsByType", out _));
    }

    [Fact]
    public async Task ANameAloneIsAnsweredAsASearch()
    {
        var body = await _client.GetOkAsync("/api/query?q=Somalia");

        Assert.Equal("search", body.GetProperty("kind").GetString());
        Assert.Equal("somalia", body.GetProperty("results")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task AnEmptyQueryIsABadRequest()
    {
        await _client.GetProblemAsync("/api/query?q=", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task APathToAnUnknownPlaceIsANotFoundProblem()
    {
        var problem = await _client.GetProblemAsync($"/api/query?q={Q("NATO to Qqqqqqqqqqqq")}", HttpStatusCode.NotFound);

        Assert.Equal("to", problem.GetProperty("field").GetString());
    }
}
