using System.Net;
using System.Text.Json;
using Explorer.Graph;
using Explorer.Neo4j;
using static Explorer.Tests.Neo4j.QueryApiClientTests;

namespace Explorer.Tests.Neo4j;

/// <summary>
/// The Neo4j store's side of the time slider, against the Query API's documented answers: the date range
/// (<c>/api/timeline</c>) and a dated neighborhood's counts by type.
/// </summary>
public sealed class Neo4jTimelineTests
{
    private static string Row(params object?[] values) =>
        "[" + string.Join(",", values.Select(v => v switch
        {
            null => """{"$type":"Null","_value":null}""",
            int i => $$"""{"$type":"Integer","_value":"{{i}}"}""",
            string s => $$"""{"$type":"String","_value":{{JsonSerializer.Serialize(s)}}}""",
            _ => throw new ArgumentException("unsupported value", nameof(values)),
        })) + "]";

    private static string Rows(string[] fields, params string[] rows) =>
        $$$"""{"data":{"fields":{{{JsonSerializer.Serialize(fields)}}},"values":[{{{string.Join(",", rows)}}}]}}""";

    private static readonly string[] RangeFields = ["precision", "earliest", "latest"];

    [Fact]
    public async Task TheDateRangeCombinesEveryPrecisionOfNodesAndEdgesByTheDaysTheyStandFor()
    {
        // A year's latest day is its 31 December, so "2013" ends after "2013-04-25"; a month's first day is its 1st.
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Rows(RangeFields, Row(4, "1949", "2013"), Row(10, "1945-10-24", "2013-04-25")))
            .Then(HttpStatusCode.Accepted, Rows(RangeFields, Row(7, "1945-10", "2025-04"), Row(4, "1963", "2025")));

        var range = await Neo4jStoreStartupTests.Store(handler).GetDateRangeAsync();

        Assert.Equal(new DateRange("1945-10", "2025"), range);
        Assert.Equal([Cypher.NodeDateRange, Cypher.EdgeDateRange], handler.Requests.Select(Statement));
    }

    [Fact]
    public async Task NothingDatedIsNoRange()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Rows(RangeFields))
            .Then(HttpStatusCode.Accepted, Rows(RangeFields));

        Assert.Null(await Neo4jStoreStartupTests.Store(handler).GetDateRangeAsync());
    }

    [Fact]
    public async Task ADatedNeighborhoodCountsOnlyTheEdgesThatHeldThen()
    {
        string[] nodeFields = ["id", "kind", "name", "aliases", "description", "validFrom", "validTo", "version", "type", "count"];
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Rows(nodeFields,
                Row("nato", "Organization", "NATO", null, "", "1949-04-04", null, 1, "MEMBER_OF", 32),
                Row("nato", "Organization", "NATO", null, "", "1949-04-04", null, 1, "CONDUCTED", 5)))
            .Then(HttpStatusCode.Accepted, Rows(["from", "edge"]))
            .Then(HttpStatusCode.Accepted, Rows(["type", "count"], Row("CONDUCTED", 2), Row("MEMBER_OF", 16)));

        var neighborhood = await Neo4jStoreStartupTests.Store(handler).GetNeighborhoodAsync(
            new NeighborhoodQuery("nato", AsOf: PartialDate.Parse("1995")));

        Assert.NotNull(neighborhood);
        Assert.Equal(new Dictionary<string, int> { ["CONDUCTED"] = 2, ["MEMBER_OF"] = 16 }, neighborhood.CountsByType);
        var counts = handler.Requests[^1];
        Assert.Equal(Cypher.CountsByTypeAsOf, Statement(counts));
        Assert.Equal(("nato", "1995-01-01", "1995-12-31"), (Parameter(counts, "id"), Parameter(counts, "first"), Parameter(counts, "last")));
    }

    [Fact]
    public async Task ANeighborhoodKeptToSomeReviewStatusesCountsOnlyEdgesOfThoseStatuses()
    {
        string[] nodeFields = ["id", "kind", "name", "aliases", "description", "validFrom", "validTo", "version", "type", "count"];
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Rows(nodeFields, Row("nato", "Organization", "NATO", null, "", "1949-04-04", null, 1, "MEMBER_OF", 32)))
            .Then(HttpStatusCode.Accepted, Rows(["from", "edge"]))
            .Then(HttpStatusCode.Accepted, Rows(["type", "count"], Row("MEMBER_OF", 30)));

        var neighborhood = await Neo4jStoreStartupTests.Store(handler).GetNeighborhoodAsync(
            new NeighborhoodQuery("nato", Statuses: new HashSet<EdgeStatus> { EdgeStatus.Confirmed }));

        Assert.Equal(new Dictionary<string, int> { ["MEMBER_OF"] = 30 }, neighborhood!.CountsByType);
        var counts = handler.Requests[^1];
        Assert.Equal(Cypher.CountsByTypeAsOf, Statement(counts));
        using var body = JsonDocument.Parse(counts.Body);
        var statuses = body.RootElement.GetProperty("parameters").GetProperty("statuses");
        Assert.Equal(["Confirmed"], statuses.GetProperty("_value").EnumerateArray().Select(v => v.GetProperty("_value").GetString()));
        Assert.Null(Parameter(counts, "first"));
    }

    [Fact]
    public async Task AnUndatedNeighborhoodCountsEveryEdgeFromTheNodesDetailsWithoutAnotherRequest()
    {
        string[] nodeFields = ["id", "kind", "name", "aliases", "description", "validFrom", "validTo", "version", "type", "count"];
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Rows(nodeFields, Row("nato", "Organization", "NATO", null, "", "1949-04-04", null, 1, "MEMBER_OF", 32)))
            .Then(HttpStatusCode.Accepted, Rows(["from", "edge"]));

        var neighborhood = await Neo4jStoreStartupTests.Store(handler).GetNeighborhoodAsync(new NeighborhoodQuery("nato"));

        Assert.Equal(new Dictionary<string, int> { ["MEMBER_OF"] = 32 }, neighborhood!.CountsByType);
        Assert.Equal(2, handler.Requests.Count);
    }

    private static string Statement(SeenRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("statement").GetString()!;
    }

    private static string? Parameter(SeenRequest request, string name)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("parameters").GetProperty(name).GetProperty("_value").GetString();
    }
}
