using System.Net;
using static Explorer.Tests.Http.Api;

namespace Explorer.Tests.Http;

public sealed class SearchApiTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task SearchingAnExactNameRanksThatNodeFirstWithItsFields()
    {
        var body = await _client.GetOkAsync("/api/search?q=NATO");

        var first = body.GetProperty("results")[0];
        Assert.Equal("nato", first.GetProperty("id").GetString());
        Assert.Equal("Organization", first.GetProperty("kind").GetString());
        Assert.Equal("NATO", first.GetProperty("name").GetString());
        Assert.Contains("North Atlantic Treaty Organization", first.GetProperty("aliases").Strings());
        Assert.Equal("Exact", first.GetProperty("match").GetString());
        Assert.True(first.GetProperty("score").GetDouble() > 0);
    }

    [Fact]
    public async Task SearchingAnAliasFindsTheNodeItBelongsTo()
    {
        var body = await _client.GetOkAsync($"/api/search?q={Q("United Nations")}");

        Assert.Equal("un", body.GetProperty("results")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("türkiye")]
    [InlineData("TURKIYE")]
    [InlineData("Turkiye")]
    public async Task SearchIgnoresCaseAndAccents(string text)
    {
        var body = await _client.GetOkAsync($"/api/search?q={Q(text)}");

        Assert.Equal("turkiye", body.GetProperty("results")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task SearchToleratesATypo()
    {
        var body = await _client.GetOkAsync("/api/search?q=Somala");

        Assert.Equal("somalia", body.GetProperty("results")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task TheKindsFilterKeepsOnlyThoseKinds()
    {
        var body = await _client.GetOkAsync("/api/search?q=Somalia&kinds=Mission");

        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal("Mission", r.GetProperty("kind").GetString()));
        Assert.DoesNotContain("somalia", body.GetProperty("results").Ids());
    }

    [Fact]
    public async Task LimitCapsTheNumberOfResults()
    {
        var body = await _client.GetOkAsync("/api/search?q=United&limit=2");

        Assert.Equal(2, body.GetProperty("results").GetArrayLength());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-5")]
    public async Task ALimitOutOfBoundsIsABadRequestNamingLimit(string limit)
    {
        var problem = await _client.GetProblemAsync($"/api/search?q=nato&limit={limit}", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task AnUnknownKindIsABadRequest()
    {
        var problem = await _client.GetProblemAsync("/api/search?q=nato&kinds=Planet", HttpStatusCode.BadRequest);

        Assert.Contains("Planet", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("%EF%BF%BF%EF%BF%BE")]
    [InlineData("%ED%A0%80nato")]
    [InlineData("nato%EF%B7%90")]
    public async Task TextWithInvalidUnicodeIsSearchedNotAnError(string encoded)
    {
        var body = await _client.GetOkAsync($"/api/search?q={encoded}");

        Assert.Equal(System.Text.Json.JsonValueKind.Array, body.GetProperty("results").ValueKind);
    }

    [Fact]
    public async Task AMissingSearchTextIsABadRequest()
    {
        var problem = await _client.GetProblemAsync("/api/search", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _));
    }
}
