using System.Text.Json.Serialization;
using System.Threading.Channels;
using Explorer.Graph;
using Explorer.Server.Live;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Live;

/// <summary>
/// Two Explorer instances over one store and one Redis backplane (<see cref="BackplaneCluster"/>, with a
/// redis-server of the test's own): a browser on instance A hears a change written through instance B, exactly once.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private BackplaneCluster? _cluster;

    private BackplaneCluster.Instance A => _cluster!.A;

    private BackplaneCluster.Instance B => _cluster!.B;

    public async ValueTask InitializeAsync() => _cluster = await BackplaneCluster.StartAsync("scale-out");

    [Fact]
    public async Task AClientOnOneInstanceHearsAChangeWrittenThroughTheOtherOnce()
    {
        var changes = Channel.CreateUnbounded<ChangeEvent>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(A.Address, LiveApi.HubPath), options =>
            {
                // No sticky sessions between the instances: WebSockets only, without the negotiate round trip.
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        connection.On<ChangeEvent>(nameof(IGraphClient.Changed), change => changes.Writer.TryWrite(change));
        await connection.StartAsync(TestContext.Current.CancellationToken);

        var written = await B.Store.UpsertNodeAsync(new Node("scale-out-node", NodeKind.Theme, "Scale-out theme", [], "Written through instance B."), TestContext.Current.CancellationToken);
        B.Publisher.Signal();

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
        Assert.Equal(1, new[] { A.Publisher, B.Publisher }.Count(p => p.IsLeadingForTests));
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
