using System.Threading.Channels;
using Explorer.Accounts;
using Explorer.Graph;
using Explorer.Server.Auth;
using Explorer.Server.Live;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Explorer.Tests.Live;

/// <summary>
/// Presence across a deployment: two Explorer instances over one store and a redis-server of the test's own
/// (<see cref="BackplaneCluster"/>). Viewers on either instance are counted and named on both; an instance that
/// stops renewing its entry (as a dead one does) drops out by itself.
/// </summary>
public sealed class ClusterPresenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private BackplaneCluster? _cluster;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private BackplaneCluster.Instance A => _cluster!.A;

    private BackplaneCluster.Instance B => _cluster!.B;

    private string Prefix => _cluster!.Prefix;

    public async ValueTask InitializeAsync() => _cluster = await BackplaneCluster.StartAsync("presence");

    [Fact]
    public async Task ViewersOnBothInstancesAreCountedAndNamedOnEachAndADeadInstanceDropsOut()
    {
        var ana = await TokenForAsync("ana");
        var bo = await TokenForAsync("bo");
        var (onA, seenOnA) = await ConnectAsync(A, ana);
        await using var a = onA;
        var (onB, seenOnB) = await ConnectAsync(B, bo);
        await using var b = onB;

        await UntilAsync(seenOnA, p => p.Viewers == 2 && p.Users.SequenceEqual(["ana", "bo"]));
        await UntilAsync(seenOnB, p => p.Viewers == 2 && p.Users.SequenceEqual(["ana", "bo"]));

        // A third instance reports a viewer once and then dies: it never renews, never says goodbye. Its entry lives
        // longer than a real one (20 s, not 8), so a loaded machine, where A's 2-second reads may stall for seconds,
        // still sees it before it expires (one full-suite run at load 9 did not: "last seen: 1 viewers").
        var ghostLease = TimeSpan.FromSeconds(20);
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_cluster!.Redis);
        await using (redis)
        {
            var db = redis.GetDatabase();
            await db.HashSetAsync($"{Prefix}:presence:dead-instance", [new StackExchange.Redis.HashEntry("ghost-connection", "ghost")]);
            await db.KeyExpireAsync($"{Prefix}:presence:dead-instance", ghostLease);
            await db.SortedSetAddAsync($"{Prefix}:presence:instances", "dead-instance", DateTimeOffset.UtcNow.Add(ghostLease).ToUnixTimeMilliseconds());
        }

        await UntilAsync(seenOnA, p => p.Viewers == 3 && p.Users.Contains("ghost"));
        await UntilAsync(seenOnA, p => p.Viewers == 2 && !p.Users.Contains("ghost"));
        await UntilAsync(seenOnB, p => p.Viewers == 2 && !p.Users.Contains("ghost"));

        // A viewer leaving one instance leaves the other's count too.
        await onB.StopAsync(Cancellation);
        await UntilAsync(seenOnA, p => p.Viewers == 1 && p.Users.SequenceEqual(["ana"]));
    }

    private async Task<string> TokenForAsync(string name)
    {
        Assert.True(await A.Store.AddUserAsync(new User(name, Role.Analyst, Passwords.Hash("a long test password"), false, DateTimeOffset.UtcNow), Cancellation));
        return (await AccountRules.IssueTokenAsync(A.Store, name, "tests", DateTimeOffset.UtcNow, Cancellation))!.Token;
    }

    [Fact]
    public async Task TabsOfOneBrowserOnBothInstancesCountAsOneViewer()
    {
        // bo watches from B (signed in, so he is sent names). One anonymous browser opens a tab on each instance:
        // 2 viewers on both instances, not 3.
        var bo = await TokenForAsync("bo");
        var (observer, seenByBo) = await ConnectAsync(B, bo, browser: "browser-bo-0003");
        await using var watching = observer;
        var (tabOnA, seenOnA) = await ConnectAsync(A, token: null, browser: "browser-one-0001");
        await using var a = tabOnA;
        var (tabOnB, _) = await ConnectAsync(B, token: null, browser: "browser-one-0001");
        await using var b = tabOnB;
        await UntilAsync(seenOnA, p => p.Viewers == 2, never: p => p.Viewers > 2);
        await UntilAsync(seenByBo, p => p.Viewers == 2 && p.Users.SequenceEqual(["bo"]), never: p => p.Viewers > 2);

        // A second browser has an anonymous tab on B and signs in as ana in a tab on A: it is ana, not also an
        // anonymous viewer beside her.
        var (otherOnB, _) = await ConnectAsync(B, token: null, browser: "browser-two-0002");
        await using var other = otherOnB;
        var ana = await TokenForAsync("ana");
        var (signedInOnA, _) = await ConnectAsync(A, ana, browser: "browser-two-0002");
        await using var signedIn = signedInOnA;
        await UntilAsync(seenByBo, p => p.Viewers == 3 && p.Users.SequenceEqual(["ana", "bo"]), never: p => p.Viewers > 3);

        // The first browser's tabs close, one on each instance.
        await tabOnB.StopAsync(Cancellation);
        await tabOnA.StopAsync(Cancellation);
        await UntilAsync(seenByBo, p => p.Viewers == 2 && p.Users.SequenceEqual(["ana", "bo"]), never: p => p.Viewers > 3);
    }

    private static async Task<(HubConnection Connection, ChannelReader<PresenceEvent> Presence)> ConnectAsync(BackplaneCluster.Instance instance, string? token, string? browser = null)
    {
        var presence = Channel.CreateUnbounded<PresenceEvent>();
        var path = browser is null ? LiveApi.HubPath : $"{LiveApi.HubPath}?{GraphHub.BrowserQueryParameter}={browser}";
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(instance.Address, path), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();
        connection.On<PresenceEvent>(nameof(IGraphClient.Presence), p => presence.Writer.TryWrite(p));
        await connection.StartAsync(Cancellation);
        return (connection, presence.Reader);
    }

    /// <summary>Reads presence until <paramref name="condition"/> holds; fails on a <paramref name="never"/> on the way.</summary>
    private static async Task UntilAsync(ChannelReader<PresenceEvent> presence, Func<PresenceEvent, bool> condition, Func<PresenceEvent, bool>? never = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(Patience);
        PresenceEvent? last = null;
        try
        {
            while (true)
            {
                last = await presence.ReadAsync(timeout.Token);
                Assert.False(never is not null && never(last), $"presence went where it never should: {last.Viewers} viewers, users [{string.Join(", ", last.Users)}]");
                if (condition(last))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"presence never got there; last seen: {last?.Viewers} viewers, users [{string.Join(", ", last?.Users ?? [])}]");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
