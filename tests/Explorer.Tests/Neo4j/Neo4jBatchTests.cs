using System.Net;
using System.Text.Json;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Neo4j;
using Explorer.Tests.TestSupport;
using static Explorer.Tests.Neo4j.QueryApiClientTests;

namespace Explorer.Tests.Neo4j;

/// <summary>
/// Writes of several changes on Neo4j commit together: an import batch, a cascading node deletion and a forced
/// source deletion are each one auto-commit statement (after their reads), against the Query API's documented
/// answers; and the batch planner agrees with the embedded store's transaction on random batches.
/// </summary>
public sealed class Neo4jBatchTests
{
    private const string NoRows = """{"data":{"fields":["base","written"],"values":[]},"bookmarks":["FB:w"]}""";
    private static readonly Evidence[] s_evidence = [new("essay", "quote")];

    [Fact]
    public async Task ABatchIsOneStatementAfterTwoReadsAndItsChangesAreNumberedInOrder()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer(NodeFields))                                                  // the nodes it touches: none yet
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields, EdgeRow("old1", "x", "y", 3)))                    // the edges: old1 exists
            .Then(HttpStatusCode.Accepted, Answer(["base", "written"], [10L, 6L]));
        GraphWrite[] writes =
        [
            new GraphWrite.UpsertNode(Node("a")),
            new GraphWrite.UpsertNode(Node("b")),
            new GraphWrite.UpsertEdge(Edge("e1", "a", "b")),
            new GraphWrite.RemoveEdge("old1"),
            new GraphWrite.RemoveNode("ghost"),
            new GraphWrite.UpsertNode(Node("c")),
            new GraphWrite.UpsertEdge(Edge("e2", "b", "c")),
        ];

        var changes = await Neo4jStoreStartupTests.Store(handler).ApplyBatchAsync(writes);

        Assert.Equal([11L, 12L, 13L, 14L, null, 15L, 16L], changes.Select(c => c?.Seq));
        Assert.Equal(ChangeKind.EdgeRemoved, changes[3]!.Kind);
        Assert.Equal(3, handler.Requests.Count);
        var write = handler.Requests[2];
        var statement = Statement(write);
        Assert.Contains("FOREACH (row IN $runs[0] |", statement, StringComparison.Ordinal);
        Assert.True(statement.IndexOf("UNWIND $runs[1] AS row\n  MATCH (s:Node", StringComparison.Ordinal) < statement.IndexOf("UNWIND $runs[2] AS row", StringComparison.Ordinal));
        Assert.Equal([["a", "b", "c"], ["e1", "e2"], ["old1"]], Parameter(write, "runs").EnumerateArray().Select(run => run.GetProperty("_value").EnumerateArray().Select(row => (string)Plain(row)["id"]!).ToList()).ToList());
        Assert.Equal(["ghost"], Strings(write, "nodesAbsent"));
        Assert.Equal([("old1", "x", "y")], Parameter(write, "edgesPresent").EnumerateArray().Select(Plain).Select(e => ((string)e["id"]!, (string)e["source"]!, (string)e["target"]!)));
        Assert.Equal(["e1", "e2"], Strings(write, "edgesAbsent"));
        var changesSent = Parameter(write, "changes").EnumerateArray().Select(Plain).ToList();
        Assert.Equal(["NodeUpserted", "NodeUpserted", "EdgeUpserted", "EdgeRemoved", "NodeUpserted", "EdgeUpserted"], changesSent.Select(c => (string)c["kind"]!));
        Assert.Equal(6, changesSent.Select(c => (string)c["changeId"]!).Distinct().Count());
    }

    [Fact]
    public async Task ABulkBatchOfUpsertsSendsOneGraphReloadedChangeAndEveryWriteGetsItsSequence()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer(NodeFields))
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields))
            .Then(HttpStatusCode.Accepted, Answer(["base", "written"], [40L, 1L]));
        var writes = new List<GraphWrite>();
        for (var i = 0; i < GraphWrite.BulkBatchMinimum - 1; i++)
        {
            writes.Add(new GraphWrite.UpsertNode(Node($"n{i}")));
        }

        writes.Add(new GraphWrite.UpsertEdge(Edge("e1", "n0", "n1")));

        var changes = await Neo4jStoreStartupTests.Store(handler).ApplyBatchAsync(writes);

        Assert.All(changes, change => Assert.Equal(41L, change!.Seq));
        Assert.Equal(writes.Select(w => w.Id), changes.Select(c => c!.EntityId));
        Assert.Equal(ChangeKind.EdgeUpserted, changes[^1]!.Kind);
        var sent = Plain(Assert.Single(Parameter(handler.Requests[2], "changes").EnumerateArray()));
        Assert.Equal(("GraphReloaded", GraphWrite.BulkChangeEntity), ((string)sent["kind"]!, (string)sent["entityId"]!));
        Assert.Null(sent["history"]);
    }

    [Fact]
    public async Task ABatchSendsEachEdgesStatusAndKeepsTheReviewOfAnEdgeThatExists()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer(NodeFields, NodeRow("a"), NodeRow("b")))
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields))
            .Then(HttpStatusCode.Accepted, Answer(["base", "written"], [3L, 2L]));
        GraphWrite[] writes =
        [
            new GraphWrite.UpsertEdge(Edge("e1", "a", "b") with { Status = EdgeStatus.Disputed }),
            new GraphWrite.UpsertEdge(Edge("e2", "b", "a") with { Status = EdgeStatus.Proposed }),
        ];

        await Neo4jStoreStartupTests.Store(handler).ApplyBatchAsync(writes);

        var write = handler.Requests[2];
        var rows = Parameter(write, "runs").EnumerateArray().Single().GetProperty("_value").EnumerateArray().Select(Plain).ToList();
        Assert.Equal(["Disputed", "Proposed"], rows.Select(row => (string)row["status"]!));
        var statement = Statement(write);
        Assert.Contains("status: coalesce(head([o IN olds | o.status]), row.status)", statement, StringComparison.Ordinal);
        Assert.Contains("r.status = u.status", statement, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEdgeToANodeThatDoesNotExistRefusesTheWholeBatchBeforeAnythingIsWritten()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer(NodeFields))
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields));

        var error = await Assert.ThrowsAsync<GraphWriteException>(() => Neo4jStoreStartupTests.Store(handler).ApplyBatchAsync(
            [new GraphWrite.UpsertNode(Node("a")), new GraphWrite.UpsertEdge(Edge("e1", "a", "missing"))]));

        Assert.Contains("no node with id 'missing'", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, handler.Requests.Count); // the two reads; no write was sent
    }

    [Fact]
    public async Task WhenWhatTheBatchReadChangedBeforeItsWriteItReadsAndPlansAgain()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer(NodeFields, NodeRow("a")))             // no edge ids: no edge read
            .Then(HttpStatusCode.Accepted, NoRows)                                        // the guard failed: someone removed 'a'
            .Then(HttpStatusCode.Accepted, Answer(["seq", "at", "kind", "entityId"]))     // and the plan's first change is not committed
            .Then(HttpStatusCode.Accepted, Answer(NodeFields));

        var changes = await Neo4jStoreStartupTests.Store(handler).ApplyBatchAsync([new GraphWrite.RemoveNode("a")]);

        Assert.Equal([null], changes.Select(c => c?.Seq)); // the second plan finds nothing to remove and sends nothing
        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(["a"], Strings(handler.Requests[1], "nodesPresent"));
    }

    [Fact]
    public async Task ABatchRetriedAfterAnOpenOutcomeReturnsWhatItsFirstAttemptCommitted()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer(NodeFields))
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields))
            .Then(HttpStatusCode.GatewayTimeout, "")
            .Then(HttpStatusCode.Accepted, NoRows)
            .Then(HttpStatusCode.Accepted, Answer(["seq", "at", "kind", "entityId"], [41L, "2026-01-02T03:04:05.0000000+00:00", "NodeUpserted", "a"]));

        var changes = await Neo4jStoreStartupTests.Store(handler).ApplyBatchAsync([new GraphWrite.UpsertNode(Node("a")), new GraphWrite.UpsertNode(Node("b"))]);

        Assert.Equal([41L, 42L], changes.Select(c => c?.Seq));
        Assert.Equal(handler.Requests[2].Body, handler.Requests[3].Body);
        Assert.Equal((string)Plain(Parameter(handler.Requests[2], "changes")[0])["changeId"]!, Strings(handler.Requests[4], "changeId").Single());
    }

    [Fact]
    public async Task ACascadeIsOneStatementWithAHistoryEntryAndAChangePerEdgeThenTheNodes()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer([.. NodeFields, "type", "count"], [.. NodeRow("n"), "MEMBER_OF", 2L]))
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields, EdgeRow("e1", "n", "x", 1), EdgeRow("e2", "y", "n", 4)))
            .Then(HttpStatusCode.Accepted, Answer(["base", "written"], [20L, 3L]));

        var write = await Neo4jStoreStartupTests.Store(handler).DeleteNodeAsync("n", 1, "ana", cascade: true);

        var written = Assert.IsType<RecordWrite.Written>(write);
        Assert.Equal([(21L, ChangeKind.EdgeRemoved, "e1"), (22L, ChangeKind.EdgeRemoved, "e2"), (23L, ChangeKind.NodeRemoved, "n")], written.Changes.Select(c => (c.Seq, c.Kind, c.EntityId)));
        Assert.Equal(3, handler.Requests.Count);
        var request = handler.Requests[2];
        Assert.Equal(Cypher.CascadeDeleteNode, Statement(request));
        Assert.Equal([("e1", 1L), ("e2", 4L)], Parameter(request, "edges").EnumerateArray().Select(Plain).Select(e => ((string)e["id"]!, (long)e["version"]!)));
        var histories = Parameter(request, "changes").EnumerateArray().Select(c => (Dictionary<string, object?>)Plain(c)["history"]!).ToList();
        Assert.Equal([("Edge", 2L, "Deleted"), ("Edge", 5L, "Deleted"), ("Node", 2L, "Deleted")], histories.Select(h => ((string)h["recordKind"]!, (long)h["version"]!, (string)h["action"]!)));
        Assert.Equal("deleted with its 2 edge(s)", histories[2]["note"]);
        Assert.All(histories, h => Assert.Equal("ana", h["actor"]));
    }

    [Fact]
    public async Task ACascadeWhoseEdgesChangedMeanwhileReadsThemAgain()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer([.. NodeFields, "type", "count"], [.. NodeRow("n"), "MEMBER_OF", 1L]))
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields, EdgeRow("e1", "n", "x", 1)))
            .Then(HttpStatusCode.Accepted, NoRows)
            .Then(HttpStatusCode.Accepted, Answer(["seq", "at", "kind", "entityId"]))
            .Then(HttpStatusCode.Accepted, Answer([.. NodeFields, "type", "count"], [.. NodeRow("n"), "MEMBER_OF", 2L]))   // still at version 1
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields, EdgeRow("e1", "n", "x", 1), EdgeRow("e9", "n", "z", 1)))
            .Then(HttpStatusCode.Accepted, Answer(["base", "written"], [5L, 3L]));

        var write = await Neo4jStoreStartupTests.Store(handler).DeleteNodeAsync("n", 1, "ana", cascade: true);

        Assert.Equal(["e1", "e9", "n"], Assert.IsType<RecordWrite.Written>(write).Changes.Select(c => c.EntityId));
        Assert.Equal(7, handler.Requests.Count);
    }

    [Fact]
    public async Task AForcedSourceDeletionIsOneStatementThatTrimsOrDeletesEachCitingEdge()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, Answer(["id", "title", "kind", "description", "text", "url", "version"], ["doc", "Doc", "report", "", "text", null, 2L]))
            .Then(HttpStatusCode.Accepted, Answer(EdgeFields,
                EdgeRow("only", "a", "b", 1, """[{"sourceId":"doc","quote":"q"}]"""),
                EdgeRow("both", "a", "c", 3, """[{"sourceId":"doc","quote":"q"},{"sourceId":"essay","quote":"r"}]""")))
            .Then(HttpStatusCode.Accepted, Answer(["base", "written"], [7L, 3L]));

        var write = await Neo4jStoreStartupTests.Store(handler).DeleteSourceAsync("doc", 2, "ana", force: true);

        var written = Assert.IsType<RecordWrite.Written>(write);
        Assert.Equal([(8L, ChangeKind.EdgeRemoved, "only"), (9L, ChangeKind.EdgeUpserted, "both"), (10L, ChangeKind.SourceRemoved, "doc")], written.Changes.Select(c => (c.Seq, c.Kind, c.EntityId)));
        var request = handler.Requests[2];
        Assert.Equal(Cypher.ForceDeleteSource, Statement(request));
        var edges = Parameter(request, "edges").EnumerateArray().Select(Plain).ToList();
        Assert.Null(edges[0]["evidence"]);
        Assert.DoesNotContain("\"doc\"", (string)edges[1]["evidence"]!, StringComparison.Ordinal);
        Assert.Contains("essay", (string)edges[1]["evidence"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void ANodesFileThenAnEdgesFileIsTwoRunsHoweverItInterleaves()
    {
        var writes = new List<GraphWrite>();
        for (var i = 0; i < 50; i++)
        {
            writes.Add(new GraphWrite.UpsertNode(Node($"n{i}")));
            if (i > 0)
            {
                writes.Add(new GraphWrite.UpsertEdge(Edge($"e{i}", $"n{i - 1}", $"n{i}")));
            }
        }

        var plan = Neo4jBatchPlan.Make(writes, new Dictionary<string, Node>(), new Dictionary<string, Edge>());

        Assert.Equal([Cypher.BatchOp.UpsertNodes, Cypher.BatchOp.UpsertEdges], plan.Runs.Select(r => r.Op));
        Assert.Equal(writes.Count, plan.Effective.Count);
    }

    /// <summary>
    /// Random batches over a few ids: the plan's play agrees with the embedded store's transaction on which writes
    /// make a change and which batch is refused, and applying its runs in order ends in the store's state.
    /// </summary>
    [Fact]
    public async Task ThePlanAgreesWithTheEmbeddedStoreOnRandomBatches()
    {
        var random = new Random(12);
        for (var round = 0; round < 60; round++)
        {
            using var directory = new TempDirectory();
            await using var store = EmbeddedStore.Create(directory.File("explorer.db"));
            await store.InitializeAsync();
            var nodeIds = Enumerable.Range(0, 5).Select(i => $"n{i}").ToArray();
            var edgeIds = Enumerable.Range(0, 6).Select(i => $"e{i}").ToArray();
            var setup = nodeIds.Where(_ => random.Next(3) > 0).Select(id => (GraphWrite)new GraphWrite.UpsertNode(Node(id))).ToList();
            var present = setup.Select(w => w.Id).ToArray();
            if (present.Length > 0)
            {
                setup.AddRange(edgeIds.Where(_ => random.Next(2) == 0).Select(id => new GraphWrite.UpsertEdge(Edge(id, present[random.Next(present.Length)], present[random.Next(present.Length)]))));
            }

            await store.ApplyBatchAsync(setup);
            var batch = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(4) switch
            {
                0 => (GraphWrite)new GraphWrite.UpsertNode(Node(nodeIds[random.Next(nodeIds.Length)])),
                1 => new GraphWrite.UpsertEdge(Edge(edgeIds[random.Next(edgeIds.Length)], nodeIds[random.Next(nodeIds.Length)], nodeIds[random.Next(nodeIds.Length)])),
                2 => new GraphWrite.RemoveNode(nodeIds[random.Next(nodeIds.Length)]),
                _ => new GraphWrite.RemoveEdge(edgeIds[random.Next(edgeIds.Length)]),
            }).ToList();

            var nodes = new Dictionary<string, Node>(await store.GetNodesAsync(nodeIds));
            var edges = new Dictionary<string, Edge>(await store.GetEdgesAsync(edgeIds));
            Neo4jBatchPlan? plan = null;
            GraphWriteException? refused = null;
            try
            {
                plan = Neo4jBatchPlan.Make(batch, nodes, edges);
            }
            catch (GraphWriteException ex)
            {
                refused = ex;
            }

            IReadOnlyList<Change?> changes;
            try
            {
                changes = await store.ApplyBatchAsync(batch);
            }
            catch (GraphWriteException ex)
            {
                Assert.True(refused is not null, $"round {round}: the store refused ({ex.Message}), the plan did not");
                Assert.Equal(ex.Message, refused.Message);
                continue;
            }

            Assert.True(plan is not null, $"round {round}: the plan refused ({refused?.Message}), the store did not");
            Assert.Equal(Enumerable.Range(0, batch.Count).Where(i => changes[i] is not null), plan.Effective);

            // The runs, applied in order, one after another, to what was read: the store's state after the batch.
            var stateNodes = nodes.Keys.ToHashSet();
            var stateEdges = edges.Values.ToDictionary(e => e.Id, e => (e.Source, e.Target));
            foreach (var (_, rows) in plan.Runs)
            {
                foreach (var write in rows.Select(i => batch[i]))
                {
                    switch (write)
                    {
                        case GraphWrite.UpsertNode(var node):
                            stateNodes.Add(node.Id);
                            break;
                        case GraphWrite.UpsertEdge(var edge):
                            Assert.True(stateNodes.Contains(edge.Source) && stateNodes.Contains(edge.Target), $"round {round}: a run upserts {edge.Id} before its ends exist");
                            stateEdges[edge.Id] = (edge.Source, edge.Target);
                            break;
                        case GraphWrite.RemoveNode(var id):
                            stateNodes.Remove(id);
                            foreach (var gone in stateEdges.Where(e => e.Value.Source == id || e.Value.Target == id).Select(e => e.Key).ToList())
                            {
                                stateEdges.Remove(gone);
                            }

                            break;
                        case GraphWrite.RemoveEdge(var id):
                            stateEdges.Remove(id);
                            break;
                    }
                }
            }

            var after = await store.GetEdgesAsync(edgeIds);
            Assert.Equal((await store.GetNodesAsync(nodeIds)).Keys.Order(), stateNodes.Order());
            Assert.Equal(after.Values.Select(e => (e.Id, e.Source, e.Target)).OrderBy(e => e.Id), stateEdges.Select(e => (e.Key, e.Value.Source, e.Value.Target)).OrderBy(e => e.Key));
        }
    }

    private static Node Node(string id) => new(id, NodeKind.Nation, id.ToUpperInvariant(), [], "");

    private static Edge Edge(string id, string source, string target) => new(id, "MEMBER_OF", source, target, s_evidence);

    private static readonly string[] NodeFields = ["id", "kind", "name", "aliases", "description", "validFrom", "validTo", "version"];

    private static readonly string[] EdgeFields = ["id", "type", "source", "target", "evidence", "validFrom", "validTo", "suspensions", "status", "version"];

    private static object?[] NodeRow(string id) => [id, "Nation", id, new List<object?>(), "", null, null, 1L];

    private static object?[] EdgeRow(string id, string source, string target, long version, string evidence = """[{"sourceId":"essay","quote":"quote"}]""") =>
        [id, "MEMBER_OF", source, target, evidence, null, null, null, "Confirmed", version];

    /// <summary>A typed-JSON answer with these fields and rows.</summary>
    private static string Answer(string[] fields, params object?[][] rows)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteStartArray("fields");
            foreach (var field in fields)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("values");
            foreach (var row in rows)
            {
                writer.WriteStartArray();
                foreach (var value in row)
                {
                    QueryValues.WriteTyped(writer, value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartArray("bookmarks");
            writer.WriteStringValue("FB:r");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Statement(SeenRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("statement").GetString()!;
    }

    /// <summary>A typed parameter's value (the `_value` of its $type wrapper).</summary>
    private static JsonElement Parameter(SeenRequest request, string name)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("parameters").GetProperty(name).GetProperty("_value").Clone();
    }

    private static List<string> Strings(SeenRequest request, string name)
    {
        var value = Parameter(request, name);
        return value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetProperty("_value").GetString()!)] : [value.GetString()!];
    }

    /// <summary>A typed map or value as plain .NET values (strings, longs, null, maps, lists).</summary>
    private static Dictionary<string, object?> Plain(JsonElement typed) =>
        (Dictionary<string, object?>)Value(typed.TryGetProperty("$type", out _) ? typed : JsonDocument.Parse($$"""{"$type":"Map","_value":{{typed.GetRawText()}}}""").RootElement)!;

    private static object? Value(JsonElement typed) => typed.GetProperty("$type").GetString() switch
    {
        "Null" => null,
        "Integer" => long.Parse(typed.GetProperty("_value").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        "List" => typed.GetProperty("_value").EnumerateArray().Select(Value).ToList(),
        "Map" => typed.GetProperty("_value").EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value)),
        "Boolean" => typed.GetProperty("_value").GetBoolean(),
        _ => typed.GetProperty("_value").GetString(),
    };
}
