using System.Net;
using System.Text.Json;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

/// <summary>The annotation API as an analyst uses it: create, read, edit with If-Match, delete, history, feed, counts.</summary>
public sealed class AnnotationApiTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string Edge = "un-conducted-minusma";

    private readonly HttpClient _ana = factory.ClientFor(AccountsFactory.Ana);

    [Fact]
    public async Task AnAnalystAnnotatesAnEdgeAndEveryoneCanReadIt()
    {
        var (status, created, response) = await _ana.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations",
            """{"text":"mandate renewed 2013,\nsee S/RES/2100","tags":["mandate","UN"],"confidence":"high","citation":"https://undocs.org/S/RES/2100(2013)"}""");

        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal($"/api/annotations/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        Assert.Equal("edge", created.GetProperty("targetKind").GetString());
        Assert.Equal(Edge, created.GetProperty("targetId").GetString());
        Assert.Equal("mandate renewed 2013,\nsee S/RES/2100", created.GetProperty("text").GetString());
        Assert.Equal(["mandate", "UN"], created.GetProperty("tags").Strings());
        Assert.Equal("high", created.GetProperty("confidence").GetString());
        Assert.Equal("proposed", created.GetProperty("status").GetString());
        Assert.Equal("ana", created.GetProperty("author").GetString());
        Assert.Equal(1, created.GetProperty("version").GetInt64());
        Assert.False(created.GetProperty("deleted").GetBoolean());

        using var anonymous = factory.CreateClient();
        var list = await anonymous.GetOkAsync($"/api/edges/{Edge}/annotations");
        Assert.Contains(id, list.GetProperty("annotations").Ids());
        var single = await anonymous.GetOkAsync($"/api/annotations/{id}");
        Assert.Equal(created.ToString(), single.ToString());
    }

    [Fact]
    public async Task NodesTakeAnnotationsToo()
    {
        var (status, created, _) = await _ana.SendAsync(HttpMethod.Post, "/api/nodes/mali/annotations", """{"text":"coup 2020, 2021"}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("node", created.GetProperty("targetKind").GetString());
        Assert.Equal("medium", created.GetProperty("confidence").GetString());
        var list = await _ana.GetOkAsync("/api/nodes/mali/annotations");
        Assert.Contains(created.GetProperty("id").GetString(), list.GetProperty("annotations").Ids());
    }

    [Fact]
    public async Task AnEditNeedsTheCurrentETagAndKeepsFieldsItLeavesOut()
    {
        var id = await _ana.AnnotateAsync(Edge, "first draft", ""","tags":["draft"],"citation":"memo 7" """);

        var (_, missingBody, missingResponse) = await _ana.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", """{"text":"no if-match"}""");
        Writes.AssertProblem(missingResponse, HttpStatusCode.PreconditionRequired, missingBody, "PUT without If-Match");
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc6585#section-3", missingBody.GetProperty("type").GetString());

        var (status, edited, response) = await _ana.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", """{"status":"confirmed","citation":""}""", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
        Assert.Equal("first draft", edited.GetProperty("text").GetString());
        Assert.Equal(["draft"], edited.GetProperty("tags").Strings());
        Assert.Equal("confirmed", edited.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("citation").ValueKind);

        var (_, staleBody, staleResponse) = await _ana.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", """{"text":"stale"}""", "\"1\"");
        Writes.AssertProblem(staleResponse, HttpStatusCode.PreconditionFailed, staleBody, "PUT with a stale If-Match");
        Assert.Equal(2, staleBody.GetProperty("currentVersion").GetInt64());
        Assert.Equal("first draft", (await _ana.GetOkAsync($"/api/annotations/{id}")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task ADeleteIsSoftAndShowsInHistory()
    {
        var id = await _ana.AnnotateAsync(Edge, "wrong edge");

        var (status, deleted, response) = await _ana.SendAsync(HttpMethod.Delete, $"/api/annotations/{id}", ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
        Assert.DoesNotContain(id, (await _ana.GetOkAsync($"/api/edges/{Edge}/annotations")).GetProperty("annotations").Ids());
        Assert.True((await _ana.GetOkAsync($"/api/annotations/{id}")).GetProperty("deleted").GetBoolean());
        var history = await _ana.GetOkAsync($"/api/annotations/{id}/history");
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["created", "deleted"], versions.Select(v => v.GetProperty("action").GetString()));
        Assert.Equal(["ana", "ana"], versions.Select(v => v.GetProperty("by").GetString()));
        Assert.Equal("wrong edge", versions[1].GetProperty("annotation").GetProperty("text").GetString());

        var (_, again, againResponse) = await _ana.SendAsync(HttpMethod.Delete, $"/api/annotations/{id}", ifMatch: "\"2\"");
        Writes.AssertProblem(againResponse, HttpStatusCode.NotFound, again, "deleting twice");
    }

    [Fact]
    public async Task HistoryRecordsWhoChangedWhatInOrder()
    {
        var id = await _ana.AnnotateAsync(Edge, "v1");
        using var admin = factory.ClientFor(AccountsFactory.Admin);
        await _ana.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", """{"text":"v2"}""", "\"1\"");
        await admin.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", """{"status":"disputed","tags":["checked"]}""", "\"2\"");

        var versions = (await _ana.GetOkAsync($"/api/annotations/{id}/history")).GetProperty("versions").EnumerateArray().ToList();

        Assert.Equal([1L, 2L, 3L], versions.Select(v => v.GetProperty("version").GetInt64()));
        Assert.Equal(["ana", "ana", "admin"], versions.Select(v => v.GetProperty("by").GetString()));
        Assert.Equal(["text"], versions[1].GetProperty("changed").Strings());
        Assert.Equal(["tags", "status"], versions[2].GetProperty("changed").Strings());
        Assert.Equal("ana", versions[2].GetProperty("annotation").GetProperty("author").GetString());
        var seqs = versions.Select(v => v.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
    }

    [Fact]
    public async Task TheFeedFiltersByAuthorTagStatusAndSince()
    {
        using var bo = factory.ClientFor(AccountsFactory.Bo);
        var tag = "feed-" + Guid.NewGuid().ToString("N")[..8];
        var first = await bo.AnnotateAsync(Edge, "bo one", $$""","tags":["{{tag}}"],"status":"disputed" """);
        var since = (await bo.GetOkAsync($"/api/annotations/{first}")).GetProperty("updatedAt").GetString()!;
        var second = await bo.AnnotateAsync(Edge, "bo two", $$""","tags":["{{tag}}"]""");

        Assert.Equal([second, first], (await bo.GetOkAsync($"/api/annotations?tag={tag}")).GetProperty("annotations").Ids());
        Assert.Equal([first], (await bo.GetOkAsync($"/api/annotations?tag={tag}&status=disputed")).GetProperty("annotations").Ids());
        Assert.Equal([second], (await bo.GetOkAsync($"/api/annotations?tag={tag}&since={Api.Q(since)}")).GetProperty("annotations").Ids());
        Assert.Equal([second], (await bo.GetOkAsync($"/api/annotations?tag={tag}&limit=1")).GetProperty("annotations").Ids());
        Assert.All((await bo.GetOkAsync("/api/annotations?author=BO")).GetProperty("annotations").EnumerateArray(), a => Assert.Equal("bo", a.GetProperty("author").GetString()));

        await bo.GetProblemAsync("/api/annotations?status=sure", HttpStatusCode.BadRequest);
        await bo.GetProblemAsync("/api/annotations?since=yesterday", HttpStatusCode.BadRequest);
        await bo.GetProblemAsync("/api/annotations?limit=0", HttpStatusCode.BadRequest);
        await bo.GetProblemAsync("/api/annotations?limit=501", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CountsMarkAnnotatedEdges()
    {
        const string counted = "nato-conducted-nato-balkans-intervention";
        using var bo = factory.ClientFor(AccountsFactory.Bo);
        var before = (await bo.GetOkAsync($"/api/annotations/counts?targets={counted},{Edge},not-an-edge")).GetProperty("counts");
        await bo.AnnotateAsync(counted, "counted");

        var counts = (await bo.GetOkAsync($"/api/annotations/counts?targets={counted},{Edge},not-an-edge")).GetProperty("counts");

        Assert.Equal(before.GetProperty(counted).GetInt32() + 1, counts.GetProperty(counted).GetInt32());
        Assert.Equal(0, counts.GetProperty("not-an-edge").GetInt32());

        var many = string.Join(',', Seeded.Dataset.Edges.Take(AnnotationLimitsForTests.MaxTargets).Select(e => e.Id));
        Assert.Equal(Math.Min(Seeded.Dataset.Edges.Count, AnnotationLimitsForTests.MaxTargets), (await bo.GetOkAsync($"/api/annotations/counts?targets={many}")).GetProperty("counts").EnumerateObject().Count());
        var tooMany = string.Join(',', Enumerable.Range(0, AnnotationLimitsForTests.MaxTargets + 1).Select(i => $"e{i}"));
        await bo.GetProblemAsync($"/api/annotations/counts?targets={tooMany}", HttpStatusCode.BadRequest);
        await bo.GetProblemAsync("/api/annotations/counts", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownEdgesNodesAndAnnotationsAreNotFound()
    {
        await _ana.GetProblemAsync("/api/edges/no-such-edge/annotations", HttpStatusCode.NotFound);
        await _ana.GetProblemAsync("/api/nodes/no-such-node/annotations", HttpStatusCode.NotFound);
        await _ana.GetProblemAsync("/api/annotations/no-such-annotation", HttpStatusCode.NotFound);
        await _ana.GetProblemAsync("/api/annotations/no-such-annotation/history", HttpStatusCode.NotFound);

        foreach (var (method, url, body) in new[]
        {
            (HttpMethod.Post, "/api/edges/no-such-edge/annotations", """{"text":"x"}"""),
            (HttpMethod.Post, "/api/nodes/no-such-node/annotations", """{"text":"x"}"""),
            (HttpMethod.Put, "/api/annotations/no-such-annotation", """{"text":"x"}"""),
            (HttpMethod.Delete, "/api/annotations/no-such-annotation", null),
        })
        {
            var (_, problem, response) = await _ana.SendAsync(method, url, body, "\"1\"");
            Writes.AssertProblem(response, HttpStatusCode.NotFound, problem, $"{method} {url}");
        }
    }
}

internal static class AnnotationLimitsForTests
{
    public const int MaxTargets = Explorer.Annotations.AnnotationLimits.MaxCountTargets;
}
