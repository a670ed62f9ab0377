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
        for (var i = 0; i < 5; i++)
        {
            handler.ThenThrow(new HttpRequestException("Connection refused (neo4j.test:7474)"));
        }

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Store(handler).InitializeAsync());

        Assert.Equal(Neo4jErrorKind.Unavailable, error.Kind);
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, handler.Requests.Count);
    }

    [Fact]
    public async Task StartupCreatesTheSchemaAndReadsTheVersion()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[{"$type":"Integer","_value":"1"}]]}}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["name","versions","edition"],"values":[[{"$type":"String","_value":"Neo4j Kernel"},{"$type":"List","_value":[{"$type":"String","_value":"5.26.0"}]},{"$type":"String","_value":"community"}]]}}""");
        foreach (var _ in Cypher.Schema)
        {
            handler.Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]}}""");
        }

        handler.Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]}}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq"],"values":[[{"$type":"Integer","_value":"0"}]]}}""");
        var store = Store(handler);

        await store.InitializeAsync();

        Assert.Equal("5.26.0 community", store.ServerVersion);
        Assert.True(store.ModernPathSyntax);
        Assert.Equal(Cypher.Schema.Length + 4, handler.Requests.Count);
        Assert.All(Cypher.Schema, statement => Assert.Contains(handler.Requests, r => r.Body.Contains(statement.Split(' ')[2], StringComparison.Ordinal)));
    }

    private static Neo4jGraphStore Store(FakeHandler handler) =>
        new(new QueryApiClient(new HttpClient(handler), new Uri("http://neo4j.test:7474"), "neo4j",
            QueryApiClient.Authorization(new Neo4jOptions { User = "neo4j", Password = "secret" }),
            new QueryApiPolicy(TimeSpan.FromSeconds(10), 5, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), 30),
            delay: (_, _) => Task.CompletedTask));
}
