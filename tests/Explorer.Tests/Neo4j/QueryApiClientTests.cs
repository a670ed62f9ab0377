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
        var result = await Client(handler).RunAsync("RETURN 1", access: QueryAccess.Read);

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
        }, QueryAccess.Read);

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
    public async Task RequestsAreTheFirstTypedJsonVersionAndAnswersMayBeItVersion11OrPlainJsonInThatOrder()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]}}""");

        await Client(handler).RunAsync("RETURN 1", access: QueryAccess.Read);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("application/vnd.neo4j.query", request.ContentType);
        Assert.Equal("application/vnd.neo4j.query, application/vnd.neo4j.query.v1.1; q=0.9, application/json; q=0.5", request.Accept);
    }

    [Fact]
    public async Task AServerThatRefusesTheFirstVersionWith415GetsVersion11FromThenOnEvenForAWrite()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.UnsupportedMediaType, "")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[{"$type":"Integer","_value":"1"}]]}}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]}}""");
        var client = Client(handler);

        var first = await client.RunAsync("CREATE (n:Node) RETURN 1 AS ok", access: QueryAccess.Write);
        await client.RunAsync("RETURN 1", access: QueryAccess.Read);

        Assert.Equal(1L, Assert.Single(first.Records).Long("ok"));
        Assert.Equal(["application/vnd.neo4j.query", "application/vnd.neo4j.query.v1.1", "application/vnd.neo4j.query.v1.1"], handler.Requests.Select(r => r.ContentType));
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
        Assert.Equal(QueryApiClient.TypedJsonV11, client.RequestMediaType);
    }

    [Fact]
    public async Task AVersion11AnswerWithItsNewTypesIsRead()
    {
        var handler = new FakeHandler().Then(HttpStatusCode.Accepted, """
            {"data":{"fields":["v","u","n"],"values":[[
              {"$type":"Vector","_value":{"coordinatesType":"FLOAT32","coordinates":[{"$type":"Float","_value":"0.5"}]}},
              {"$type":"Unsupported","_value":"a value this version cannot show"},
              {"$type":"Integer","_value":"7"}
            ]]},"bookmarks":["FB:v11"]}
            """);

        var row = Assert.Single((await Client(handler).RunAsync("RETURN 1", access: QueryAccess.Read)).Records);

        Assert.Equal("Vector", Assert.IsType<QueryOtherValue>(row["v"]).Type);
        Assert.Equal(new QueryOtherValue("Unsupported", "a value this version cannot show"), row["u"]);
        Assert.Equal(7L, row.Long("n"));
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
        var time = new FakeTime();
        var handler = new FakeHandler()
            .Then(HttpStatusCode.BadRequest, """{"errors":[{"code":"Neo.TransientError.Transaction.DeadlockDetected","message":"deadlock"}]}""")
            .Then(HttpStatusCode.BadRequest, """{"errors":[{"error":"Neo.TransientError.General.TransientMemoryLimitExceeded","message":"later"}]}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[{"$type":"Integer","_value":"1"}]]}}""");

        // A transient error is an answer: the auto-commit transaction rolled back, so even a plain write may go again.
        var result = await Client(handler, time).RunAsync("CREATE (n:Node) RETURN 1 AS ok", access: QueryAccess.Write);

        Assert.Equal(1L, result.Single().Long("ok"));
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(2, time.Delays.Count);
        Assert.InRange(time.Delays[0].TotalMilliseconds, 800, 1200); // the drivers' first delay: 1 s ± 20%
        Assert.InRange(time.Delays[1].TotalMilliseconds, 1600, 2400);
    }

    [Fact]
    public async Task RetriesGoOnForThirtySecondsFromTheFirstFailureThenGiveUp()
    {
        var time = new FakeTime();
        var handler = new FakeHandler();
        for (var i = 0; i < 20; i++)
        {
            handler.Then(HttpStatusCode.ServiceUnavailable, "");
        }

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Client(handler, time).RunAsync("RETURN 1", access: QueryAccess.Read));

        Assert.Equal(Neo4jErrorKind.Unavailable, error.Kind);
        var waited = time.Delays.Sum(d => d.TotalSeconds);
        Assert.True(waited >= 30, $"gave up after {waited:0.0} s of waiting");
        Assert.True(waited - time.Delays[^1].TotalSeconds < 30, "the last retry started inside the window");
        Assert.Equal(time.Delays.Count + 1, handler.Requests.Count);
    }

    [Theory]
    [InlineData("Neo.TransientError.Transaction.Terminated")]
    [InlineData("Neo.TransientError.Transaction.LockClientStopped")]
    public async Task TheTwoTransientCodesTheDriversTreatAsClientErrorsAreNotRetried(string code)
    {
        var handler = new FakeHandler().Then(HttpStatusCode.BadRequest, $$"""{"errors":[{"code":"{{code}}","message":"stopped"}]}""");

        var error = await Assert.ThrowsAsync<Neo4jException>(() => Client(handler).RunAsync("RETURN 1", access: QueryAccess.Read));

        Assert.Equal(Neo4jErrorKind.Client, error.Kind);
        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData("Read", 2)]
    [InlineData("IdempotentWrite", 2)]
    [InlineData("Write", 1)]
    public async Task AnAnswerThatLeavesTheOutcomeOpenIsRetriedOnlyForSafeStatements(string accessName, int requests)
    {
        var access = Enum.Parse<QueryAccess>(accessName);
        var handler = new FakeHandler()
            .Then(HttpStatusCode.BadGateway, "<html>Bad Gateway</html>")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[true]]}}""");

        var run = Client(handler).RunAsync("RETURN true AS ok", access: access);

        if (requests == 1)
        {
            Assert.Equal(Neo4jErrorKind.Unavailable, (await Assert.ThrowsAsync<Neo4jException>(() => run)).Kind);
        }
        else
        {
            Assert.True((await run).Single().Bool("ok"));
        }

        Assert.Equal(requests, handler.Requests.Count);
    }

    [Theory]
    [InlineData("Neo.ClientError.Cluster.NotALeader")]
    [InlineData("Neo.ClientError.General.ForbiddenOnReadOnlyDatabase")]
    public async Task AWriteRefusedByAClusterMemberThatCannotTakeItIsRetried(string code)
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.BadRequest, $$"""{"errors":[{"code":"{{code}}","message":"not the leader"}]}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[true]]}}""");

        var result = await Client(handler).RunAsync("CREATE (n:Node) RETURN true AS ok", access: QueryAccess.Write);

        Assert.True(result.Single().Bool("ok"));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task ServiceUnavailableReportedAsA500IsRetriedForReads()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.InternalServerError, """{"errors":[{"code":"Neo.DatabaseError.General.UnknownError","message":"org.neo4j.driver.exceptions.ServiceUnavailableException: Connection to the database failed"}]}""")
            .Then(HttpStatusCode.InternalServerError, """{"errors":[{"code":"Neo.DatabaseError.General.UnknownError","message":"SessionExpiredException: leader switch"}]}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[true]]}}""");

        var result = await Client(handler).RunAsync("RETURN true AS ok", access: QueryAccess.Read);

        Assert.True(result.Single().Bool("ok"));
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task AConnectionThatCouldNotBeMadeIsRetriedEvenForAWriteButOneThatBrokeIsNot()
    {
        var handler = new FakeHandler()
            .ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"))
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":["ok"],"values":[[true]]}}""")
            .ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely"));
        var client = Client(handler);

        Assert.True((await client.RunAsync("CREATE (n:Node) RETURN true AS ok", access: QueryAccess.Write)).Single().Bool("ok"));
        var broke = await Assert.ThrowsAsync<Neo4jException>(() => client.RunAsync("CREATE (n:Node) RETURN true AS ok", access: QueryAccess.Write));

        Assert.Equal(Neo4jErrorKind.Unavailable, broke.Kind);
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
    public async Task ASlowServerIsATimeoutAndAWriteIsNotSentAgain()
    {
        var handler = new FakeHandler().ThenHang();
        var client = new QueryApiClient(new HttpClient(handler), new Uri("http://neo4j.test:7474"), "neo4j", null,
            new QueryApiPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(1), 30));

        var error = await Assert.ThrowsAsync<Neo4jException>(() => client.RunAsync("CREATE (n:Node)", access: QueryAccess.Write));

        Assert.Equal(Neo4jErrorKind.Timeout, error.Kind);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task CancellingARequestSendsNothingMoreAndOpensNoTransaction()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new FakeHandler().ThenHang();
        var client = Client(handler);

        var run = client.RunAsync("CREATE (n:Node)", access: QueryAccess.IdempotentWrite, cancellationToken: cancel.Token);
        await handler.Arrived.Task;
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var request = Assert.Single(handler.Requests);
        // Every request is an auto-commit one: there is no explicit transaction to leave open or to roll back.
        Assert.Equal((HttpMethod.Post, "http://neo4j.test:7474/db/neo4j/query/v2"), (request.Method, request.Uri));
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
    public async Task EachAnswersBookmarkReplacesTheOnesSentAndObservedOnesAreKept()
    {
        var handler = new FakeHandler()
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]},"bookmarks":["FB:write-1"]}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]},"bookmarks":["FB:read-2"]}""")
            .Then(HttpStatusCode.Accepted, """{"data":{"fields":[],"values":[]}}""");
        var client = Client(handler);

        await client.RunAsync("CREATE (n:Node)", access: QueryAccess.IdempotentWrite);
        client.Bookmarks.Observe(["FB:other-instance"]);
        await client.RunAsync("RETURN 1", access: QueryAccess.Read);
        await client.RunAsync("RETURN 1", access: QueryAccess.Read);

        Assert.DoesNotContain("bookmarks", handler.Requests[0].Body, StringComparison.Ordinal);
        Assert.Equal(["FB:write-1", "FB:other-instance"], Bookmarks(handler.Requests[1]));
        Assert.Equal(["FB:read-2"], Bookmarks(handler.Requests[2]));
    }

    [Fact]
    public void AnAuthFileInTheImagesFormatGivesUserAndPassword()
    {
        var file = Path.Combine(Path.GetTempPath(), $"explorer-auth-{Guid.NewGuid():N}");
        File.WriteAllText(file, "neo4j/s3cret-pass\n");
        try
        {
            var options = new Neo4jOptions { Uri = "http://neo4j:7474", AuthFile = file };
            Assert.Empty(options.Problems());
            Assert.Equal(("neo4j", "s3cret-pass"), options.Credentials());
            Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("neo4j:s3cret-pass")), QueryApiClient.Authorization(options)!.Parameter);

            File.WriteAllText(file, "just-a-password");
            var problem = Assert.Single(options.Problems());
            Assert.Contains("user/password", problem, StringComparison.Ordinal);
            Assert.DoesNotContain("just-a-password", problem, StringComparison.Ordinal);
            Assert.Contains(new Neo4jOptions { Uri = "http://neo4j:7474", AuthFile = file, User = "neo4j", Password = "x" }.Problems(), p => p.Contains("alternatives", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IReadOnlyList<string?> Bookmarks(SeenRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return [.. body.RootElement.GetProperty("bookmarks").EnumerateArray().Select(b => b.GetString())];
    }

    internal static QueryApiClient Client(FakeHandler handler, FakeTime? time = null)
    {
        time ??= new FakeTime();
        return new(new HttpClient(handler), new Uri("http://neo4j.test:7474"), "neo4j",
            QueryApiClient.Authorization(new Neo4jOptions { User = "neo4j", Password = "secret" }),
            new QueryApiPolicy(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), 30),
            time: time, delay: time.Delay);
    }

    /// <summary>A clock that moves only when the code under test waits, recording each wait.</summary>
    internal sealed class FakeTime : TimeProvider
    {
        private long _ticks;

        public List<TimeSpan> Delays { get; } = [];

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public Task Delay(TimeSpan wait, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Delays.Add(wait);
            Interlocked.Add(ref _ticks, wait.Ticks);
            return Task.CompletedTask;
        }
    }

    internal sealed record SeenRequest(HttpMethod Method, string Uri, string Body, string? ContentType, string Accept, string? AuthScheme);

    /// <summary>Answers requests from a script, in order, and records what was sent.</summary>
    internal sealed class FakeHandler : HttpMessageHandler
    {
        private readonly Queue<Func<CancellationToken, Task<HttpResponseMessage>>> _script = new();

        public List<SeenRequest> Requests { get; } = [];

        /// <summary>Completes when the first request arrives.</summary>
        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

        /// <summary>A response whose body stream hands out at most a few bytes per read, as a slow network does.</summary>
        public FakeHandler ThenTrickle(HttpStatusCode status, byte[] body, int seed)
        {
            _script.Enqueue(_ => Task.FromResult(new HttpResponseMessage(status) { Content = new StreamContent(new TrickleStream(body, seed)) }));
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
                request.Headers.Authorization?.Scheme));
            Arrived.TrySetResult();
            if (_script.Count == 0)
            {
                throw new InvalidOperationException($"unexpected request {request.Method} {request.RequestUri}");
            }

            return await _script.Dequeue()(cancellationToken);
        }
    }
}
