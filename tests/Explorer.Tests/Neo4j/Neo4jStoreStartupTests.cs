using System.Net;
using Explorer.Neo4j;
using static Explorer.Tests.Neo4j.QueryApiClientTests;

namespace Explorer.Tests.Neo4j;

/// <summary>What the Neo4j store says at start-up when it cannot work, and how it reads the server version.</summary>
public sealed class Neo4jStoreStartupTests
{
    [Theory]
    [InlineData("5.19.0", false)]
    [InlineData("5.20.0", false)]
    [InlineData("5.21.0", true)]
    [InlineData("5.26.12", true)]
    [InlineData("2025.01.0", true)]
    [InlineData("2025.11.2-enterprise", true)]
    [InlineData("4.4.30", false)]
    [InlineData("unknown", false)]
    public void PathSyntaxFollowsTheServerVersion(string version, bool modern) =>
        Assert.Equal(modern, Neo4jGraphStore.SupportsModernPaths(version));

    [Fact]
    public async Task BadCredentialsNameTheSettingsAndNotThePassword()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Unauthorized, """{"errors":[{"code":"Neo.ClientError.Security.Unauthorized","message":"Invalid username or password."}]}""");

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Store(handler).InitializeAsync());

        Assert.Contains("rejected the credentials", error.Message, StringComparison.Ordinal);
        Assert.Contains("Neo4j:Password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A404WhileTheServerAnswersMeansTheQueryApiIsDisabled()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.NotFound, "<html>Not Found</html>")
            .Then(HttpStatusCode.OK, """{"bolt_direct":"bolt://localhost:7687","neo4j_version":"5.18.1"}""");

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Store(handler).InitializeAsync());

        Assert.Contains("Query API is disabled", error.Message, StringComparison.Ordinal);
        Assert.Contains("server.http_enabled_modules", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownDatabaseIsNamed()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.NotFound, """{"errors":[{"code":"Neo.ClientError.Database.DatabaseNotFound","message":"Graph not found: neo4j"}]}""");

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Store(handler).InitializeAsync());

        Assert.Contains("no database 'neo4j'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableServerIsSaidSoAfterTheRetries()
    {
        var handler = new FakeHandler();
        for (var i = 0; i < 10; i++)
        {
            handler.ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (neo4j.test:7474)"));
        }

        var time = new FakeTime();
        var error = await Assert.ThrowsAsync<Neo4jException>(() => Store(handler, time).InitializeAsync());

        Assert.Equal(Neo4jErrorKind.Unavailable, error.Kind);
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
        Assert.True(time.Delays.Sum(d => d.TotalSeconds) >= 30, "retried for the drivers' 30 s");
    }

    [Fact]
    public async Task StartupCreatesTheSchemaAndReadsTheVersion()
    {
        var handler = Started(new FakeHandler());
        foreach (var _ in Cypher.Schema)
        {
            handler.Then(HttpStatusCode.Accepted, Empty);
        }

        handler.Then(HttpStatusCode.Accepted, Indexes(("explorer_node_id", "ONLINE", 100)))
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq","datedSpans"],"values":[[{"$type":"Integer","_value":"0"},{"$type":"Boolean","_value":true}]]}}""");
        var store = Store(handler);

        await store.InitializeAsync();

        Assert.Equal("5.26.0 community", store.ServerVersion);
        Assert.True(store.ModernPathSyntax);
        Assert.Equal(Cypher.Schema.Length + 4, handler.Requests.Count);
        Assert.All(Cypher.Schema, statement => Assert.Contains(handler.Requests, r => r.Body.Contains(statement.Split(' ')[2], StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnotherInstanceCreatingTheSameSchemaFirstIsFine()
    {
        var handler = Started(new FakeHandler())
            .Then(HttpStatusCode.BadRequest, """{"errors":[{"code":"Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists","message":"An equivalent constraint already exists"}]}""");
        foreach (var _ in Cypher.Schema.Skip(1))
        {
            handler.Then(HttpStatusCode.Accepted, Empty);
        }

        handler.Then(HttpStatusCode.Accepted, Indexes(("explorer_node_id", "ONLINE", 100)))
            .Then(HttpStatusCode.BadRequest, """{"errors":[{"code":"Neo.ClientError.Schema.ConstraintValidationFailed","message":"Node already exists with label `ChangeLog`"}]}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq","datedSpans"],"values":[[{"$type":"Integer","_value":"3"},{"$type":"Boolean","_value":true}]]}}""");

        await Store(handler).InitializeAsync();

        Assert.Equal(Cypher.Schema.Length + 5, handler.Requests.Count);
    }

    [Fact]
    public async Task ADatabaseWrittenBeforeSuspensionSpansGetsThemOnceAtStartup()
    {
        var handler = Started(new FakeHandler());
        foreach (var _ in Cypher.Schema)
        {
            handler.Then(HttpStatusCode.Accepted, Empty);
        }

        handler.Then(HttpStatusCode.Accepted, Indexes(("explorer_node_id", "ONLINE", 100)))
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq","datedSpans"],"values":[[{"$type":"Integer","_value":"12"},{"$type":"Null","_value":null}]]}}""")
            .Then(HttpStatusCode.Accepted, """
                {"data":{"fields":["id","type","suspensions"],"values":[
                  [{"$type":"String","_value":"mali-member-of-african-union"},{"$type":"String","_value":"MEMBER_OF"},{"$type":"String","_value":"[{\"from\":\"2012-03\",\"to\":\"2012-10\"},{\"from\":\"2021-06\",\"to\":null}]"}]]}}
                """)
            .Then(HttpStatusCode.Accepted, Empty)
            .Then(HttpStatusCode.Accepted, Empty);

        await Store(handler).InitializeAsync();

        var set = handler.Requests[^2].Body;
        Assert.Contains("SET r.suspensionSpans = row.spans", set, StringComparison.Ordinal);
        Assert.Contains("MEMBER_OF", set, StringComparison.Ordinal);
        Assert.Contains("\"2012-03|2012-10\"", set, StringComparison.Ordinal);
        Assert.Contains("\"2021-06|\"", set, StringComparison.Ordinal);
        Assert.Contains("SET log.datedSpans = true", handler.Requests[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupWaitsForIndexesWithItsOwnDeadlineAndSaysWhichAreLate()
    {
        var handler = Started(new FakeHandler());
        foreach (var _ in Cypher.Schema)
        {
            handler.Then(HttpStatusCode.Accepted, Empty);
        }

        for (var i = 0; i < 200; i++)
        {
            handler.Then(HttpStatusCode.Accepted, Indexes(("explorer_node_id", "ONLINE", 100), ("explorer_node_search", "POPULATING", 40)));
        }

        var time = new FakeTime();
        var error = await Assert.ThrowsAsync<Neo4jException>(() => Store(handler, time, TimeSpan.FromSeconds(20)).InitializeAsync());

        Assert.Equal(Neo4jErrorKind.Timeout, error.Kind);
        Assert.Contains("explorer_node_search POPULATING 40%", error.Message, StringComparison.Ordinal);
        Assert.Contains("Neo4j:IndexWaitSeconds", error.Message, StringComparison.Ordinal);
        Assert.InRange(time.Delays.Sum(d => d.TotalSeconds), 20, 21);
        // Each poll is a short read of its own, never one long call under the HTTP timeout.
        Assert.All(handler.Requests.Skip(2 + Cypher.Schema.Length), r => Assert.Contains("SHOW INDEXES", r.Body, StringComparison.Ordinal));
    }

    private const string Empty = """{"data":{"fields":[],"values":[]}}""";

    private static FakeHandler Started(FakeHandler handler) => handler
        .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[{"$type":"Integer","_value":"1"}]]}}""")
        .Then(HttpStatusCode.Accepted, """{"data":{"fields":["name","versions","edition"],"values":[[{"$type":"String","_value":"Neo4j Kernel"},{"$type":"List","_value":[{"$type":"String","_value":"5.26.0"}]},{"$type":"String","_value":"community"}]]}}""");

    private static string Indexes(params (string Name, string State, double Percent)[] indexes)
    {
        var rows = indexes.Select(i => $$"""[{"$type":"String","_value":"{{i.Name}}"},{"$type":"String","_value":"{{i.State}}"},{"$type":"Float","_value":"{{i.Percent}}"}]""");
        return """{"data":{"fields":["name","state","populationPercent"],"values":[""" + string.Join(",", rows) + "]}}";
    }

    internal static Neo4jGraphStore Store(FakeHandler handler, FakeTime? time = null, TimeSpan? indexWait = null)
    {
        time ??= new FakeTime();
        return new(QueryApiClientTests.Client(handler, time), indexWait: indexWait, time: time, delay: time.Delay);
    }
}
