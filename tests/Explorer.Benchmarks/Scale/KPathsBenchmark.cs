using System.Diagnostics;
using System.Globalization;
using Explorer.Algorithms;
using Explorer.Embedded;
using Explorer.Graph;

namespace Explorer.Benchmarks.Scale;

/// <summary>
/// <c>mode=k</c> on the engine alone (no SQLite): the scale benchmark's synthetic graph with the same kinds and
/// edge types built straight into a <see cref="CsrGraph"/>, k=5 within 6 hops on fixed random pairs, against the
/// old Yen search (<c>--yen</c>, same answers checked pair by pair) in the same run.
/// <code>dotnet run -c Release --project tests/Explorer.Benchmarks -- kpaths --size 1m [--pairs 100] [--yen] [--backward N]</code>
/// </summary>
internal static class KPathsBenchmark
{
    public static int Run(string[] args)
    {
        int nodes = 20_000, pairs = 100, k = 5, hops = 6, backward = KShortestPaths.BackwardBudget;
        var yen = false;
        var networkxPairs = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size": nodes = ScaleBenchmark.ParseSize(args[++i]); break;
                case "--pairs": pairs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--k": k = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--hops": hops = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--backward": backward = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--yen": yen = true; break;
                case "--networkx": networkxPairs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}: kpaths --size 20k|1m [--pairs 100] [--k 5] [--hops 6] [--backward N] [--yen] [--networkx PAIRS]");
                    return 2;
            }
        }

        var (graph, rank, edgeSources, edgeTargets) = ScaleBenchmark.BuildCsr(nodes, 5);
        Progress.Line($"kpaths: {Format.Count(graph.NodeCount)} nodes, {Format.Count(graph.EdgeCount)} edges; load {ProcStatus.LoadAverage()}");
        var costs = GraphIndex.TypeNames.Select(Vocabulary.Cost).ToArray();
        double Cost(int e) => costs[graph.EdgeType[e]];
        var generated = new SyntheticGraphPairs(nodes).Pairs(pairs, 13);
        var queries = generated.Select(p => (rank[p.Source], rank[p.Target])).ToList();

        var counts = new List<int>();
        var latency = Measure.Time(queries, 1, 3, q => KShortestPaths.Find(graph, q.Item1, q.Item2, k, hops, TraversalFilter.None, Cost, 1, backward), "kpaths");
        var verbose = Environment.GetEnvironmentVariable("KPATHS_VERBOSE") == "1";
        foreach (var (s, t) in queries)
        {
            var started = Stopwatch.GetTimestamp();
            var found = KShortestPaths.Find(graph, s, t, k, hops, TraversalFilter.None, Cost, 1, backward);
            var ms = Measure.ElapsedMs(started);
            counts.Add(found.Count);
            if (verbose)
            {
                var work = KShortestPaths.LastWork;
                Console.WriteLine($"  {s}->{t} deg {graph.Degree(s)}/{graph.Degree(t)}: {ms:F2} ms, {found.Count} paths, costs {string.Join(',', found.Select(p => p.Cost))}, hops {string.Join(',', found.Select(p => p.Path.Edges.Length))}; labels {work.Labels} depth {work.Depth} entries {work.Entries} expansions {work.Expansions}");
            }
        }

        Console.WriteLine($"kpaths k={k} maxHops {hops} backward {backward}: p50 {Format.Ms(latency.MedianMs)} p95 {Format.Ms(latency.P95Ms)} mean {Format.Ms(latency.MeanMs)} ({queries.Count} pairs x 3; {counts.Count(c => c == k)} pairs with {k} paths)");
        if (networkxPairs > 0)
        {
            var folder = Path.Combine("artifacts", "bench", "kpaths-" + nodes.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            var edgesPath = Path.Combine(folder, "edges.tsv");
            using (var writer = new StreamWriter(edgesPath))
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"# nodes {nodes} edges {edgeSources.Length}\n"));
                for (var e = 0; e < edgeSources.Length; e++)
                {
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"{edgeSources[e]}\t{edgeTargets[e]}\n"));
                }
            }

            var pairsPath = Path.Combine(folder, "pairs.tsv");
            SyntheticGraph.WritePairs(pairsPath, generated.Take(networkxPairs));
            var subset = queries.Take(networkxPairs).ToList();
            var ours = Measure.Time(subset, 1, 3, q => KShortestPaths.Find(graph, q.Item1, q.Item2, k, hops, TraversalFilter.None, Cost, 1, backward), "kpaths subset");
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "networkx_baseline.py"), "--edges", edgesPath, "--pairs", pairsPath, "--rounds", "1", "--warmup", "0", "--k", k.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(a);
            }

            Progress.Line("kpaths: networkx shortest_simple_paths (loading the graph takes a while)");
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var nx = System.Text.Json.Nodes.JsonNode.Parse(output.Trim().Split('\n')[^1])!;
            Console.WriteLine($"same {subset.Count} pairs: Explorer p50 {Format.Ms(ours.MedianMs)} p95 {Format.Ms(ours.P95Ms)}; networkx {nx["networkx"]} first {k} of shortest_simple_paths (hops only, no bound): p50 {Format.Ms((double)nx["median_ms"]!)} p95 {Format.Ms((double)nx["p95_ms"]!)} (graph load {Format.Seconds((double)nx["load_seconds"]!)}, peak RSS {Format.Bytes((long)nx["peak_rss_bytes"]!)})");
        }

        if (yen)
        {
            var same = 0;
            var yenMissed = 0;
            var slow = new List<double>();
            foreach (var (s, t) in queries)
            {
                var started = Stopwatch.GetTimestamp();
                var before = YenBaseline.KShortest(graph, s, t, k, hops, TraversalFilter.None, Cost);
                slow.Add(Measure.ElapsedMs(started));
                var now = KShortestPaths.Find(graph, s, t, k, hops, TraversalFilter.None, Cost, 1, backward);
                if (Describe(before) == Describe(now))
                {
                    same++;
                }
                else if (SortsFirst(now, before))
                {
                    // Yen asks for 4k paths; past that many ties it misses cheaper (or as cheap and shorter) ones.
                    yenMissed++;
                }
                else
                {
                    Console.WriteLine($"  differ {s}->{t}:\n    yen {Describe(before)}\n    new {Describe(now)}");
                }
            }

            var yenLatency = Latency.Of(slow, queries.Count);
            Console.WriteLine($"yen (before): p50 {Format.Ms(yenLatency.MedianMs)} p95 {Format.Ms(yenLatency.P95Ms)}; same answer on {same}/{queries.Count} pairs; on {yenMissed} more the new answer has a path that sorts before Yen's at the first difference (Yen missed it)");
        }

        return 0;
    }

    /// <summary>Whether, at the first position where the two lists differ, <paramref name="a"/>'s path sorts first (cost, hops, nodes).</summary>
    private static bool SortsFirst(List<(OrdinalPath Path, double Cost)> a, List<(OrdinalPath Path, double Cost)> b)
    {
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var (x, y) = (a[i], b[i]);
            var order = x.Cost != y.Cost ? x.Cost.CompareTo(y.Cost)
                : x.Path.Edges.Length != y.Path.Edges.Length ? x.Path.Edges.Length.CompareTo(y.Path.Edges.Length)
                : CompareNodes(x.Path.Nodes, y.Path.Nodes);
            if (order != 0)
            {
                return order < 0;
            }
        }

        return a.Count > b.Count;
    }

    private static int CompareNodes(int[] x, int[] y)
    {
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            if (x[i] != y[i])
            {
                return x[i].CompareTo(y[i]);
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    private static string Describe(List<(OrdinalPath Path, double Cost)> paths) =>
        string.Join(" | ", paths.Select(p => $"{p.Cost}:{string.Join(',', p.Path.Nodes)}/{string.Join(',', p.Path.Edges)}"));

    /// <summary>The generator's pair picker without generating the graph again.</summary>
    private sealed class SyntheticGraphPairs(int nodeCount)
    {
        public (int Source, int Target)[] Pairs(int count, ulong seed)
        {
            var rng = new SplitMix64(seed);
            var pairs = new (int, int)[count];
            for (var i = 0; i < count; i++)
            {
                int s, t;
                do
                {
                    s = rng.Below(nodeCount);
                    t = rng.Below(nodeCount);
                }
                while (s == t);
                pairs[i] = (s, t);
            }

            return pairs;
        }
    }
}
