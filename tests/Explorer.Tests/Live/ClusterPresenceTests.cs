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

        // A third instance reports a viewer once and then dies: it never renews, never says goodbye.
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_cluster!.Redis);
        await using (redis)
        {
            var db = redis.GetDatabase();
            await db.HashSetAsync($"{Prefix}:presence:dead-instance", [new StackExchange.Redis.HashEntry("ghost-connection", "ghost")]);
            await db.KeyExpireAsync($"{Prefix}:presence:dead-instance", LiveBackplane.PresenceLease);
            await db.SortedSetAddAsync($"{Prefix}:presence:instances", "dead-instance", DateTimeOffset.UtcNow.Add(LiveBackplane.PresenceLease).ToUnixTimeMilliseconds());
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

    private static async Task<(HubConnection Connection, ChannelReader<PresenceEvent> Presence)> ConnectAsync(BackplaneCluster.Instance instance, string token)
    {
        var presence = Channel.CreateUnbounded<PresenceEvent>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(instance.Address, LiveApi.HubPath), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        connection.On<PresenceEvent>(nameof(IGraphClient.Presence), p => presence.Writer.TryWrite(p));
        await connection.StartAsync(Cancellation);
        return (connection, presence.Reader);
    }

    private static async Task UntilAsync(ChannelReader<PresenceEvent> presence, Func<PresenceEvent, bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(Patience);
        PresenceEvent? last = null;
        try
        {
            while (true)
            {
                last = await presence.ReadAsync(timeout.Token);
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
