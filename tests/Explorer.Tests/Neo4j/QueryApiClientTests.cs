using System.Net;
using System.Text;
using System.Text.Json;
using Explorer.Neo4j;

namespace Explorer.Tests.Neo4j;

/// <summary>The Query API client against response bodies in the documented formats, through a fake handler.</summary>
public sealed class QueryApiClientTests
{
    private const string TypedNodeRelPath = """
        {"data":{"fields":["n","r","p","big","f","s","nothing","list","map"],"values":[[
          {"$type":"Node","_value":{"_element_id":"4:db:1","_labels":["Node","Nation"],"_properties":{"id":{"$type":"String","_value":"nato"},"count":{"$type":"Integer","_value":"42"}}}},
          {"$type":"Relationship","_value":{"_element_id":"5:db:9","_start_node_element_id":"4:db:2","_end_node_element_id":"4:db:1","_type":"MEMBER_OF","_properties":{"id":{"$type":"String","_value":"canada-member-of-nato"}}}},
          {"$type":"Path","_value":[
            {"$type":"Node","_value":{"_element_id":"4:db:1","_labels":["Node"],"_properties":{"id":{"$type":"String","_value":"nato"}}}},
            {"$type":"Relationship","_value":{"_element_id":"5:db:9","_start_node_element_id":"4:db:2","_end_node_element_id":"4:db:1","_type":"MEMBER_OF","_properties":{}}},
            {"$type":"Node","_value":{"_element_id":"4:db:2","_labels":["Node"],"_properties":{"id":{"$type":"String","_value":"canada"}}}},
            {"$type":"Relationship","_value":{"_element_id":"5:db:10","_start_node_element_id":"4:db:2","_end_node_element_id":"4:db:3","_type":"PARTNERED_WITH","_properties":{}}},
            {"$type":"Node","_value":{"_element_id":"4:db:3","_labels":["Node"],"_properties":{"id":{"$type":"String","_value":"un"}}}}
          ]},
          {"$type":"Integer","_value":"9007199254740993"},
          {"$type":"Float","_value":"0.1"},
          {"$type":"String","_value":"text"},
          {"$type":"Null","_value":null},
          {"$type":"List","_value":[{"$type":"Integer","_value":"1"},{"$type":"String","_value":"two"}]},
          {"$type":"Map","_value":{"a":{"$type":"Boolean","_value":true},"when":{"$type":"OffsetDateTime","_value":"2024-01-01T21:40:32-01:00"}}}
        ]]},"bookmarks":["FB:abc"]}
        """;

    private const string PlainNodeRelPath = """
        {"data":{"fields":["n","r","p","big"],"values":[[
          {"elementId":"4:db:1","labels":["Node"],"properties":{"id":"nato","count":42}},
          {"elementId":"5:db:9","startNodeElementId":"4:db:2","endNodeElementId":"4:db:1","type":"MEMBER_OF","properties":{"id":"canada-member-of-nato"}},
          [
            {"elementId":"4:db:1","labels":["Node"],"properties":{"id":"nato"}},
            {"elementId":"5:db:9","startNodeElementId":"4:db:2","endNodeElementId":"4:db:1","type":"MEMBER_OF","properties":{}},
            {"elementId":"4:db:2","labels":["Node"],"properties":{"id":"canada"}}
          ],
          9007199254740993
        ]]},"bookmarks":["FB:plain"]}
        """;

    [Fact]
    public async Task TypedJsonDecodesNodesRelationshipsPathsAndKeepsLargeIntegersExact()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Accepted, TypedNodeRelPath);
        var result = await Client(handler).RunAsync("RETURN 1", read: true);

        var row = Assert.Single(result.Records);
        var node = Assert.IsType<QueryNode>(row["n"]);
        Assert.Equal(["Node", "Nation"], node.Labels);
        Assert.Equal("nato", node.Properties["id"]);
        Assert.Equal(42L, node.Properties["count"]);

        var relationship = Assert.IsType<QueryRelationship>(row["r"]);
        Assert.Equal(("4:db:2", "4:db:1", "MEMBER_OF"), (relationship.StartNodeElementId, relationship.EndNodeElementId, relationship.Type));

        var path = Assert.IsType<QueryPath>(row["p"]);
        Assert.Equal(["nato", "canada", "un"], path.Nodes.Select(n => n.Properties["id"]));
        Assert.False(path.Forward(0)); // canada -MEMBER_OF-> nato, walked from nato
        Assert.True(path.Forward(1));

        Assert.Equal(9007199254740993L, row.Long("big")); // 2^53 + 1: a double would say ...992
        Assert.Equal(0.1, row["f"]);
        Assert.Equal("text", row.String("s"));
        Assert.Null(row["nothing"]);
        Assert.Equal([1L, "two"], row.List("list"));
        var map = Assert.IsType<Dictionary<string, object?>>(row["map"]);
        Assert.Equal(true, map["a"]);
        Assert.Equal(new QueryOtherValue("OffsetDateTime", "2024-01-01T21:40:32-01:00"), map["when"]);
        Assert.Equal(["FB:abc"], result.Bookmarks);
    }

    [Fact]
    public async Task PlainJsonDecodesTooWithPathsFromFlatArrays()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.OK, PlainNodeRelPath);
        var row = Assert.Single((await Client(handler).RunAsync("RETURN 1")).Records);

        Assert.Equal("nato", Assert.IsType<QueryNode>(row["n"]).Properties["id"]);
        Assert.Equal("MEMBER_OF", Assert.IsType<QueryRelationship>(row["r"]).Type);
        var path = QueryValues.ToPath(row["p"]);
        Assert.NotNull(path);
        Assert.Equal(["nato", "canada"], path.Nodes.Select(n => n.Properties["id"]));
        Assert.False(path.Forward(0));
        Assert.Equal(9007199254740993L, row.Long("big"));
    }

    [Fact]
    public async Task RequestsAreTypedJsonWithTypedParametersAndReadsSayReadWithATimeout()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]}}""");
        await Client(handler).RunAsync("MATCH (n:Node {id: $id}) RETURN n", new Dictionary<string, object?>
        {
            ["id"] = "nato",
            ["seq"] = 9007199254740993L,
            ["ids"] = new List<string> { "a", "b" },
            ["none"] = null,
            ["row"] = new Dictionary<string, object?> { ["x"] = 1.5, ["flag"] = true },
        }, read: true);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://neo4j.test:7474/db/neo4j/query/v2", request.Uri);
        Assert.Equal(QueryApiClient.TypedJson, request.ContentType);
        Assert.Contains(QueryApiClient.TypedJson, request.Accept, StringComparison.Ordinal);
        Assert.Equal("Basic", request.AuthScheme);
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("READ", root.GetProperty("accessMode").GetString());
        Assert.Equal(30, root.GetProperty("maxExecutionTime").GetInt32());
        var parameters = root.GetProperty("parameters");
        Assert.Equal("""{"$type":"String","_value":"nato"}""", parameters.GetProperty("id").GetRawText());
        Assert.Equal("""{"$type":"Integer","_value":"9007199254740993"}""", parameters.GetProperty("seq").GetRawText());
        Assert.Equal("List", parameters.GetProperty("ids").GetProperty("$type").GetString());
        Assert.Equal("Null", parameters.GetProperty("none").GetProperty("$type").GetString());
        Assert.Equal("""{"$type":"Float","_value":"1.5"}""", parameters.GetProperty("row").GetProperty("_value").GetProperty("x").GetRawText());
    }

    [Fact]
    public async Task AClientErrorIsNotRetried()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.BadRequest, """{"errors":[{"code":"Neo.ClientError.Statement.SyntaxError","message":"Invalid input 'RETRN'"}]}""");

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Client(handler).RunAsync("RETRN 1"));

        Assert.Equal(Neo4jErrorKind.Client, error.Kind);
        Assert.Equal("Neo.ClientError.Statement.SyntaxError", error.Code);
        Assert.Contains("Invalid input", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ATransientErrorIsRetriedWithBackoffThenSucceeds()
    {
        var delays = new List<TimeSpan>();
        var handler = new FakeHandler()
            .Then(HttpStatusCode.BadRequest, """{"errors":[{"code":"Neo.TransientError.Transaction.DeadlockDetected","message":"deadlock"}]}""")
            .Then(HttpStatusCode.BadRequest, """{"errors":[{"error":"Neo.TransientError.General.TransientMemoryLimitExceeded","message":"later"}]}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[{"$type":"Integer","_value":"1"}]]}}""");

        var result = await Client(handler, delays).RunAsync("RETURN 1 AS ok");

        Assert.Equal(1L, result.Single().Long("ok"));
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(2, delays.Count);
        Assert.True(delays[1] > delays[0], "backoff grows");
    }

    [Fact]
    public async Task RetriesStopAtTheBound()
    {
        var handler = new FakeHandler();
        for (var i = 0; i < 10; i++)
        {
            handler.Then(HttpStatusCode.ServiceUnavailable, "");
        }

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Client(handler, maxAttempts: 3).RunAsync("RETURN 1"));

        Assert.Equal(Neo4jErrorKind.Unavailable, error.Kind);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A503AndAConnectionFailureAreRetried()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.ServiceUnavailable, "")
            .ThenThrow(new HttpRequestException("Connection refused"))
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[true]]}}""");

        var result = await Client(handler).RunAsync("RETURN true AS ok");

        Assert.True(result.Single().Bool("ok"));
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task BadCredentialsAreAnAuthenticationErrorAndNotRetried()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Unauthorized, """{"errors":[{"code":"Neo.ClientError.Security.Unauthorized","message":"Invalid username or password."}]}""");

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Client(handler).RunAsync("RETURN 1"));

        Assert.Equal(Neo4jErrorKind.Authentication, error.Kind);
        Assert.Single(handler.Requests);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownDatabaseIsNotFoundWithItsName()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.NotFound, """{"errors":[{"code":"Neo.ClientError.Database.DatabaseNotFound","message":"Graph not found: nope"}]}""");

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Client(handler).RunAsync("RETURN 1"));

        Assert.Equal(Neo4jErrorKind.NotFound, error.Kind);
        Assert.Contains("no database 'neo4j'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowServerIsATimeout()
    {
        var handler = new FakeHandler().ThenHang();
        var client = new QueryApiClient(new HttpClient(handler), new Uri("http://neo4j.test:7474"), "neo4j", null,
            new QueryApiPolicy(TimeSpan.FromMilliseconds(200), 3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), 30));

        var error = await Assert.ThrowsAsync<Neo4jException>(() => client.RunAsync("RETURN 1"));

        Assert.Equal(Neo4jErrorKind.Timeout, error.Kind);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task OlderServersThatRefuseOptionalFieldsGetRequestsWithout()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.BadRequest, """{"errors":[{"code":"Neo.ClientError.Request.Invalid","message":"Unrecognized field \"maxExecutionTime\""}]}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[{"$type":"Integer","_value":"1"}]]}}""");
        var client = Client(handler);

        await client.ProbeAsync(CancellationToken.None);

        Assert.True(client.SendAccessMode);
        Assert.False(client.SendMaxExecutionTime);
        Assert.DoesNotContain("maxExecutionTime", handler.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExplicitTransactionKeepsItsAffinityAndCommitsWithItsLastStatement()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, """{"transaction":{"id":"lyU","expires":"2024-10-22T15:48:29Z"}}""", ("neo4j-cluster-affinity", "MTAuOC41Ljc6MTc0NzQ="))
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["seq"],"values":[[{"$type":"Integer","_value":"7"}]]},"transaction":{"id":"lyU"}}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]},"bookmarks":["FB:after-commit"]}""");
        var client = Client(handler);

        var seq = await client.InTransactionAsync(async (tx, token) =>
        {
            var value = (await tx.RunAsync("MATCH (log:ChangeLog {id: $log}) SET log.seq = log.seq + 1 RETURN log.seq AS seq", new Dictionary<string, object?> { ["log"] = "changes" }, token)).Single().Long("seq");
            await tx.CommitAsync("CREATE (c:Change {seq: $seq})", new Dictionary<string, object?> { ["seq"] = value }, token);
            return value;
        }, CancellationToken.None);

        Assert.Equal(7, seq);
        Assert.Equal(["http://neo4j.test:7474/db/neo4j/query/v2/tx", "http://neo4j.test:7474/db/neo4j/query/v2/tx/lyU", "http://neo4j.test:7474/db/neo4j/query/v2/tx/lyU/commit"], handler.Requests.Select(r => r.Uri));
        Assert.All(handler.Requests.Skip(1), r => Assert.Equal("MTAuOC41Ljc6MTc0NzQ=", r.Affinity));

        // The commit's bookmarks go with the next read.
        handler.Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]}}""");
        await client.RunAsync("RETURN 1", read: true);
        Assert.Contains("FB:after-commit", handler.Requests[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUnitOfWorkThatThrowsIsRolledBack()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, """{"transaction":{"id":"t1"}}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]}}""")
            .Then(HttpStatusCode.OK, """{"bookmarks":[]}""");

        await Assert.ThrowsAsync<Explorer.Graph.GraphWriteException>(() => Client(handler).InTransactionAsync<int>(async (tx, token) =>
        {
            await tx.RunAsync("RETURN 1", null, token);
            throw new Explorer.Graph.GraphWriteException("no node with id 'atlantis'");
        }, CancellationToken.None));

        Assert.Equal(HttpMethod.Delete, handler.Requests[^1].Method);
        Assert.EndsWith("/tx/t1", handler.Requests[^1].Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATransientFailureInsideAUnitOfWorkRetriesTheWholeUnit()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, """{"transaction":{"id":"t1"}}""")
            .Then(HttpStatusCode.BadRequest, """{"errors":[{"code":"Neo.TransientError.Transaction.DeadlockDetected","message":"deadlock"}]}""")
            .Then(HttpStatusCode.Accepted, """{"transaction":{"id":"t2"}}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["x"],"values":[[{"$type":"Integer","_value":"1"}]]}}""")
            .Then(HttpStatusCode.Accepted, """{"bookmarks":["FB:x"]}""");

        var result = await Client(handler).InTransactionAsync(async (tx, token) =>
        {
            var x = (await tx.RunAsync("RETURN 1 AS x", null, token)).Single().Long("x");
            await tx.CommitAsync(cancellationToken: token);
            return x;
        }, CancellationToken.None);

        Assert.Equal(1, result);
        // An error closes the transaction on the server, so no rollback is sent for t1; t2 runs the unit again.
        Assert.Equal(["tx", "tx/t1", "tx", "tx/t2", "tx/t2/commit"], handler.Requests.Select(r => r.Uri[(r.Uri.IndexOf("/tx", StringComparison.Ordinal) + 1)..]));
    }

    private static QueryApiClient Client(FakeHandler handler, List<TimeSpan>? delays = null, int maxAttempts = 5) =>
        new(new HttpClient(handler), new Uri("http://neo4j.test:7474"), "neo4j",
            QueryApiClient.Authorization(new Neo4jOptions { User = "neo4j", Password = "secret" }),
            new QueryApiPolicy(TimeSpan.FromSeconds(10), maxAttempts, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3), 30),
            delay: (wait, _) =>
            {
                delays?.Add(wait);
                return Task.CompletedTask;
            });

    internal sealed record SeenRequest(HttpMethod Method, string Uri, string Body, string? ContentType, string Accept, string? AuthScheme, string? Affinity);

    /// <summary>Answers requests from a script, in order, and records what was sent.</summary>
    internal sealed class FakeHandler : HttpMessageHandler
    {
        private readonly Queue<Func<CancellationToken, Task<HttpResponseMessage>>> _script = new();

        public List<SeenRequest> Requests { get; } = [];

        public FakeHandler Then(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
        {
            _script.Enqueue(_ =>
            {
                var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                foreach (var (name, value) in headers)
                {
                    response.Headers.TryAddWithoutValidation(name, value);
                }

                return Task.FromResult(response);
            });
            return this;
        }

        public FakeHandler ThenThrow(Exception exception)
        {
            _script.Enqueue(_ => Task.FromException<HttpResponseMessage>(exception));
            return this;
        }

        public FakeHandler ThenHang()
        {
            _script.Enqueue(async token =>
            {
                await Task.Delay(Timeout.Infinite, token);
                throw new InvalidOperationException("unreachable");
            });
            return this;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new SeenRequest(
                request.Method,
                request.RequestUri!.ToString(),
                body,
                request.Content?.Headers.ContentType?.MediaType,
                request.Headers.Accept.ToString(),
                request.Headers.Authorization?.Scheme,
                request.Headers.TryGetValues(QueryApiClient.AffinityHeader, out var values) ? values.First() : null));
            if (_script.Count == 0)
            {
                throw new InvalidOperationException($"unexpected request {request.Method} {request.RequestUri}");
            }

            return await _script.Dequeue()(cancellationToken);
        }
    }
}
