using System.Text.Json;
using System.Text.Json.Nodes;
using Explorer.Seed;
using Explorer.Tests.Cli;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Dataset;

/// <summary>
/// <c>explorer seed --check</c>: the real dataset passes; a copy of it with one rule broken fails with exit 3 and
/// one line naming the file, the record, the field and the problem; every problem is reported, not just the first.
/// </summary>
public sealed class SeedCheckTests : IDisposable
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task TheRealDatasetHasNoErrors()
    {
        var result = await CliRunner.RunRawAsync("seed", "--check", Seeded.SeedDirectory);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{Seeded.Dataset.Nodes.Count} nodes, {Seeded.Dataset.Edges.Count} edges", result.Stdout);
        Assert.DoesNotContain("error:", result.Stdout);
        Assert.EndsWith("No errors.", result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task TheUncitedSentencesOfTheEssayAreListedWithTheirLines()
    {
        var result = await CliRunner.RunRawAsync("seed", "--check", Seeded.SeedDirectory);

        var report = SeedCheck.Run(Seeded.SeedDirectory);
        var essay = Assert.Single(report.Coverage);
        Assert.Equal(Essay, essay.SourceId);
        Assert.Contains($"{essay.Uncited.Count} of the {essay.Sentences} sentences of '{Essay}' are cited by no edge:", result.Stdout);
        Assert.Contains("  line 60: Soft power refers to the ability of a state", result.Stdout);
    }

    [Fact]
    public async Task ASentenceWhoseOnlyEdgeIsRemovedBecomesUncited()
    {
        const string sentence = "One notable case is NATO’s intervention in the Balkans during the 1990s.";
        var seed = Copy();
        Edit(seed, SeedLoader.EdgesFile, edges =>
        {
            foreach (var edge in edges.Where(e => e!["evidence"]!.AsArray().Any(q => (string?)q!["quote"] == sentence)).ToList())
            {
                edges.Remove(edge);
            }
        });
        Assert.DoesNotContain(SeedCheck.Run(Seeded.SeedDirectory).Coverage[0].Uncited, s => s.Text == sentence);

        var result = await CliRunner.RunRawAsync("seed", "--check", seed);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(SeedCheck.Run(seed).Coverage[0].Uncited, s => s.Text == sentence);
        Assert.Contains(sentence, result.Stdout);
    }

    public static TheoryData<string, string> BrokenRules => new()
    {
        { "unknown node kind", "nodes.json, record nato, field 'kind': unknown kind 'Alliance'" },
        { "unknown edge type", "edges.json, record nato-conducted-nato-balkans-intervention, field 'type': unknown type 'RAN'" },
        { "edge end of a kind its type does not allow", "edges.json, record belgium-member-of-nato, field 'target': MEMBER_OF cannot end at a Nation" },
        { "edge end that does not exist", "edges.json, record belgium-member-of-nato, field 'target': no node with id 'atlantis'" },
        { "quote not in the source", "edges.json, record nato-conducted-nato-balkans-intervention, field 'evidence[0].quote': the quote does not occur verbatim in source" },
        { "quote with straight quotation marks and two spaces", "only with other spaces or quotation marks; the source reads: \"One notable case is NATO’s intervention" },
        { "malformed date", "edges.json, record belgium-member-of-nato, field 'validFrom': '1949-13-04' is not a date" },
        { "validTo before validFrom", "edges.json, record belgium-member-of-nato, field 'validTo': '1948' is before validFrom '1949-04-04'" },
        { "suspension before the membership", "edges.json, record mali-member-of-african-union, field 'suspensions[0].from': '2001-03' is before validFrom '2002-07-09'" },
        { "duplicate node id", "nodes.json, record nato, field 'id': duplicate id 'nato'" },
        { "duplicate edge id", "edges.json, record belgium-member-of-nato, field 'id': duplicate id 'belgium-member-of-nato'" },
        { "name that normalises to another node's alias", "field 'aliases': 'north atlantic  treaty organisation' also names node 'nato'" },
        { "the same relation twice over overlapping dates", "edges.json, record belgium-member-of-nato-again: states the same MEMBER_OF between 'belgium' and 'nato' as edge 'belgium-member-of-nato'" },
        { "an edge dated before its end existed", "edges.json, record belgium-member-of-nato, field 'target': the edge holds 1920 to 1930, entirely outside the time 'nato' existed (from 1949-04-04)" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task EachBrokenRuleIsOneErrorNamingFileRecordAndField(string rule, string expected)
    {
        var seed = Copy();
        Break(seed, rule);

        var result = await CliRunner.RunRawAsync("seed", "--check", seed);

        Assert.True(result.ExitCode == 3, $"{rule}: {result}");
        var errors = result.Stdout.Split('\n').Where(line => line.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.EndsWith("1 error.", result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task EveryProblemIsReportedAtOnceAndAsJson()
    {
        var seed = Copy();
        Break(seed, "unknown node kind");
        Break(seed, "malformed date");
        Break(seed, "duplicate edge id");

        var text = await CliRunner.RunRawAsync("seed", "--check", seed);
        var json = await CliRunner.RunRawAsync("seed", "--check", seed, "--json");

        Assert.Equal(3, text.ExitCode);
        Assert.EndsWith("3 errors.", text.Stdout.TrimEnd());
        Assert.Equal(3, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        var errors = document.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.GetProperty("file").GetString() == "nodes.json" && e.GetProperty("field").GetString() == "kind");
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task AFolderThatIsNotADatasetIsOneErrorPerMissingFile()
    {
        var empty = Path.Combine(_directory.Path, "empty");
        Directory.CreateDirectory(empty);

        var result = await CliRunner.RunRawAsync("seed", "--check", empty);
        var missing = await CliRunner.RunRawAsync("seed", "--check", Path.Combine(_directory.Path, "nowhere"));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error: sources.json: file not found", result.Stdout);
        Assert.Contains("error: nodes.json: file not found", result.Stdout);
        Assert.Contains("error: edges.json: file not found", result.Stdout);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no dataset folder", missing.Stderr);
    }

    private static void Break(string seed, string rule)
    {
        switch (rule)
        {
            case "unknown node kind":
                Edit(seed, SeedLoader.NodesFile, nodes => Find(nodes, "nato")["kind"] = "Alliance");
                break;
            case "unknown edge type":
                Edit(seed, SeedLoader.EdgesFile, edges => Find(edges, "nato-conducted-nato-balkans-intervention")["type"] = "RAN");
                break;
            case "edge end of a kind its type does not allow":
                Edit(seed, SeedLoader.EdgesFile, edges => Find(edges, "belgium-member-of-nato")["target"] = "france");
                break;
            case "edge end that does not exist":
                Edit(seed, SeedLoader.EdgesFile, edges => Find(edges, "belgium-member-of-nato")["target"] = "atlantis");
                break;
            case "quote not in the source":
                Edit(seed, SeedLoader.EdgesFile, edges => Find(edges, "nato-conducted-nato-balkans-intervention")["evidence"]![0]!["quote"] =
                    "One notable case is NATO’s intervention in the Balkans during the 1980s.");
                break;
            case "quote with straight quotation marks and two spaces":
                Edit(seed, SeedLoader.EdgesFile, edges => Find(edges, "nato-conducted-nato-balkans-intervention")["evidence"]![0]!["quote"] =
                    "One notable case is NATO's intervention in  the Balkans during the 1990s.");
                break;
            case "malformed date":
                Edit(seed, SeedLoader.EdgesFile, edges => Find(edges, "belgium-member-of-nato")["validFrom"] = "1949-13-04");
                break;
            case "validTo before validFrom":
                Edit(seed, SeedLoader.EdgesFile, edges => Find(edges, "belgium-member-of-nato")["validTo"] = "1948");
                break;
            case "suspension before the membership":
                Edit(seed, SeedLoader.EdgesFile, edges => Find(edges, "mali-member-of-african-union")["suspensions"]![0]!["from"] = "2001-03");
                break;
            case "duplicate node id":
                Edit(seed, SeedLoader.NodesFile, nodes => nodes.Add(Find(nodes, "nato").DeepClone()));
                break;
            case "duplicate edge id":
                Edit(seed, SeedLoader.EdgesFile, edges => edges.Add(Find(edges, "belgium-member-of-nato").DeepClone()));
                break;
            case "name that normalises to another node's alias":
                Edit(seed, SeedLoader.NodesFile, nodes => Find(nodes, "african-union")["aliases"]!.AsArray().Add("north atlantic  treaty organisation"));
                break;
            case "the same relation twice over overlapping dates":
                Edit(seed, SeedLoader.EdgesFile, edges =>
                {
                    var copy = Find(edges, "belgium-member-of-nato").DeepClone();
                    copy["id"] = "belgium-member-of-nato-again";
                    copy["validFrom"] = "1999";
                    edges.Add(copy);
                });
                break;
            case "an edge dated before its end existed":
                Edit(seed, SeedLoader.EdgesFile, edges =>
                {
                    Find(edges, "belgium-member-of-nato")["validFrom"] = "1920";
                    Find(edges, "belgium-member-of-nato")["validTo"] = "1930";
                });
                break;
            default:
                throw new ArgumentException($"no such rule: {rule}", nameof(rule));
        }
    }

    /// <summary>A copy of the real dataset in this test's temp directory.</summary>
    private string Copy()
    {
        var seed = Path.Combine(_directory.Path, "graph-seed");
        foreach (var file in Directory.GetFiles(Seeded.SeedDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(seed, Path.GetRelativePath(Seeded.SeedDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return seed;
    }

    private static void Edit(string seed, string file, Action<JsonArray> change)
    {
        var path = Path.Combine(seed, file);
        var records = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        change(records);
        File.WriteAllText(path, records.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static JsonNode Find(JsonArray records, string id) =>
        records.First(r => (string?)r!["id"] == id)!;
}
