using System.Net;
using Explorer.Tests.Cli;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Suggestions;

public sealed class SuggestionsApiTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private const string Essay = "military-engagement-in-global-diplomacy";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task TheEssaysSuggestionsQuoteItsSentencesAndSayWhichTheGraphAlreadyHolds()
    {
        var answer = await _client.GetOkAsync($"/api/sources/{Essay}/suggestions");
        var text = Seeded.Dataset.Sources.Single(s => s.Id == Essay).Text;

        Assert.Equal(Essay, answer.GetProperty("sourceId").GetString());
        Assert.True(answer.GetProperty("sentences").GetInt32() > 100);
        var suggestions = answer.GetProperty("suggestions").EnumerateArray().ToList();
        Assert.True(suggestions.Count > 100);
        Assert.All(suggestions, s =>
        {
            var quote = s.GetProperty("quote").GetString()!;
            Assert.Equal(quote, text.Substring(s.GetProperty("quoteStart").GetInt32(), quote.Length));
            Assert.NotEqual(s.GetProperty("source").GetString(), s.GetProperty("target").GetString());
        });

        // "Sweden ... NATO" is not in the essay; "NATO, established in 1949, exemplifies a military alliance ..." is, and its edge quotes it.
        var nato = suggestions.Single(s => s.GetProperty("source").GetString() == "nato" && s.GetProperty("target").GetString() == "military-alliances"
            && s.GetProperty("quote").GetString()!.StartsWith("NATO, established in 1949", StringComparison.Ordinal));
        Assert.Equal("EXEMPLIFIES", nato.GetProperty("type").GetString());
        Assert.True(nato.GetProperty("cited").GetBoolean());
        Assert.Contains(nato.GetProperty("existingEdges").EnumerateArray(), e => e.GetProperty("id").GetString() == "nato-exemplifies-military-alliances" && e.GetProperty("citesQuote").GetBoolean());
    }

    [Fact]
    public async Task AnUnknownSourceIsANotFoundProblem()
    {
        await _client.GetProblemAsync("/api/sources/no-such-source/suggestions", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListingSuggestionsAddsNothingToTheGraph()
    {
        var before = await _client.GetOkAsync("/healthz");
        await _client.GetOkAsync($"/api/sources/{Essay}/suggestions");
        var after = await _client.GetOkAsync("/healthz");
        Assert.Equal(before.GetProperty("edges").GetInt32(), after.GetProperty("edges").GetInt32());
        Assert.Equal(before.GetProperty("nodes").GetInt32(), after.GetProperty("nodes").GetInt32());
    }
}

public sealed class SuggestCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task SuggestPrintsTypedAndUntypedSuggestionsFromAFile()
    {
        var file = Path.Combine(_cli.Directory, "report.txt");
        await File.WriteAllTextAsync(file, "Sweden became a member of NATO in 2024. Mali and Kenya met in Nairobi.", TestContext.Current.CancellationToken);

        var result = await _cli.RunAsync("suggest", file, "--all");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 suggestions from 2 sentences (1 with a type)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("sweden ─MEMBER_OF→ nato   (cue: \"member of\")", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("already joined by: sweden-member-of-nato", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mali ─?→ kenya", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuggestFromAnUnknownSourceOrAMissingFileFailsClearly()
    {
        var unknown = await _cli.RunAsync("suggest", "--source", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no source has the id 'nope'", unknown.Stderr, StringComparison.Ordinal);

        var missing = await _cli.RunAsync("suggest", Path.Combine(_cli.Directory, "missing.txt"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("cannot read", missing.Stderr, StringComparison.Ordinal);
        Assert.Empty(missing.Stdout);
    }

    [Fact]
    public async Task SuggestWritesJson()
    {
        var result = await _cli.RunWithInputAsync("The U.N. deployed MINUSMA to Mali.", "suggest", "-", "--all", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var triples = json.RootElement.GetProperty("suggestions").EnumerateArray()
            .Select(s => $"{s.GetProperty("source").GetString()} {s.GetProperty("type").GetString() ?? "?"} {s.GetProperty("target").GetString()}").ToList();
        Assert.Equal(["un CONDUCTED minusma", "un ? mali", "minusma DEPLOYED_TO mali"], triples);
    }
}
