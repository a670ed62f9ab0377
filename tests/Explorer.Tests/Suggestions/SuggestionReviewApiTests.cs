using System.Net;
using System.Text.Json;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Suggestions;

/// <summary>
/// Analysts accept suggestions (a proposed edge quoting the sentence, recorded with who and when) or dismiss them
/// (no longer listed unless include=dismissed); each suggestion is reviewed once. Each test adds its own source.
/// </summary>
public sealed class SuggestionReviewApiTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private HttpClient Ana => factory.ClientFor(AccountsFactory.Ana);

    private HttpClient Bo => factory.ClientFor(AccountsFactory.Bo);

    /// <summary>
    /// A new source naming four new nodes: one typed suggestion (nation MEMBER_OF org, by the cue "member of") and
    /// one untyped (two nations that "met"), between nodes no other test touches.
    /// </summary>
    private sealed record Memo(string Id, string Text, string Nation, string Org, string Mali, string Kenya);

    private async Task<Memo> SourceAsync()
    {
        var u = new string([.. Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + (c % 26)))]);
        var (nation, org, mali, kenya) = ($"ruritania-{u}", $"pact-{u}", $"freedonia-{u}", $"sylvania-{u}");
        foreach (var (id, kind, name) in new[] { (nation, "Nation", $"Ruritania {u}"), (org, "Organization", $"Pact {u}"), (mali, "Nation", $"Freedonia {u}"), (kenya, "Nation", $"Sylvania {u}") })
        {
            var (created, node, r) = await Ana.SendAsync(HttpMethod.Post, "/api/nodes", $$"""{"id":"{{id}}","kind":"{{kind}}","name":"{{name}}"}""");
            r.Dispose();
            Assert.True(created == HttpStatusCode.Created, node.ToString());
        }

        var text = $"Ruritania {u} became a member of the Pact {u} in 2030. Freedonia {u} and Sylvania {u} met in Nairobi.";
        var source = "memo-" + u;
        var (status, body, response) = await Ana.SendAsync(HttpMethod.Post, "/api/sources", $$"""{"id":"{{source}}","title":"Memo {{u}}","text":{{JsonSerializer.Serialize(text)}}}""");
        response.Dispose();
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return new Memo(source, text, nation, org, mali, kenya);
    }

    private async Task<List<JsonElement>> SuggestionsAsync(string source, string query = "") =>
        [.. (await Ana.GetOkAsync($"/api/sources/{source}/suggestions{query}")).GetProperty("suggestions").EnumerateArray()];

    private static JsonElement Between(List<JsonElement> suggestions, string a, string b) =>
        suggestions.Single(s => new[] { s.GetProperty("source").GetString(), s.GetProperty("target").GetString() }.Order().SequenceEqual(new[] { a, b }.Order()));

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? ETag)> PostAsync(HttpClient client, string url, string? json = null, string? ifMatch = null)
    {
        var (status, body, response) = await client.SendAsync(HttpMethod.Post, url, json, ifMatch);
        using (response)
        {
            return (status, body, response.Headers.ETag?.Tag);
        }
    }

    [Fact]
    public async Task AcceptingATypedSuggestionCreatesAProposedEdgeQuotingItsSentence()
    {
        var memo = await SourceAsync();
        var source = memo.Id;
        var suggestion = Between(await SuggestionsAsync(source), memo.Nation, memo.Org);
        Assert.Equal("MEMBER_OF", suggestion.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, suggestion.GetProperty("review").ValueKind);
        var id = suggestion.GetProperty("id").GetString();

        var (status, body, etag) = await PostAsync(Ana, $"/api/sources/{source}/suggestions/{id}/accept");

        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal("\"1\"", etag);
        var edge = body.GetProperty("edge");
        var edgeId = edge.GetProperty("id").GetString()!;
        Assert.Equal(("MEMBER_OF", memo.Nation, memo.Org, "Proposed"), (edge.GetProperty("type").GetString(), edge.GetProperty("source").GetString(), edge.GetProperty("target").GetString(), edge.GetProperty("status").GetString()));
        Assert.Equal(("Accepted", AccountsFactory.Ana, edgeId), (body.GetProperty("review").GetProperty("verdict").GetString(), body.GetProperty("review").GetProperty("by").GetString(), body.GetProperty("review").GetProperty("edgeId").GetString()));

        var stored = await Ana.GetOkAsync($"/api/edges/{edgeId}");
        var evidence = Assert.Single(stored.GetProperty("evidence").EnumerateArray());
        Assert.Equal((source, memo.Text[..memo.Text.IndexOf(" Freedonia", StringComparison.Ordinal)]), (evidence.GetProperty("sourceId").GetString(), evidence.GetProperty("quote").GetString()));
        var history = (await Ana.GetOkAsync($"/api/edges/{edgeId}/history")).GetProperty("versions")[0];
        Assert.Equal(AccountsFactory.Ana, history.GetProperty("by").GetString());

        // Listed with its verdict and edge; a second acceptance is a 409 naming who accepted it.
        var listed = Between(await SuggestionsAsync(source), memo.Nation, memo.Org);
        Assert.Equal(edgeId, listed.GetProperty("review").GetProperty("edgeId").GetString());
        Assert.True(listed.GetProperty("cited").GetBoolean());
        var (again, problem, _) = await PostAsync(Bo, $"/api/sources/{source}/suggestions/{id}/accept");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("accepted by ana", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnUntypedSuggestionNeedsATypeAndMayBeReversed()
    {
        var memo = await SourceAsync();
        var source = memo.Id;
        var suggestion = Between(await SuggestionsAsync(source), memo.Mali, memo.Kenya);
        Assert.Equal(JsonValueKind.Null, suggestion.GetProperty("type").ValueKind);
        var url = $"/api/sources/{source}/suggestions/{suggestion.GetProperty("id").GetString()}/accept";

        var (missing, problem, _) = await PostAsync(Ana, url, "{}");
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Contains("type", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var (unknown, _, _) = await PostAsync(Ana, url, """{"type":"LOVES"}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown);

        var (status, body, _) = await PostAsync(Ana, url, """{"type":"partnered_with","reverse":true}""");

        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var edge = body.GetProperty("edge");
        Assert.Equal(("PARTNERED_WITH", suggestion.GetProperty("target").GetString(), suggestion.GetProperty("source").GetString()),
            (edge.GetProperty("type").GetString(), edge.GetProperty("source").GetString(), edge.GetProperty("target").GetString()));
    }

    [Fact]
    public async Task ADismissedSuggestionIsListedOnlyWhenAskedForAndCannotBeAccepted()
    {
        var memo = await SourceAsync();
        var source = memo.Id;
        var id = Between(await SuggestionsAsync(source), memo.Mali, memo.Kenya).GetProperty("id").GetString();
        var edgesBefore = (await Ana.GetOkAsync("/healthz")).GetProperty("edges").GetInt32();
        var last = (await Ana.GetOkAsync("/api/changes?after=0&limit=1")).GetProperty("last").GetInt64();

        var (status, body, _) = await PostAsync(Bo, $"/api/sources/{source}/suggestions/{id}/dismiss");

        Assert.True(status == HttpStatusCode.OK, body.ToString());

        // A change of the source, so every open view of it drops the suggestion (live, or catching up after a drop).
        var changes = (await Ana.GetOkAsync($"/api/changes?after={last}")).GetProperty("changes").EnumerateArray().ToList();
        Assert.Contains(changes, c => c.GetProperty("kind").GetString() == "SuggestionDismissed" && c.GetProperty("entityId").GetString() == source);
        Assert.Equal(("Dismissed", AccountsFactory.Bo), (body.GetProperty("review").GetProperty("verdict").GetString(), body.GetProperty("review").GetProperty("by").GetString()));
        Assert.Equal(edgesBefore, (await Ana.GetOkAsync("/healthz")).GetProperty("edges").GetInt32());
        var open = await Ana.GetOkAsync($"/api/sources/{source}/suggestions");
        Assert.DoesNotContain(open.GetProperty("suggestions").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Equal(1, open.GetProperty("dismissed").GetInt32());
        var all = await SuggestionsAsync(source, "?include=dismissed");
        var dismissed = all.Single(s => s.GetProperty("id").GetString() == id).GetProperty("review");
        Assert.Equal(("Dismissed", AccountsFactory.Bo), (dismissed.GetProperty("verdict").GetString(), dismissed.GetProperty("by").GetString()));
        Assert.True(DateTimeOffset.UtcNow - dismissed.GetProperty("at").GetDateTimeOffset() < TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(Ana, $"/api/sources/{source}/suggestions/{id}/accept", """{"type":"PARTNERED_WITH"}""")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(Ana, $"/api/sources/{source}/suggestions/{id}/dismiss")).Status);
        await Ana.GetProblemAsync($"/api/sources/{source}/suggestions?include=everything", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownSuggestionsStaleSourcesAndExistingRelationsAreRefused()
    {
        var memo = await SourceAsync();
        var source = memo.Id;
        var id = Between(await SuggestionsAsync(source), memo.Mali, memo.Kenya).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(Ana, $"/api/sources/{source}/suggestions/0000000000000000/dismiss")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(Ana, $"/api/sources/no-such-source/suggestions/{id}/dismiss")).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PostAsync(Ana, $"/api/sources/{source}/suggestions/{id}/dismiss", ifMatch: "\"7\"")).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Ana, $"/api/sources/{source}/suggestions/{id}/dismiss", ifMatch: "\"1\"")).Status);

        // The essay's "NATO ... exemplifies a military alliance" is in the graph already as that edge.
        var essay = "military-engagement-in-global-diplomacy";
        var cited = (await SuggestionsAsync(essay)).First(s => s.GetProperty("source").GetString() == "nato" && s.GetProperty("target").GetString() == "military-alliances"
            && s.GetProperty("type").GetString() == "EXEMPLIFIES");
        var (status, problem, _) = await PostAsync(Ana, $"/api/sources/{essay}/suggestions/{cited.GetProperty("id").GetString()}/accept");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("nato-exemplifies-military-alliances", problem.GetProperty("edge").GetString());
    }

    [Fact]
    public async Task OfTwoAnalystsAcceptingOneSuggestionAtOnceExactlyOneWins()
    {
        var memo = await SourceAsync();
        var source = memo.Id;
        var url = $"/api/sources/{source}/suggestions/{Between(await SuggestionsAsync(source), memo.Nation, memo.Org).GetProperty("id").GetString()}/accept";

        var results = await Task.WhenAll(PostAsync(Ana, url), PostAsync(Bo, url));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], results.Select(r => r.Status).Order());
        var citations = await Ana.GetOkAsync($"/api/sources/{source}/citations");
        Assert.Equal(1, citations.GetProperty("edges").GetInt32());
    }

    [Fact]
    public async Task TheSourcesCitationsListEveryQuoteWithItsEdgeInTextOrder()
    {
        var memo = await SourceAsync();
        var source = memo.Id;
        Assert.Empty((await Ana.GetOkAsync($"/api/sources/{source}/citations")).GetProperty("citations").EnumerateArray());
        var suggestions = await SuggestionsAsync(source);
        foreach (var (a, b, body) in new[] { (memo.Mali, memo.Kenya, """{"type":"PARTNERED_WITH"}"""), (memo.Nation, memo.Org, "{}") })
        {
            var (status, _, _) = await PostAsync(Ana, $"/api/sources/{source}/suggestions/{Between(suggestions, a, b).GetProperty("id").GetString()}/accept", body);
            Assert.Equal(HttpStatusCode.Created, status);
        }

        var answer = await Ana.GetOkAsync($"/api/sources/{source}/citations");

        var citations = answer.GetProperty("citations").EnumerateArray().ToList();
        Assert.Equal(2, citations.Count);
        var second = memo.Text.IndexOf("Freedonia", StringComparison.Ordinal);
        Assert.Equal([memo.Text[..(second - 1)], memo.Text[second..]], citations.Select(c => c.GetProperty("quote").GetString()));
        Assert.Equal([0, second], citations.Select(c => c.GetProperty("quoteStart").GetInt32()));
        Assert.Equal((memo.Nation, "MEMBER_OF", "Proposed"), (citations[0].GetProperty("source").GetString(), citations[0].GetProperty("type").GetString(), citations[0].GetProperty("status").GetString()));
        Assert.StartsWith("Ruritania ", citations[0].GetProperty("sourceName").GetString(), StringComparison.Ordinal);
        Assert.False(answer.GetProperty("truncated").GetBoolean());
        await Ana.GetProblemAsync("/api/sources/no-such-source/citations", HttpStatusCode.NotFound);

        var essay = await Ana.GetOkAsync("/api/sources/military-engagement-in-global-diplomacy/citations");
        Assert.True(essay.GetProperty("edges").GetInt32() > 100);
        Assert.All(essay.GetProperty("citations").EnumerateArray(), c => Assert.True(c.GetProperty("quoteStart").GetInt32() >= 0));
    }
}
