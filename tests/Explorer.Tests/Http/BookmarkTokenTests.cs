using System.Net;
using System.Text;
using System.Text.Json;
using Explorer.Graph;
using Explorer.Neo4j;
using Explorer.Server.Consistency;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explorer.Tests.Http;

/// <summary>
/// Read-your-writes per browser across instances: two server instances (real middleware, real data protection
/// over one shared key folder, real Neo4j stores) in front of one fake Query API that answers every statement
/// with the next bookmark and records the bookmarks each request waited for.
/// </summary>
public sealed class BookmarkTokenTests : IAsyncLifetime
{
    private readonly string _keys = Path.Combine(Path.GetTempPath(), $"explorer-keys-{Guid.NewGuid():N}");
    private readonly FakeNeo4j _neo4j = new();
    private readonly LogCapture _logs = new();
    private WebApplication _a = null!;
    private WebApplication _b = null!;

    public async ValueTask InitializeAsync()
    {
        _a = await StartAsync("a");
        _b = await StartAsync("b");
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task TheBrowserThatWroteReadsAtItsWriteOnAnotherInstanceAndNoOtherRequestWaitsForIt()
    {
        var write = await _a.GetTestClient().PostAsync("/write", null);
        write.EnsureSuccessStatusCode();
        var token = Assert.Single(write.Headers.GetValues(BookmarkTokens.Header));
        var written = _neo4j.Last("a").Received;
        Assert.DoesNotContain(written, token, StringComparison.Ordinal); // opaque: the raw bookmark is not in it

        var read = await Read(_b, token);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains(written, _neo4j.Last("b").Sent);
        Assert.False(read.Headers.Contains(BookmarkTokens.Header)); // a read hands out nothing

        await Read(_b, null);
        Assert.DoesNotContain(written, _neo4j.Last("b").Sent);
    }

    [Fact]
    public async Task ATamperedTokenIsIgnoredWithALogLineAndTheRequestIsServed()
    {
        var token = Assert.Single((await _a.GetTestClient().PostAsync("/write", null)).Headers.GetValues(BookmarkTokens.Header));
        var written = _neo4j.Last("a").Received;
        var tampered = token[..^4] + (token[^4] == 'A' ? 'B' : 'A') + token[^3..];

        var read = await Read(_b, tampered);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain(written, _neo4j.Last("b").Sent);
        Assert.Equal(1, _logs.Count(1300));
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains(tampered, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnExpiredTokenIsIgnored()
    {
        var protection = _a.Services.GetRequiredService<IDataProtectionProvider>();
        var past = new FixedTime(DateTimeOffset.UtcNow - BookmarkTokens.Lifetime - TimeSpan.FromMinutes(1));
        var expired = new BookmarkTokens(protection, past, _a.Services.GetRequiredService<ILogger<BookmarkTokens>>()).Issue(["FB:old-write"]);
        var fresh = new BookmarkTokens(protection, TimeProvider.System, _a.Services.GetRequiredService<ILogger<BookmarkTokens>>()).Issue(["FB:recent-write"]);

        await Read(_b, expired);
        Assert.DoesNotContain("FB:old-write", _neo4j.Last("b").Sent);
        Assert.Contains(_logs.Lines, l => l.Event.Id == 1300 && l.Message.Contains("expired", StringComparison.OrdinalIgnoreCase));

        await Read(_b, $"{expired},{fresh}");
        Assert.Contains("FB:recent-write", _neo4j.Last("b").Sent);
    }

    [Fact]
    public async Task ATokenFromAnotherDeploymentsKeysIsIgnored()
    {
        var otherKeys = new DirectoryInfo(Path.Combine(_keys, "other-deployment"));
        var elsewhere = new BookmarkTokens(DataProtectionProvider.Create(otherKeys, b => b.SetApplicationName("Explorer")), TimeProvider.System, _a.Services.GetRequiredService<ILogger<BookmarkTokens>>()).Issue(["FB:foreign"]);

        var read = await Read(_b, elsewhere);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain("FB:foreign", _neo4j.Last("b").Sent);
    }

    [Fact]
    public async Task AWritesTokenStandsForTheTokensItsRequestBrought()
    {
        var first = Assert.Single((await _a.GetTestClient().PostAsync("/write", null)).Headers.GetValues(BookmarkTokens.Header));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/write");
        request.Headers.Add(BookmarkTokens.Header, first);
        var second = await _b.GetTestClient().SendAsync(request);

        var tokens = _b.Services.GetRequiredService<BookmarkTokens>();
        Assert.Equal([_neo4j.Last("b").Received], tokens.Read(Assert.Single(second.Headers.GetValues(BookmarkTokens.Header))));
    }

    private static async Task<HttpResponseMessage> Read(WebApplication app, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/read");
        if (token is not null)
        {
            request.Headers.Add(BookmarkTokens.Header, token);
        }

        return await app.GetTestClient().SendAsync(request);
    }

    private async Task<WebApplication> StartAsync(string name)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(_logs);
        builder.Services.AddDataProtection().SetApplicationName("Explorer").PersistKeysToFileSystem(new DirectoryInfo(_keys));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddBookmarkTokens();
        var client = new QueryApiClient(new HttpClient(_neo4j.For(name)), new Uri("http://neo4j.test:7474"), "neo4j", null,
            new QueryApiPolicy(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), 30));
        var store = new Neo4jGraphStore(client);
        var app = builder.Build();
        app.UseBookmarkScopes();
        app.MapPost("/write", async () => (await store.UpsertNodeAsync(new Node("n1", NodeKind.Nation, "N1", [], ""))).Seq);
        app.MapGet("/read", async () => await store.GetLastSeqAsync());
        await app.StartAsync();
        return app;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>One Neo4j for every instance: each answer is one row (seq N) with bookmark FB:N; records who sent what.</summary>
    private sealed class FakeNeo4j
    {
        private readonly Lock _lock = new();
        private readonly List<(string Instance, string[] Sent, string Received)> _seen = [];
        private int _next;

        public (string[] Sent, string Received) Last(string instance)
        {
            lock (_lock)
            {
                var last = _seen.Last(s => s.Instance == instance);
                return (last.Sent, last.Received);
            }
        }

        public HttpMessageHandler For(string instance) => new Handler(this, instance);

        private sealed class Handler(FakeNeo4j neo4j, string instance) : HttpMessageHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
                string[] sent = body.RootElement.TryGetProperty("bookmarks", out var marks) ? [.. marks.EnumerateArray().Select(m => m.GetString()!)] : [];
                string received;
                int seq;
                lock (neo4j._lock)
                {
                    seq = ++neo4j._next;
                    received = $"FB:{seq}";
                    neo4j._seen.Add((instance, sent, received));
                }

                var answer = $$"""{"data":{"fields":["seq"],"values":[[{"$type":"Integer","_value":"{{seq}}"}]]},"bookmarks":["{{received}}"]}""";
                return new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent(answer, Encoding.UTF8, "application/vnd.neo4j.query") };
            }
        }
    }
}
