using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

/// <summary>
/// Analysts grow the graph over HTTP: nodes and edges with evidence whose quotes must occur in their source,
/// vocabulary checks, review status, If-Match, the delete rules (409, cascade, force), history, and a race
/// where exactly one of two writers wins. Each test makes its own records (the class shares one store).
/// </summary>
public sealed class GraphEditingApiTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string Quote = "Military presence can deter aggression and ensure compliance with international norms";

    private HttpClient Ana => factory.ClientFor(AccountsFactory.Ana);

    private HttpClient Bo => factory.ClientFor(AccountsFactory.Bo);

    private HttpClient Admin => factory.ClientFor(AccountsFactory.Admin);

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? ETag)> SendAsync(HttpClient client, HttpMethod method, string url, string? json = null, string? ifMatch = null)
    {
        var (status, body, response) = await client.SendAsync(method, url, json, ifMatch);
        using (response)
        {
            return (status, body, response.Headers.ETag?.Tag);
        }
    }

    private static async Task<string> NodeAsync(HttpClient client, string kind = "Theme")
    {
        var id = Unique("n");
        var (status, body, etag) = await SendAsync(client, HttpMethod.Post, "/api/nodes", $$"""{"id":"{{id}}","kind":"{{kind}}","name":"Name {{id}}"}""");
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal("\"1\"", etag);
        return id;
    }

    private static async Task<string> EdgeAsync(HttpClient client, string source, string target, string quote = Quote)
    {
        var (status, body, _) = await SendAsync(client, HttpMethod.Post, "/api/edges",
            $$"""{"type":"LEADS_TO","source":"{{source}}","target":"{{target}}","evidence":[{"sourceId":"{{Essay}}","quote":{{JsonSerializer.Serialize(quote)}}}]}""");
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task AnAnalystAddsAnEdgeWithEvidenceAndItStartsProposed()
    {
        var (a, b) = (await NodeAsync(Ana), await NodeAsync(Ana));
        var before = (await Ana.GetOkAsync("/api/changes")).GetProperty("last").GetInt64();

        var id = await EdgeAsync(Ana, a, b);

        var edge = await Ana.GetOkAsync($"/api/edges/{id}");
        Assert.Equal("Proposed", edge.GetProperty("status").GetString());
        Assert.Equal(1, edge.GetProperty("version").GetInt64());
        Assert.Equal(Quote, edge.GetProperty("evidence")[0].GetProperty("quote").GetString());
        Assert.Equal("Confirmed", (await Ana.GetOkAsync("/api/edges/nato-conducted-nato-balkans-intervention")).GetProperty("status").GetString());
        var changes = (await Ana.GetOkAsync($"/api/changes?after={before}")).GetProperty("changes");
        Assert.Contains(changes.EnumerateArray(), c => c.GetProperty("kind").GetString() == "EdgeUpserted" && c.GetProperty("entityId").GetString() == id);
        Assert.Contains((await Ana.GetOkAsync($"/api/nodes/{a}/neighborhood")).GetProperty("edges").EnumerateArray(), e => e.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task AQuoteNotInItsSourceIsA400NamingTheQuote()
    {
        var (a, b) = (await NodeAsync(Ana), await NodeAsync(Ana));
        var (status, body, _) = await SendAsync(Ana, HttpMethod.Post, "/api/edges",
            $$"""{"type":"LEADS_TO","source":"{{a}}","target":"{{b}}","evidence":[{"sourceId":"{{Essay}}","quote":"Military presence always wins wars"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Military presence always wins wars", body.GetProperty("detail").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty("evidence[0].quote", out _));
    }

    [Fact]
    public async Task WhitespaceAndTypographicQuotesAreForgivenAndTheSourcesOwnWordsAreKept()
    {
        var (a, b) = (await NodeAsync(Ana), await NodeAsync(Ana));
        var (status, body, _) = await SendAsync(Ana, HttpMethod.Post, "/api/edges",
            $$"""{"type":"LEADS_TO","source":"{{a}}","target":"{{b}}","evidence":[{"sourceId":"{{Essay}}","quote":"  Military presence can\n deter   aggression  "}]}""");

        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal("Military presence can deter aggression", body.GetProperty("evidence")[0].GetProperty("quote").GetString());

        var source = Unique("s");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(Ana, HttpMethod.Post, "/api/sources", $$"""{"id":"{{source}}","title":"Memo","text":"The \"Balkans\" memo"}""")).Status);
        var curly = await SendAsync(Ana, HttpMethod.Post, "/api/edges",
            $$"""{"type":"LEADS_TO","source":"{{a}}","target":"{{b}}","evidence":[{"sourceId":"{{source}}","quote":"The “Balkans” memo"}]}""");
        Assert.True(curly.Status == HttpStatusCode.Created, curly.Body.ToString());
        Assert.Equal("The \"Balkans\" memo", curly.Body.GetProperty("evidence")[0].GetProperty("quote").GetString());
    }

    [Fact]
    public async Task KindsAndTypesComeFromTheVocabulary()
    {
        var a = await NodeAsync(Ana);
        var nato = "nato";

        var kind = await SendAsync(Ana, HttpMethod.Post, "/api/nodes", """{"kind":"Planet","name":"Mars"}""");
        Assert.Equal(HttpStatusCode.BadRequest, kind.Status);
        Assert.Contains("Planet", kind.Body.GetProperty("detail").GetString());

        var type = await SendAsync(Ana, HttpMethod.Post, "/api/edges",
            $$"""{"type":"LIKES","source":"{{a}}","target":"{{a}}","evidence":[{"sourceId":"{{Essay}}","quote":"{{Quote}}"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, type.Status);
        Assert.Contains("LIKES", type.Body.GetProperty("detail").GetString());

        var ends = await SendAsync(Ana, HttpMethod.Post, "/api/edges",
            $$"""{"type":"MEMBER_OF","source":"{{a}}","target":"{{nato}}","evidence":[{"sourceId":"{{Essay}}","quote":"{{Quote}}"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, ends.Status);
        Assert.Contains("MEMBER_OF cannot start at a Theme", ends.Body.GetProperty("detail").GetString());

        var none = await SendAsync(Ana, HttpMethod.Post, "/api/edges", $$"""{"type":"LEADS_TO","source":"{{a}}","target":"{{a}}","evidence":[]}""");
        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        Assert.True(none.Body.GetProperty("errors").TryGetProperty("evidence", out _));
    }

    [Fact]
    public async Task ChangesNeedIfMatchAndAStaleOneChangesNothing()
    {
        var (a, b) = (await NodeAsync(Ana), await NodeAsync(Ana));
        var id = await EdgeAsync(Ana, a, b);

        Assert.Equal((HttpStatusCode)428, (await SendAsync(Bo, HttpMethod.Put, $"/api/edges/{id}", """{"status":"Disputed"}""")).Status);
        var review = await SendAsync(Bo, HttpMethod.Put, $"/api/edges/{id}", """{"status":"Disputed"}""", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, review.Status);
        Assert.Equal("\"2\"", review.ETag);

        var stale = await SendAsync(Ana, HttpMethod.Put, $"/api/edges/{id}", """{"status":"Confirmed"}""", "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Equal(2, stale.Body.GetProperty("currentVersion").GetInt64());
        Assert.Equal("Disputed", (await Ana.GetOkAsync($"/api/edges/{id}")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(Bo, HttpMethod.Put, $"/api/edges/{id}", """{"status":"Maybe"}""", "\"2\"")).Status);
    }

    [Fact]
    public async Task TwoWritersRacingFromOneVersionExactlyOneWins()
    {
        for (var round = 0; round < 10; round++)
        {
            var node = await NodeAsync(Ana);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var names = new[] { $"Ana's name {round}", $"Bo's name {round}" };
            var writers = new[] { Ana, Bo }.Select((client, i) => Task.Run(async () =>
            {
                await start.Task;
                return (await SendAsync(client, HttpMethod.Put, $"/api/nodes/{node}", $$"""{"name":"{{names[i]}}"}""", "\"1\"")).Status;
            })).ToArray();
            start.SetResult();
            var statuses = await Task.WhenAll(writers);

            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
            var winner = names[Array.IndexOf(statuses, HttpStatusCode.OK)];
            Assert.Equal(winner, (await Ana.GetOkAsync($"/api/nodes/{node}")).GetProperty("name").GetString());
            var history = (await Ana.GetOkAsync($"/api/nodes/{node}/history")).GetProperty("versions");
            Assert.Equal([1, 2], history.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        }
    }

    [Fact]
    public async Task HistorySaysWhoChangedWhichFieldsAndWhen()
    {
        var node = await NodeAsync(Ana);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Bo, HttpMethod.Put, $"/api/nodes/{node}", """{"description":"A theme the essay names","aliases":["other name"]}""", "\"1\"")).Status);

        var versions = (await Ana.GetOkAsync($"/api/nodes/{node}/history")).GetProperty("versions").EnumerateArray().ToList();

        Assert.Equal(["ana", "bo"], versions.Select(v => v.GetProperty("by").GetString()));
        Assert.Equal(["created", "updated"], versions.Select(v => v.GetProperty("action").GetString()));
        Assert.Equal(["aliases", "description"], versions[1].GetProperty("changed").Strings());
        Assert.True(versions[1].GetProperty("at").GetDateTimeOffset() >= versions[0].GetProperty("at").GetDateTimeOffset());
        Assert.Equal("A theme the essay names", versions[1].GetProperty("state").GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(Ana, HttpMethod.Get, "/api/nodes/never-was/history")).Status);
    }

    [Fact]
    public async Task ANodeWithEdgesIsA409NamingThemUnlessCascade()
    {
        var (a, b) = (await NodeAsync(Ana), await NodeAsync(Ana));
        var edge = await EdgeAsync(Ana, a, b);

        var refused = await SendAsync(Ana, HttpMethod.Delete, $"/api/nodes/{a}", ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal([edge], refused.Body.GetProperty("edges").Strings());
        Assert.Contains(edge, refused.Body.GetProperty("detail").GetString());

        var deleted = await SendAsync(Ana, HttpMethod.Delete, $"/api/nodes/{a}?cascade=true", ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(Ana, HttpMethod.Get, $"/api/nodes/{a}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(Ana, HttpMethod.Get, $"/api/edges/{edge}")).Status);
        var last = (await Ana.GetOkAsync($"/api/edges/{edge}/history")).GetProperty("versions").EnumerateArray().Last();
        Assert.Equal("deleted", last.GetProperty("action").GetString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Ana, HttpMethod.Get, $"/api/nodes/{b}")).Status);
    }

    [Fact]
    public async Task OnlyTheCreatorOrAnAdminDeletesAndSeededRecordsOnlyAnAdmin()
    {
        var node = await NodeAsync(Ana);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(Bo, HttpMethod.Delete, $"/api/nodes/{node}", ifMatch: "\"1\"")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(Ana, HttpMethod.Delete, "/api/edges/nato-conducted-nato-balkans-intervention", ifMatch: "\"1\"")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Admin, HttpMethod.Delete, $"/api/nodes/{node}", ifMatch: "\"1\"")).Status);
    }

    [Fact]
    public async Task EvidenceIsAddedToAnEdgeOnceAndChecked()
    {
        var (a, b) = (await NodeAsync(Ana), await NodeAsync(Ana));
        var edge = await EdgeAsync(Ana, a, b);
        const string second = "These efforts enhance diplomatic interactions by establishing trust";

        var added = await SendAsync(Bo, HttpMethod.Post, $"/api/edges/{edge}/evidence", $$"""{"sourceId":"{{Essay}}","quote":"{{second}}"}""", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal(2, added.Body.GetProperty("evidence").GetArrayLength());

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(Bo, HttpMethod.Post, $"/api/edges/{edge}/evidence", $$"""{"sourceId":"{{Essay}}","quote":"{{second}}"}""", "\"2\"")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(Bo, HttpMethod.Post, $"/api/edges/{edge}/evidence", $$"""{"sourceId":"{{Essay}}","quote":"not in the essay at all"}""", "\"2\"")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(Bo, HttpMethod.Post, $"/api/edges/{edge}/evidence", """{"sourceId":"no-such-source","quote":"x"}""", "\"2\"")).Status);
        Assert.Equal(["evidence"], (await Ana.GetOkAsync($"/api/edges/{edge}/history")).GetProperty("versions")[1].GetProperty("changed").Strings());
    }

    // ---- Sources ---------------------------------------------------------------------------------------

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(HttpClient client, string url, HttpContent content)
    {
        using var response = await client.PostAsync(url, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.StartsWith('{') ? Api.Parse(text) : default);
    }

    [Fact]
    public async Task HtmlBecomesTextThroughAParserNotARegex()
    {
        const string html = """
            <html><head><title>Field report</title><style>p { color: red }</style><script>alert("x")</script></head>
            <body><h1>Report</h1><p>NATO   deployed to the
            <b>Balkans</b> in 1995.</p><p>A &lt;tag&gt; stays text &amp; so does this.</p><!-- a comment --></body></html>
            """;
        var (status, body) = await PostRawAsync(Ana, "/api/sources", new StringContent(html, Encoding.UTF8, "text/html"));
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal("Field report", body.GetProperty("title").GetString());

        var source = await Ana.GetOkAsync($"/api/sources/{body.GetProperty("id").GetString()}");
        Assert.Equal("Report\n\nNATO deployed to the Balkans in 1995.\n\nA <tag> stays text & so does this.", source.GetProperty("text").GetString());
    }

    [Fact]
    public async Task MarkdownAndPlainTextUploadsAreKeptAsText()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Team notes"), "title" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("# Notes\n\nThe **African Union** deployed [AMISOM](https://example.org) to Somalia.\n")), "file", "notes.md" },
        };
        var (status, body) = await PostRawAsync(Ana, "/api/sources", form);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var text = (await Ana.GetOkAsync($"/api/sources/{body.GetProperty("id").GetString()}")).GetProperty("text").GetString()!;
        Assert.Contains("The African Union deployed AMISOM to Somalia.", text);
        Assert.DoesNotContain("**", text);

        var plain = await SendAsync(Ana, HttpMethod.Post, "/api/sources", """{"title":"Plain","text":"Line one.\r\nLine two.","url":"https://example.org/plain"}""");
        Assert.Equal(HttpStatusCode.Created, plain.Status);
        Assert.StartsWith("plain", plain.Body.GetProperty("id").GetString());
        Assert.Equal("https://example.org/plain", plain.Body.GetProperty("url").GetString());
    }

    [Fact]
    public async Task ADocumentOver5MBIsA413AndOtherContentA415()
    {
        var big = new string('a', 5 * 1024 * 1024 + 10);
        var (tooBig, body) = await PostRawAsync(Ana, "/api/sources?title=Big", new StringContent(big, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig);
        Assert.Equal(413, body.GetProperty("status").GetInt32());

        var pdf = new ByteArrayContent([0x25, 0x50, 0x44, 0x46]);
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var (unsupported, problem) = await PostRawAsync(Ana, "/api/sources?title=Pdf", pdf);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported);
        Assert.Equal(415, problem.GetProperty("status").GetInt32());

        using var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "scan.pdf" } };
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostRawAsync(Ana, "/api/sources", form)).Status);
        using var latin1 = new MultipartFormDataContent { { new ByteArrayContent([0x43, 0x61, 0x66, 0xE9]), "file", "cafe.txt" } };
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostRawAsync(Ana, "/api/sources", latin1)).Status);
    }

    [Fact]
    public async Task ACitedSourceIsA409NamingTheEdgesUnlessForceWhichRecordsItInTheirHistory()
    {
        var source = Unique("s");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(Ana, HttpMethod.Post, "/api/sources", $$"""{"id":"{{source}}","title":"Memo","text":"Trust leads to stability."}""")).Status);
        var (a, b) = (await NodeAsync(Ana), await NodeAsync(Ana));
        var (status, body, _) = await SendAsync(Ana, HttpMethod.Post, "/api/edges",
            $$"""{"type":"LEADS_TO","source":"{{a}}","target":"{{b}}","evidence":[{"sourceId":"{{source}}","quote":"Trust leads to stability."},{"sourceId":"{{Essay}}","quote":"{{Quote}}"}]}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var edge = body.GetProperty("id").GetString()!;

        Assert.Equal((HttpStatusCode)428, (await SendAsync(Ana, HttpMethod.Delete, $"/api/sources/{source}")).Status);
        var refused = await SendAsync(Ana, HttpMethod.Delete, $"/api/sources/{source}", ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal([edge], refused.Body.GetProperty("edges").Strings());

        var rewrite = await SendAsync(Ana, HttpMethod.Put, $"/api/sources/{source}", """{"text":"Something else entirely."}""", "\"1\"");
        Assert.Equal(HttpStatusCode.Conflict, rewrite.Status);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Ana, HttpMethod.Delete, $"/api/sources/{source}?force=true", ifMatch: "\"1\"")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(Ana, HttpMethod.Get, $"/api/sources/{source}")).Status);
        var kept = await Ana.GetOkAsync($"/api/edges/{edge}");
        Assert.Equal([Essay], kept.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("sourceId").GetString()));
        var last = (await Ana.GetOkAsync($"/api/edges/{edge}/history")).GetProperty("versions").EnumerateArray().Last();
        Assert.Contains(source, last.GetProperty("note").GetString());
        Assert.Equal("deleted", (await Ana.GetOkAsync($"/api/sources/{source}/history")).GetProperty("versions").EnumerateArray().Last().GetProperty("action").GetString());
    }
}
