using System.Globalization;
using System.Text.Json.Nodes;

namespace Explorer.Benchmarks;

/// <summary>The final plain-text table (and the same figures as JSON).</summary>
internal sealed class Report(
    Options options,
    string machine,
    string loadAtStart,
    SyntheticGraph graph,
    int maxDegree,
    double generateSeconds,
    EngineResult[] engines,
    PairedLatency versusBefore,
    BuildCost csrCost,
    BuildCost nameCost,
    Latency neighborhood,
    long neighborhoodNodes,
    int neighborhoodTruncated,
    Latency searchExact,
    Latency searchPrefix,
    int exactFound,
    double prefixHits,
    double seedSeconds,
    long dbBytes,
    List<JsonNode> startups,
    JsonNode? breakdown,
    List<string> mismatches,
    int?[] lengths)
{
    private const double TargetShortestMs = 0.06;
    private const double Issue9ShortestMs = 0.022;
    private const double TargetNeighborhoodMs = 0.1;
    private const long TargetIndexBytes = 1L << 30;
    private const double TargetStartupSeconds = 10;

    private EngineResult Explorer => engines[0];

    private EngineResult Before => engines[1];

    private EngineResult Naive => engines[2];

    private EngineResult Quik => engines[3];

    private EngineResult Nx => engines[4];

    private double StartupMedian => startups.Count == 0 ? double.NaN : Median(startups.Select(s => (double)s["seconds"]!));

    private long IndexBytes => csrCost.RetainedHeapBytes + nameCost.RetainedHeapBytes;

    public void Print(TextWriter w)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine();
        w.WriteLine(string.Create(inv, $"== Explorer benchmark: {Format.Count(graph.NodeCount)} nodes, {Format.Count(graph.EdgeCount)} edges (Barabási–Albert, m={graph.M}, seed={graph.Seed}, max degree {Format.Count(maxDegree)}) =="));
        w.WriteLine($"machine: {machine}");
        w.WriteLine($"load average (1/5/15 min) at start: {loadAtStart}; at end: {ProcStatus.LoadAverage()} (other work on the machine inflates wall times)");
        w.WriteLine(string.Create(inv, $"generated in {Format.Seconds(generateSeconds)}; files in {Path.GetFullPath(options.OutDir)}"));
        w.WriteLine(string.Create(inv, $"shortest path: {options.Pairs} fixed random pairs, undirected, at most {options.MaxHops} hops; every timed call is one sample (warm-up runs excluded)"));
        w.WriteLine();

        var rows = new List<string[]>
        {
            Row("", e => e.Name),
            Row("index build / graph load", e => Format.Seconds(e.BuildSeconds)),
            Row("peak RSS increase during build", e => Format.Bytes(e.PeakRssDeltaBytes)),
            Row("retained memory", e => Format.Bytes(e.RetainedBytes)),
            Row("topology arrays", e => Format.Bytes(e.StructureBytes)),
            Row("shortest path median (ms)", e => e.ShortestPath is { } l ? Format.Ms(l.MedianMs) : "-"),
            Row("shortest path p95 (ms)", e => e.ShortestPath is { } l ? Format.Ms(l.P95Ms) : "-"),
            Row("shortest path mean (ms)", e => e.ShortestPath is { } l ? Format.Ms(l.MeanMs) : "-"),
            Row("pairs x rounds timed", e => e.ShortestPath is { } l ? string.Create(inv, $"{l.Queries} x {l.Samples / Math.Max(1, l.Queries)}") : "-"),
            Row("Explorer faster by (median)", e => e.ShortestPath is { } l && Explorer.ShortestPath is { } x ? string.Create(inv, $"{l.MedianMs / x.MedianMs:N1}x") : "-"),
            Row("note", e => e.Note),
        };
        WriteTable(w, rows);
        w.WriteLine("  retained memory: managed heap growth after a full GC (networkx: process RSS growth after loading).");
        w.WriteLine("  peak RSS increase: VmHWM during the build minus VmRSS before it (networkx: ru_maxrss minus RSS before loading).");
        w.WriteLine();

        w.WriteLine("Explorer engine");
        WriteTable(w,
        [
            ["", "median (ms)", "p95 (ms)", "samples", "detail"],
            ["2-hop neighborhood, cap 500", Format.Ms(neighborhood.MedianMs), Format.Ms(neighborhood.P95Ms), Format.Count(neighborhood.Samples), string.Create(inv, $"avg {neighborhoodNodes / (double)neighborhood.Queries:F0} nodes returned, {neighborhoodTruncated}/{neighborhood.Queries} capped")],
            ["name search, exact name", Format.Ms(searchExact.MedianMs), Format.Ms(searchExact.P95Ms), Format.Count(searchExact.Samples), string.Create(inv, $"limit 10; the named node is in the top 10 for {exactFound}/{searchExact.Queries}")],
            ["name search, prefix (~60%)", Format.Ms(searchPrefix.MedianMs), Format.Ms(searchPrefix.P95Ms), Format.Count(searchPrefix.Samples), string.Create(inv, $"limit 10; avg {prefixHits:F1} hits")],
        ]);
        WriteTable(w,
        [
            ["", "build", "peak RSS increase", "retained heap", "arrays"],
            ["CsrGraph", Format.Seconds(csrCost.Seconds), Format.Bytes(csrCost.PeakRssDeltaBytes), Format.Bytes(csrCost.RetainedHeapBytes), Format.Bytes(csrCost.StructureBytes)],
            ["NameIndex", Format.Seconds(nameCost.Seconds), Format.Bytes(nameCost.PeakRssDeltaBytes), Format.Bytes(nameCost.RetainedHeapBytes), "-"],
        ]);
        w.WriteLine();

        if (!options.SkipStore)
        {
            w.WriteLine("Embedded store (SQLite file -> new EmbeddedGraphStore(path).InitializeAsync(), fresh process each run)");
            w.WriteLine($"  file: {Format.Bytes(dbBytes)}; seeding: {(double.IsNaN(seedSeconds) ? "reused from an earlier run" : Format.Seconds(seedSeconds))}");
            foreach (var (s, i) in startups.Select((s, i) => (s, i)))
            {
                w.WriteLine(string.Create(inv, $"  run {i + 1}: start-up {Format.Seconds((double)s["seconds"]!)} (process CPU {Format.Seconds((double)s["process_cpu_seconds"]!)}), process peak RSS {Format.Bytes((long)s["peak_rss_bytes"]!)}, managed heap after GC {Format.Bytes((long)s["managed_heap_after_gc_bytes"]!)}, RSS after GC {Format.Bytes((long)s["rss_after_gc_bytes"]!)}"));
            }

            if (breakdown is JsonObject phases)
            {
                w.WriteLine("  LoadIndex phases run one after the other in a fresh process (wall s / process CPU s):");
                foreach (var (key, value) in phases.Where(p => p.Key.EndsWith("_s", StringComparison.Ordinal) && !p.Key.EndsWith("_cpu_s", StringComparison.Ordinal)))
                {
                    var name = key[..^2];
                    var cpu = phases[name + "_cpu_s"] is { } c ? string.Create(inv, $"{(double)c:F2}") : "-";
                    w.WriteLine(string.Create(inv, $"    {name,-42} {(double)value!,6:F2} / {cpu}"));
                }
            }

            w.WriteLine();
        }

        var histogram = lengths.GroupBy(l => l).OrderBy(g => g.Key ?? int.MaxValue).Select(g => $"{(g.Key is { } k ? k.ToString(inv) : "none")}: {g.Count()}");
        w.WriteLine($"path lengths (hops: pairs): {string.Join(", ", histogram)}");
        w.WriteLine();

        w.WriteLine("Targets (set for 1M nodes / 5M edges)");
        var xsp = Explorer.ShortestPath!;
        List<string[]> targets =
        [
            ["target", "measured", "verdict"],
            [$"shortest path median <= {TargetShortestMs} ms", Format.Ms(xsp.MedianMs) + " ms", Verdict(xsp.MedianMs <= TargetShortestMs)],
            ["20x faster than networkx", Ratio(Nx), Nx.ShortestPath is { } n ? Verdict(n.MedianMs / xsp.MedianMs >= 20) : "not run"],
            ["1000x faster than stock QuikGraph", Ratio(Quik), Quik.ShortestPath is { } q ? Verdict(q.MedianMs / xsp.MedianMs >= 1000) : "not run"],
            ["faster than the naive CSR bidirectional BFS", Ratio(Naive), Verdict(Naive.ShortestPath!.MedianMs > xsp.MedianMs)],
            [$"shortest path median <= {Issue9ShortestMs} ms (issue 9)", Format.Ms(xsp.MedianMs) + " ms", Verdict(xsp.MedianMs <= Issue9ShortestMs)],
            [
                "no slower than before the living graph (paired, same run)",
                string.Create(CultureInfo.InvariantCulture, $"today/before per pair: median {versusBefore.MedianRatio:N2}, today faster on {versusBefore.AFasterShare:P0} of calls"),
                Verdict(versusBefore.MedianRatio <= 1.05) + " (5% noise allowed)",
            ],
            [$"2-hop neighborhood (cap 500) < {TargetNeighborhoodMs} ms", $"median {Format.Ms(neighborhood.MedianMs)} ms, p95 {Format.Ms(neighborhood.P95Ms)} ms", Verdict(neighborhood.MedianMs < TargetNeighborhoodMs) + (neighborhood.P95Ms < TargetNeighborhoodMs ? " (p95 too)" : " (median only)")],
            ["index < 1 GB (CsrGraph + NameIndex heap)", Format.Bytes(IndexBytes), Verdict(IndexBytes < TargetIndexBytes)],
        ];
        if (startups.Count > 0)
        {
            var heap = (long)startups[0]["managed_heap_after_gc_bytes"]!;
            targets.Add(["store heap after start-up < 1 GB (whole GraphIndex)", Format.Bytes(heap), Verdict(heap < TargetIndexBytes)]);
            targets.Add([$"start-up from SQLite < {TargetStartupSeconds} s", Format.Seconds(StartupMedian) + " (median)", Verdict(StartupMedian < TargetStartupSeconds)]);
        }

        WriteTable(w, targets);
        w.WriteLine();
        if (mismatches.Count == 0)
        {
            var compared = string.Join(", ", engines.Skip(1).Where(e => e.Lengths is not null).Select(e => e.Name));
            w.WriteLine($"Agreement: all path lengths match ({compared} vs Explorer).");
        }
        else
        {
            w.WriteLine($"Agreement: {mismatches.Count} MISMATCHES");
            foreach (var m in mismatches)
            {
                w.WriteLine("  " + m);
            }
        }
    }

    public JsonObject ToJson(JsonNode? networkx)
    {
        JsonObject Lat(Latency? l) => l is null ? [] : new JsonObject { ["queries"] = l.Queries, ["samples"] = l.Samples, ["median_ms"] = l.MedianMs, ["p95_ms"] = l.P95Ms, ["mean_ms"] = l.MeanMs };
        var engineJson = new JsonObject();
        foreach (var e in engines)
        {
            engineJson[e.Name] = new JsonObject
            {
                ["build_seconds"] = double.IsNaN(e.BuildSeconds) ? null : e.BuildSeconds,
                ["peak_rss_delta_bytes"] = e.PeakRssDeltaBytes,
                ["retained_bytes"] = e.RetainedBytes,
                ["topology_bytes"] = e.StructureBytes,
                ["shortest_path"] = Lat(e.ShortestPath),
                ["note"] = e.Note,
            };
        }

        return new JsonObject
        {
            ["machine"] = machine,
            ["load_average_at_start"] = loadAtStart,
            ["load_average_at_end"] = ProcStatus.LoadAverage(),
            ["nodes"] = graph.NodeCount,
            ["edges"] = graph.EdgeCount,
            ["m"] = graph.M,
            ["seed"] = graph.Seed,
            ["max_degree"] = maxDegree,
            ["engines"] = engineJson,
            ["shortest_path_today_vs_before"] = new JsonObject
            {
                ["median_ratio"] = versusBefore.MedianRatio,
                ["today_faster_share"] = versusBefore.AFasterShare,
            },
            ["explorer"] = new JsonObject
            {
                ["csr_build_seconds"] = csrCost.Seconds,
                ["csr_retained_bytes"] = csrCost.RetainedHeapBytes,
                ["csr_memory_bytes"] = csrCost.StructureBytes,
                ["name_index_build_seconds"] = nameCost.Seconds,
                ["name_index_retained_bytes"] = nameCost.RetainedHeapBytes,
                ["neighborhood_2hop_cap500"] = Lat(neighborhood),
                ["search_exact"] = Lat(searchExact),
                ["search_prefix"] = Lat(searchPrefix),
            },
            ["store"] = new JsonObject
            {
                ["db_bytes"] = dbBytes,
                ["seed_seconds"] = double.IsNaN(seedSeconds) ? null : seedSeconds,
                ["startups"] = new JsonArray([.. startups.Select(s => s.DeepClone())]),
                ["startup_median_seconds"] = double.IsNaN(StartupMedian) ? null : StartupMedian,
                ["load_index_phases"] = breakdown?.DeepClone(),
            },
            ["networkx_raw"] = networkx?.DeepClone() is JsonObject raw ? WithoutLengths(raw) : null,
            ["mismatches"] = new JsonArray([.. mismatches.Select(m => (JsonNode)m)]),
        };
    }

    private static JsonObject WithoutLengths(JsonObject raw)
    {
        raw.Remove("lengths");
        return raw;
    }

    private string Ratio(EngineResult e) =>
        e.ShortestPath is { } l ? string.Create(CultureInfo.InvariantCulture, $"{l.MedianMs / Explorer.ShortestPath!.MedianMs:N1}x") : "-";

    private static string Verdict(bool met) => met ? "MEETS" : "MISSES";

    private string[] Row(string label, Func<EngineResult, string> cell) => [label, .. engines.Select(cell)];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }

    private static void WriteTable(TextWriter w, IReadOnlyList<string[]> rows)
    {
        var widths = new int[rows.Max(r => r.Length)];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        foreach (var row in rows)
        {
            var cells = row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            w.WriteLine("  " + string.Join("  ", cells).TrimEnd());
        }
    }
}
