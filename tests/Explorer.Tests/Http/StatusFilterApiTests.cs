using System.Net;
using Explorer.Graph;
using Explorer.Tests.TestSupport;
using static Explorer.Tests.Http.Api;

namespace Explorer.Tests.Http;

/// <summary>status= keeps paths, neighborhoods and phrase answers to edges of some review statuses (a proposed shortcut NATO → Somalia here).</summary>
public sealed class StatusFilterApiTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>, IAsyncLifetime
{
    private const string Shortcut = "x-status-nato-aid-somalia";

    private readonly HttpClient _client = factory.CreateClient();

    public async ValueTask InitializeAsync()
    {
        if (await factory.Store.GetEdgeAsync(Shortcut) is null)
        {
            var edge = new Edge(Shortcut, "PROVIDED_AID_TO", "nato", "somalia",
                [new Evidence("military-engagement-in-global-diplomacy", "Military presence can deter aggression and ensure compliance with international norms")]) { Status = EdgeStatus.Proposed };
            Assert.IsType<RecordWrite.Written>(await factory.Store.CreateEdgeAsync(edge, "ana"));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task PathsKeptToConfirmedEdgesGoAroundAProposedShortcut()
    {
        var any = await _client.GetOkAsync("/api/paths?from=NATO&to=Somalia&mode=shortest");
        Assert.Equal([Shortcut], Assert.Single(any.GetProperty("paths").EnumerateArray()).GetProperty("edges").Strings());

        var confirmed = await _client.GetOkAsync("/api/paths?from=NATO&to=Somalia&mode=shortest&status=confirmed");
        Assert.DoesNotContain(Shortcut, Assert.Single(confirmed.GetProperty("paths").EnumerateArray()).GetProperty("edges").Strings());
        Assert.All(confirmed.GetProperty("edges").EnumerateArray(), e => Assert.Equal("Confirmed", e.GetProperty("status").GetString()));

        var both = await _client.GetOkAsync("/api/paths?from=NATO&to=Somalia&mode=shortest&status=Confirmed,%20proposed");
        Assert.Equal([Shortcut], Assert.Single(both.GetProperty("paths").EnumerateArray()).GetProperty("edges").Strings());

        var ranked = await _client.GetOkAsync("/api/query?q=" + Q("NATO to Somalia") + "&status=confirmed");
        Assert.All(ranked.GetProperty("paths").EnumerateArray(), p => Assert.DoesNotContain(Shortcut, p.GetProperty("edges").Strings()));
    }

    [Fact]
    public async Task NoPathUnderAStatusFilterSaysWhichEdgesItUsed()
    {
        var body = await _client.GetOkAsync("/api/paths?from=NATO&to=Somalia&status=disputed&maxHops=2");

        Assert.Empty(body.GetProperty("paths").EnumerateArray());
        Assert.Equal("'NATO' and 'Somalia' are not connected within 10 hops, using only disputed edges.", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task TheNeighborhoodFollowsOnlyEdgesOfTheGivenStatuses()
    {
        var all = await _client.GetOkAsync("/api/nodes/nato/neighborhood?limit=2000");
        var confirmed = await _client.GetOkAsync("/api/nodes/nato/neighborhood?limit=2000&status=confirmed");

        Assert.Contains(Shortcut, all.GetProperty("edges").Ids());
        Assert.DoesNotContain(Shortcut, confirmed.GetProperty("edges").Ids());
    }

    [Fact]
    public async Task ANodeOfSomeReviewStatusesCountsOnlyThoseEdges()
    {
        var all = await _client.GetOkAsync("/api/nodes/nato");
        var confirmed = await _client.GetOkAsync("/api/nodes/nato?status=confirmed");
        var proposed = await _client.GetOkAsync("/api/nodes/nato?status=proposed");
        var everyStatus = await _client.GetOkAsync("/api/nodes/nato?status=confirmed,proposed,disputed");

        // The shortcut is NATO's one proposed edge: it counts in all and proposed, not in confirmed.
        Assert.Equal(1, proposed.GetProperty("degree").GetInt32());
        Assert.Equal(1, Count(proposed, "PROVIDED_AID_TO"));
        Assert.Equal(all.GetProperty("degree").GetInt32() - 1, confirmed.GetProperty("degree").GetInt32());
        Assert.Equal(Count(all, "PROVIDED_AID_TO") - 1, Count(confirmed, "PROVIDED_AID_TO"));
        Assert.Equal(all.GetProperty("degree").GetInt32(), everyStatus.GetProperty("degree").GetInt32());
    }

    private static int Count(System.Text.Json.JsonElement node, string type) =>
        node.GetProperty("countsByType").TryGetProperty(type, out var count) ? count.GetInt32() : 0;

    [Theory]
    [InlineData("/api/nodes/nato?status=sure")]
    [InlineData("/api/paths?from=NATO&to=Somalia&status=accepted")]
    [InlineData("/api/paths?from=NATO&to=Somalia&status=1")]
    [InlineData("/api/nodes/nato/neighborhood?status=maybe")]
    [InlineData("/api/query?q=NATO%20to%20Somalia&status=unknown")]
    public async Task AnUnknownStatusIsA400NamingTheParameter(string url)
    {
        var problem = await _client.GetProblemAsync(url, HttpStatusCode.BadRequest);
        Assert.Contains("status", problem.GetProperty("detail").GetString());
    }
}
