using System.Net;
using System.Reflection;
using Explorer.Server.Live;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Http;

/// <summary>
/// Every endpoint and hub method, tried as each kind of caller: anonymous from this machine and from another
/// (the default rule: anonymous reads from loopback only), a viewer, the annotation's author (an analyst),
/// another analyst and an admin. Signed-in callers come from another machine, so their role alone decides.
/// Each attempt gets fresh objects ({note} is a new annotation by ana, {token} a new token of ana, {user} a
/// new user), so a success in one attempt cannot change the next.
/// </summary>
public sealed class AuthorizationMatrixTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string Edge = "un-conducted-minusma";

    public enum Caller
    {
        AnonymousLocal,
        AnonymousRemote,
        Viewer,
        Author,
        OtherAnalyst,
        Admin,
    }

    /// <summary>One endpoint: its route pattern (to check coverage), a request, and the status each caller gets.</summary>
    public sealed record Case(string Method, string Route, string Url, string? Body, int[] Expected, string? IfMatch = null)
    {
        public override string ToString() => $"{Method} {Url}";
    }

    private const string Password = AccountsFactory.Password;

    private const string Essay = "military-engagement-in-global-diplomacy";

    private const string Quote = "Military presence can deter aggression and ensure compliance with international norms";

    private const string OtherQuote = "These efforts enhance diplomatic interactions by establishing trust";

    private static Case Read(string route, string url, string method = "GET") => new(method, route, url, null, [200, 401, 200, 200, 200, 200]);

    private static Case Public(string method, string route, string url, int status, string? body = null) => new(method, route, url, body, [status, status, status, status, status, status]);

    public static readonly Case[] Cases =
    [
        Read("/api/search", "/api/search?q=nato"),
        Read("/api/nodes/{id}", "/api/nodes/nato"),
        Read("/api/nodes/{id}/neighborhood", "/api/nodes/nato/neighborhood"),
        Read("/api/edges/{id}", $"/api/edges/{Edge}"),
        Read("/api/sources", "/api/sources"),
        Read("/api/sources/{id}", "/api/sources/public-record"),
        Read("/api/sources/{id}/suggestions", "/api/sources/public-record/suggestions"),
        Read("/api/paths", "/api/paths?from=nato&to=mali"),
        Read("/api/query", "/api/query?q=nato"),
        Read("/api/changes", "/api/changes"),
        Read("/api/export", "/api/export?format=jsonl&ids=nato"),
        Read("/api/timeline", "/api/timeline"),
        Read("/api/edges/{id}/annotations", $"/api/edges/{Edge}/annotations"),
        Read("/api/nodes/{id}/annotations", "/api/nodes/nato/annotations"),
        Read("/api/annotations", "/api/annotations"),
        Read("/api/annotations/counts", $"/api/annotations/counts?targets={Edge}"),
        Read("/api/annotations/{id}", "/api/annotations/{note}"),
        Read("/api/annotations/{id}/history", "/api/annotations/{note}/history"),
        Read("/hubs/graph/negotiate", "/hubs/graph/negotiate?negotiateVersion=1", "POST"),

        new("POST", "/api/edges/{id}/annotations", $"/api/edges/{Edge}/annotations", """{"text":"matrix"}""", [401, 401, 403, 201, 201, 201]),
        new("POST", "/api/nodes/{id}/annotations", "/api/nodes/nato/annotations", """{"text":"matrix"}""", [401, 401, 403, 201, 201, 201]),
        new("PUT", "/api/annotations/{id}", "/api/annotations/{note}", """{"text":"changed"}""", [401, 401, 403, 200, 403, 200], "\"1\""),
        new("DELETE", "/api/annotations/{id}", "/api/annotations/{note}", null, [401, 401, 403, 200, 403, 200], "\"1\""),

        // Growing the graph: any analyst creates, edits and reviews; deleting is for the record's creator and admins.
        Read("/api/nodes/{id}/history", "/api/nodes/{anode}/history"),
        Read("/api/edges/{id}/history", "/api/edges/{aedge}/history"),
        Read("/api/sources/{id}/history", "/api/sources/{asource}/history"),
        new("POST", "/api/nodes", "/api/nodes", """{"kind":"Theme","name":"Matrix theme"}""", [401, 401, 403, 201, 201, 201]),
        new("PUT", "/api/nodes/{id}", "/api/nodes/{anode}", """{"description":"changed"}""", [401, 401, 403, 200, 200, 200], "\"1\""),
        new("DELETE", "/api/nodes/{id}", "/api/nodes/{anode}", null, [401, 401, 403, 200, 403, 200], "\"1\""),
        new("POST", "/api/edges", "/api/edges", $$"""{"type":"LEADS_TO","source":"{anode}","target":"{anode2}","evidence":[{"sourceId":"{{Essay}}","quote":"{{Quote}}"}]}""", [401, 401, 403, 201, 201, 201]),
        new("PUT", "/api/edges/{id}", "/api/edges/{aedge}", """{"status":"Confirmed"}""", [401, 401, 403, 200, 200, 200], "\"1\""),
        new("DELETE", "/api/edges/{id}", "/api/edges/{aedge}", null, [401, 401, 403, 200, 403, 200], "\"1\""),
        new("POST", "/api/edges/{id}/evidence", "/api/edges/{aedge}/evidence", $$"""{"sourceId":"{{Essay}}","quote":"{{OtherQuote}}"}""", [401, 401, 403, 200, 200, 200], "\"1\""),
        new("POST", "/api/sources", "/api/sources", """{"title":"Matrix source","text":"Some text to quote."}""", [401, 401, 403, 201, 201, 201]),
        new("PUT", "/api/sources/{id}", "/api/sources/{asource}", """{"description":"changed"}""", [401, 401, 403, 200, 200, 200], "\"1\""),
        new("DELETE", "/api/sources/{id}", "/api/sources/{asource}", null, [401, 401, 403, 200, 403, 200], "\"1\""),
        Read("/api/sources/{id}/citations", "/api/sources/public-record/citations"),

        // Reviewing suggestions: any analyst accepts ({asuggestion}: an untyped one of a new source, so a type is given) or dismisses.
        new("POST", "/api/sources/{id}/suggestions/{suggestionId}/accept", "/api/sources/{asuggestion}/accept", """{"type":"LEADS_TO"}""", [401, 401, 403, 201, 201, 201]),
        new("POST", "/api/sources/{id}/suggestions/{suggestionId}/dismiss", "/api/sources/{asuggestion}/dismiss", null, [401, 401, 403, 200, 200, 200]),

        // Imports write like any other analyst's write (a dry run too: it is a POST and reads what would change).
        new("POST", "/api/import", "/api/import?dryRun=true", """{"nodes":[],"edges":[]}""", [401, 401, 403, 200, 200, 200]),

        new("GET", "/api/tokens", "/api/tokens", null, [401, 401, 200, 200, 200, 200]),
        new("POST", "/api/tokens", "/api/tokens", """{"name":"matrix"}""", [401, 401, 201, 201, 201, 201]),
        new("DELETE", "/api/tokens/{id}", "/api/tokens/{token}", null, [401, 401, 404, 204, 404, 204]),

        new("GET", "/api/users", "/api/users", null, [401, 401, 403, 403, 403, 200]),
        new("GET", "/api/users/{name}", "/api/users/ana", null, [401, 401, 403, 403, 403, 200]),
        new("POST", "/api/users", "/api/users", $$"""{"userName":"{newuser}","password":"{{Password}}","role":"viewer"}""", [401, 401, 403, 403, 403, 201]),
        new("PATCH", "/api/users/{name}", "/api/users/{user}", """{"role":"analyst"}""", [401, 401, 403, 403, 403, 200]),

        Public("POST", "/api/auth/login", "/api/auth/login", 401, """{"userName":"{newuser}","password":"wrong password"}"""),
        Public("POST", "/api/auth/logout", "/api/auth/logout", 204),
        Public("GET", "/api/auth/me", "/api/auth/me", 200),
        Public("GET", "/api/auth/antiforgery", "/api/auth/antiforgery", 200),
        Public("GET", "/api/auth/one-time", "/api/auth/one-time?token=bogus", 400),
        Public("GET", "/healthz", "/healthz", 200),
        Public("GET", "/openapi/{documentName}.json", "/openapi/v1.json", 200),
    ];

    public static TheoryData<Case> All => [.. Cases];

    [Theory]
    [MemberData(nameof(All))]
    public async Task OnlyTheAllowedCallersSucceed(Case @case)
    {
        var failures = new List<string>();
        foreach (var caller in Enum.GetValues<Caller>())
        {
            var url = await FillAsync(@case.Url);
            var body = @case.Body is null ? null : await FillAsync(@case.Body);
            using var client = Client(caller);
            var (status, problem, response) = await client.SendAsync(new HttpMethod(@case.Method), url, body, @case.IfMatch);
            using (response)
            {
                var expected = @case.Expected[(int)caller];
                if ((int)status != expected)
                {
                    failures.Add($"{caller}: expected {expected}, got {(int)status} {problem}");
                }
                else if (expected >= 400 && response.Content.Headers.ContentType?.MediaType != Api.ProblemJson)
                {
                    failures.Add($"{caller}: {expected} without problem+json");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{@case}:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task TheLiveHubAdmitsExactlyTheCallersAllowedToRead()
    {
        foreach (var caller in Enum.GetValues<Caller>())
        {
            await using var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(factory.Server.BaseAddress, LiveApi.HubPath), options =>
                {
                    options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                    options.Transports = HttpTransportType.LongPolling;
                    if (caller != Caller.AnonymousLocal)
                    {
                        options.Headers[AccountsFactory.RemoteAddressHeader] = AccountsFactory.RemoteAddress;
                    }

                    if (UserOf(caller) is { } user)
                    {
                        options.AccessTokenProvider = () => Task.FromResult<string?>(factory.TokenOf(user));
                    }
                })
                .Build();

            if (caller == Caller.AnonymousRemote)
            {
                var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(TestContext.Current.CancellationToken));
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                continue;
            }

            await connection.StartAsync(TestContext.Current.CancellationToken);
            Assert.True(await connection.InvokeAsync<long>(nameof(GraphHub.LastSeq), TestContext.Current.CancellationToken) >= 0);
        }
    }

    [Fact]
    public void TheHubHasOnlyTheMethodsThisMatrixCovers()
    {
        // A new hub method (a write, say) must be added to the hub test above, with its own [Authorize].
        var methods = typeof(GraphHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not (nameof(GraphHub.OnConnectedAsync) or nameof(GraphHub.OnDisconnectedAsync)))
            .Select(m => m.Name);
        Assert.Equal([nameof(GraphHub.LastSeq)], methods);
    }

    [Fact]
    public void EveryEndpointDeclaresWhoMayCallIt()
    {
        var undeclared = Endpoints()
            .Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => $"{string.Join(",", Methods(e))} {e.RoutePattern.RawText}")
            .ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a policy or AllowAnonymous:\n" + string.Join("\n", undeclared));
    }

    [Fact]
    public void TheMatrixCoversEveryApiEndpointAndTheHub()
    {
        var covered = Cases.Select(c => (c.Method, c.Route)).ToHashSet();
        var missing = Endpoints()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("/hubs", StringComparison.Ordinal)))
            .Where(e => e.RoutePattern.RawText != LiveApi.HubPath)
            .SelectMany(e => Methods(e).Select(m => (Method: m, Route: e.RoutePattern.RawText!.TrimEnd('/'))))
            .Where(key => !covered.Contains(key) && !(key.Method == "*" && covered.Any(c => c.Route == key.Route)))
            .Select(key => $"{key.Method} {key.Route}")
            .ToList();
        Assert.True(missing.Count == 0, "Endpoints the matrix does not try:\n" + string.Join("\n", missing));
    }

    private List<RouteEndpoint> Endpoints() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];

    private static string? UserOf(Caller caller) => caller switch
    {
        Caller.Viewer => AccountsFactory.Vic,
        Caller.Author => AccountsFactory.Ana,
        Caller.OtherAnalyst => AccountsFactory.Bo,
        Caller.Admin => AccountsFactory.Admin,
        _ => null,
    };

    private HttpClient Client(Caller caller) => factory.ClientFor(UserOf(caller), remote: caller != Caller.AnonymousLocal);

    private async Task<string> NewThemeAsync()
    {
        var id = "t" + Guid.NewGuid().ToString("N")[..12];
        Assert.IsType<Explorer.Graph.RecordWrite.Written>(await factory.Store.CreateNodeAsync(new Explorer.Graph.Node(id, Explorer.Graph.NodeKind.Theme, "Theme " + id, [], ""), AccountsFactory.Ana));
        return id;
    }

    /// <summary>Fresh objects for the placeholders, made straight in the store.</summary>
    private async Task<string> FillAsync(string template)
    {
        var text = template;
        if (text.Contains("{note}", StringComparison.Ordinal))
        {
            var write = await factory.Store.AddAnnotationAsync(new Explorer.Annotations.NewAnnotation(
                Explorer.Annotations.AnnotationTargetKind.Edge, Edge, "ana's note", [], Explorer.Annotations.Confidence.Medium, null, Explorer.Annotations.AnnotationStatus.Proposed, AccountsFactory.Ana));
            text = text.Replace("{note}", Assert.IsType<Explorer.Annotations.AnnotationWrite.Written>(write).Annotation.Id, StringComparison.Ordinal);
        }

        if (text.Contains("{token}", StringComparison.Ordinal))
        {
            var token = await Explorer.Server.Auth.AccountRules.IssueTokenAsync(factory.Store, AccountsFactory.Ana, "matrix", DateTimeOffset.UtcNow, default);
            text = text.Replace("{token}", token!.Id, StringComparison.Ordinal);
        }

        // Records ana created: two theme nodes, an edge between two more, a source.
        foreach (var placeholder in new[] { "{anode}", "{anode2}" })
        {
            if (text.Contains(placeholder, StringComparison.Ordinal))
            {
                text = text.Replace(placeholder, await NewThemeAsync(), StringComparison.Ordinal);
            }
        }

        if (text.Contains("{aedge}", StringComparison.Ordinal))
        {
            var id = "e" + Guid.NewGuid().ToString("N")[..12];
            var edge = new Explorer.Graph.Edge(id, "LEADS_TO", await NewThemeAsync(), await NewThemeAsync(), [new Explorer.Graph.Evidence(Essay, Quote)]) { Status = Explorer.Graph.EdgeStatus.Proposed };
            Assert.IsType<Explorer.Graph.RecordWrite.Written>(await factory.Store.CreateEdgeAsync(edge, AccountsFactory.Ana));
            text = text.Replace("{aedge}", id, StringComparison.Ordinal);
        }

        if (text.Contains("{asource}", StringComparison.Ordinal))
        {
            var id = "s" + Guid.NewGuid().ToString("N")[..12];
            Assert.IsType<Explorer.Graph.RecordWrite.Written>(await factory.Store.CreateSourceAsync(new Explorer.Graph.SourceDocument(id, "Ana's source", "document", "", "Text."), AccountsFactory.Ana));
            text = text.Replace("{asource}", id, StringComparison.Ordinal);
        }

        if (text.Contains("{asuggestion}", StringComparison.Ordinal))
        {
            var id = "s" + Guid.NewGuid().ToString("N")[..12];
            var (a, b) = (await NewThemeAsync(), await NewThemeAsync());
            Assert.IsType<Explorer.Graph.RecordWrite.Written>(await factory.Store.CreateSourceAsync(new Explorer.Graph.SourceDocument(id, "Ana's memo", "memo", "", $"Theme {a} and Theme {b} were discussed."), AccountsFactory.Ana));
            var suggestion = Assert.Single((await Explorer.Suggestions.SuggestionQueries.ForSourceAsync(factory.Store, id)).Value!.Suggestions);
            text = text.Replace("{asuggestion}", $"{id}/suggestions/{suggestion.Id}", StringComparison.Ordinal);
        }

        if (text.Contains("{user}", StringComparison.Ordinal))
        {
            var name = "u" + Guid.NewGuid().ToString("N")[..12];
            await factory.AddUserWithTokenAsync(name, Explorer.Accounts.Role.Viewer);
            text = text.Replace("{user}", name, StringComparison.Ordinal);
        }

        return text.Replace("{newuser}", "n" + Guid.NewGuid().ToString("N")[..12], StringComparison.Ordinal);
    }
}
