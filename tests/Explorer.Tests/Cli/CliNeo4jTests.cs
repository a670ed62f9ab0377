namespace Explorer.Tests.Cli;

/// <summary>The --store option: neo4j needs a URI, and an unreachable server is a store error naming where.</summary>
public sealed class CliNeo4jTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task SeedIntoNeo4jWithoutAUriSaysWhatIsMissing()
    {
        var result = await _cli.RunAsync("seed", "--store", "neo4j");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--neo4j-uri (or Neo4j__Uri)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableNeo4jIsAStoreErrorNamingTheServer()
    {
        var result = await _cli.RunAsync("seed", "--store", "neo4j", "--neo4j-uri", "http://127.0.0.1:1");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("cannot use Neo4j at http://127.0.0.1:1 (database neo4j)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("unreachable", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownStoreIsAUsageError()
    {
        var result = await _cli.RunAsync("search", "nato", "--store", "cassandra");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown store 'cassandra'", result.Stderr, StringComparison.Ordinal);
    }
}
