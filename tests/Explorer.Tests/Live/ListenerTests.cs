using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Threading.Channels;
using Explorer.Accounts;
using Explorer.Server.Auth;
using Explorer.Server.Live;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Explorer.Tests.Live;

/// <summary>
/// Who may listen on the live channel, and for how long: the audit's revocation, cross-origin and presence
/// probes. A connection whose sign-in ends is closed by the server; the test waits on that close.
/// </summary>
public sealed class ListenerTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    /// <summary>How long a test waits for the close it expects (the server closes within 1 s; the machine may be slow).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>An open connection and what it heard.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Listener(HubConnection connection)
        {
            Connection = connection;
            connection.Closed += error =>
            {
                _closed.TrySetResult(error);
                return Task.CompletedTask;
            };
            connection.On<PresenceEvent>(nameof(IGraphClient.Presence), p => Presence.Writer.TryWrite(p));
        }

        public HubConnection Connection { get; }

        public Channel<PresenceEvent> Presence { get; } = Channel.CreateUnbounded<PresenceEvent>();

        /// <summary>Completes when the server closes the connection; returns how long that took from <paramref name="since"/>.</summary>
        public async Task<TimeSpan> ClosedAsync(Stopwatch since)
        {
            await _closed.Task.WaitAsync(Patience, Cancellation);
            TestContext.Current.TestOutputHelper?.WriteLine($"closed {since.Elapsed.TotalMilliseconds:F0} ms after the change");
            return since.Elapsed;
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    private async Task<Listener> ListenAsync(string? token = null, string? cookie = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, LiveApi.HubPath), options =>
            {
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }

                if (cookie is not null)
                {
                    options.Headers["Cookie"] = cookie;
                }
            })
            .Build();
        var listener = new Listener(connection);
        await connection.StartAsync(Cancellation);
        Assert.Equal(HubConnectionState.Connected, connection.State);
        return listener;
    }

    private async Task<string> SignInCookieAsync(string user)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = AccountsFactory.Password }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AuthSchemes.CookieName + "=", StringComparison.Ordinal)).Split(';')[0];
    }

    private async Task PatchUserAsync(string name, string json)
    {
        using var admin = factory.ClientFor(AccountsFactory.Admin);
        var (status, _, response) = await admin.SendAsync(HttpMethod.Patch, $"/api/users/{name}", json);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task DisablingAUserClosesTheirOpenConnectionsButNoOneElses()
    {
        var name = $"listener-{Guid.NewGuid():N}"[..16];
        var token = await factory.AddUserWithTokenAsync(name, Role.Viewer);
        await using var byToken = await ListenAsync(token);
        await using var byCookie = await ListenAsync(cookie: await SignInCookieAsync(name));
        await using var bystander = await ListenAsync(factory.TokenOf(AccountsFactory.Vic));

        var clock = Stopwatch.StartNew();
        await PatchUserAsync(name, """{"disabled":true}""");

        await byToken.ClosedAsync(clock);
        await byCookie.ClosedAsync(clock);
        Assert.Equal(HubConnectionState.Connected, bystander.Connection.State);
        Assert.True(await bystander.Connection.InvokeAsync<long>(nameof(GraphHub.LastSeq), Cancellation) >= 0);
    }

    [Fact]
    public async Task RevokingATokenClosesTheConnectionsOpenedWithIt()
    {
        using var owner = factory.ClientFor(AccountsFactory.Ana);
        var (status, created, response) = await owner.SendAsync(HttpMethod.Post, "/api/tokens", """{"name":"a page left open"}""");
        response.Dispose();
        Assert.Equal(HttpStatusCode.Created, status);
        await using var listener = await ListenAsync(created.GetProperty("token").GetString());
        await using var sameUserOtherToken = await ListenAsync(factory.TokenOf(AccountsFactory.Ana));

        var clock = Stopwatch.StartNew();
        var (revoked, _, revokeResponse) = await owner.SendAsync(HttpMethod.Delete, $"/api/tokens/{created.GetProperty("id").GetString()}");
        revokeResponse.Dispose();
        Assert.Equal(HttpStatusCode.NoContent, revoked);

        await listener.ClosedAsync(clock);
        Assert.Equal(HubConnectionState.Connected, sameUserOtherToken.Connection.State);
    }

    [Fact]
    public async Task SigningOutClosesTheLiveConnectionsOfEveryBrowserSessionOfTheUser()
    {
        var name = $"leaving-{Guid.NewGuid():N}"[..16];
        await factory.AddUserWithTokenAsync(name, Role.Analyst);
        await using var listener = await ListenAsync(cookie: await SignInCookieAsync(name));

        var clock = Stopwatch.StartNew();
        await PatchUserAsync(name, """{"role":"viewer"}""");

        await listener.ClosedAsync(clock);
    }

    [Fact]
    public async Task AUserDisabledByAnotherProcessIsClosedByThePeriodicCheck()
    {
        var name = $"elsewhere-{Guid.NewGuid():N}"[..16];
        var token = await factory.AddUserWithTokenAsync(name, Role.Viewer);
        await using var listener = await ListenAsync(token);

        // As the CLI does: straight to the store, without telling this server.
        var clock = Stopwatch.StartNew();
        await factory.Store.UpdateUserAsync(name, UserChange.ByAdmin(disabled: true), Cancellation);

        await listener.ClosedAsync(clock);
    }

    [Fact]
    public async Task ARevokedTokenIsRefusedOnTheHubAndOnReadsInsteadOfReadingAsAnonymous()
    {
        var name = $"revoked-{Guid.NewGuid():N}"[..16];
        var token = await factory.AddUserWithTokenAsync(name, Role.Viewer);
        var id = (await factory.Store.ListApiTokensAsync(name, Cancellation)).Single().Id;
        await factory.Store.RevokeApiTokenAsync(id, Cancellation);

        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        await client.GetProblemAsync("/api/search?q=nato", HttpStatusCode.Unauthorized);
        using var anonymous = factory.CreateClient();
        using var negotiate = await anonymous.PostAsync($"/hubs/graph/negotiate?negotiateVersion=1&access_token={Api.Q(token)}", null, Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
        await anonymous.GetOkAsync("/api/search?q=nato"); // without the token, this machine still reads
    }

    [Fact]
    public async Task PresenceNamesViewersOnlyToSignedInListeners()
    {
        await using var signedIn = await ListenAsync(factory.TokenOf(AccountsFactory.Bo));
        await using var anonymous = await ListenAsync();

        var named = await NextWithAsync(signedIn, p => p.Viewers >= 2);
        Assert.Contains(AccountsFactory.Bo, named.Users);

        var counted = await NextWithAsync(anonymous, p => p.Viewers >= 2);
        Assert.Empty(counted.Users);
    }

    private static async Task<PresenceEvent> NextWithAsync(Listener listener, Func<PresenceEvent, bool> wanted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(Patience);
        PresenceEvent seen;
        do
        {
            seen = await listener.Presence.Reader.ReadAsync(timeout.Token);
        }
        while (!wanted(seen));

        return seen;
    }

    [Theory]
    [InlineData("http://evil.example", "localhost", HttpStatusCode.Forbidden)]
    [InlineData("http://evil.example", "evil.example", HttpStatusCode.Unauthorized)]
    [InlineData("http://localhost:5173", "localhost", HttpStatusCode.Forbidden)]
    public async Task AWebSocketFromAnotherSitesPageIsRefused(string origin, string host, HttpStatusCode expected)
    {
        var client = factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            request.Headers.Origin = origin;
            request.Headers.Host = host;
        };

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri("ws://localhost/hubs/graph"), Cancellation));
        Assert.Contains(((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWebSocketFromTheSitesOwnPageIsUpgraded()
    {
        var client = factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Origin = "http://localhost";

        using var socket = await client.ConnectAsync(new Uri("ws://localhost/hubs/graph"), Cancellation);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task AReadUnderAForeignHostNameFromThisMachineNeedsASignIn()
    {
        // DNS rebinding: a page on evil.example re-points its name at 127.0.0.1 and reads as "this machine".
        using var rebound = factory.CreateClient();
        rebound.DefaultRequestHeaders.Host = "evil.example";
        await rebound.GetProblemAsync("/api/search?q=nato", HttpStatusCode.Unauthorized);

        using var signedIn = factory.ClientFor(AccountsFactory.Vic);
        signedIn.DefaultRequestHeaders.Host = "evil.example";
        await signedIn.GetOkAsync("/api/search?q=nato");

        using var local = factory.CreateClient();
        local.DefaultRequestHeaders.Host = "127.0.0.1:5080";
        await local.GetOkAsync("/api/search?q=nato");
    }
}
