using System.Net;
using System.Text.Json;
using Explorer.Annotations;
using Explorer.Graph;
using Explorer.Neo4j;
using static Explorer.Tests.Neo4j.QueryApiClientTests;

namespace Explorer.Tests.Neo4j;

/// <summary>
/// How the Neo4j store writes, against the Query API's documented answers: one auto-commit request per write
/// that numbers itself and writes its change-log entry, retried safely through its change id.
/// </summary>
public sealed class Neo4jWriteTests
{
    private const string NoRows = """{"data":{"fields":["seq"],"values":[]},"bookmarks":["FB:w"]}""";

    private static string Seq(long seq) => $$"""{"data":{"fields":["seq"],"values":[[{"$type":"Integer","_value":"{{seq}}"}]]},"bookmarks":["FB:w{{seq}}"]}""";

    [Fact]
    public async Task AWriteIsOneRequestThatTakesItsSeqAndWritesItsChangeInTheSameStatement()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Accepted, Seq(7));

        var change = await Neo4jStoreStartupTests.Store(handler).UpsertNodeAsync(new Node("kosovo", NodeKind.Region, "Kosovo", ["KFOR area"], ""));

        Assert.Equal((7L, ChangeKind.NodeUpserted, "kosovo"), (change.Seq, change.Kind, change.EntityId));
        var request = Assert.Single(handler.Requests);
        Assert.EndsWith("/db/neo4j/query/v2", request.Uri, StringComparison.Ordinal);
        var statement = Statement(request);
        Assert.Contains("MERGE (n:Node {id: $id})", statement, StringComparison.Ordinal);
        Assert.Contains("SET log.seq = seq", statement, StringComparison.Ordinal);
        Assert.Contains("CREATE (c:Change {seq: seq", statement, StringComparison.Ordinal);
        Assert.True(statement.IndexOf("SET log._lock", StringComparison.Ordinal) < statement.IndexOf("OPTIONAL MATCH (done:Change", StringComparison.Ordinal), "the lock comes before the change-id check");
        Assert.Matches("^[0-9a-f]{32}$", Parameter(request, "changeId"));
    }

    [Fact]
    public async Task AWriteRetriedAfterAnOpenOutcomeSendsTheSameChangeIdAndReturnsWhatTheFirstAttemptCommitted()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.GatewayTimeout, "")            // the first attempt may or may not have committed
            .Then(HttpStatusCode.Accepted, NoRows)              // the retry finds its change id committed: writes nothing
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq","at","kind","entityId"],"values":[[{"$type":"Integer","_value":"41"},{"$type":"String","_value":"2026-01-02T03:04:05.0000000+00:00"},{"$type":"String","_value":"EdgeRemoved"},{"$type":"String","_value":"e1"}]]}}""");

        var change = await Neo4jStoreStartupTests.Store(handler).RemoveEdgeAsync("e1");

        Assert.NotNull(change);
        Assert.Equal(41, change.Seq);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(Parameter(handler.Requests[0], "changeId"), Parameter(handler.Requests[1], "changeId"));
        Assert.Contains("MATCH (c:Change {changeId: $changeId})", Statement(handler.Requests[2]), StringComparison.Ordinal);
        Assert.Equal(Parameter(handler.Requests[0], "changeId"), Parameter(handler.Requests[2], "changeId"));
    }

    [Fact]
    public async Task AWriteThatFindsNothingToDoMakesNoChange()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, NoRows)
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq","at","kind","entityId"],"values":[]}}""");

        Assert.Null(await Neo4jStoreStartupTests.Store(handler).RemoveNodeAsync("atlantis"));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task AnEdgeUpsertRemovesTheOldEdgeWhateverItsTypeInTheSameStatement()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Accepted, Seq(3));

        await Neo4jStoreStartupTests.Store(handler).UpsertEdgeAsync(new Edge("e1", "MEMBER_OF", "canada", "nato", [new Evidence("essay", "Canada joined.")]));

        var statement = Statement(Assert.Single(handler.Requests));
        Assert.All(Cypher.EdgeTypes, type => Assert.Contains($":{type} {{id: $id}}", statement, StringComparison.Ordinal));
        Assert.Contains("FOREACH (old IN olds | DELETE old)", statement, StringComparison.Ordinal);
        Assert.Contains("CREATE (s)-[r:MEMBER_OF]->(t)", statement, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEdgeUpsertWritesTheStatusGivenToANewEdgeAndKeepsTheReviewOfOneThatExists()
    {
        // A proposed edge (as an import or an analyst writes it) must not read back confirmed: the statement is
        // sent the status, a new edge takes it, and an edge that exists keeps the status its review gave it
        // (read before the old relationship is deleted), as the embedded store's upsert does.
        var handler = new FakeHandler().Then(HttpStatusCode.Accepted, Seq(4));

        await Neo4jStoreStartupTests.Store(handler).UpsertEdgeAsync(
            new Edge("e1", "MEMBER_OF", "canada", "nato", [new Evidence("essay", "Canada joined.")]) { Status = EdgeStatus.Proposed });

        var request = Assert.Single(handler.Requests);
        Assert.Equal("Proposed", Parameter(request, "status"));
        var statement = Statement(request);
        Assert.Contains("head([o IN olds | o.status]) AS oldStatus", statement, StringComparison.Ordinal);
        Assert.Contains("r.status = coalesce(oldStatus, $status)", statement, StringComparison.Ordinal);
        Assert.True(statement.IndexOf("AS oldStatus", StringComparison.Ordinal) < statement.IndexOf("DELETE old", StringComparison.Ordinal), "the old status is read before the old edge is deleted");
    }

    [Fact]
    public async Task AnEdgeWithAMissingEndpointIsRefusedByName()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, NoRows)
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq","at","kind","entityId"],"values":[]}}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["source","target"],"values":[[{"$type":"Boolean","_value":true},{"$type":"Boolean","_value":false}]]}}""");

        var error = await Assert.ThrowsAsync<GraphWriteException>(() => Neo4jStoreStartupTests.Store(handler).UpsertEdgeAsync(new Edge("e1", "MEMBER_OF", "canada", "atlantis", [])));

        Assert.Contains("'atlantis'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnnotationUpdateChecksTheVersionInTheWriteAndReportsAConflictWhenItWroteNothing()
    {
        var current = """{"data":{"fields":["id","targetKind","targetId","text","tags","confidence","citation","status","author","createdAt","updatedAt","version","deleted"],"values":[[{"$type":"String","_value":"a1"},{"$type":"String","_value":"Edge"},{"$type":"String","_value":"e1"},{"$type":"String","_value":"old"},{"$type":"List","_value":[]},{"$type":"String","_value":"Medium"},{"$type":"Null","_value":null},{"$type":"String","_value":"Proposed"},{"$type":"String","_value":"ana"},{"$type":"String","_value":"2026-01-01T00:00:00.0000000+00:00"},{"$type":"String","_value":"2026-01-01T00:00:00.0000000+00:00"},{"$type":"Integer","_value":"VERSION"},{"$type":"Boolean","_value":false}]]}}""";
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, current.Replace("VERSION", "1", StringComparison.Ordinal))   // the read before
            .Then(HttpStatusCode.Accepted, NoRows)                                                  // someone else wrote version 2 first
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq","at","kind","entityId"],"values":[]}}""")
            .Then(HttpStatusCode.Accepted, current.Replace("VERSION", "2", StringComparison.Ordinal));

        var outcome = await Neo4jStoreStartupTests.Store(handler).UpdateAnnotationAsync("a1", 1, new AnnotationEdit("new", [], Confidence.High, null, AnnotationStatus.Confirmed), "ben");

        var conflict = Assert.IsType<AnnotationWrite.VersionConflict>(outcome);
        Assert.Equal(2, conflict.Current.Version);
        var write = Statement(handler.Requests[1]);
        Assert.Contains("WHERE a.version = $expected AND a.deleted = false", write, StringComparison.Ordinal);
        Assert.Contains("CREATE (v:AnnotationVersion", write, StringComparison.Ordinal);
        Assert.Contains("CREATE (c:Change", write, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedeemingAOneTimeTokenIsNotSentTwiceWhenTheFirstAttemptMayHaveCommitted()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.ServiceUnavailable, "");

        await Assert.ThrowsAsync<Neo4jException>(() => Neo4jStoreStartupTests.Store(handler).RedeemOneTimeTokenAsync("hash", DateTimeOffset.UtcNow));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task TheBookmarkOfTheLastRequestIsWhatAChangeEventCarries()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Accepted, Seq(9));
        var store = Neo4jStoreStartupTests.Store(handler);

        await store.UpsertNodeAsync(new Node("x", NodeKind.Theme, "X", [], ""));
        store.ObserveBookmark("FB:from-instance-b");

        Assert.Equal("FB:w9,FB:from-instance-b", store.Bookmark);
    }

    private static string Statement(SeenRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("statement").GetString()!;
    }

    private static string? Parameter(SeenRequest request, string name)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("parameters").GetProperty(name).GetProperty("_value").GetString();
    }
}
