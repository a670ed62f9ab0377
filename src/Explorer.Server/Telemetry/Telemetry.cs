using System.Diagnostics.Metrics;
using Explorer.Graph;
using Explorer.Server.Health;
using Explorer.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Explorer.Server.Telemetry;

/// <summary>
/// Metrics and traces with OpenTelemetry. Exported only when asked for:
/// <c>Explorer:Metrics:Prometheus=true</c> maps a Prometheus scrape endpoint at <c>/metrics</c>, and the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or its <c>_METRICS_</c> / <c>_TRACES_</c> forms, with the other
/// <c>OTEL_*</c> variables: protocol, headers, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>) turns
/// on OTLP. Meters: ASP.NET Core's own (HTTP server, Kestrel, SignalR connections, routing, exceptions,
/// rate limiting) and Explorer's (<see cref="ExplorerMetrics"/> and <see cref="LiveMetrics"/>).
/// </summary>
internal static class TelemetryRegistration
{
    public const string PrometheusSetting = "Explorer:Metrics:Prometheus";
    public const string PrometheusPath = "/metrics";

    private static readonly string[] s_aspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
    ];

    public static IServiceCollection AddExplorerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LiveMetrics>();

        // Observable instruments exist from start-up, whoever listens (OpenTelemetry, dotnet-counters, tests).
        services.AddHostedService<StoreMetrics>();

        var prometheus = configuration.GetValue<bool>(PrometheusSetting);
        var otlpMetrics = Configured(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT") || Configured(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        var otlpTraces = Configured(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT") || Configured(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (!prometheus && !otlpMetrics && !otlpTraces)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("explorer"));
        if (prometheus || otlpMetrics)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddMeter(s_aspNetCoreMeters).AddMeter(ExplorerMetrics.MeterName);
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlpMetrics)
                {
                    metrics.AddOtlpExporter();
                }
            });
        }

        if (otlpTraces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>The Prometheus scrape endpoint, when <see cref="PrometheusSetting"/> is on. Anonymous: keep it on the internal network.</summary>
    public static IEndpointRouteBuilder MapTelemetry(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (configuration.GetValue<bool>(PrometheusSetting))
        {
            app.MapPrometheusScrapingEndpoint(PrometheusPath).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    private static bool Configured(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
}

/// <summary>The live channel's instruments: open hub connections and how long a broadcast takes to fan out.</summary>
public sealed class LiveMetrics
{
    private readonly UpDownCounter<long> _connections;
    private readonly Histogram<double> _broadcast;
    private readonly Histogram<double> _lag;

    public LiveMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ExplorerMetrics.MeterName);
        _connections = meter.CreateUpDownCounter<long>("explorer.hub.connections", "{connection}", "Open connections to the live hub on this instance");
        double[] buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
        _broadcast = meter.CreateHistogram("explorer.live.broadcast.duration", "s", "Time to hand one change to every connected client (or to the backplane)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
        _lag = meter.CreateHistogram("explorer.live.change.lag", "s", "From a change's commit to its broadcast",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
    }

    public void Connected() => _connections.Add(1);

    public void Disconnected() => _connections.Add(-1);

    public void Broadcast(TimeSpan duration, TimeSpan sinceCommit, string kind)
    {
        _broadcast.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("explorer.change.kind", kind));
        _lag.Record(Math.Max(0, sinceCommit.TotalSeconds), new KeyValuePair<string, object?>("explorer.change.kind", kind));
    }
}

/// <summary>The store's size as observable gauges (nodes and edges in the index), and whether storage is refusing writes.</summary>
public sealed class StoreMetrics : IHostedService
{
    public StoreMetrics(IMeterFactory meters, IGraphStore store, StorageState storage)
    {
        var meter = meters.Create(ExplorerMetrics.MeterName);
        meter.CreateObservableGauge("explorer.index.nodes", () => Counts(store)?.Nodes ?? 0, "{node}", "Nodes in the graph index");
        meter.CreateObservableGauge("explorer.index.edges", () => Counts(store)?.Edges ?? 0, "{edge}", "Edges in the graph index");
        meter.CreateObservableGauge("explorer.storage.fault", () => storage.Current is { } fault
            ? new Measurement<int>(1, new KeyValuePair<string, object?>("explorer.storage.fault", fault.Fault.Kind.ToString()))
            : new Measurement<int>(0), "{fault}", "1 while storage refuses writes (tagged Full or Unavailable), else 0");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static GraphCounts? Counts(IGraphStore store)
    {
        try
        {
            // The embedded store answers from memory at once; a remote store gets a short wait, never a hung scrape.
            var counts = store.CountAsync();
            return counts.Wait(TimeSpan.FromSeconds(2)) ? counts.Result : null;
        }
        catch (Exception ex) when (ex is AggregateException or InvalidOperationException)
        {
            return null;
        }
    }
}
