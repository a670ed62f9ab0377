using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Explorer.Telemetry;

/// <summary>
/// Explorer's own meter ("Explorer"): query latency by kind, write commit latency, index builds. The server
/// exports it with OpenTelemetry (Prometheus or OTLP) beside ASP.NET Core's meters and adds the live
/// channel's instruments; without a listener every Record is a cheap no-op.
/// </summary>
public static class ExplorerMetrics
{
    public const string MeterName = "Explorer";

    private static readonly Meter s_meter = new(MeterName, typeof(ExplorerMetrics).Assembly.GetName().Version?.ToString());

    // Bucket bounds for sub-millisecond engine work up to multi-second rebuilds (seconds, as OpenTelemetry's conventions ask).
    private static readonly double[] s_fast = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly double[] s_slow = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    /// <summary><c>explorer.query.duration</c>: time in the query engine (no HTTP), tagged <c>explorer.query</c> = path | neighborhood | search, and <c>explorer.path.mode</c> for paths.</summary>
    public static readonly Histogram<double> QueryDuration = s_meter.CreateHistogram(
        "explorer.query.duration", "s", "Time to answer a query in the engine (resolution, search or traversal, and materializing the answer)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_fast });

    /// <summary><c>explorer.store.commit.duration</c>: from taking the write lock to a durable commit, tagged <c>explorer.write</c> = topology | annotation | seed.</summary>
    public static readonly Histogram<double> CommitDuration = s_meter.CreateHistogram(
        "explorer.store.commit.duration", "s", "Time to commit a write durably, waiting for the writer lock included",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_fast });

    /// <summary><c>explorer.store.commit.batch_size</c>: writes per commit (annotation writes are committed in groups).</summary>
    public static readonly Histogram<int> CommitBatchSize = s_meter.CreateHistogram<int>(
        "explorer.store.commit.batch_size", "{write}", "Writes per durable commit",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });

    /// <summary><c>explorer.index.build.duration</c>: building or rebuilding the in-memory index, tagged <c>explorer.index.reason</c> = load | write | seed.</summary>
    public static readonly Histogram<double> IndexBuildDuration = s_meter.CreateHistogram(
        "explorer.index.build.duration", "s", "Time to build or rebuild the in-memory graph index",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_slow });

    /// <summary>Records <paramref name="started"/> (a <see cref="Stopwatch.GetTimestamp"/>) until now on <paramref name="histogram"/>.</summary>
    public static void RecordSince(this Histogram<double> histogram, long started, KeyValuePair<string, object?> tag)
    {
        if (histogram.Enabled)
        {
            histogram.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
        }
    }

    /// <summary>Same, with two tags.</summary>
    public static void RecordSince(this Histogram<double> histogram, long started, KeyValuePair<string, object?> tag1, KeyValuePair<string, object?> tag2)
    {
        if (histogram.Enabled)
        {
            histogram.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag1, tag2);
        }
    }
}
