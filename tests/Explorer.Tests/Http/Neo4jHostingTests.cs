using Explorer.Server.Infrastructure;

namespace Explorer.Tests.Http;

/// <summary>Explorer:Store=Neo4j at start-up: configuration problems and an unreachable server stop it with one clear line.</summary>
public sealed class Neo4jHostingTests
{
    [Theory]
    [InlineData("", "Neo4j:Uri is required")]
    [InlineData("bolt://localhost:7687", "Neo4j:Uri must be an absolute http://")]
    public async Task ABadNeo4jUriStopsStartupNamingTheSetting(string uri, string expected)
    {
        var failure = await StartFailsAsync("--Explorer:Store=Neo4j", $"--Neo4j:Uri={uri}", "--Neo4j:User=neo4j", "--Neo4j:Password=x");
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserWithoutPasswordStopsStartup()
    {
        var failure = await StartFailsAsync("--Explorer:Store=Neo4j", "--Neo4j:Uri=http://127.0.0.1:1", "--Neo4j:User=neo4j");
        Assert.Contains("Neo4j:User and Neo4j:Password go together", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableNeo4jStopsStartupSayingWhere()
    {
        var failure = await StartFailsAsync("--Explorer:Store=Neo4j", "--Neo4j:Uri=http://127.0.0.1:1", "--Neo4j:User=neo4j", "--Neo4j:Password=do-not-print", "--Neo4j:MaxRetrySeconds=0");

        Assert.Contains("cannot open the neo4j store at http://127.0.0.1:1 (database neo4j)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<StartupException> StartFailsAsync(params string[] args)
    {
        await using var app = Explorer.Server.ExplorerApp.Create([.. args, "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=None", "--Explorer:SeedOnStart=false"]);
        return await Assert.ThrowsAsync<StartupException>(() => app.StartAsync(TestContext.Current.CancellationToken));
    }
}
