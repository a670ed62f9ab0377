using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Explorer.Algorithms;
using Explorer.Benchmarks;
using Explorer.Embedded;
using Explorer.Search;

// /api/paths over loopback HTTP on the seed graph: a mode of its own.
if (args is ["http", .. var throughputArgs] && throughputArgs.Contains("--throughput"))
{
    return await Explorer.Benchmarks.Http.ThroughputBenchmark.RunAsync(throughputArgs);
}

if (args is ["http", .. var httpArgs])
{
    return await Explorer.Benchmarks.Http.PathsOverHttpBenchmark.RunAsync(httpArgs);
}

// Annotation writes and live fan-out (issue 4): a mode of its own.
if (args is ["annotations", .. var rest])
{
    return await Explorer.Benchmarks.Annotations.AnnotationBenchmark.RunAsync(rest);
}

// A live delta from a write to a second browser's canvas (issue 3): a mode of its own.
if (args is ["live", .. var liveArgs])
{
    return await Explorer.Benchmarks.Web.LiveLatencyBenchmark.RunAsync(liveArgs);
}

// Graceful shutdown with 1,000 live clients (issue 15): a mode of its own.
if (args is ["shutdown", .. var shutdownArgs])
{
    return await Explorer.Benchmarks.Live.ShutdownBenchmark.RunAsync(shutdownArgs);
}

// Suggested relations: precision and recall on the essay (issue 10): a mode of its own.
if (args is ["suggestions", .. var suggestionArgs])
{
    return await Explorer.Benchmarks.Suggestions.SuggestionBenchmark.RunAsync(suggestionArgs);
}

// Ranked paths (the default answer) beside shortest and k paths on the same pairs (issue 11): a mode of its own.
if (args is ["ranked", .. var rankedArgs])
{
    return await Explorer.Benchmarks.Ranking.RankedPathsBenchmark.RunAsync(rankedArgs);
}

// The living graph at scale (issue 9): import, write-to-queryable, search vs FTS5, k paths vs networkx.
if (args is ["scale", .. var scaleArgs])
{
    return await Explorer.Benchmarks.Scale.ScaleBenchmark.RunAsync(scaleArgs);
}

// Name search at scale: the compact NameIndex against the old one and SQLite FTS5 (issue 9 item 6).
if (args is ["search", .. var searchArgs])
{
    return Explorer.Benchmarks.Search.SearchBenchmark.Run(searchArgs);
}

// Start-up from the index snapshot against a rebuild from SQLite (issue 9 item 5): a mode of its own.
if (args is ["startup", .. var startupArgs])
{
    return await Explorer.Benchmarks.Startup.StartupBenchmark.RunAsync(startupArgs);
}

// k shortest paths on the engine alone, against the old Yen search (issue 9 item 7).
if (args is ["kpaths", .. var kpathArgs])
{
    return Explorer.Benchmarks.Scale.KPathsBenchmark.Run(kpathArgs);
}

// Child modes (the start-up measurements run in fresh processes).
if (args is ["--startup-snapshot-child", var snapshotDatabase, var snapshotMode])
{
    return await Explorer.Benchmarks.Startup.StartupBenchmark.ChildAsync(snapshotDatabase, snapshotMode);
}

if (args.Length == 2 && args[0] == "--startup-child")
{
    return await StoreBench.StartupChildAsync(args[1]);
}

if (args.Length == 2 && args[0] == "--startup-breakdown-child")
{
    return StoreBench.BreakdownChild(args[1]);
}

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

return await Bench.RunAsync(options);

namespace Explorer.Benchmarks
{
    internal sealed record Options(
        int Nodes,
        int M,
        ulong Seed,
        int Pairs,
        int QuikGraphPairs,
        int Rounds,
        int MaxHops,
        int NeighborhoodLimit,
        string OutDir,
        string? JsonPath,
        bool SkipNetworkx,
        bool SkipQuikGraph,
        bool SkipStore,
        bool SkipSearch,
        bool Reseed,
        int StartupRuns,
        bool Shuffle,
        string Python,
        bool Help)
    {
        public const string Usage = """
            Explorer benchmark: synthetic Barabási–Albert graph, Explorer's engine vs a naive CSR BFS, stock QuikGraph and networkx.

            dotnet run -c Release --project tests/Explorer.Benchmarks -- --size 100k
            dotnet run -c Release --project tests/Explorer.Benchmarks -- --size 1m --json artifacts/bench/1m.json

              --size N          nodes: 100k, 1m or a number (default 100k); edges = m × nodes
              --m N             edges per new node (default 5)
              --seed N          generator seed (default 20240601)
              --pairs N         shortest-path pairs / neighborhood centers / search queries (default 200)
              --quikgraph-pairs N  pairs timed on stock QuikGraph (default: all up to 200k nodes, else 20)
              --rounds N        timed passes over the pairs for Explorer, the naive BFS and networkx (default 5; networkx 3)
              --max-hops N      path length bound (default 8)
              --out DIR         where the edge list, pairs and SQLite file go (default artifacts/bench/<size>)
              --json PATH       also write all figures as JSON
              --startup-runs N  fresh-process start-ups of the embedded store (default 3 up to 200k nodes, else 2)
              --skip-networkx, --skip-quikgraph, --skip-store, --skip-search
              --reseed          rebuild the SQLite file even if one for the same graph exists
              --no-shuffle      keep generation order as node numbers (old = hub nodes get low numbers)
              --python PATH     python interpreter with networkx (default python3)
            """;

        public static Options Parse(string[] args)
        {
            var nodes = 100_000;
            var sizeLabel = "100k";
            int m = 5, pairs = 200, rounds = 5, maxHops = 8;
            int? quikPairs = null, startupRuns = null;
            ulong seed = 20240601;
            string? outDir = null, json = null;
            var python = "python3";
            bool skipNx = false, skipQg = false, skipStore = false, skipSearch = false, reseed = false, shuffle = true, help = false;
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--size":
                        sizeLabel = Value().ToLowerInvariant();
                        nodes = ParseSize(sizeLabel);
                        break;
                    case "--m": m = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--pairs": pairs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--quikgraph-pairs": quikPairs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--rounds": rounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--max-hops": maxHops = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--out": outDir = Value(); break;
                    case "--json": json = Value(); break;
                    case "--startup-runs": startupRuns = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--python": python = Value(); break;
                    case "--skip-networkx": skipNx = true; break;
                    case "--skip-quikgraph": skipQg = true; break;
                    case "--skip-store": skipStore = true; break;
                    case "--skip-search": skipSearch = true; break;
                    case "--reseed": reseed = true; break;
                    case "--no-shuffle": shuffle = false; break;
                    case "--help" or "-h": help = true; break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }

            return new Options(
                nodes,
                m,
                seed,
                pairs,
                Math.Min(pairs, quikPairs ?? (nodes <= 200_000 ? pairs : 20)),
                rounds,
                maxHops,
                500,
                outDir ?? Path.Combine("artifacts", "bench", sizeLabel),
                json,
                skipNx,
                skipQg,
                skipStore,
                skipSearch,
                reseed,
                startupRuns ?? (nodes <= 200_000 ? 3 : 2),
                shuffle,
                python,
                help);
        }

        private static int ParseSize(string text)
        {
            var multiplier = 1;
            if (text.EndsWith('k'))
            {
                multiplier = 1_000;
                text = text[..^1];
            }
            else if (text.EndsWith('m'))
            {
                multiplier = 1_000_000;
                text = text[..^1];
            }

            return checked((int)(double.Parse(text, CultureInfo.InvariantCulture) * multiplier));
        }
    }

    /// <summary>One engine's column in the table.</summary>
    internal sealed class EngineResult(string name)
    {
        public string Name { get; } = name;

        public double BuildSeconds { get; set; } = double.NaN;

        public long PeakRssDeltaBytes { get; set; } = -1;

        public long RetainedBytes { get; set; } = -1;

        public long StructureBytes { get; set; } = -1;

        public Latency? ShortestPath { get; set; }

        public int?[]? Lengths { get; set; }

        public string Note { get; set; } = "";
    }

    internal static class Bench
    {
        public static async Task<int> RunAsync(Options o)
        {
            Directory.CreateDirectory(o.OutDir);
            var machine = MachineDescription();
            var loadAtStart = ProcStatus.LoadAverage();
            Progress.Line($"Explorer benchmark: {Format.Count(o.Nodes)} nodes, m={o.M}, seed={o.Seed}, {o.Pairs} pairs; output in {Path.GetFullPath(o.OutDir)}");
            Progress.Line($"machine: {machine}; load average {loadAtStart}");
            if (!ProcStatus.PeakResetWorks)
            {
                Progress.Line("note: /proc/self/clear_refs not writable, peak RSS deltas are process-wide");
            }

            // ---- Generate and write the graph ----------------------------------------------------------
            var start = Stopwatch.GetTimestamp();
            var graph = SyntheticGraph.Generate(o.Nodes, o.M, o.Seed, o.Shuffle);
            var names = SyntheticNames.Generate(o.Nodes, o.Seed ^ 0x5EED);
            var pairs = graph.Pairs(o.Pairs, o.Seed ^ 0xBA1Fu);
            var generateSeconds = Measure.ElapsedMs(start) / 1000;
            Progress.Line($"generated {Format.Count(graph.NodeCount)} nodes, {Format.Count(graph.EdgeCount)} edges in {Format.Seconds(generateSeconds)}");
            var edgePath = Path.Combine(o.OutDir, "edges.tsv");
            var pairPath = Path.Combine(o.OutDir, "pairs.tsv");
            graph.WriteEdgeList(edgePath);
            SyntheticGraph.WritePairs(pairPath, pairs);
            SyntheticNames.Write(Path.Combine(o.OutDir, "nodes.tsv"), names);
            Progress.Line($"wrote {edgePath} ({Format.Bytes(new FileInfo(edgePath).Length)}), {pairPath}, nodes.tsv");

            var maxDegree = 0;
            {
                var degree = new int[graph.NodeCount];
                foreach (var s in graph.Sources)
                {
                    degree[s]++;
                }

                foreach (var t in graph.Targets)
                {
                    degree[t]++;
                }

                maxDegree = degree.Max();
            }

            // ---- (a) Explorer --------------------------------------------------------------------------
            var explorer = new EngineResult("Explorer");
            var types = new byte[graph.EdgeCount];
            for (var e = 0; e < types.Length; e++)
            {
                types[e] = GraphIndex.TypeCode(StoreBench.EdgeType(e));
            }

            var kinds = names.Select(n => (byte)n.Kind).ToArray();
            Progress.Line("Explorer: building CsrGraph");
            var csrCost = Measure.Build(
                () => (Graph: CsrGraph.Build(graph.NodeCount, graph.Sources, graph.Targets, types, kinds, relabel: true, out var order), Order: order),
                r => r.Graph.MemoryBytes,
                out var built);
            var csr = built.Graph;
            var order = built.Order;
            var rank = new int[order.Length];
            for (var i = 0; i < order.Length; i++)
            {
                rank[order[i]] = i;
            }

            Progress.Line("Explorer: building NameIndex");
            var nameCost = Measure.Build(
                () => NameIndex.Build(
                    csr.NodeCount,
                    ordinal => [names[order[ordinal]].Id, names[order[ordinal]].Name, .. names[order[ordinal]].Aliases],
                    ordinal => names[order[ordinal]].Kind,
                    ordinal => names[order[ordinal]].Name),
                _ => -1,
                out var nameIndex);
            explorer.BuildSeconds = csrCost.Seconds + nameCost.Seconds;
            explorer.PeakRssDeltaBytes = Math.Max(csrCost.PeakRssDeltaBytes, nameCost.PeakRssDeltaBytes);
            explorer.RetainedBytes = csrCost.RetainedHeapBytes + nameCost.RetainedHeapBytes;
            explorer.StructureBytes = csr.MemoryBytes;
            explorer.Note = "CSR + NameIndex";

            var explorerLengths = new int?[pairs.Length];
            var invalid = 0;
            for (var p = 0; p < pairs.Length; p++)
            {
                var path = ShortestPath.Find(csr, rank[pairs[p].Source], rank[pairs[p].Target], o.MaxHops, TraversalFilter.None);
                explorerLengths[p] = path?.Edges.Length;
                if (path is not null && !ValidPath(csr, path, rank[pairs[p].Source], rank[pairs[p].Target]))
                {
                    invalid++;
                }
            }

            explorer.Lengths = explorerLengths;

            // Today's search and the search as it was before the living graph's overlay (fb774e7's raw CSR loop, kept
            // verbatim), timed pair by pair in alternating order on the same graph: the per-pair ratio is what can
            // tell a regression from the shared machine's noise.
            var before = new EngineResult("Explorer before");
            before.Note = "fb774e7 raw CSR loop";
            before.Lengths = pairs.Select(p => ShortestPathBefore.Find(csr, rank[p.Source], rank[p.Target], o.MaxHops, TraversalFilter.None)?.Edges.Length).ToArray();
            Progress.Line("Explorer: timing shortest paths, today's and before the overlay side by side");
            var versusBefore = Measure.TimePaired(
                pairs,
                3,
                o.Rounds,
                p => ShortestPath.Find(csr, rank[p.Source], rank[p.Target], o.MaxHops, TraversalFilter.None),
                p => ShortestPathBefore.Find(csr, rank[p.Source], rank[p.Target], o.MaxHops, TraversalFilter.None),
                "Explorer shortest path (today vs before, paired)");
            explorer.ShortestPath = versusBefore.A;
            before.ShortestPath = versusBefore.B;

            Progress.Line("Explorer: timing 2-hop neighborhoods");
            var centers = pairs.Select(p => rank[p.Source]).ToArray();
            long returnedNodes = 0;
            var truncatedCount = 0;
            foreach (var c in centers)
            {
                var n = Neighborhoods.Collect(csr, c, 2, TraversalFilter.None, o.NeighborhoodLimit, 0);
                returnedNodes += n.Nodes.Count;
                truncatedCount += n.Truncated ? 1 : 0;
            }

            var neighborhood = Measure.Time(centers, 3, o.Rounds, c => Neighborhoods.Collect(csr, c, 2, TraversalFilter.None, o.NeighborhoodLimit, 0), "Explorer 2-hop neighborhood");

            Progress.Line("Explorer: timing name search");
            var queryRng = new SplitMix64(o.Seed ^ 0x5EA4C4);
            var searchTargets = Enumerable.Range(0, o.Pairs).Select(_ => queryRng.Below(names.Length)).ToArray();
            var exactQueries = searchTargets.Select(i => names[i].Name).ToArray();
            var prefixQueries = searchTargets.Select(i => PrefixOf(names[i].Name)).ToArray();
            int exactFound = 0;
            double prefixHits = double.NaN;
            Latency searchExact = Latency.Of([], 0), searchPrefix = Latency.Of([], 0);
            if (!o.SkipSearch)
            {
                exactFound = searchTargets.Count(i => nameIndex.Search(names[i].Name, null, 10).Any(h => order[h.Node] == i));
                prefixHits = prefixQueries.Average(q => (double)nameIndex.Search(q, null, 10).Count);
                var searchRounds = Math.Max(1, Math.Min(o.Rounds, 3));
                searchExact = Measure.Time(exactQueries, 2, searchRounds, q => nameIndex.Search(q, null, 10), "Explorer exact search");
                searchPrefix = Measure.Time(prefixQueries, 2, searchRounds, q => nameIndex.Search(q, null, 10), "Explorer prefix search");
            }

            // ---- (d) naive CSR bidirectional BFS -------------------------------------------------------
            var naive = new EngineResult("Naive CSR BFS");
            Progress.Line("naive CSR: building");
            var naiveCost = Measure.Build(() => new NaiveCsr(graph.NodeCount, graph.Sources, graph.Targets), g => g.MemoryBytes, out var naiveGraph);
            naive.BuildSeconds = naiveCost.Seconds;
            naive.PeakRssDeltaBytes = naiveCost.PeakRssDeltaBytes;
            naive.RetainedBytes = naiveCost.RetainedHeapBytes;
            naive.StructureBytes = naiveGraph.MemoryBytes;
            naive.Note = "offsets + adjacency";
            naive.Lengths = pairs.Select(p => naiveGraph.Find(p.Source, p.Target, o.MaxHops) is { } nodes ? nodes.Length - 1 : (int?)null).ToArray();
            Progress.Line("naive CSR: timing shortest paths");
            naive.ShortestPath = Measure.Time(pairs, 3, o.Rounds, p => naiveGraph.Find(p.Source, p.Target, o.MaxHops), "naive CSR shortest path");
            naiveGraph = null;

            // ---- (b) stock QuikGraph -------------------------------------------------------------------
            var quik = new EngineResult("QuikGraph BFS");
            if (!o.SkipQuikGraph)
            {
                Progress.Line("QuikGraph: building UndirectedGraph<int, Edge<int>>");
                var quikCost = Measure.Build(() => new QuikGraphBaseline(graph.NodeCount, graph.Sources, graph.Targets), _ => -1, out var quikGraph);
                quik.BuildSeconds = quikCost.Seconds;
                quik.PeakRssDeltaBytes = quikCost.PeakRssDeltaBytes;
                quik.RetainedBytes = quikCost.RetainedHeapBytes;
                var subset = pairs.Take(o.QuikGraphPairs).ToArray();
                Progress.Line($"QuikGraph: timing {subset.Length} shortest paths (one BFS each, aborted at the target)");
                _ = quikGraph.Find(subset[0].Source, subset[0].Target, o.MaxHops);
                var lengths = new int?[pairs.Length];
                var index = 0;
                quik.ShortestPath = Measure.Time(subset, 0, 1, p => lengths[index++] = quikGraph.Find(p.Source, p.Target, o.MaxHops), "QuikGraph shortest path");
                quik.Lengths = lengths;
                quik.Note = subset.Length < pairs.Length ? $"first {subset.Length} of {pairs.Length} pairs" : "";
                quikGraph = null;
                Measure.CollectAll();
            }

            // ---- (c) networkx --------------------------------------------------------------------------
            var nx = new EngineResult("networkx");
            JsonNode? nxJson = null;
            if (!o.SkipNetworkx)
            {
                Progress.Line("networkx: running networkx_baseline.py (child process)");
                var script = Path.Combine(AppContext.BaseDirectory, "networkx_baseline.py");
                var startInfo = new ProcessStartInfo(o.Python) { RedirectStandardOutput = true, UseShellExecute = false };
                foreach (var a in new[] { script, "--edges", edgePath, "--pairs", pairPath, "--rounds", Math.Min(o.Rounds, 3).ToString(CultureInfo.InvariantCulture), "--max-hops", o.MaxHops.ToString(CultureInfo.InvariantCulture) })
                {
                    startInfo.ArgumentList.Add(a);
                }

                nxJson = StoreBench.RunJson(startInfo);
                if (nxJson is not null)
                {
                    nx.BuildSeconds = (double)nxJson["load_seconds"]!;
                    nx.PeakRssDeltaBytes = (long)nxJson["peak_rss_bytes"]! - (long)nxJson["rss_before_bytes"]!;
                    nx.RetainedBytes = (long)nxJson["graph_rss_delta_bytes"]!;
                    nx.ShortestPath = new Latency((int)nxJson["queries"]!, (int)nxJson["samples"]!, (double)nxJson["median_ms"]!, (double)nxJson["p95_ms"]!, (double)nxJson["mean_ms"]!);
                    nx.Lengths = nxJson["lengths"]!.AsArray().Select(l => l is null ? (int?)null : (int)l).ToArray();
                    nx.Note = $"networkx {nxJson["networkx"]}, RSS-based";
                }
                else
                {
                    nx.Note = "failed";
                }
            }

            // ---- Embedded store: seed once, start up in fresh processes --------------------------------
            double seedSeconds = double.NaN;
            var startups = new List<JsonNode>();
            JsonNode? breakdown = null;
            long dbBytes = -1;
            if (!o.SkipStore)
            {
                // Free the engines' memory first: seeding holds every record in memory.
                csr = null;
                nameIndex = null;
                Measure.CollectAll();
                var dbPath = Path.Combine(o.OutDir, "graph.db");
                seedSeconds = await StoreBench.EnsureSeededAsync(dbPath, graph, names, o.Reseed);
                Measure.CollectAll();
                dbBytes = new FileInfo(dbPath).Length;
                for (var r = 0; r < o.StartupRuns; r++)
                {
                    Progress.Line($"store: start-up {r + 1}/{o.StartupRuns} in a fresh process");
                    if (StoreBench.RunChild("--startup-child", dbPath) is { } run)
                    {
                        startups.Add(run);
                        Progress.Line($"  InitializeAsync {Format.Seconds((double)run["seconds"]!)}, peak RSS {Format.Bytes((long)run["peak_rss_bytes"]!)}");
                    }
                }

                Progress.Line("store: start-up breakdown (LoadIndex phases, fresh process)");
                breakdown = StoreBench.RunChild("--startup-breakdown-child", dbPath);
            }

            // ---- Agreement -----------------------------------------------------------------------------
            var mismatches = new List<string>();
            for (var p = 0; p < pairs.Length; p++)
            {
                foreach (var other in new[] { before, naive, quik, nx })
                {
                    if (other.Lengths is null || (other == quik && p >= o.QuikGraphPairs))
                    {
                        continue;
                    }

                    if (other.Lengths[p] != explorerLengths[p])
                    {
                        mismatches.Add($"pair {p} ({pairs[p].Source} -> {pairs[p].Target}): Explorer {Show(explorerLengths[p])}, {other.Name} {Show(other.Lengths[p])}");
                    }
                }
            }

            if (invalid > 0)
            {
                mismatches.Add($"{invalid} Explorer paths do not join their endpoints edge by edge");
            }

            // ---- Report --------------------------------------------------------------------------------
            var engines = new[] { explorer, before, naive, quik, nx };
            var report = new Report(o, machine, loadAtStart, graph, maxDegree, generateSeconds, engines, versusBefore, csrCost, nameCost, neighborhood, returnedNodes, truncatedCount, searchExact, searchPrefix, exactFound, prefixHits, seedSeconds, dbBytes, startups, breakdown, mismatches, explorerLengths);
            report.Print(Console.Out);
            if (o.JsonPath is not null)
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(o.JsonPath));
                Directory.CreateDirectory(directory!);
                await File.WriteAllTextAsync(o.JsonPath, report.ToJson(nxJson).ToJsonString(StoreBench.Json));
                Progress.Line($"wrote {o.JsonPath}");
            }

            return mismatches.Count == 0 ? 0 : 1;
        }

        private static string Show(int? length) => length?.ToString(CultureInfo.InvariantCulture) ?? "none";

        private static string PrefixOf(string name)
        {
            // What someone types before picking from suggestions: the first ~60% of the name, at least 4 characters.
            var length = Math.Min(name.Length, Math.Max(4, (int)(name.Length * 0.6)));
            return name[..length].TrimEnd();
        }

        private static bool ValidPath(CsrGraph graph, OrdinalPath path, int source, int target)
        {
            if (path.Nodes[0] != source || path.Nodes[^1] != target || path.Edges.Length != path.Nodes.Length - 1)
            {
                return false;
            }

            for (var i = 0; i < path.Edges.Length; i++)
            {
                var e = path.Edges[i];
                var (a, b) = (graph.EdgeSource[e], graph.EdgeTarget[e]);
                if (!((a == path.Nodes[i] && b == path.Nodes[i + 1]) || (b == path.Nodes[i] && a == path.Nodes[i + 1])))
                {
                    return false;
                }
            }

            return true;
        }

        private static string MachineDescription()
        {
            var model = "unknown CPU";
            try
            {
                model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? model;
            }
            catch (IOException)
            {
            }

            var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            return $"{model}, {Environment.ProcessorCount} cores, {Format.Bytes(memory)} RAM, .NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC";
        }
    }
}
