using System.Text.Json;

namespace Explorer.Tests.Cli;

/// <summary>The read verbs against one database seeded once for the class.</summary>
public sealed class CliQueryTests(SeededCliDatabase database) : IClassFixture<SeededCliDatabase>
{
    private CliRunner Cli => database.Cli;

    [Fact]
    public async Task SearchPrintsATableWithScoreKindIdNameAndAliases()
    {
        var result = await Cli.RunAsync("search", "North", "Atlantic");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^SCORE\s+KIND\s+ID\s+NAME\s+ALIASES$", lines[0]);
        Assert.Matches(@"^\d\.\d{3}\s+Organization\s+nato\s+NATO\s+North Atlantic Treaty Organization", lines[1]);
    }

    [Fact]
    public async Task SearchWithJsonWritesTheApiShape()
    {
        var result = await Cli.RunAsync("--json", "search", "Mali", "--kinds", "Nation", "--limit", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var first = json.RootElement.GetProperty("results")[0];
        Assert.Equal("mali", first.GetProperty("id").GetString());
        Assert.Equal("Nation", first.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task PathFromNatoToBalkansPrintsTheInterventionHopWithItsQuote()
    {
        var result = await Cli.RunAsync("path", "NATO", "Balkans", "--direction", "out");

        Assert.True(result.ExitCode == 0, result.ToString());
        var text = result.Stdout;
        Assert.Contains("NATO [Organization]", text);
        Assert.Contains("─CONDUCTED→", text);
        Assert.Contains("NATO intervention in the Balkans [Mission]", text);
        Assert.Contains("─DEPLOYED_TO→", text);
        Assert.Contains("Balkans [Region]", text);
        Assert.Contains("\"One notable case is NATO’s intervention in the Balkans during the 1990s.\"", text);
        Assert.Contains("— military-engagement-in-global-diplomacy", text);

        // Hop by hop: node, relation, quote, source, next node, ...
        var lines = text[text.IndexOf("Path 1:", StringComparison.Ordinal)..text.IndexOf("Path 2:", StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim()).ToList();
        Assert.Equal("Why: 2 actions; evidence from the essay", lines[0]);
        var hops = lines.Skip(1).ToList();
        Assert.Equal(
        [
            "NATO [Organization]",
            "─CONDUCTED→",
            "\"One notable case is NATO’s intervention in the Balkans during the 1990s.\"",
            "— military-engagement-in-global-diplomacy",
            "NATO intervention in the Balkans [Mission]",
            "─DEPLOYED_TO→",
        ], hops.Take(6));
        Assert.Equal("Balkans [Region]", hops[^1]);
    }

    [Fact]
    public async Task PathAgainstAnEdgeDirectionShowsABackwardArrow()
    {
        // Belgium ─MEMBER_OF→ NATO, so walking from NATO to Belgium goes back along the edge.
        var result = await Cli.RunAsync("path", "nato", "belgium");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("←MEMBER_OF─", result.Stdout);
        Assert.Contains("Belgium is a founding member of NATO", result.Stdout);
    }

    [Fact]
    public async Task PathWithJsonHasTheInterventionOnTheFirstPath()
    {
        var result = await Cli.RunAsync("path", "NATO", "Balkans", "--direction", "out", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        var nodes = root.GetProperty("paths")[0].GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Equal(["nato", "nato-balkans-intervention", "balkans"], nodes);
        Assert.Equal("ranked", root.GetProperty("mode").GetString());
        Assert.Equal("2 actions; evidence from the essay", root.GetProperty("paths")[0].GetProperty("why").GetString());
        Assert.Equal("nato", root.GetProperty("from").GetProperty("id").GetString());
        Assert.Contains(root.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("kind").GetString() == "Mission");
        Assert.Contains(root.GetProperty("edges").EnumerateArray(), e => e.GetProperty("evidence")[0].GetProperty("quote").GetString()!.Length > 0);
    }

    [Fact]
    public async Task NoPathIsAnAnswerWithItsReason()
    {
        var result = await Cli.RunAsync("path", "NATO", "Balkans", "--max-hops", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("No path from NATO [Organization] to Balkans [Region]", result.Stdout);
        Assert.Contains("at most 1 hops", result.Stdout);
    }

    [Fact]
    public async Task MaxHopsElevenIsInvalidInput()
    {
        var result = await Cli.RunAsync("path", "NATO", "Balkans", "--max-hops", "11");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("maxHops: must be between 1 and 10", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task AnUnknownNameExitsWithOneAndSuggestsNodes()
    {
        var result = await Cli.RunAsync("path", "Somalia", "Atlantis");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("to: no node is called 'Atlantis'.", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task ANameThatIsNotExactlyANodesExitsWithOneAndSuggestsWhatItMightMean()
    {
        var result = await Cli.RunAsync("node", "Union");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("id: no node is called 'Union'.", result.Stderr);
        Assert.Contains("Did you mean: ", result.Stderr);
    }

    [Fact]
    public async Task AnAmbiguousNameInAPhraseExitsWithTwoAndListsCandidates()
    {
        var result = await Cli.RunAsync("query", "African to Mali");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'African'", result.Stderr);
        Assert.Contains("Did you mean: ", result.Stderr);
        Assert.Contains("african-union (African Union)", result.Stderr);
    }

    [Fact]
    public async Task AProblemWithJsonIsAlsoWrittenAsProblemDetails()
    {
        var result = await Cli.RunAsync("--json", "query", "African to Mali");

        Assert.Equal(2, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(422, json.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(json.RootElement.GetProperty("candidates").EnumerateArray(), c => c.GetProperty("id").GetString() == "african-union");
    }

    [Fact]
    public async Task NodeShowsDetailsDegreeAndCountsByType()
    {
        var result = await Cli.RunAsync("node", "North Atlantic Treaty Organization");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("NATO [Organization]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("id:       nato", result.Stdout);
        Assert.Matches(@"degree:\s+\d+", result.Stdout);
        Assert.Matches(@"MEMBER_OF\s+\d+", result.Stdout);
    }

    [Fact]
    public async Task NeighborsGroupsByRelationWithArrowsFromTheCenter()
    {
        var result = await Cli.RunAsync("neighbors", "nato", "--types", "MEMBER_OF,CONDUCTED");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("NATO [Organization]  nato", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("←MEMBER_OF─ (", result.Stdout);
        Assert.Contains("─CONDUCTED→ (", result.Stdout);
        Assert.Contains("Belgium [Nation]", result.Stdout);
        Assert.Contains("All edges at NATO by type:", result.Stdout);
    }

    [Fact]
    public async Task NeighborsSaysWhenTheLimitTruncated()
    {
        var result = await Cli.RunAsync("neighbors", "nato", "--limit", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Truncated: showing 2 neighbors", result.Stdout);
        Assert.Contains("--offset 2", result.Stdout);
    }

    [Fact]
    public async Task NeighborsDepthFourIsInvalidInput()
    {
        var result = await Cli.RunAsync("neighbors", "nato", "--depth", "4");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("depth: must be between 1 and 3", result.Stderr);
    }

    [Theory]
    [InlineData("NATO to Balkans", "paths from 'NATO' to 'Balkans'")]
    [InlineData("how is Mali related to the UN?", "paths from 'Mali' to 'the UN'")]
    [InlineData("neighbors of Somalia", "neighbors of 'Somalia'")]
    [InlineData("peacekeeping", "search for 'peacekeeping'")]
    public async Task QueryUnderstandsPhrases(string phrase, string understood)
    {
        var result = await Cli.RunAsync("query", phrase);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"Understood as: {understood}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryWithJsonSaysWhichKindOfAnswer()
    {
        var result = await Cli.RunAsync("--json", "query", "NATO", "to", "Balkans");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("path", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(["nato", "balkans"], json.RootElement.GetProperty("paths")[0].GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).Where(n => n is "nato" or "balkans"));
    }

    [Fact]
    public async Task SourcesListsTheDocumentsAndSourcePrintsOne()
    {
        var list = await Cli.RunAsync("sources");
        var one = await Cli.RunAsync("source", "public-record");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("military-engagement-in-global-diplomacy", list.Stdout);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains("Belgium is a founding member of NATO", one.Stdout);
    }

    [Fact]
    public async Task AnUnknownSourceExitsWithOne()
    {
        var result = await Cli.RunAsync("source", "no-such-source");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no source has the id 'no-such-source'", result.Stderr);
        Assert.Contains("Known sources: ", result.Stderr);
    }
}
