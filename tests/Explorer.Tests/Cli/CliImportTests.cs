using System.Text.RegularExpressions;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Cli;

/// <summary><c>explorer import</c>: JSON Lines in, one acknowledgement per committed record out.</summary>
public sealed partial class CliImportTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [GeneratedRegex(@"^ok (\d+) (node|edge|removeEdge|removeNode) ([a-z0-9-]+)$")]
    private static partial Regex Ack();

    [Fact]
    public async Task ImportAcknowledgesGoodLinesAndReportsBadOnesByLineNumber()
    {
        var input = string.Join('\n',
            """{"node":{"id":"analyst-theme","kind":"Theme","name":"Analyst theme","aliases":["Analysts' theme"],"description":"Added by an analyst."}}""",
            """{"node":{"id":"Bad Id","kind":"Alliance","name":""}}""",
            """this is not json""",
            """{"edge":{"id":"nato-supports-analyst-theme","type":"SUPPORTS","source":"nato","target":"analyst-theme","evidence":[{"sourceId":"public-record","quote":"Belgium is a founding member of NATO"}]}}""",
            """{"edge":{"id":"nato-supports-analyst-theme-2","type":"SUPPORTS","source":"nato","target":"analyst-theme","evidence":[{"sourceId":"public-record","quote":"NATO was founded on the Moon."}]}}""",
            "",
            """{"removeEdge":"nato-supports-analyst-theme"}""",
            """{"removeNode":"no-such-node"}""",
            """{"node":{"id":"another-theme","kind":"Theme","name":"Another","alias":["x"]}}""",
            """{"edge":{"id":"e1","type":"SUPPORTS","source":"nato","target":"nowhere","evidence":[]}}""");

        var result = await _cli.RunWithInputAsync(input, "import", "-");

        Assert.True(result.ExitCode == 1, result.ToString());
        var acks = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Ack().Match(l)).ToList();
        Assert.All(acks, m => Assert.True(m.Success));
        Assert.Equal(["node analyst-theme", "edge nato-supports-analyst-theme", "removeEdge nato-supports-analyst-theme"], acks.Select(m => $"{m.Groups[2].Value} {m.Groups[3].Value}"));
        var seqs = acks.Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(seqs.Order(), seqs);

        var errors = result.Stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, errors.Count);
        Assert.StartsWith("error: stdin:2:15: invalid node: id: 'Bad Id' is not a URL-safe id", errors[0], StringComparison.Ordinal);
        Assert.Contains("kind: unknown kind 'Alliance'", errors[0]);
        Assert.Contains("name: a non-empty string is required", errors[0]);
        Assert.StartsWith("error: stdin:3:2: invalid JSON", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("error: stdin:5:", errors[2], StringComparison.Ordinal);
        Assert.Contains("evidence[0].quote: the quote does not occur verbatim in source 'public-record'", errors[2]);
        Assert.Equal("error: stdin:8:1: removeNode: no node with id 'no-such-node'", errors[3]);
        Assert.StartsWith("error: stdin:9:", errors[4], StringComparison.Ordinal);
        Assert.Contains("node: unknown field 'alias'", errors[4]);
        Assert.Contains("target: no node with id 'nowhere'", errors[5]);
        Assert.Contains("evidence: at least one {sourceId, quote} is required", errors[5]);
        Assert.Contains("import: done: 9 records; nodes 1 new, 0 changed, 0 unchanged, 0 removed; edges 1 new, 0 changed, 0 unchanged, 1 removed; 6 errors", result.Stderr);

        var node = await _cli.RunAsync("node", "Analysts' theme");
        Assert.True(node.ExitCode == 0, node.ToString());
        Assert.StartsWith("Analyst theme [Theme]", node.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportWithNoSeedIntoANewDatabaseHoldsOnlyTheImportedRecords()
    {
        Assert.False(File.Exists(_cli.DatabasePath));
        var input = string.Join('\n',
            """{"node":{"id":"team-theme","kind":"Theme","name":"Team theme"}}""",
            """{"node":{"id":"team-mission","kind":"Mission","name":"Team mission"}}""");

        var result = await _cli.RunWithInputAsync(input, "import", "-", "--no-seed");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("seeding", result.Stderr, StringComparison.Ordinal);
        await using var store = new Explorer.Embedded.EmbeddedGraphStore(_cli.DatabasePath);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new Explorer.Graph.GraphCounts(2, 0), await store.CountAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await store.ListSourcesAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ImportIntoANewDatabaseSeedsItFirst()
    {
        var result = await _cli.RunWithInputAsync("""{"node":{"id":"team-theme","kind":"Theme","name":"Team theme"}}""", "import", "-");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("is empty; seeding it from", result.Stderr, StringComparison.Ordinal);
        await using var store = new Explorer.Embedded.EmbeddedGraphStore(_cli.DatabasePath);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Seeded.Dataset.Nodes.Count + 1, (await store.CountAsync(TestContext.Current.CancellationToken)).Nodes);
    }

    [Fact]
    public async Task ImportingAGoodFileExitsWithZeroAndTheRecordsAreQueryable()
    {
        var file = Path.Combine(_cli.Directory, "records.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"node":{"id":"kfor","kind":"Mission","name":"Kosovo Force","aliases":["KFOR"]}}""",
            """{"edge":{"id":"nato-conducted-kfor","type":"CONDUCTED","source":"nato","target":"kfor","evidence":[{"sourceId":"military-engagement-in-global-diplomacy","quote":"One notable case is NATO’s intervention in the Balkans during the 1990s."}]}}""",
        ], TestContext.Current.CancellationToken);

        var result = await _cli.RunAsync("import", file);
        var path = await _cli.RunAsync("path", "KFOR", "NATO");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(path.ExitCode == 0, path.ToString());
        Assert.Contains("Kosovo Force [Mission]", path.Stdout);
        Assert.Contains("←CONDUCTED─", path.Stdout);
    }

    [Fact]
    public async Task ImportReportsProgressWithTheRate()
    {
        var lines = Enumerable.Range(0, 1001).Select(i => $$$"""{"node":{"id":"bulk-{{{i}}}","kind":"Theme","name":"Bulk theme {{{i}}}"}}""");

        var result = await _cli.RunWithInputAsync(string.Join('\n', lines), "import");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1001, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Matches(@"import: writing [\d,]+ records, [\d,]+ records/s", result.Stderr);
        Assert.Contains("import: done: 1001 records; nodes 1001 new", result.Stderr);
    }

    [Fact]
    public async Task ImportingAMissingFileIsInvalidInput()
    {
        var result = await _cli.RunAsync("import", Path.Combine(_cli.Directory, "missing.jsonl"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot read", result.Stderr);
    }
}
