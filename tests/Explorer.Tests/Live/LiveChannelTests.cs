using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Explorer.Graph;
using Explorer.Server.Live;
using Explorer.Tests.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Live;

public sealed class LiveChannelTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private Task<(HubConnection Connection, ChannelReader<ChangeEvent> Changes)> ConnectAsync() => ConnectAsync<ChangeEvent>();

    /// <summary>A hub client reading changes as <typeparamref name="T"/>: our record, or JsonElement for the wire format.</summary>
    private async Task<(HubConnection Connection, ChannelReader<T> Changes)> ConnectAsync<T>()
    {
        var changes = Channel.CreateUnbounded<T>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, LiveApi.HubPath), options =>
            {
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        connection.On<T>(nameof(IGraphClient.Changed), change => changes.Writer.TryWrite(change));
        await connection.StartAsync();
        return (connection, changes.Reader);
    }

    [Fact]
    public async Task ACommittedWriteReachesConnectedClientsWithItsRecordAndSequence()
    {
        var (connection, changes) = await ConnectAsync();
        await using var _ = connection;
        var before = await connection.InvokeAsync<long>(nameof(GraphHub.LastSeq));

        var written = await factory.Store.UpsertNodeAsync(new Node("live-test-node", NodeKind.Theme, "Live test theme", [], "Pushed to browsers."));
        factory.Services.GetRequiredService<ChangePublisher>().Signal();

        using var timeout = new CancellationTokenSource(Patience);
        var change = await changes.ReadAsync(timeout.Token);
        Assert.Equal(written.Seq, change.Seq);
        Assert.True(change.Seq > before);
        Assert.Equal(ChangeKind.NodeUpserted, change.Kind);
        Assert.Equal("Live test theme", change.Node!.Name);
    }

    [Fact]
    public async Task ChangeKindsAndNodeKindsTravelAsTheirNamesAsInTheChangesApi()
    {
        var (connection, raw) = await ConnectAsync<JsonElement>();
        await using var _ = connection;

        var written = await factory.Store.UpsertNodeAsync(new Node("wire-kind-node", NodeKind.Mission, "Wire kind mission", [], ""));
        factory.Services.GetRequiredService<ChangePublisher>().Signal();

        using var timeout = new CancellationTokenSource(Patience);
        JsonElement change;
        do
        {
            change = await raw.ReadAsync(timeout.Token);
        }
        while (change.GetProperty("seq").GetInt64() != written.Seq);

        Assert.Equal("NodeUpserted", change.GetProperty("kind").GetString());
        Assert.Equal("Mission", change.GetProperty("node").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task ChangesArriveOnceInSequenceOrderAndMatchTheChangeLog()
    {
        var (connection, changes) = await ConnectAsync();
        await using var _ = connection;
        var first = await connection.InvokeAsync<long>(nameof(GraphHub.LastSeq));
        var publisher = factory.Services.GetRequiredService<ChangePublisher>();

        var seqs = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            seqs.Add((await factory.Store.UpsertNodeAsync(new Node($"order-{i}", NodeKind.Theme, $"Order {i}", [], ""))).Seq);
            publisher.Signal();
        }

        seqs.Add((await factory.Store.RemoveNodeAsync("order-0"))!.Seq);
        publisher.Signal();

        using var timeout = new CancellationTokenSource(Patience);
        var received = new List<ChangeEvent>();
        while (received.Count < seqs.Count)
        {
            received.Add(await changes.ReadAsync(timeout.Token));
        }

        Assert.Equal(seqs, received.Select(c => c.Seq));
        Assert.Null(received[^1].Node);
        using var log = System.Text.Json.JsonDocument.Parse(await factory.CreateClient().GetStringAsync($"/api/changes?after={first}"));
        Assert.Equal(seqs, log.RootElement.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task WritesFromAnotherProcessArePickedUpByThePoll()
    {
        var (connection, changes) = await ConnectAsync();
        await using var _ = connection;

        // A second store over the same file stands in for the CLI's import in another process: no Signal().
        await using var other = Explorer.Embedded.EmbeddedStore.Create(factory.DatabasePath);
        await other.InitializeAsync();
        var written = await other.UpsertNodeAsync(new Node("from-elsewhere", NodeKind.Theme, "From elsewhere", [], ""));

        using var timeout = new CancellationTokenSource(Patience);
        ChangeEvent change;
        do
        {
            change = await changes.ReadAsync(timeout.Token);
        }
        while (change.Seq < written.Seq);

        Assert.Equal(written.Seq, change.Seq);
        Assert.Equal("from-elsewhere", change.EntityId);
    }

    [Fact]
    public async Task PresenceCountsViewers()
    {
        var presence = Channel.CreateUnbounded<PresenceEvent>();
        var (first, _) = await ConnectAsync();
        await using var a = first;
        first.On<PresenceEvent>(nameof(IGraphClient.Presence), p => presence.Writer.TryWrite(p));
        var (second, _) = await ConnectAsync();
        await using var b = second;

        using var timeout = new CancellationTokenSource(Patience);
        PresenceEvent seen;
        do
        {
            seen = await presence.Reader.ReadAsync(timeout.Token);
        }
        while (seen.Viewers < 2);

        Assert.True(seen.Viewers >= 2);
    }
}
