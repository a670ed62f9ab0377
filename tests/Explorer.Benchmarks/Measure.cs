using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Explorer.Benchmarks;

/// <summary>Latency samples in milliseconds with their median and 95th percentile (nearest rank).</summary>
internal sealed record Latency(int Queries, int Samples, double MedianMs, double P95Ms, double MeanMs)
{
    public static Latency Of(IReadOnlyList<double> samplesMs, int queries)
    {
        if (samplesMs.Count == 0)
        {
            return new Latency(queries, 0, double.NaN, double.NaN, double.NaN);
        }

        var sorted = samplesMs.Order().ToArray();
        return new Latency(queries, sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted.Average());
    }

    private static double Percentile(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Two implementations timed side by side (<see cref="Measure.TimePaired"/>): each one's latency, the median of
/// the per-call ratio a/b, and the share of calls where a was the faster.
/// </summary>
internal sealed record PairedLatency(Latency A, Latency B, double MedianRatio, double AFasterShare);

/// <summary>Build figures: wall time, process peak resident memory over the pre-build baseline, retained managed heap.</summary>
internal sealed record BuildCost(double Seconds, long PeakRssDeltaBytes, long RetainedHeapBytes, long StructureBytes)
{
    /// <summary>CPU time of the whole process (every thread) during the build, in seconds.</summary>
    public double CpuSeconds { get; init; }
}

internal static class Measure
{
    private static readonly double s_ticksToMs = 1000.0 / Stopwatch.Frequency;

    public static double ElapsedMs(long startTimestamp) => (Stopwatch.GetTimestamp() - startTimestamp) * s_ticksToMs;

    /// <summary>
    /// Times <paramref name="query"/> for each item: untimed passes over all items (at least
    /// <paramref name="warmupRounds"/>, and for at least a second, then a pause, so the JIT has promoted the
    /// hot code to its optimized tier), then <paramref name="rounds"/> timed passes; every call is one sample.
    /// </summary>
    public static Latency Time<T>(IReadOnlyList<T> items, int warmupRounds, int rounds, Action<T> query, string label)
    {
        WarmUp(warmupRounds, () =>
        {
            foreach (var item in items)
            {
                query(item);
            }
        });

        if (warmupRounds > 0)
        {
            Thread.Sleep(250);
            foreach (var item in items)
            {
                query(item);
            }
        }

        var samples = new List<double>(items.Count * rounds);
        for (var r = 0; r < rounds; r++)
        {
            foreach (var item in items)
            {
                samples.Add(TimeOne(query, item));
            }

            Progress.Line($"  {label}: round {r + 1}/{rounds} done");
        }

        return Latency.Of(samples, items.Count);
    }

    /// <summary>
    /// Times two implementations of the same query side by side: each round is a timed pass of one over all items
    /// and then a pass of the other, the order alternating from round to round, so a load change on a shared
    /// machine falls on both alike, and neither call of an item runs on the cache the other just warmed for that
    /// same item. The per-item ratio a/b within a round is what tells a small difference from noise; two timing
    /// loops minutes apart cannot.
    /// </summary>
    public static PairedLatency TimePaired<T>(IReadOnlyList<T> items, int warmupRounds, int rounds, Action<T> a, Action<T> b, string label)
    {
        WarmUp(warmupRounds, () =>
        {
            foreach (var item in items)
            {
                a(item);
            }

            foreach (var item in items)
            {
                b(item);
            }
        });

        var samplesA = new List<double>(items.Count * rounds);
        var samplesB = new List<double>(items.Count * rounds);
        var ratios = new List<double>(items.Count * rounds);
        var aFaster = 0;
        var passA = new double[items.Count];
        var passB = new double[items.Count];
        for (var r = 0; r < rounds; r++)
        {
            // Rounds go A B, B A, A B, ...: every pass of A has a pass of B right beside it.
            var first = (r & 1) == 0 ? a : b;
            var second = (r & 1) == 0 ? b : a;
            var (firstTimes, secondTimes) = (r & 1) == 0 ? (passA, passB) : (passB, passA);
            Pass(items, first, firstTimes);
            Pass(items, second, secondTimes);
            for (var i = 0; i < items.Count; i++)
            {
                samplesA.Add(passA[i]);
                samplesB.Add(passB[i]);
                ratios.Add(passA[i] / Math.Max(passB[i], 1e-9));
                aFaster += passA[i] < passB[i] ? 1 : 0;
            }

            Progress.Line($"  {label}: round {r + 1}/{rounds} done");
        }

        ratios.Sort();
        return new PairedLatency(Latency.Of(samplesA, items.Count), Latency.Of(samplesB, items.Count), ratios[ratios.Count / 2], (double)aFaster / ratios.Count);
    }

    /// <summary>Untimed passes: at least <paramref name="warmupRounds"/>, and for at least a second (none if 0).</summary>
    private static void WarmUp(int warmupRounds, Action pass)
    {
        var warmupStart = Stopwatch.GetTimestamp();
        for (var w = 0; w < warmupRounds || (warmupRounds > 0 && ElapsedMs(warmupStart) < 1000); w++)
        {
            pass();
        }
    }

    private static void Pass<T>(IReadOnlyList<T> items, Action<T> query, double[] times)
    {
        for (var i = 0; i < items.Count; i++)
        {
            times[i] = TimeOne(query, items[i]);
        }
    }

    private static double TimeOne<T>(Action<T> query, T item)
    {
        var start = Stopwatch.GetTimestamp();
        query(item);
        return ElapsedMs(start);
    }

    /// <summary>Full blocking, compacting collection that also hands free memory back to the OS.</summary>
    public static void CollectAll()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    public static long ManagedHeap() => GC.GetTotalMemory(forceFullCollection: false);

    /// <summary>Runs a build and reports its time, peak RSS above the baseline and the managed heap it retains.</summary>
    public static BuildCost Build<T>(Func<T> build, Func<T, long> structureBytes, out T result)
    {
        CollectAll();
        var heapBefore = ManagedHeap();
        var rssBefore = ProcStatus.RssBytes();
        ProcStatus.ResetPeak();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        result = build();
        var seconds = ElapsedMs(start) / 1000.0;
        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
        var peak = ProcStatus.PeakRssBytes();
        CollectAll();
        var heapAfter = ManagedHeap();
        GC.KeepAlive(result);
        return new BuildCost(seconds, peak > 0 && rssBefore > 0 ? peak - rssBefore : -1, heapAfter - heapBefore, structureBytes(result)) { CpuSeconds = cpu };
    }
}

/// <summary>Reads the Linux /proc/self/status memory counters; resets the peak (VmHWM) through clear_refs.</summary>
internal static class ProcStatus
{
    public static bool PeakResetWorks { get; private set; } = true;

    public static long RssBytes() => Read("VmRSS:");

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static long PeakRssBytes() => Read("VmHWM:");

    /// <summary>This process's anonymous memory backed by transparent huge pages (-1 where /proc/self/smaps_rollup is not there).</summary>
    public static long AnonHugePagesBytes() => Read("AnonHugePages:", "/proc/self/smaps_rollup");

    /// <summary>Another process's peak resident set size so far (-1 once it has gone).</summary>
    public static long PeakRssBytes(int pid) => Read("VmHWM:", $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");

    /// <summary>
    /// Another process's CPU time so far (user + system, from /proc/PID/stat; -1 once it has gone): sampled while
    /// it runs, as its peak RSS is, so the last sample misses at most the interval before it exits.
    /// </summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");

            // Fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return TimeSpan.FromSeconds(-1);
        }
    }

    public static void ResetPeak()
    {
        try
        {
            // "5" resets the peak resident set size to the current one (Linux 4.0+).
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PeakResetWorks = false;
        }
    }

    private static long Read(string key, string path = "/proc/self/status")
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return -1;
    }
}

/// <summary>Progress lines on stderr with the elapsed time since start.</summary>
internal static class Progress
{
    private static readonly Stopwatch s_clock = Stopwatch.StartNew();

    public static void Line(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{s_clock.Elapsed.TotalSeconds,7:F1}s] {message}"));
}

internal static class Format
{
    public static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms switch
    {
        < 0.1 => string.Create(CultureInfo.InvariantCulture, $"{ms:F4}"),
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{ms:F3}"),
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{ms:F1}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms:F0}"),
    };

    public static string Bytes(long bytes) => bytes < 0 ? "-" : bytes switch
    {
        < 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB"),
        < 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):F2} GiB"),
    };

    public static string Seconds(double s) => double.IsNaN(s) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{s:F2} s");

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
