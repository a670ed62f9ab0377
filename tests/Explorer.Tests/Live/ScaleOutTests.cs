using System.Text.Json.Serialization;
using System.Net.Sockets;
using System.Threading.Channels;
using Explorer.Graph;
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
/// Two Explorer instances on real ports over one store (a shared SQLite file stands in for Neo4j here) and one
/// Redis backplane: a browser on instance A hears a change written through instance B, exactly once. Needs a
/// redis-server (EXPLORER_TEST_REDIS=host:port, which .ci/run starts); without one the tests are skipped.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _directory = new();
    private readonly string _prefix = $"explorer-test-{Guid.NewGuid():N}";
    private Instance? _a;
    private Instance? _b;

    public async ValueTask InitializeAsync()
    {
        var redis = Environment.GetEnvironmentVariable("EXPLORER_TEST_REDIS") is { Length: > 0 } configured ? configured : "127.0.0.1:6379";
        if (await UnreachableAsync(redis) is { } reason)
        {
            Assert.Skip($"No Redis for the backplane at {redis} ({reason}); .ci/run starts one and sets EXPLORER_TEST_REDIS");
        }

        _a = new Instance(_directory.File("explorer.db"), redis, _prefix, seed: true);
        _a.Start();
        _b = new Instance(_directory.File("explorer.db"), redis, _prefix, seed: false);
        _b.Start();
    }

    [Fact]
    public async Task AClientOnOneInstanceHearsAChangeWrittenThroughTheOtherOnce()
    {
        var changes = Channel.CreateUnbounded<ChangeEvent>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_a!.Address, LiveApi.HubPath), options =>
            {
                // No sticky sessions between the instances: WebSockets only, without the negotiate round trip.
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        connection.On<ChangeEvent>(nameof(IGraphClient.Changed), change => changes.Writer.TryWrite(change));
        await connection.StartAsync(TestContext.Current.CancellationToken);

        var written = await _b!.Store.UpsertNodeAsync(new Node("scale-out-node", NodeKind.Theme, "Scale-out theme", [], "Written through instance B."), TestContext.Current.CancellationToken);
        _b.Publisher.Signal();

        using var timeout = new CancellationTokenSource(Patience);
        ChangeEvent change;
        do
        {
            change = await changes.Reader.ReadAsync(timeout.Token);
        }
        while (change.Seq < written.Seq);

        Assert.Equal(written.Seq, change.Seq);
        Assert.Equal("scale-out-node", change.EntityId);
        Assert.Equal(ChangeKind.NodeUpserted, change.Kind);

        // (Node may be null here: the publisher may be A, whose embedded in-memory index does not see B's write;
        // over Neo4j every instance reads the same graph.)

        // Both instances read the same change log; only the deployment's publisher sends it.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var again = new List<ChangeEvent>();
        while (changes.Reader.TryRead(out var extra))
        {
            again.Add(extra);
        }

        Assert.DoesNotContain(again, c => c.Seq == written.Seq);
        Assert.Equal(1, new[] { _a.Publisher, _b.Publisher }.Count(p => p.IsLeadingForTests));
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

        _directory.Dispose();
    }

    private static async Task<string?> UnreachableAsync(string endpoint)
    {
        var parts = endpoint.Split(',')[0].Split(':');
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(parts[0], parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 6379, timeout.Token);
            return null;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return ex.Message;
        }
    }

    /// <summary>One Explorer on a real Kestrel port.</summary>
    private sealed class Instance(string databasePath, string redis, string prefix, bool seed) : WebApplicationFactory<Program>
    {
        public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        public IGraphStore Store => Services.GetRequiredService<IGraphStore>();

        public ChangePublisher Publisher => Services.GetRequiredService<ChangePublisher>();

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
