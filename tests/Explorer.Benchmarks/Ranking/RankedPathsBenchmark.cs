using System.Diagnostics;
using System.Globalization;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;

namespace Explorer.Benchmarks.Ranking;

/// <summary>
/// <c>dotnet run -c Release --project tests/Explorer.Benchmarks -- ranked [--pairs 200] [--rounds 3] [--size 100000] [--synthetic-pairs 40]</c>
/// <para>
/// The default answer to "X to Y" (<c>mode=ranked</c>: explanation score, parallel edges, widening pool,
/// diversity) beside its baselines in the same run and on the same pairs: <c>mode=shortest</c> (one BFS) and
/// <c>mode=k</c> (Yen's k shortest by type cost). The store's own <c>FindPathsAsync</c>, no HTTP. First on the
/// seed graph (the eight pairs of the HTTP benchmark plus random pairs, fixed seed), then on a synthetic
/// preferential-attachment graph of <c>--size</c> nodes (5 edges each) in an embedded store (<c>--size 0</c>
/// skips it).
/// </para>
/// </summary>
public static class RankedPathsBenchmark
{
    private static readonly (string From, string To)[] s_named =
    [
        ("nato", "balkans"), ("un", "mali"), ("united-states", "haiti"), ("china", "somalia"),
        ("canada", "darfur"), ("african-union", "soft-power"), ("sco", "peacekeeping"), ("minusma", "amisom"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = Int(args, "--pairs", 200);
        var rounds = Int(args, "--rounds", 3);
        var size = Int(args, "--size", 100_000);
        var syntheticPairs = Int(args, "--synthetic-pairs", 40);
        var folder = Path.Combine(Path.GetTempPath(), "explorer-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"Ranked vs shortest paths (FindPathsAsync, embedded store): {Environment.ProcessorCount} cores, .NET {Environment.Version}, load {ProcStatus.LoadAverage()}");
            var seed = SeedLoader.Load(SeedLoader.FindSeedDirectory() ?? throw new InvalidOperationException("graph-seed/ not found"));
            var seedStore = new EmbeddedGraphStore(Path.Combine(folder, "seed.db"));
            await using (seedStore)
            {
                await seedStore.InitializeAsync();
                await seedStore.SeedAsync(seed);
                var rng = new SplitMix64(11);
                var ids = seed.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal).ToArray();
                var list = s_named.ToList();
                while (list.Count < pairs)
                {
                    var (a, b) = (ids[rng.Below(ids.Length)], ids[rng.Below(ids.Length)]);
                    if (a != b)
                    {
                        list.Add((a, b));
                    }
                }

                await CompareAsync(seedStore, $"seed graph ({seed.Nodes.Count} nodes, {seed.Edges.Count} edges), {list.Count} pairs x {rounds} rounds", list, rounds);
            }

            if (size > 0)
            {
                var graph = SyntheticGraph.Generate(size, 5, 42, shuffle: true);
                var names = SyntheticNames.Generate(size, 42);
                var path = Path.Combine(folder, "synthetic.db");
                var seconds = await StoreBench.EnsureSeededAsync(path, graph, names, reseed: true);
                var store = new EmbeddedGraphStore(path);
                await using (store)
                {
                    await store.InitializeAsync();
                    var rng = new SplitMix64(7);
                    var list = new List<(string, string)>();
                    while (list.Count < syntheticPairs)
                    {
                        var (a, b) = (rng.Below(size), rng.Below(size));
                        if (a != b)
                        {
                            list.Add((names[a].Id, names[b].Id));
                        }
                    }

                    await CompareAsync(store, $"synthetic graph ({Format.Count(size)} nodes, {Format.Count(graph.EdgeCount)} edges, seeded in {Format.Seconds(seconds)}), {list.Count} pairs x 1 round", list, 1);
                }
            }

            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Times each mode over the same pairs (a warm-up pass first), and checks they agree on whether a path exists.</summary>
    private static async Task CompareAsync(EmbeddedGraphStore store, string title, List<(string From, string To)> pairs, int rounds)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        var modes = new[] { ("shortest (baseline)", PathMode.Shortest), ("k, k=3 (Yen, type cost)", PathMode.K), ("ranked, k=3 (default)", PathMode.Ranked) };
        var found = new Dictionary<PathMode, bool[]>();
        var rows = new List<(string Name, double[] Samples, double Hops)>();
        foreach (var (name, mode) in modes)
        {
            var hits = new bool[pairs.Count];
            long hops = 0;
            foreach (var (from, to) in pairs.Take(Math.Min(pairs.Count, 20)))
            {
                _ = await store.FindPathsAsync(new PathQuery(from, to, mode));
            }

            var samples = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < pairs.Count; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    var result = await store.FindPathsAsync(new PathQuery(pairs[i].From, pairs[i].To, mode));
                    samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    hits[i] = result.Paths.Count > 0;
                    hops += result.Paths.Count > 0 ? result.Paths[0].Length : 0;
                }

                Console.Error.Write($"\r  {name}: round {round + 1}/{rounds}");
            }

            Console.Error.WriteLine();
            found[mode] = hits;
            rows.Add((name, [.. samples.Order()], (double)hops / Math.Max(1, hits.Count(h => h) * rounds)));
        }

        var baseline = Percentile(rows[0].Samples, 0.5);
        Console.WriteLine($"| mode | p50 ms | p95 ms | p99 ms | max ms | p50 vs shortest | hops of path 1 (mean) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, samples, hops) in rows)
        {
            var p50 = Percentile(samples, 0.5);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {p50:F3} | {Percentile(samples, 0.95):F3} | {Percentile(samples, 0.99):F3} | {samples[^1]:F3} | {p50 / baseline:F1}x | {hops:F2} |"));
        }

        var disagree = Enumerable.Range(0, pairs.Count).Count(i => found[PathMode.Ranked][i] != found[PathMode.Shortest][i] || found[PathMode.K][i] != found[PathMode.Shortest][i]);
        Console.WriteLine($"pairs with a path: {found[PathMode.Shortest].Count(h => h)}/{pairs.Count}; modes disagreeing on whether one exists: {disagree}");
        if (disagree > 0)
        {
            Environment.ExitCode = 1;
        }
    }

    private static int Int(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];
}
