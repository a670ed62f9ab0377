using System.Net;
using System.Text;
using System.Text.Json;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

/// <summary>
/// Bad input to the annotation writes: every one gets a clear 4xx problem+json naming what is wrong, nothing is
/// stored (no annotation, no change-log entry), and the server answers the next request as usual. Markup and
/// SQL in the text are not bad input: they are stored and returned verbatim.
/// </summary>
public sealed class AnnotationBadInputTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string Edge = "canada-member-of-nato";

    private static readonly string s_tooLong = new('a', 10_001);

    public static TheoryData<string, string, int, string?> BadBodies => new()
    {
        { "malformed JSON", """{"text": "unfinished""", 400, "text" },
        { "not an object", """["text"]""", 400, "body" },
        { "a bare string", "\"text\"", 400, "body" },
        { "null", "null", 400, "body" },
        { "empty body", "", 400, "body" },
        { "text is a number", """{"text": 12}""", 400, "text" },
        { "text is an object", """{"text": {"a": 1}}""", 400, "text" },
        { "tags is a string", """{"text": "x", "tags": "a,b"}""", 400, "tags" },
        { "a tag is a number", """{"text": "x", "tags": [1]}""", 400, "tags" },
        { "confidence is a number", """{"text": "x", "confidence": 3}""", 400, "confidence" },
        { "unknown confidence", """{"text": "x", "confidence": "certain"}""", 400, "confidence" },
        { "unknown status", """{"text": "x", "status": "approved"}""", 400, "status" },
        { "citation is an object", """{"text": "x", "citation": {}}""", 400, "citation" },
        { "missing text", """{"tags": ["a"]}""", 400, "text" },
        { "blank text", """{"text": "   \n  "}""", 400, "text" },
        { "text over 10,000 characters", $$"""{"text": "{{s_tooLong}}"}""", 400, "text" },
        { "NUL in text", """{"text": "a\u0000b"}""", 400, "text" },
        { "bell in text", """{"text": "ding\u0007"}""", 400, "text" },
        { "escape in text", """{"text": "\u001b[31mred"}""", 400, "text" },
        { "unpaired surrogate", """{"text": "half \ud800 a pair"}""", 400, "text" },
        { "newline in a tag", """{"text": "x", "tags": ["a\nb"]}""", 400, "tags" },
        { "empty tag", """{"text": "x", "tags": [" "]}""", 400, "tags" },
        { "tag over 50 characters", $$"""{"text": "x", "tags": ["{{new string('t', 51)}}"]}""", 400, "tags" },
        { "21 tags", $$"""{"text": "x", "tags": [{{string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"t{i}\""))}}]}""", 400, "tags" },
        { "citation with a line break", """{"text": "x", "citation": "a\r\nb"}""", 400, "citation" },
        { "deeply nested JSON", new string('[', 100) + new string(']', 100), 400, "body" },
        { "body over 128 KB", $$"""{"text": "{{new string('a', 140_000)}}"}""", 413, null },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ABadCreateIsAProblemAndStoresNothing(string what, string body, int status, string? field)
    {
        using var client = factory.ClientFor(AccountsFactory.Ana);
        var before = await factory.Store.GetLastSeqAsync(TestContext.Current.CancellationToken);

        var (_, problem, response) = await client.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", body);

        Writes.AssertProblem(response, (HttpStatusCode)status, problem, what);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: no error for '{field}': {problem}");
        }

        Assert.Equal(before, await factory.Store.GetLastSeqAsync(TestContext.Current.CancellationToken));
        Assert.Empty((await client.GetOkAsync($"/api/edges/{Edge}/annotations")).GetProperty("annotations").EnumerateArray());
        await client.GetOkAsync("/healthz");
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ABadEditIsAProblemAndChangesNothing(string what, string body, int status, string? field)
    {
        using var client = factory.ClientFor(AccountsFactory.Bo);
        var id = await client.AnnotateAsync("nato-conducted-nato-balkans-intervention", "unchanged");
        var before = await factory.Store.GetLastSeqAsync(TestContext.Current.CancellationToken);
        if (field == "text" && body.Contains("\"tags\"", StringComparison.Ordinal))
        {
            return; // "missing text" is fine on an edit: a PUT keeps what it leaves out.
        }

        var (_, problem, response) = await client.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", body, "\"1\"");

        Writes.AssertProblem(response, (HttpStatusCode)status, problem, what);
        Assert.Equal(before, await factory.Store.GetLastSeqAsync(TestContext.Current.CancellationToken));
        var current = await client.GetOkAsync($"/api/annotations/{id}");
        Assert.Equal(1, current.GetProperty("version").GetInt64());
        Assert.Equal("unchanged", current.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AChunkedBodyOver128KbIsRefusedToo()
    {
        using var client = factory.ClientFor(AccountsFactory.Ana);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/edges/un-conducted-minusma/annotations")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"text": "{{new string('a', 140_000)}}"}"""))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(Api.ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsUnsupported()
    {
        using var client = factory.ClientFor(AccountsFactory.Ana);
        using var content = new StringContent("text=hello", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await client.PostAsync($"/api/edges/{Edge}/annotations", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(Api.ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("<script>alert('annotation')</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("'; DROP TABLE annotations; --")]
    [InlineData("\" OR 1=1 --")]
    [InlineData("Robert'); DELETE FROM users WHERE ('1'='1")]
    [InlineData("line one\nline two\r\nline three\ttabbed")]
    [InlineData("北大西洋公约组织 🙂 e\u0301 \u202Eright-to-left\u202C")]
    public async Task MarkupAndSqlAreStoredAndReturnedVerbatim(string text)
    {
        using var client = factory.ClientFor(AccountsFactory.Ana);
        const string edge = "un-conducted-minusma";

        var id = await client.AnnotateAsync(edge, text, $$""","tags":[{{JsonSerializer.Serialize(text.Length > 50 ? text[..50] : text.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' '))}}],"citation":{{JsonSerializer.Serialize(text.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' '))}}""");

        var stored = await client.GetOkAsync($"/api/annotations/{id}");
        Assert.Equal(text, stored.GetProperty("text").GetString());
        Assert.Contains(id, (await client.GetOkAsync($"/api/edges/{edge}/annotations")).GetProperty("annotations").Ids());
        Assert.NotNull(await factory.Store.GetUserAsync(AccountsFactory.Bo, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TextOfExactlyTenThousandCharactersIsAcceptedEvenFullyEscaped()
    {
        using var client = factory.ClientFor(AccountsFactory.Ana);
        var emoji = string.Concat(Enumerable.Repeat("🙂", 10_000));

        var id = await client.AnnotateAsync("un-conducted-minusma", new string('x', 10_000));
        var emojiId = await client.AnnotateAsync("un-conducted-minusma", emoji);

        Assert.Equal(10_000, (await client.GetOkAsync($"/api/annotations/{id}")).GetProperty("text").GetString()!.Length);
        Assert.Equal(emoji, (await client.GetOkAsync($"/api/annotations/{emojiId}")).GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("\"one\"")]
    [InlineData("W/\"1\"")]
    [InlineData("1")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"99\"")]
    public async Task AnIfMatchThatIsNotTheCurrentVersionChangesNothing(string ifMatch)
    {
        using var client = factory.ClientFor(AccountsFactory.Ana);
        var id = await client.AnnotateAsync("un-conducted-minusma", "guarded");

        var (_, problem, response) = await client.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", """{"text":"changed"}""", ifMatch);

        Writes.AssertProblem(response, HttpStatusCode.PreconditionFailed, problem, $"If-Match: {ifMatch}");
        Assert.Equal("guarded", (await client.GetOkAsync($"/api/annotations/{id}")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task AWildcardIfMatchIsNotEnough()
    {
        using var client = factory.ClientFor(AccountsFactory.Ana);
        var id = await client.AnnotateAsync("un-conducted-minusma", "guarded");

        var (_, problem, response) = await client.SendAsync(HttpMethod.Delete, $"/api/annotations/{id}", ifMatch: "*");

        Writes.AssertProblem(response, HttpStatusCode.PreconditionRequired, problem, "If-Match: *");
        Assert.False((await client.GetOkAsync($"/api/annotations/{id}")).GetProperty("deleted").GetBoolean());
    }
}
