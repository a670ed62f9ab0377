using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

/// <summary>
/// <c>POST /api/import</c>: a dry run answers counts and every error and writes nothing; the real import writes
/// only what validates, is idempotent and goes out on the change feed; multipart, zip and raw bodies; refused
/// media types (415), zip bombs (413), and a GraphML external-entity probe (nothing imported). Each test uses
/// its own ids (the class shares one store).
/// </summary>
public sealed class ImportApiTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string Quote = "Military presence can deter aggression and ensure compliance with international norms";

    private HttpClient Ana => factory.ClientFor(AccountsFactory.Ana);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string url, HttpContent content)
    {
        using var response = await client.PostAsync(url, content, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        return (response.StatusCode, text.Length > 0 ? Api.Parse(text) : default);
    }

    private static StringContent Lines(string text) => new(text, Encoding.UTF8, "application/x-ndjson");

    private static string NodeLine(string id, string kind = "Theme", string? name = null) =>
        JsonSerializer.Serialize(new { node = new { id, kind, name = name ?? "Name " + id } });

    private static string EdgeLine(string source, string target, string quote = Quote) =>
        JsonSerializer.Serialize(new { edge = new { id = $"{source}-leads-to-{target}", type = "LEADS_TO", source, target, evidence = new[] { new { sourceId = Essay, quote } } } });

    [Fact]
    public async Task ADryRunCountsNewChangedAndUnchangedListsEveryErrorAndWritesNothing()
    {
        var (a, b) = (Unique("a"), Unique("b"));
        var before = await factory.Store.GetLastSeqAsync(Token);
        var body = string.Join("\n",
            NodeLine(a), NodeLine(b), NodeLine("nato", "Organization", "North Atlantic Treaty Organization"),
            """{"node":{"id":"planet-x","kind":"Planet","name":"X"}}""",
            EdgeLine(a, b), EdgeLine(a, b + "-missing"));

        var (status, report) = await PostAsync(Ana, "/api/import?dryRun=true&name=team.jsonl", Lines(body));

        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.True(report.GetProperty("dryRun").GetBoolean());
        Assert.False(report.GetProperty("applied").GetBoolean());
        Assert.Equal("jsonl", report.GetProperty("format").GetString());
        Assert.Equal(2, report.GetProperty("nodes").GetProperty("new").GetInt64());
        Assert.Equal(1, report.GetProperty("edges").GetProperty("new").GetInt64());
        Assert.Equal(1, report.GetProperty("nodes").GetProperty("changed").GetInt64() + report.GetProperty("nodes").GetProperty("unchanged").GetInt64());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(2, report.GetProperty("errorCount").GetInt64());
        Assert.Contains(errors, e => e.GetProperty("file").GetString() == "team.jsonl" && e.GetProperty("line").GetInt64() == 4 && e.GetProperty("reason").GetString()!.Contains("Planet"));
        Assert.Contains(errors, e => e.GetProperty("line").GetInt64() == 6 && e.GetProperty("reason").GetString()!.Contains("-missing"));
        Assert.Equal(0, report.GetProperty("edgesWithoutEvidence").GetInt64());
        Assert.Equal(before, await factory.Store.GetLastSeqAsync(Token));
        Assert.Null(await factory.Store.GetNodeAsync(a, Token));
    }

    [Fact]
    public async Task ADryRunCountsEdgesWithoutEvidenceWhichAnEvidenceSourceThenCites()
    {
        var (a, b) = (Unique("a"), Unique("b"));
        var body = string.Join("\n", NodeLine(a), NodeLine(b),
            JsonSerializer.Serialize(new { edge = new { id = $"{a}-leads-to-{b}", type = "LEADS_TO", source = a, target = b } }));

        var (_, refused) = await PostAsync(Ana, "/api/import?dryRun=true", Lines(body));
        var (_, cited) = await PostAsync(Ana, $"/api/import?dryRun=true&evidenceSource={Essay}", Lines(body));

        Assert.Equal((1L, 1L), (refused.GetProperty("edgesWithoutEvidence").GetInt64(), refused.GetProperty("errorCount").GetInt64()));
        Assert.Equal((1L, 0L, 1L), (cited.GetProperty("edgesWithoutEvidence").GetInt64(), cited.GetProperty("errorCount").GetInt64(), cited.GetProperty("edges").GetProperty("new").GetInt64()));
    }

    [Fact]
    public async Task TheRealImportWritesOnlyWhatValidatesPublishesItAndWritesNothingTheSecondTime()
    {
        var (a, b) = (Unique("a"), Unique("b"));
        var body = string.Join("\n", NodeLine(a), NodeLine(b), """{"node":{"id":"Bad Id","kind":"Theme","name":"X"}}""", EdgeLine(a, b));

        var (status, report) = await PostAsync(Ana, "/api/import", Lines(body));

        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.True(report.GetProperty("applied").GetBoolean());
        Assert.Equal(1, report.GetProperty("errorCount").GetInt64());
        Assert.Equal(2, report.GetProperty("nodes").GetProperty("new").GetInt64());
        Assert.NotNull(await factory.Store.GetNodeAsync(a, Token));
        Assert.NotNull(await factory.Store.GetEdgeAsync($"{a}-leads-to-{b}", Token));
        var lastSeq = report.GetProperty("lastSeq").GetInt64();
        var changes = (await Ana.GetOkAsync($"/api/changes?after={lastSeq - 3}")).GetProperty("changes");
        Assert.Contains(changes.EnumerateArray(), c => c.GetProperty("entityId").GetString() == a);

        var (again, second) = await PostAsync(Ana, "/api/import", Lines(body));

        Assert.Equal(HttpStatusCode.OK, again);
        Assert.False(second.GetProperty("applied").GetBoolean());
        Assert.Equal(2, second.GetProperty("nodes").GetProperty("unchanged").GetInt64());
        Assert.Equal(1, second.GetProperty("edges").GetProperty("unchanged").GetInt64());
        Assert.Equal(lastSeq, await factory.Store.GetLastSeqAsync(Token));
    }

    [Fact]
    public async Task MultipartCsvWithAMappingFileMapsForeignColumnsKindsAndTypes()
    {
        var (a, b) = (Unique("a"), Unique("b"));
        using var form = new MultipartFormDataContent
        {
            { new StringContent($"Key,Category,Label\r\n{a},Topic,Alpha\r\n{b},Topic,Beta\r\n{Unique("c")},Planet,Gamma\r\n"), "file", "people.csv" },
            { new StringContent($"From,To,Relation,sourceId,quote\r\n{a},{b},leads to,{Essay},\"{Quote}\"\r\n"), "file", "links.csv" },
            {
                new StringContent("""{"columns":{"Key":"id","Category":"kind","Label":"name","From":"source","To":"target","Relation":"type"},"kinds":{"topic":"Theme"},"types":{"leads to":"LEADS_TO"}}"""),
                "mapping", "mapping.json"
            },
        };

        var (status, report) = await PostAsync(Ana, "/api/import", form);

        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.Equal("csv", report.GetProperty("format").GetString());
        Assert.Equal(2, report.GetProperty("nodes").GetProperty("new").GetInt64());
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Contains("unknown kind 'Planet'", error.GetProperty("reason").GetString());
        Assert.Equal("people.csv", error.GetProperty("file").GetString());
        Assert.Equal("Theme", (await factory.Store.GetNodeAsync(a, Token))!.Node.Kind.ToString());
        Assert.NotNull(await factory.Store.GetEdgeAsync($"{a}-leads-to-{b}", Token));
    }

    [Fact]
    public async Task AZipOfGraphSeedFilesImports()
    {
        var a = Unique("a");
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var writer = new StreamWriter(await archive.CreateEntry("export/nodes.json").OpenAsync(Token));
            await writer.WriteAsync($$"""[{"id":"{{a}}","kind":"Region","name":"Region {{a}}"}]""");
        }

        using var content = new ByteArrayContent(zip.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        var (status, report) = await PostAsync(Ana, "/api/import", content);

        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.Equal("graph-seed", report.GetProperty("format").GetString());
        Assert.Equal(NodeKindOf("Region"), (await factory.Store.GetNodeAsync(a, Token))!.Node.Kind);
    }

    private static Explorer.Graph.NodeKind NodeKindOf(string name) => Enum.Parse<Explorer.Graph.NodeKind>(name);

    [Fact]
    public async Task AZipThatUnpacksBeyondTheLimitIsA413AndImportsNothing()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = await archive.CreateEntry("nodes.jsonl", CompressionLevel.SmallestSize).OpenAsync(Token);
            var zeros = new byte[1 << 20];
            for (var i = 0; i <= Explorer.Server.ImportExport.ImportApi.MaxUnzippedBytes >> 20; i++)
            {
                await entry.WriteAsync(zeros, Token);
            }
        }

        Assert.True(zip.Length < 4 << 20, $"the zip itself is small ({zip.Length} bytes)");
        using var content = new ByteArrayContent(zip.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        var before = await factory.Store.GetLastSeqAsync(Token);

        var (status, problem) = await PostAsync(Ana, "/api/import", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("unpacks to more than", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await factory.Store.GetLastSeqAsync(Token));
    }

    [Fact]
    public async Task AnUnsupportedMediaTypeIsA415AndAnUnknownFormatA400()
    {
        var (html, problem) = await PostAsync(Ana, "/api/import", new StringContent("<p>hi</p>", Encoding.UTF8, "text/html"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, html);
        Assert.Equal(415, problem.GetProperty("status").GetInt32());

        var (format, formatProblem) = await PostAsync(Ana, "/api/import?format=xlsx", Lines(NodeLine(Unique("a"))));
        Assert.Equal(HttpStatusCode.BadRequest, format);
        Assert.Contains("xlsx", formatProblem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AGraphMlExternalEntityProbeIsRefusedAndImportsNothing()
    {
        var secret = factory.Directory.File("secret.txt");
        await File.WriteAllTextAsync(secret, "top secret", Token);
        var id = Unique("x");
        var xxe = $"""
            <?xml version="1.0"?>
            <!DOCTYPE graphml [<!ENTITY secret SYSTEM "file://{secret}">]>
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
              <key id="name" for="node" attr.name="name" attr.type="string"/>
              <key id="kind" for="node" attr.name="kind" attr.type="string"/>
              <graph edgedefault="directed"><node id="{id}"><data key="kind">Theme</data><data key="name">&secret;</data></node></graph>
            </graphml>
            """;

        var (status, report) = await PostAsync(Ana, "/api/import?name=probe.graphml", new StringContent(xxe, Encoding.UTF8, "application/graphml+xml"));

        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.False(report.GetProperty("applied").GetBoolean());
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Contains("DTD", error.GetProperty("reason").GetString());
        Assert.Null(await factory.Store.GetNodeAsync(id, Token));
        Assert.DoesNotContain("top secret", report.ToString());
    }

    [Theory]
    [InlineData("csv", "application/zip")]
    [InlineData("graph-seed", "application/zip")]
    [InlineData("jsonl", "application/x-ndjson")]
    [InlineData("graphml", "application/graphml+xml")]
    [InlineData("graphology", "application/json")]
    public async Task AnExportImportsBackOverHttpWithNothingToChange(string format, string mediaType)
    {
        using var response = await Ana.GetAsync($"/api/export?format={format}", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Token);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);

        var (status, report) = await PostAsync(Ana, $"/api/import?dryRun=true&format={format}", content);

        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.Equal(0, report.GetProperty("errorCount").GetInt64());
        foreach (var what in new[] { "sources", "nodes", "edges" })
        {
            var counts = report.GetProperty(what);
            Assert.True(counts.GetProperty("new").GetInt64() == 0 && counts.GetProperty("changed").GetInt64() == 0, $"{what}: {counts}");
            Assert.True(counts.GetProperty("unchanged").GetInt64() > 0, $"{what}: {counts}");
        }
    }

    [Fact]
    public async Task AnExportOfANeighborhoodHoldsItAndBadFiltersAreClearErrors()
    {
        using var response = await Ana.GetAsync("/api/export?format=jsonl&ids=nato&hops=1&types=MEMBER_OF", Token);
        var lines = (await response.Content.ReadAsStringAsync(Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("{\"edge\":{\"id\":\"belgium-member-of-nato\"", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.StartsWith("{\"edge\"", StringComparison.Ordinal)), l => Assert.Contains("\"type\":\"MEMBER_OF\"", l));

        Assert.Equal(HttpStatusCode.BadRequest, (await Ana.GetAsync("/api/export?format=xlsx", Token)).StatusCode);
        var kind = await Ana.GetProblemAsync("/api/export?format=jsonl&kinds=Planet", HttpStatusCode.BadRequest);
        Assert.Contains("Planet", kind.GetProperty("detail").GetString());
        var node = await Ana.GetProblemAsync("/api/export?format=jsonl&ids=atlantis", HttpStatusCode.NotFound);
        Assert.Contains("atlantis", node.GetProperty("detail").GetString());
    }
}
