using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Explorer.Graph;
using Explorer.Server.Live;
using Explorer.Telemetry;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Explorer.Tests.Operations;

/// <summary>The app with the Prometheus scrape endpoint turned on.</summary>
public sealed class PrometheusFactory : AccountsFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["Explorer:Metrics:Prometheus"] = "true" };
}

public sealed class MetricsTests(PrometheusFactory factory) : IClassFixture<PrometheusFactory>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryExplorerMeterRecordsWhatTheServerDoes()
    {
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ExplorerMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Keep(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Keep(i, v, t));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Keep(i, v, t));
        listener.Start();

        var changes = Channel.CreateUnbounded<JsonElement>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, LiveApi.HubPath), options =>
            {
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        hub.On<JsonElement>(nameof(IGraphClient.Changed), change => changes.Writer.TryWrite(change));
        await hub.StartAsync(Cancellation);

        using var ana = factory.ClientFor(AccountsFactory.Ana);
        await ana.GetOkAsync("/api/paths?from=nato&to=balkans");
        await ana.GetOkAsync("/api/nodes/nato/neighborhood");
        await ana.GetOkAsync("/api/search?q=Somalia");
        var id = await ana.AnnotateAsync("un-conducted-minusma", "measured");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while ((await changes.Reader.ReadAsync(timeout.Token)).GetProperty("entityId").GetString() != id)
            {
            }
        }

        await factory.Store.UpsertNodeAsync(new Node("metrics-test-node", NodeKind.Theme, "Metrics test node", [], "A node written to time an index update."), Cancellation);
        listener.RecordObservableInstruments();

        var seen = measurements.ToList();
        foreach (var query in new[] { "path", "neighborhood", "search" })
        {
            Assert.Contains(seen, m => m.Name == "explorer.query.duration" && Equals(m.Tags.GetValueOrDefault("explorer.query"), query) && m.Value > 0);
        }

        Assert.Contains(seen, m => m.Name == "explorer.store.commit.duration" && Equals(m.Tags.GetValueOrDefault("explorer.write"), "annotation"));
        Assert.Contains(seen, m => m.Name == "explorer.store.commit.duration" && Equals(m.Tags.GetValueOrDefault("explorer.write"), "topology"));
        Assert.Contains(seen, m => m.Name == "explorer.store.commit.batch_size" && m.Value >= 1);
        Assert.Contains(seen, m => m.Name == "explorer.index.build.duration" && Equals(m.Tags.GetValueOrDefault("explorer.index.reason"), "write"));
        Assert.Contains(seen, m => m.Name == "explorer.hub.connections" && m.Value == 1);
        Assert.Contains(seen, m => m.Name == "explorer.live.broadcast.duration" && Equals(m.Tags.GetValueOrDefault("explorer.change.kind"), "AnnotationAdded"));
        Assert.Contains(seen, m => m.Name == "explorer.live.change.lag");
        Assert.Contains(seen, m => m.Name == "explorer.index.nodes" && m.Value == Seeded.Dataset.Nodes.Count + 1);
        Assert.Contains(seen, m => m.Name == "explorer.index.edges" && m.Value == Seeded.Dataset.Edges.Count);
        Assert.Contains(seen, m => m.Name == "explorer.storage.fault" && m.Value == 0);
    }

    [Fact]
    public async Task ThePrometheusEndpointServesAspNetCoresMetersAndExplorers()
    {
        using var client = factory.CreateClient();
        await client.GetOkAsync("/api/search?q=NATO");
        await client.GetOkAsync("/api/paths?from=nato&to=balkans");

        using var response = await client.GetAsync("/metrics", Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("explorer_query_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("explorer_index_nodes", text, StringComparison.Ordinal);
    }
}

public sealed class MetricsOffTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    [Fact]
    public async Task WithoutTheSettingThereIsNoScrapeEndpoint()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }
}
