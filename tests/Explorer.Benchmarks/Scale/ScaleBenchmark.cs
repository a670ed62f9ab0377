using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Import;
using Explorer.Seed;
using Microsoft.Data.Sqlite;

namespace Explorer.Benchmarks.Scale;

/// <summary>
/// The living graph at scale (issue 9), side by side with baselines in one run:
/// bulk import of nodes.csv + edges.csv through the import pipeline (vs the old one-record-per-transaction
/// path), start-up by rebuilding the index from SQLite, write-to-queryable latency of single edge upserts (vs
/// the full rebuild every write cost before), name search (vs SQLite FTS5 over the same names) and k shortest
/// paths (vs networkx's shortest_simple_paths).
/// <code>dotnet run -c Release --project tests/Explorer.Benchmarks -- scale --size 1m [--m 5] [--pairs 100] [--skip-networkx]</code>
/// </summary>
internal static class ScaleBenchmark
{
    private const string EvidenceSource = "synthetic-import";

    public static async Task<int> RunAsync(string[] args)
    {
        int nodes = 100_000, m = 5, pairs = 100, nxPairs = 20, baselineEdges = 500_000, baselineNodes = 100_000;
        var skipNetworkx = false;
        var importOnly = false;
        var cliOnly = false;
        string? outDir = null;
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size": nodes = ParseSize(args[++i]); break;
                case "--m": m = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--pairs": pairs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--networkx-pairs": nxPairs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--skip-networkx": skipNetworkx = true; break;
                case "--baseline-edges": baselineEdges = ParseSize(args[++i]); break;
                case "--baseline-nodes": baselineNodes = ParseSize(args[++i]); break;
                case "--import-only": importOnly = true; break;
                case "--cli-only": importOnly = cliOnly = true; break;
                case "--only": only = args[++i]; break;
                case "--out": outDir = args[++i]; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}: scale --size 100k|1m [--m 5] [--pairs 100] [--networkx-pairs 20] [--skip-networkx] [--baseline-edges 500k] [--baseline-nodes 100k] [--import-only] [--cli-only] [--only new|previous|old] [--out DIR]");
                    return 2;
            }
        }

        outDir ??= Path.Combine("artifacts", "bench", "scale-" + nodes.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(outDir);
        var report = new JsonObject { ["nodes"] = nodes, ["m"] = m, ["load_before"] = ProcStatus.LoadAverage() };
        Progress.Line($"scale: {Format.Count(nodes)} nodes, m={m}; load {ProcStatus.LoadAverage()}");

        // ---- The graph as CSV ---------------------------------------------------------------------------
        var graph = SyntheticGraph.Generate(nodes, m, 20240601UL, shuffle: true);
        var names = SyntheticNames.Generate(nodes, 20240601UL);
        var nodesCsv = Path.Combine(outDir, "nodes.csv");
        var edgesCsv = Path.Combine(outDir, "edges.csv");
        var types = new string[graph.EdgeCount];
        WriteCsv(graph, names, nodesCsv, edgesCsv, types);
        var edgeCount = types.Count(t => t is not null);
        Progress.Line($"scale: wrote {Format.Bytes(new FileInfo(nodesCsv).Length)} + {Format.Bytes(new FileInfo(edgesCsv).Length)} of CSV ({Format.Count(edgeCount)} of the generator's {Format.Count(graph.EdgeCount)} edges: kinds no edge type joins get none)");

        // ---- Bulk import through `explorer import` (a child process, as a user runs it) -------------------
        var database = Path.Combine(outDir, "explorer.db");
        if (only is not null)
        {
            // Paths alone (one, or several in turn, each on a fresh database), in this process, on the whole graph
            // (for a profiler, or a quick side-by-side: --only new,previous).
            foreach (var path in only.Split(','))
            {
                if (path is not ("new" or "previous" or "old"))
                {
                    Console.Error.WriteLine($"unknown path {path}: --only new|previous|old[,...]");
                    return 2;
                }

                await FreshStoreAsync(database);
                var started = Stopwatch.GetTimestamp();
                var nodeRun = await InProcessImportAsync(database, nodesCsv, path, expectNodes: nodes);
                var edgeRun = await InProcessImportAsync(database, edgesCsv, path, expectEdges: edgeCount);
                Progress.Line($"scale: {path} path alone: {Format.Count((long)nodeRun.Rate)} nodes/s ({nodeRun.CpuUsPerRecord:F1} µs CPU each), {Format.Count((long)edgeRun.Rate)} edges/s ({edgeRun.CpuUsPerRecord:F1} µs CPU each), {Format.Seconds(Measure.ElapsedMs(started) / 1000)} in all; peak RSS {Format.Bytes(ProcStatus.PeakRssBytes())}; load {ProcStatus.LoadAverage()}");
            }

            return 0;
        }

        var afterNodes = Path.Combine(outDir, "after-nodes.db");
        await FreshStoreAsync(database);
        var cliNodes = await CliImportAsync(database, nodesCsv);
        CopyDatabase(database, afterNodes);
        var cliEdges = await CliImportAsync(database, edgesCsv);
        var cliAgain = await CliImportAsync(database, edgesCsv);
        if (cliNodes.New != nodes || cliEdges.New != edgeCount || cliAgain.New + cliAgain.Changed != 0 || cliAgain.Unchanged != edgeCount)
        {
            Console.Error.WriteLine($"import counts are off: nodes {cliNodes.New} new, edges {cliEdges.New} new, again {cliAgain.New} new {cliAgain.Changed} changed {cliAgain.Unchanged} unchanged");
            return 1;
        }

        var cliSeconds = cliNodes.Seconds + cliEdges.Seconds;
        Progress.Line($"scale: explorer import: {Format.Count(nodes)} nodes in {Format.Seconds(cliNodes.Seconds)} ({Format.Count((long)(nodes / cliNodes.Seconds))}/s, peak RSS {Format.Bytes(cliNodes.PeakRss)}, CPU {Format.Seconds(cliNodes.Cpu.TotalSeconds)}), {Format.Count(edgeCount)} edges in {Format.Seconds(cliEdges.Seconds)} ({Format.Count((long)(edgeCount / cliEdges.Seconds))}/s, peak RSS {Format.Bytes(cliEdges.PeakRss)}, CPU {Format.Seconds(cliEdges.Cpu.TotalSeconds)}); again: {Format.Seconds(cliAgain.Seconds)}, nothing written");
        if (cliOnly)
        {
            // `explorer import` alone (no in-process side-by-side): per record, wall rate and the child's CPU.
            static string PerRecord(string what, long count, CliRun run) =>
                $"{what} {Format.Count((long)(count / run.Seconds))}/s, {run.Cpu.TotalMicroseconds / count:F1} µs CPU each";
            Progress.Line($"scale: cli only: {PerRecord("nodes", nodes, cliNodes)}; {PerRecord("edges", edgeCount, cliEdges)}; {PerRecord("again (checking only)", edgeCount, cliAgain)}; load {ProcStatus.LoadAverage()}");
            return 0;
        }

        // ---- The old import path beside the new one, in this process, on the same records -----------------
        // Edges: the first --baseline-edges edges into copies of the database as the node import left it.
        // Nodes: the first --baseline-nodes nodes into fresh stores. The old path validates every record
        // first, then writes (ImportOptions.ValidateFirst), without the store's bulk tuning. The previous path is
        // main's before this session's import work (see InProcessImportAsync).
        var edgePrefix = Path.Combine(outDir, "edges-prefix.csv");
        var nodePrefix = Path.Combine(outDir, "nodes-prefix.csv");
        var prefixEdges = WritePrefix(edgesCsv, edgePrefix, baselineEdges);
        var prefixNodes = WritePrefix(nodesCsv, nodePrefix, baselineNodes);
        var sideBySide = new Dictionary<string, (InProcessRun Nodes, InProcessRun Edges)>();
        foreach (var label in new[] { "new", "previous", "old" })
        {
            var nodeDb = Path.Combine(outDir, $"{label}-nodes.db");
            await FreshStoreAsync(nodeDb);
            var nodeRun = await InProcessImportAsync(nodeDb, nodePrefix, label, expectNodes: prefixNodes);
            var edgeDb = Path.Combine(outDir, $"{label}-edges.db");
            CopyDatabase(afterNodes, edgeDb);
            var edgeRun = await InProcessImportAsync(edgeDb, edgePrefix, label, expectEdges: prefixEdges);
            sideBySide[label] = (nodeRun, edgeRun);
            Progress.Line($"scale: {label} path in process: {Format.Count((long)nodeRun.Rate)} nodes/s ({Format.Count(prefixNodes)} nodes, {nodeRun.CpuUsPerRecord:F1} µs CPU each), {Format.Count((long)edgeRun.Rate)} edges/s ({Format.Count(prefixEdges)} edges, {edgeRun.CpuUsPerRecord:F1} µs CPU each)");
        }

        report["import"] = new JsonObject
        {
            ["cli_nodes_seconds"] = cliNodes.Seconds,
            ["cli_edges_seconds"] = cliEdges.Seconds,
            ["cli_reimport_seconds"] = cliAgain.Seconds,
            ["cli_nodes_peak_rss"] = cliNodes.PeakRss,
            ["cli_edges_peak_rss"] = cliEdges.PeakRss,
            ["cli_nodes_cpu_seconds"] = cliNodes.Cpu.TotalSeconds,
            ["cli_edges_cpu_seconds"] = cliEdges.Cpu.TotalSeconds,
            ["new_nodes_per_second"] = sideBySide["new"].Nodes.Rate,
            ["new_edges_per_second"] = sideBySide["new"].Edges.Rate,
            ["new_edges_cpu_us_each"] = sideBySide["new"].Edges.CpuUsPerRecord,
            ["previous_nodes_per_second"] = sideBySide["previous"].Nodes.Rate,
            ["previous_edges_per_second"] = sideBySide["previous"].Edges.Rate,
            ["previous_edges_cpu_us_each"] = sideBySide["previous"].Edges.CpuUsPerRecord,
            ["old_nodes_per_second"] = sideBySide["old"].Nodes.Rate,
            ["old_edges_per_second"] = sideBySide["old"].Edges.Rate,
        };

        if (importOnly)
        {
            Console.WriteLine();
            PrintImport(nodes, edgeCount, cliNodes, cliEdges, cliAgain, sideBySide, prefixNodes, prefixEdges, report);
            return 0;
        }

        // Baseline: the import as it was before (one transaction and one index update per record), on 2,000 edges.
        var baselineStore = new EmbeddedGraphStore(database) { IndexSnapshots = false };
        double perRecordRate;
        double rebuildSeconds;
        long heapAfterLoad;
        Latency writeToQueryable;
        Latency explorerExact, explorerPrefix, explorerTypo, ftsExact, ftsPrefix, kPaths, shortest;
        double hitExplorerExact, hitFtsExact;
        await using (baselineStore)
        {
            Measure.CollectAll();
            var heapBefore = Measure.ManagedHeap();
            var loading = Stopwatch.GetTimestamp();
            await baselineStore.InitializeAsync();
            rebuildSeconds = Measure.ElapsedMs(loading) / 1000;
            Measure.CollectAll();
            heapAfterLoad = Measure.ManagedHeap() - heapBefore;
            Progress.Line($"scale: start-up rebuilding the index from SQLite: {Format.Seconds(rebuildSeconds)}, index heap {Format.Bytes(heapAfterLoad)}");

            var rng = new SplitMix64(7);
            var oneByOne = Stopwatch.GetTimestamp();
            const int Baseline = 2000;
            for (var i = 0; i < Baseline; i++)
            {
                var (edge, _) = RandomEdge(ref rng, graph, names, $"baseline-{i}");
                await baselineStore.UpsertEdgeAsync(edge);
            }

            perRecordRate = Baseline / (Measure.ElapsedMs(oneByOne) / 1000);
            Progress.Line($"scale: one record per transaction (the old import): {Format.Count((long)perRecordRate)} edges/s");

            // Write-to-queryable: an edge upsert, then the query that must see it.
            var samples = new List<double>();
            for (var i = 0; i < 300; i++)
            {
                var (edge, _) = RandomEdge(ref rng, graph, names, $"live-{i}");
                var t0 = Stopwatch.GetTimestamp();
                await baselineStore.UpsertEdgeAsync(edge);
                var found = await baselineStore.FindPathsAsync(new PathQuery(edge.Source, edge.Target, Mode: PathMode.Shortest, MaxHops: 1));
                samples.Add(Measure.ElapsedMs(t0));
                if (found.Paths.Count == 0)
                {
                    throw new InvalidOperationException($"edge {edge.Id} not queryable after its write");
                }
            }

            writeToQueryable = Latency.Of(samples.Skip(50).ToList(), 250);
            Progress.Line($"scale: write-to-queryable p50 {Format.Ms(writeToQueryable.MedianMs)}, p95 {Format.Ms(writeToQueryable.P95Ms)} (before: a full rebuild, {Format.Seconds(rebuildSeconds)})");

            // ---- Name search vs SQLite FTS5 ------------------------------------------------------------
            var queryRng = new SplitMix64(11);
            var picks = Enumerable.Range(0, pairs).Select(_ => names[queryRng.Below(names.Length)]).ToList();
            var exact = picks.Select(n => n.Name).ToList();
            var prefixes = picks.Select(n => n.Name[..Math.Min(5, n.Name.Length)]).ToList();
            var typos = picks.Select(n => Typo(n.Name)).ToList();
            explorerExact = Time(exact, q => baselineStore.SearchAsync(new SearchQuery(q)).GetAwaiter().GetResult());
            explorerPrefix = Time(prefixes, q => baselineStore.SearchAsync(new SearchQuery(q)).GetAwaiter().GetResult());
            explorerTypo = Time(typos, q => baselineStore.SearchAsync(new SearchQuery(q)).GetAwaiter().GetResult());
            hitExplorerExact = picks.Count(p => baselineStore.SearchAsync(new SearchQuery(p.Name)).GetAwaiter().GetResult().Any(h => h.Id == p.Id)) / (double)picks.Count;

            var (ftsBuild, ftsBytes, fts) = BuildFts(names, outDir);
            using (fts)
            {
                using var phrase = fts.CreateCommand();
                phrase.CommandText = "SELECT id FROM names WHERE names MATCH $q ORDER BY rank LIMIT 10";
                var q = phrase.Parameters.Add("$q", SqliteType.Text);
                List<string> Fts(string match)
                {
                    q.Value = match;
                    using var reader = phrase.ExecuteReader();
                    var ids = new List<string>();
                    while (reader.Read())
                    {
                        ids.Add(reader.GetString(0));
                    }

                    return ids;
                }

                ftsExact = Time(exact, n => Fts(Phrase(n)));
                ftsPrefix = Time(prefixes, p => Fts(Phrase(p) + "*"));
                hitFtsExact = picks.Count(p => Fts(Phrase(p.Name)).Contains(p.Id)) / (double)picks.Count;
            }

            Progress.Line($"scale: search exact p50 {Format.Ms(explorerExact.MedianMs)} p95 {Format.Ms(explorerExact.P95Ms)} vs FTS5 p50 {Format.Ms(ftsExact.MedianMs)} p95 {Format.Ms(ftsExact.P95Ms)}; prefix {Format.Ms(explorerPrefix.MedianMs)} vs FTS5 {Format.Ms(ftsPrefix.MedianMs)}; typo {Format.Ms(explorerTypo.MedianMs)} (FTS5: no typo tolerance); FTS5 build {Format.Seconds(ftsBuild)}, {Format.Bytes(ftsBytes)}");
            report["fts5"] = new JsonObject { ["build_seconds"] = ftsBuild, ["bytes"] = ftsBytes };

            // ---- k shortest paths ------------------------------------------------------------------
            var kPairs = graph.Pairs(pairs, 13);
            kPaths = Time(kPairs, p => baselineStore.FindPathsAsync(new PathQuery(names[p.Source].Id, names[p.Target].Id, Mode: PathMode.K, K: 5, MaxHops: 6)).GetAwaiter().GetResult());
            Progress.Line($"scale: mode=k k=5 maxHops 6: p50 {Format.Ms(kPaths.MedianMs)}, p95 {Format.Ms(kPaths.P95Ms)}");
            shortest = Time(kPairs, p => baselineStore.FindPathsAsync(new PathQuery(names[p.Source].Id, names[p.Target].Id, Mode: PathMode.Shortest)).GetAwaiter().GetResult());
            Progress.Line($"scale: shortest path: p50 {Format.Ms(shortest.MedianMs)}, p95 {Format.Ms(shortest.P95Ms)}");
            var pairsPath = Path.Combine(outDir, "kpairs.tsv");
            SyntheticGraph.WritePairs(pairsPath, kPairs.Take(nxPairs));
            report["networkx_k"] = skipNetworkx ? null : RunNetworkx(graph, outDir, pairsPath);
        }

        Console.WriteLine();
        Console.WriteLine($"## Living graph at scale: {Format.Count(nodes)} nodes, {Format.Count(edgeCount)} edges (load {report["load_before"]} before, {ProcStatus.LoadAverage()} after)");
        Console.WriteLine();
        Console.WriteLine("| Measure | Explorer | Baseline |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| edge upserts, one per transaction (`UpsertEdgeAsync`) | {Format.Count((long)perRecordRate)} edges/s | - |");
        Console.WriteLine($"| start-up, index rebuilt from SQLite | {Format.Seconds(rebuildSeconds)}, managed heap {Format.Bytes(heapAfterLoad)} | - |");
        Console.WriteLine($"| write-to-queryable (edge upsert + query), p50 / p95 | {Format.Ms(writeToQueryable.MedianMs)} / {Format.Ms(writeToQueryable.P95Ms)} | full rebuild per write: {Format.Seconds(rebuildSeconds)} |");
        Console.WriteLine($"| exact-name search p50 / p95 (top-10 hit rate) | {Format.Ms(explorerExact.MedianMs)} / {Format.Ms(explorerExact.P95Ms)} ({hitExplorerExact:P0}) | FTS5 phrase: {Format.Ms(ftsExact.MedianMs)} / {Format.Ms(ftsExact.P95Ms)} ({hitFtsExact:P0}) |");
        Console.WriteLine($"| prefix search p50 / p95 | {Format.Ms(explorerPrefix.MedianMs)} / {Format.Ms(explorerPrefix.P95Ms)} | FTS5 prefix: {Format.Ms(ftsPrefix.MedianMs)} / {Format.Ms(ftsPrefix.P95Ms)} |");
        Console.WriteLine($"| typo search p50 / p95 | {Format.Ms(explorerTypo.MedianMs)} / {Format.Ms(explorerTypo.P95Ms)} | FTS5: not supported |");
        var nx = report["networkx_k"];
        var nxText = nx is null ? "skipped" : $"shortest_simple_paths, first 5: {Format.Ms((double)nx["median_ms"]!)} / {Format.Ms((double)nx["p95_ms"]!)} ({nx["queries"]} pairs, load {Format.Seconds((double)nx["load_seconds"]!)})";
        Console.WriteLine($"| mode=k, k=5, maxHops 6, p50 / p95 | {Format.Ms(kPaths.MedianMs)} / {Format.Ms(kPaths.P95Ms)} ({kPaths.Queries} pairs) | networkx {nxText} |");
        Console.WriteLine($"| shortest path, p50 / p95 (index rebuilt after the import) | {Format.Ms(shortest.MedianMs)} / {Format.Ms(shortest.P95Ms)} ({shortest.Queries} pairs) | - |");
        Console.WriteLine();
        PrintImport(nodes, edgeCount, cliNodes, cliEdges, cliAgain, sideBySide, prefixNodes, prefixEdges, report);
        return 0;
    }

    private sealed record CliRun(double Seconds, long PeakRss, TimeSpan Cpu, long Acks, long New, long Changed, long Unchanged);

    /// <summary>An in-process import: records per second, and the process's CPU time per record (all threads, GC included).</summary>
    private sealed record InProcessRun(double Rate, double CpuUsPerRecord);

    /// <summary>The import table: `explorer import` on the whole graph, and the new and old paths side by side.</summary>
    private static void PrintImport(int nodes, int edges, CliRun cliNodes, CliRun cliEdges, CliRun again, Dictionary<string, (InProcessRun Nodes, InProcessRun Edges)> sideBySide, long prefixNodes, long prefixEdges, JsonObject report)
    {
        var (fresh, previous, old) = (sideBySide["new"], sideBySide["previous"], sideBySide["old"]);
        Console.WriteLine($"## Bulk import: {Format.Count(nodes)} nodes, {Format.Count(edges)} edges (CSV, batches of {ImportOptions.DefaultBatchSize:N0}; load {report["load_before"]} before, {ProcStatus.LoadAverage()} after)");
        Console.WriteLine();
        Console.WriteLine("| Measure | Explorer (new path) | Baseline (old path) |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| `explorer import edges.csv` (child process, acks on stdout) | **{Format.Count((long)(edges / cliEdges.Seconds))} edges/s** ({Format.Count(edges)} edges in {Format.Seconds(cliEdges.Seconds)}), peak RSS {Format.Bytes(cliEdges.PeakRss)}, CPU {Format.Seconds(cliEdges.Cpu.TotalSeconds)} ({cliEdges.Cpu.TotalMicroseconds / edges:F1} µs per edge) | - |");
        Console.WriteLine($"| `explorer import nodes.csv` | {Format.Count((long)(nodes / cliNodes.Seconds))} nodes/s ({Format.Seconds(cliNodes.Seconds)}), peak RSS {Format.Bytes(cliNodes.PeakRss)}, CPU {Format.Seconds(cliNodes.Cpu.TotalSeconds)} | - |");
        Console.WriteLine($"| nodes + edges | {Format.Seconds(cliNodes.Seconds + cliEdges.Seconds)}: {Format.Count((long)(edges / (cliNodes.Seconds + cliEdges.Seconds)))} edges/s over both | - |");
        Console.WriteLine($"| the same edges.csv again (idempotent: {again.New} new, {again.Changed} changed, {Format.Count(again.Unchanged)} unchanged) | {Format.Seconds(again.Seconds)} ({Format.Count((long)(edges / again.Seconds))} records/s) | - |");
        Console.WriteLine($"| in process, the first {Format.Count(prefixEdges)} edges into the nodes-only database | {Format.Count((long)fresh.Edges.Rate)} edges/s, {fresh.Edges.CpuUsPerRecord:F1} µs CPU per edge | previous path (main before session 9) {Format.Count((long)previous.Edges.Rate)} edges/s, {previous.Edges.CpuUsPerRecord:F1} µs CPU ({fresh.Edges.Rate / previous.Edges.Rate:F2}x); old path {Format.Count((long)old.Edges.Rate)} edges/s ({fresh.Edges.Rate / old.Edges.Rate:F1}x) |");
        Console.WriteLine($"| in process, the first {Format.Count(prefixNodes)} nodes into a fresh database | {Format.Count((long)fresh.Nodes.Rate)} nodes/s, {fresh.Nodes.CpuUsPerRecord:F1} µs CPU per node | previous path {Format.Count((long)previous.Nodes.Rate)} nodes/s, {previous.Nodes.CpuUsPerRecord:F1} µs CPU ({fresh.Nodes.Rate / previous.Nodes.Rate:F2}x); old path {Format.Count((long)old.Nodes.Rate)} nodes/s ({fresh.Nodes.Rate / old.Nodes.Rate:F1}x) |");
    }

    /// <summary>A new database holding the source the synthetic edges cite (so `explorer import` does not seed the dataset).</summary>
    private static async Task FreshStoreAsync(string database)
    {
        DeleteDatabase(database);
        var store = new EmbeddedGraphStore(database);
        await using (store)
        {
            await store.InitializeAsync();
            await store.SeedAsync(new GraphSeed([new SourceDocument(EvidenceSource, "Synthetic import", "reference", "The benchmark's generated graph.", "Generated by the Explorer scale benchmark (preferential attachment).\n")], [], []));
        }
    }

    private static void DeleteDatabase(string database)
    {
        foreach (var file in new[] { database, database + "-wal", database + "-shm", database + IndexSnapshot.Suffix })
        {
            File.Delete(file);
        }
    }

    private static void CopyDatabase(string from, string to)
    {
        DeleteDatabase(to);
        foreach (var suffix in new[] { "", "-wal", IndexSnapshot.Suffix })
        {
            if (File.Exists(from + suffix))
            {
                File.Copy(from + suffix, to + suffix);
            }
        }
    }

    /// <summary>The header and the first <paramref name="rows"/> rows of a CSV file; the rows written.</summary>
    private static long WritePrefix(string csv, string prefix, long rows)
    {
        long written = -1;
        using var writer = new StreamWriter(prefix, false, new UTF8Encoding(false), 1 << 20);
        foreach (var line in File.ReadLines(csv))
        {
            if (written == rows)
            {
                break;
            }

            writer.Write(line);
            writer.Write('\n');
            written++;
        }

        return written;
    }

    /// <summary>
    /// `explorer import FILE` on the database as a child process, as a user runs it: wall time from start to
    /// exit, the child's peak RSS (VmHWM, read every 20 ms while it runs), the acknowledgements it printed and
    /// the counts of its summary line.
    /// </summary>
    private static async Task<CliRun> CliImportAsync(string database, string file)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "explorer.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "import", file, "--evidence-source", EvidenceSource, "--db", database })
        {
            start.ArgumentList.Add(arg);
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        long acks = 0;
        var stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("ok ", StringComparison.Ordinal))
                {
                    acks++;
                }
            }
        });
        string? summary = null;
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("import: done:", StringComparison.Ordinal))
                {
                    summary = line;
                }
                else
                {
                    Progress.Line("  " + line);
                }
            }
        });
        long peak = 0;
        var cpu = TimeSpan.Zero;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ProcStatus.PeakRssBytes(process.Id));
            cpu = ProcStatus.CpuTime(process.Id) is var used && used > cpu ? used : cpu;
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        var seconds = Measure.ElapsedMs(started) / 1000;
        await Task.WhenAll(stdout, stderr);
        if (process.ExitCode != 0 || summary is null)
        {
            throw new InvalidOperationException($"explorer import {file} failed (exit {process.ExitCode})");
        }

        var counts = System.Text.RegularExpressions.Regex.Match(summary, file.EndsWith("nodes.csv", StringComparison.Ordinal) ? @"nodes (\d+) new, (\d+) changed, (\d+) unchanged" : @"edges (\d+) new, (\d+) changed, (\d+) unchanged");
        long Group(int i) => long.Parse(counts.Groups[i].Value, CultureInfo.InvariantCulture);
        return new CliRun(seconds, peak, cpu, acks, Group(1), Group(2), Group(3));
    }

    /// <summary>The import pipeline in this process on one file: records written per second (new or old path).</summary>
    /// <summary>
    /// One import in this process on one path: new (main as it is), previous (main before session 9's import
    /// work: whole nodes looked up per edge end, edge ids looked up in a store without edges), old (before issue
    /// 9's import work: validate everything first, a transaction per batch of single-record statements).
    /// </summary>
    private static async Task<InProcessRun> InProcessImportAsync(string database, string file, string path, long expectNodes = 0, long expectEdges = 0)
    {
        var newPath = path != "old";
        var store = new EmbeddedGraphStore(database) { BulkTuning = newPath, LeanBatches = newPath };
        long started;
        TimeSpan cpuBefore;
        ImportReport imported;
        double commitSeconds = 0, indexSeconds = 0, importSeconds;
        await using (store)
        {
            await store.InitializeAsync();

            // Where the time goes: the store's own timings of each batch (lock to commit) and of its index update.
            using var listener = new System.Diagnostics.Metrics.MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name is "explorer.store.commit.duration" or "explorer.index.build.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Value as string == "batch")
                    {
                        _ = instrument.Name == "explorer.store.commit.duration" ? commitSeconds += value : indexSeconds += value;
                    }
                }
            });
            listener.Start();
            started = Stopwatch.GetTimestamp();
            cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            imported = await GraphImport.RunAsync(store, [ImportInput.FromFile(file)], ImportFormat.Csv,
                new ImportOptions { EvidenceSource = EvidenceSource, ValidateFirst = !newPath, LeanChecks = path == "new" });
            importSeconds = Measure.ElapsedMs(started) / 1000;
        }

        // Up to the store's close, as `explorer import` exits: a compaction (or snapshot write) still running is the import's cost too.
        var seconds = Measure.ElapsedMs(started) / 1000;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Progress.Line($"  {Path.GetFileName(file)} ({path} path): {Format.Seconds(seconds)}: batches to commit {Format.Seconds(commitSeconds)}, index updates {Format.Seconds(indexSeconds)}, reading + checking + the rest {Format.Seconds(importSeconds - commitSeconds - indexSeconds)}, closing the store {Format.Seconds(seconds - importSeconds)}; CPU {Format.Seconds(cpu.TotalSeconds)}");
        if (!imported.Succeeded || imported.Nodes.New != expectNodes || imported.Edges.New != expectEdges)
        {
            throw new InvalidOperationException($"in-process import of {file}: {imported.Nodes.New} nodes, {imported.Edges.New} edges new; {string.Join("; ", imported.Errors.Take(3))}");
        }

        return new InProcessRun((expectNodes + expectEdges) / seconds, cpu.TotalMicroseconds / (expectNodes + expectEdges));
    }

    private static Latency Time<T>(IReadOnlyList<T> items, Action<T> query) => Measure.Time(items, 1, 3, query, "");

    internal static string Phrase(string text) => "name : \"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Typo(string name)
    {
        var chars = name.ToCharArray();
        var at = Math.Min(2, chars.Length - 1);
        chars[at] = chars[at] == 'e' ? 'a' : 'e';
        return new string(chars);
    }

    internal static (double Seconds, long Bytes, SqliteConnection Connection) BuildFts(SyntheticNode[] names, string outDir)
    {
        var path = Path.Combine(outDir, "fts5.db");
        File.Delete(path);
        var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        var started = Stopwatch.GetTimestamp();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; CREATE VIRTUAL TABLE names USING fts5(id UNINDEXED, name, aliases, tokenize = 'unicode61 remove_diacritics 2');";
            create.ExecuteNonQuery();
        }

        using (var transaction = connection.BeginTransaction())
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO names (id, name, aliases) VALUES ($id, $name, $aliases)";
            var (id, name, aliases) = (insert.Parameters.Add("$id", SqliteType.Text), insert.Parameters.Add("$name", SqliteType.Text), insert.Parameters.Add("$aliases", SqliteType.Text));
            foreach (var node in names)
            {
                (id.Value, name.Value, aliases.Value) = (node.Id, node.Name, string.Join(' ', node.Aliases));
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        using (var optimize = connection.CreateCommand())
        {
            optimize.CommandText = "INSERT INTO names(names) VALUES('optimize')";
            optimize.ExecuteNonQuery();
        }

        return (Measure.ElapsedMs(started) / 1000, new FileInfo(path).Length, connection);
    }

    private static JsonNode? RunNetworkx(SyntheticGraph graph, string outDir, string pairsPath)
    {
        var edges = Path.Combine(outDir, "edges.tsv");
        graph.WriteEdgeList(edges);
        var script = Path.Combine(AppContext.BaseDirectory, "networkx_baseline.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--edges", edges, "--pairs", pairsPath, "--rounds", "1", "--warmup", "0", "--k", "5" })
        {
            start.ArgumentList.Add(a);
        }

        Progress.Line("scale: networkx shortest_simple_paths (loading the graph takes a while)");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? JsonNode.Parse(output.Trim().Split('\n')[^1]) : null;
    }

    /// <summary>A new edge between two random nodes with a type their kinds allow.</summary>
    private static (Edge Edge, bool) RandomEdge(ref SplitMix64 rng, SyntheticGraph graph, SyntheticNode[] names, string id)
    {
        while (true)
        {
            var (s, t) = (rng.Below(graph.NodeCount), rng.Below(graph.NodeCount));
            if (s != t && TypeFor(names[s].Kind, names[t].Kind, rng.Below(100)) is { } type)
            {
                return (new Edge(id, type, names[s].Id, names[t].Id, [new Evidence(EvidenceSource, "Generated by the Explorer scale benchmark (preferential attachment).")]), true);
            }
        }
    }

    private static readonly Dictionary<(NodeKind, NodeKind), string[]> s_types = Enum.GetValues<NodeKind>()
        .SelectMany(a => Enum.GetValues<NodeKind>().Select(b => (a, b)))
        .ToDictionary(p => p, p => Vocabulary.EdgeTypes.Values.Where(t => t.CheckEnds(p.a, p.b) is null).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray());

    private static string? TypeFor(NodeKind source, NodeKind target, int roll) =>
        s_types[(source, target)] is { Length: > 0 } allowed ? allowed[roll % allowed.Length] : null;

    /// <summary>nodes.csv and edges.csv; an edge whose kinds allow no type one way is written the other way.</summary>
    private static void WriteCsv(SyntheticGraph graph, SyntheticNode[] names, string nodesCsv, string edgesCsv, string[] types)
    {
        using (var writer = new StreamWriter(nodesCsv, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write(":ID,:LABEL,name,aliases\n");
            foreach (var node in names)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{node.Id},{node.Kind},{Csv(node.Name)},{Csv(string.Join(';', node.Aliases))}\n"));
            }
        }

        using (var writer = new StreamWriter(edgesCsv, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write(":START_ID,:END_ID,:TYPE,id\n");
            for (var e = 0; e < graph.EdgeCount; e++)
            {
                var (s, t) = (graph.Sources[e], graph.Targets[e]);
                var type = TypeFor(names[s].Kind, names[t].Kind, e);
                if (type is null)
                {
                    (s, t) = (t, s);
                    type = TypeFor(names[s].Kind, names[t].Kind, e);
                }

                // Kinds no type joins either way (two regions, say) get no edge.
                if (type is null)
                {
                    continue;
                }

                types[e] = type;
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{names[s].Id},{names[t].Id},{type},e{e:D8}\n"));
            }
        }
    }

    /// <summary>
    /// The benchmark's graph (same generator, seed, kinds and edge types as the CSV) built straight into a
    /// <see cref="Algorithms.CsrGraph"/>; <c>rank[generator number]</c> is the node's ordinal.
    /// </summary>
    internal static (Algorithms.CsrGraph Graph, int[] Rank, int[] Sources, int[] Targets) BuildCsr(int nodes, int m)
    {
        var graph = SyntheticGraph.Generate(nodes, m, 20240601UL, shuffle: true);
        var names = SyntheticNames.Generate(nodes, 20240601UL);
        var codes = GraphIndex.TypeNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => (byte)p.i, StringComparer.Ordinal);
        var (sources, targets, types) = (new List<int>(graph.EdgeCount), new List<int>(graph.EdgeCount), new List<byte>(graph.EdgeCount));
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            var (s, t) = (graph.Sources[e], graph.Targets[e]);
            var type = TypeFor(names[s].Kind, names[t].Kind, e);
            if (type is null)
            {
                (s, t) = (t, s);
                type = TypeFor(names[s].Kind, names[t].Kind, e);
            }

            if (type is not null)
            {
                sources.Add(s);
                targets.Add(t);
                types.Add(codes[type]);
            }
        }

        int[] s0 = [.. sources], t0 = [.. targets];
        var csr = Algorithms.CsrGraph.Build(nodes, s0, t0, [.. types], [.. names.Select(n => (byte)n.Kind)], relabel: true, out var order);
        var rank = new int[nodes];
        for (var i = 0; i < nodes; i++)
        {
            rank[order[i]] = i;
        }

        return (csr, rank, s0, t0);
    }

    private static string Csv(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal) ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    internal static int ParseSize(string text) =>
        text.EndsWith('m') ? (int)(double.Parse(text[..^1], CultureInfo.InvariantCulture) * 1_000_000)
        : text.EndsWith('k') ? (int)(double.Parse(text[..^1], CultureInfo.InvariantCulture) * 1_000)
        : int.Parse(text, CultureInfo.InvariantCulture);
}
