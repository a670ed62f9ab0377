using System.Net;
using Explorer.Graph;
using Explorer.Tests.TestSupport;
using static Explorer.Tests.Http.Api;

namespace Explorer.Tests.Http;

/// <summary>asOf over HTTP on the seed graph: phrases with dates, the parameter on every read, bad dates.</summary>
public sealed class AsOfApiTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task MembersOfTheScoIn2010LeaveOutIndiaWhichJoinedIn2017()
    {
        var in2010 = await _client.GetOkAsync($"/api/query?q={Q("members of the SCO in 2010")}");
        var in2018 = await _client.GetOkAsync($"/api/query?q={Q("members of the SCO in 2018")}");
        var byParameter = await _client.GetOkAsync("/api/nodes/sco/neighborhood?types=MEMBER_OF&asOf=2010");

        Assert.Equal("neighborhood", in2010.GetProperty("kind").GetString());
        Assert.Equal("members of 'the SCO' as of 2010", in2010.GetProperty("interpretation").GetString());
        Assert.Contains("china", in2010.GetProperty("nodes").Ids());
        Assert.DoesNotContain("india", in2010.GetProperty("nodes").Ids());
        Assert.Contains("india", in2018.GetProperty("nodes").Ids());
        Assert.Equal(in2010.GetProperty("nodes").Ids().Order(), byParameter.GetProperty("nodes").Ids().Order());
    }

    [Fact]
    public async Task NatoToBalkansAsOf1995StillLeadsWithTheIntervention()
    {
        var body = await _client.GetOkAsync($"/api/query?q={Q("NATO to Balkans as of 1995")}");

        Assert.Equal("paths from 'NATO' to 'Balkans' as of 1995", body.GetProperty("interpretation").GetString());
        Assert.Equal(["nato", "nato-balkans-intervention", "balkans"], body.GetProperty("paths")[0].GetProperty("nodes").Strings());
    }

    [Fact]
    public async Task AnOrganizationIsNoEndpointBeforeItWasFounded()
    {
        var body = await _client.GetOkAsync("/api/paths?from=african-union&to=somalia&asOf=1990");

        Assert.Equal(0, body.GetProperty("paths").GetArrayLength());
        Assert.Contains("did not exist in 1990", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task TheTimelineSpansTheFirstAndLastDateOfTheData()
    {
        var dates = Seeded.Dataset.Nodes.SelectMany(n => new[] { n.ValidFrom, n.ValidTo })
            .Concat(Seeded.Dataset.Edges.SelectMany(e => e.Suspensions.SelectMany(s => new[] { s.From, s.To }).Append(e.ValidFrom).Append(e.ValidTo)))
            .OfType<string>()
            .Select(PartialDate.Parse)
            .ToList();

        var body = await _client.GetOkAsync("/api/timeline");

        Assert.True(body.GetProperty("asOf").GetBoolean());
        Assert.Equal(dates.MinBy(d => d.First).ToString(), body.GetProperty("earliest").GetString());
        Assert.Equal(dates.MaxBy(d => d.Last).ToString(), body.GetProperty("latest").GetString());
    }

    [Fact]
    public async Task ANeighborhoodAsOfADateCountsOnlyTheRelationsThatHeldThen()
    {
        var today = await _client.GetOkAsync("/api/nodes/sco/neighborhood?limit=1");
        var in2010 = await _client.GetOkAsync("/api/nodes/sco/neighborhood?limit=1&asOf=2010");
        var members2010 = await _client.GetOkAsync("/api/nodes/sco/neighborhood?types=MEMBER_OF&limit=200&asOf=2010");

        // India and Pakistan joined in 2017: two MEMBER_OF edges fewer, and the count is the members drawn.
        var countToday = today.GetProperty("countsByType").GetProperty("MEMBER_OF").GetInt32();
        var count2010 = in2010.GetProperty("countsByType").GetProperty("MEMBER_OF").GetInt32();
        Assert.True(count2010 <= countToday - 2, $"{count2010} members in 2010, {countToday} today");
        Assert.Equal(members2010.GetProperty("nodes").GetArrayLength() - 1, count2010);
    }

    [Fact]
    public async Task ANodeAsOfADateCountsWhatItsNeighborhoodCountsThenAndItsDegreeIsTheirSum()
    {
        var today = await _client.GetOkAsync("/api/nodes/sco");
        var in2010 = await _client.GetOkAsync("/api/nodes/sco?asOf=2010");
        var around2010 = await _client.GetOkAsync("/api/nodes/sco/neighborhood?limit=1&asOf=2010");

        var counts2010 = Counts(in2010);
        Assert.Equal(Counts(around2010), counts2010);
        Assert.Equal(counts2010.Values.Sum(), in2010.GetProperty("degree").GetInt32());
        Assert.True(counts2010["MEMBER_OF"] <= Counts(today)["MEMBER_OF"] - 2, "India and Pakistan joined the SCO in 2017");
        Assert.True(in2010.GetProperty("degree").GetInt32() < today.GetProperty("degree").GetInt32());
        Assert.Equal(today.GetProperty("version").GetInt64(), in2010.GetProperty("version").GetInt64());
    }

    private static Dictionary<string, int> Counts(System.Text.Json.JsonElement node) =>
        node.GetProperty("countsByType").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    [Fact]
    public async Task AQueryAnswerSaysWhichDateItHoldsAsOf()
    {
        var phrase = await _client.GetOkAsync($"/api/query?q={Q("NATO to Balkans as of 1995")}");
        var parameter = await _client.GetOkAsync($"/api/query?q={Q("neighbors of NATO")}&asOf=2010-06");
        var none = await _client.GetOkAsync($"/api/query?q={Q("NATO")}");

        Assert.Equal("1995", phrase.GetProperty("asOf").GetString());
        Assert.Equal("2010-06", parameter.GetProperty("asOf").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, none.GetProperty("asOf").ValueKind);
    }

    [Theory]
    [InlineData("/api/paths?from=nato&to=mali&asOf=1995-13")]
    [InlineData("/api/paths?from=nato&to=mali&asOf=abc")]
    [InlineData("/api/paths?from=nato&to=mali&asOf=95")]
    [InlineData("/api/paths?from=nato&to=mali&asOf=2010-02-30")]
    [InlineData("/api/paths?from=nato&to=mali&asOf=")]
    [InlineData("/api/nodes/nato/neighborhood?asOf=1999-1")]
    [InlineData("/api/nodes/nato?asOf=1999-1")]
    [InlineData("/api/search?q=nato&asOf=yesterday")]
    [InlineData("/api/query?q=NATO%20to%20Mali&asOf=19955")]
    [InlineData("/api/query?q=NATO%20to%20Mali%20in%201995&asOf=1996")]
    public async Task ABadAsOfIsABadRequestNamingIt(string url)
    {
        var problem = await _client.GetProblemAsync(url, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("asOf", out _), problem.ToString());
    }
}
