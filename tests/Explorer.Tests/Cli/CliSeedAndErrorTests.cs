using System.Text.Json;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Cli;

/// <summary>Seeding, first-use initialization, usage errors and store errors; each test has its own database.</summary>
public sealed class CliSeedAndErrorTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task SeedingTwiceReportsEverythingUnchangedTheSecondTime()
    {
        var dataset = Seeded.Dataset;

        var first = await _cli.RunAsync("seed");
        var second = await _cli.RunAsync("seed", "--progress");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal($"sources: {dataset.Sources.Count} added, 0 updated, 0 unchanged; nodes: {dataset.Nodes.Count} added, 0 updated, 0 unchanged; edges: {dataset.Edges.Count} added, 0 updated, 0 unchanged", first.Stdout.Trim());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal($"sources: 0 added, 0 updated, {dataset.Sources.Count} unchanged; nodes: 0 added, 0 updated, {dataset.Nodes.Count} unchanged; edges: 0 added, 0 updated, {dataset.Edges.Count} unchanged", second.Stdout.Trim());
        Assert.Contains($"seed: nodes {dataset.Nodes.Count}/{dataset.Nodes.Count}", second.Stderr);
        Assert.Contains($"seed: edges {dataset.Edges.Count}/{dataset.Edges.Count}", second.Stderr);
    }

    [Fact]
    public async Task SeedWithJsonWritesTheReport()
    {
        var result = await _cli.RunAsync("seed", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(Seeded.Dataset.Nodes.Count, json.RootElement.GetProperty("nodes").GetProperty("added").GetInt32());
    }

    [Fact]
    public async Task AQueryOnANewDatabaseSeedsItFirstWithProgressOnStderr()
    {
        Assert.False(File.Exists(_cli.DatabasePath));

        var result = await _cli.RunAsync("search", "NATO");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("is empty; seeding it from", result.Stderr);
        Assert.Contains("seed: edges ", result.Stderr);
        Assert.Contains("nato", result.Stdout);
        Assert.DoesNotContain("seed:", result.Stdout);
    }

    [Fact]
    public async Task AnInvalidDatasetFileExitsWithThreeNamingTheFile()
    {
        var seed = Path.Combine(_cli.Directory, "broken-seed");
        Directory.CreateDirectory(seed);
        foreach (var file in Directory.GetFiles(Seeded.SeedDirectory, "*.json"))
        {
            File.Copy(file, Path.Combine(seed, Path.GetFileName(file)));
        }

        Directory.CreateDirectory(Path.Combine(seed, "sources"));
        foreach (var file in Directory.GetFiles(Path.Combine(Seeded.SeedDirectory, "sources")))
        {
            File.Copy(file, Path.Combine(seed, "sources", Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(seed, "nodes.json"), """[{"id": "nato", "kind": "Alliance", "name": "NATO"}]""", TestContext.Current.CancellationToken);

        var result = await CliRunner.RunRawAsync("seed", "--db", _cli.DatabasePath, "--seed", seed);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("nodes.json", result.Stderr);
        Assert.Contains("unknown kind 'Alliance'", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task AFileThatIsNotADatabaseExitsWithThree()
    {
        await File.WriteAllTextAsync(_cli.DatabasePath, new string('x', 4096), TestContext.Current.CancellationToken);

        var result = await _cli.RunAsync("search", "NATO");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot use the database", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task ADatabaseThatCannotBeCreatedExitsWithThree()
    {
        var file = Path.Combine(_cli.Directory, "a-file");
        await File.WriteAllTextAsync(file, "not a folder", TestContext.Current.CancellationToken);

        var result = await CliRunner.RunRawAsync("search", "NATO", "--db", Path.Combine(file, "explorer.db"), "--seed", Seeded.SeedDirectory);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot use the database", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("path", "NATO")]
    [InlineData("search", "NATO", "--limit", "many")]
    [InlineData()]
    public async Task UsageErrorsExitWithTwo(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--help", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task HelpListsTheVerbsAndTheExitCodes()
    {
        var result = await CliRunner.RunRawAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var verb in new[] { "search", "node", "neighbors", "path", "query", "sources", "source", "seed", "import", "serve" })
        {
            Assert.Matches($@"(?m)^  {verb}\b", result.Stdout);
        }

        Assert.Contains("Exit codes:", result.Stdout);
        Assert.Contains("3  dataset or store error", result.Stdout);
        Assert.DoesNotContain("One record per line", result.Stdout);
    }
}
