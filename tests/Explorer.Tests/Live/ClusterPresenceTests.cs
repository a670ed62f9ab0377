using System.Threading.Channels;
using Explorer.Accounts;
using Explorer.Graph;
using Explorer.Server.Auth;
using Explorer.Server.Live;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Live;

/// <summary>
/// Presence across a deployment: two Explorer instances on real ports over one store and a real redis-server
/// of the test's own. Viewers on either instance are counted and named on both; an instance that stops
/// renewing its entry (as a dead one does) drops out by itself.
/// </summary>
public sealed class ClusterPresenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();
    private readonly string _prefix = $"explorer-presence-{Guid.NewGuid():N}";
    private RedisServer? _redis;
    private Instance? _a;
    private Instance? _b;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(Cancellation);
        if (_redis is null)
        {
            Assert.Skip("redis-server is not installed (apt-get install redis-server); .ci/run installs it");
        }

        _a = new Instance(_directory.File("explorer.db"), _redis.Endpoint, _prefix, seed: true);
        _a.Start();
        _b = new Instance(_directory.File("explorer.db"), _redis.Endpoint, _prefix, seed: false);
        _b.Start();
    }

    [Fact]
    public async Task ViewersOnBothInstancesAreCountedAndNamedOnEachAndADeadInstanceDropsOut()
    {
        var ana = await TokenForAsync("ana");
        var bo = await TokenForAsync("bo");
        var (onA, seenOnA) = await ConnectAsync(_a!, ana);
        await using var a = onA;
        var (onB, seenOnB) = await ConnectAsync(_b!, bo);
        await using var b = onB;

        await UntilAsync(seenOnA, p => p.Viewers == 2 && p.Users.SequenceEqual(["ana", "bo"]));
        await UntilAsync(seenOnB, p => p.Viewers == 2 && p.Users.SequenceEqual(["ana", "bo"]));

        // A third instance reports a viewer once and then dies: it never renews, never says goodbye.
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis!.Endpoint);
        await using (redis)
        {
            var db = redis.GetDatabase();
            await db.HashSetAsync($"{_prefix}:presence:dead-instance", [new StackExchange.Redis.HashEntry("ghost-connection", "ghost")]);
            await db.KeyExpireAsync($"{_prefix}:presence:dead-instance", LiveBackplane.PresenceLease);
            await db.SortedSetAddAsync($"{_prefix}:presence:instances", "dead-instance", DateTimeOffset.UtcNow.Add(LiveBackplane.PresenceLease).ToUnixTimeMilliseconds());
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
        Assert.True(await _a!.Store.AddUserAsync(new User(name, Role.Analyst, Passwords.Hash("a long test password"), false, DateTimeOffset.UtcNow), Cancellation));
        return (await AccountRules.IssueTokenAsync(_a.Store, name, "tests", DateTimeOffset.UtcNow, Cancellation))!.Token;
    }

    private static async Task<(HubConnection Connection, ChannelReader<PresenceEvent> Presence)> ConnectAsync(Instance instance, string token)
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
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        _redis?.Dispose();
        _directory.Dispose();
    }

    /// <summary>One Explorer on a real Kestrel port.</summary>
    private sealed class Instance(string databasePath, string redis, string prefix, bool seed) : WebApplicationFactory<Program>
    {
        public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        public IGraphStore Store => Services.GetRequiredService<IGraphStore>();

        public void Start()
        {
            UseKestrel(0);
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Explorer:DatabasePath", databasePath);
            builder.UseSetting("Explorer:SeedOnStart", seed ? "true" : "false");
            builder.UseSetting("Explorer:Redis:ConnectionString", redis);
            builder.UseSetting("Explorer:Redis:ChannelPrefix", prefix);
        }
    }
}
