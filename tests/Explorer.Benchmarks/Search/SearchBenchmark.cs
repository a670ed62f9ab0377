using System.Globalization;
using Explorer.Graph;
using Explorer.Search;
using Explorer.Search.Reference;
using Microsoft.Data.Sqlite;

namespace Explorer.Benchmarks.Search;

/// <summary>
/// Name search at scale (issue 9 item 6), side by side in one run on the same synthetic names and queries:
/// the compact <see cref="NameIndex"/>, the index it replaced (<see cref="ReferenceNameIndex"/>, kept verbatim
/// in the tests) and SQLite FTS5 (<c>unicode61 remove_diacritics 2</c>). Build time, peak RSS and retained heap
/// of both indexes; exact-name, prefix, alias and one-typo queries (top 10); top-10 hit rates; and every answer
/// of the new index compared with the old one's (exit code 1 on any difference).
/// <code>dotnet run -c Release --project tests/Explorer.Benchmarks -- search --size 1m [--queries 200] [--rounds 3] [--skip-reference] [--skip-fts]</code>
/// </summary>
internal static class SearchBenchmark
{
    private const int Limit = 10;

    public static int Run(string[] args)
    {
        int nodes = 1_000_000, queryCount = 200, rounds = 3;
        bool skipReference = false, skipFts = false, slowest = false;
        string? outDir = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size": nodes = Scale.ScaleBenchmark.ParseSize(args[++i]); break;
                case "--queries": queryCount = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--skip-reference": skipReference = true; break;
                case "--skip-fts": skipFts = true; break;
                case "--slowest": slowest = true; break;
                case "--out": outDir = args[++i]; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}: search --size 100k|1m [--queries 200] [--rounds 3] [--skip-reference] [--skip-fts] [--slowest] [--out DIR]");
                    return 2;
            }
        }

        outDir ??= Path.Combine("artifacts", "bench", "search-" + nodes.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(outDir);
        var loadBefore = ProcStatus.LoadAverage();
        Progress.Line($"search: {Format.Count(nodes)} nodes; load {loadBefore}");

        // The main mode's names (same generator and seed), so figures compare with its name-search rows.
        var names = SyntheticNames.Generate(nodes, 20240601UL ^ 0x5EED);
        IEnumerable<string> NamesAt(int i) => [names[i].Id, names[i].Name, .. names[i].Aliases];
        var rng = new SplitMix64(0x5EA4C4);
        var targets = Enumerable.Range(0, queryCount).Select(_ => rng.Below(names.Length)).ToArray();
        var withAlias = names.Select((n, i) => (n, i)).Where(p => p.n.Aliases.Length > 0).Select(p => p.i).ToArray();
        var aliasTargets = Enumerable.Range(0, queryCount).Select(_ => withAlias[rng.Below(withAlias.Length)]).ToArray();
        var sets = new (string Name, int[] Targets, string[] Queries)[]
        {
            ("exact name", targets, [.. targets.Select(i => names[i].Name)]),
            ("prefix (first 60%, at least 4 chars)", targets, [.. targets.Select(i => PrefixOf(names[i].Name))]),
            ("alias", aliasTargets, [.. aliasTargets.Select(i => names[i].Aliases[0])]),
            ("one typo (3rd letter)", targets, [.. targets.Select(i => Typo(names[i].Name))]),
        };

        Progress.Line("search: building the compact NameIndex");
        var newCost = Measure.Build(() => NameIndex.Build(nodes, NamesAt, i => names[i].Kind, i => names[i].Name), index => index.MemoryBytes, out var index);
        Progress.Line($"  {Format.Seconds(newCost.Seconds)}, retained {Format.Bytes(newCost.RetainedHeapBytes)}, peak RSS +{Format.Bytes(newCost.PeakRssDeltaBytes)}");
        BuildCost? oldCost = null;
        ReferenceNameIndex? reference = null;
        if (!skipReference)
        {
            Progress.Line("search: building the old NameIndex (reference)");
            oldCost = Measure.Build(() => ReferenceNameIndex.Build(nodes, NamesAt, i => names[i].Kind, i => names[i].Name), _ => -1, out reference);
            Progress.Line($"  {Format.Seconds(oldCost.Seconds)}, retained {Format.Bytes(oldCost.RetainedHeapBytes)}, peak RSS +{Format.Bytes(oldCost.PeakRssDeltaBytes)}");
        }

        (double Seconds, long Bytes, SqliteConnection Connection)? fts = null;
        if (!skipFts)
        {
            Progress.Line("search: building SQLite FTS5 over the same names");
            fts = Scale.ScaleBenchmark.BuildFts(names, outDir);
            Progress.Line($"  {Format.Seconds(fts.Value.Seconds)}, {Format.Bytes(fts.Value.Bytes)} on disk");
        }

        // Same answers: every query of every set, new against old.
        var differences = new List<string>();
        if (reference is not null)
        {
            foreach (var (set, _, queries) in sets)
            {
                foreach (var q in queries)
                {
                    if (!WithoutTyposBesideAnExactHit(reference.Search(q, null, Limit)).SequenceEqual(index.Search(q, null, Limit)) || !reference.Resolve(q).SequenceEqual(index.Resolve(q)))
                    {
                        differences.Add($"{set}: '{q}'");
                    }
                }
            }

            Progress.Line($"search: new vs old answers on {sets.Sum(s => s.Queries.Length)} queries: {differences.Count} differ");
        }

        var rows = new List<string>();
        using var ftsCommand = fts?.Connection.CreateCommand();
        SqliteParameter? match = null;
        if (ftsCommand is not null)
        {
            ftsCommand.CommandText = "SELECT id FROM names WHERE names MATCH $q ORDER BY rank LIMIT 10";
            match = ftsCommand.Parameters.Add("$q", SqliteType.Text);
        }

        List<string> Fts(string expression)
        {
            match!.Value = expression;
            using var reader = ftsCommand!.ExecuteReader();
            var ids = new List<string>();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }

        foreach (var (set, setTargets, queries) in sets)
        {
            var isPrefix = set.StartsWith("prefix", StringComparison.Ordinal);
            var column = set == "alias" ? "aliases" : "name";
            string FtsExpression(string q) => Scale.ScaleBenchmark.Phrase(q).Replace("name : ", column + " : ", StringComparison.Ordinal) + (isPrefix ? "*" : "");
            double HitRate(Func<string, IEnumerable<string>> ids) => isPrefix ? double.NaN : queries.Select((q, k) => ids(q).Contains(names[setTargets[k]].Id)).Count(hit => hit) / (double)queries.Length;

            Progress.Line($"search: timing {set}");
            var newLatency = Measure.Time(queries, 2, rounds, q => index.Search(q, null, Limit), "new " + set);
            var newHits = HitRate(q => index.Search(q, null, Limit).Select(h => names[h.Node].Id));
            if (slowest)
            {
                // Each query's best of three, the slowest ones with the match kinds of their answers: where the tail
                // comes from; then the queries grouped by the kinds in their answers, with each group's median.
                string Kinds(string q) => string.Join(" ", index.Search(q, null, Limit).GroupBy(h => h.Match).Select(g => $"{g.Key}x{g.Count()}"));
                var each = queries.Distinct().Select(q => (Query: q, Ms: Enumerable.Range(0, 3).Min(_ =>
                {
                    var start = System.Diagnostics.Stopwatch.GetTimestamp();
                    index.Search(q, null, Limit);
                    return Measure.ElapsedMs(start);
                }))).ToList();
                foreach (var (q, ms) in each.OrderByDescending(p => p.Ms).Take(8))
                {
                    Progress.Line($"    slow: {Format.Ms(ms)} ms '{q}': {Kinds(q)}");
                }

                foreach (var tier in each.GroupBy(p => string.Join("+", index.Search(p.Query, null, Limit).Select(h => h.Match).Distinct().Order())).OrderByDescending(g => g.Count()))
                {
                    var ms = tier.Select(p => p.Ms).Order().ToList();
                    Progress.Line($"    tiers {(tier.Key.Length == 0 ? "none" : tier.Key)}: {ms.Count} queries, median {Format.Ms(ms[ms.Count / 2])} ms, max {Format.Ms(ms[^1])} ms");
                }
            }

            var oldLatency = reference is null ? null : Measure.Time(queries, 2, rounds, q => reference.Search(q, null, Limit), "old " + set);
            var ftsLatency = ftsCommand is null ? null : Measure.Time(queries, 2, rounds, q => Fts(FtsExpression(q)), "FTS5 " + set);
            var ftsHits = ftsCommand is null ? double.NaN : HitRate(q => Fts(FtsExpression(q)));
            rows.Add($"| {set} | **{Format.Ms(newLatency.MedianMs)} / {Format.Ms(newLatency.P95Ms)}** {Rate(newHits)} | {(oldLatency is null ? "-" : $"{Format.Ms(oldLatency.MedianMs)} / {Format.Ms(oldLatency.P95Ms)}")} | {(ftsLatency is null ? "-" : $"{Format.Ms(ftsLatency.MedianMs)} / {Format.Ms(ftsLatency.P95Ms)} {Rate(ftsHits)}")} | {Times(oldLatency, newLatency)} | {Times(ftsLatency, newLatency)} |");
        }

        fts?.Connection.Dispose();
        Console.WriteLine();
        Console.WriteLine($"## Name search: {Format.Count(nodes)} nodes, {Format.Count(sets[0].Queries.Length)} queries a set x {rounds} rounds, top {Limit} (load {loadBefore} before, {ProcStatus.LoadAverage()} after)");
        Console.WriteLine();
        Console.WriteLine("| | new NameIndex | old NameIndex | SQLite FTS5 |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| build (CPU) | {Format.Seconds(newCost.Seconds)} ({Format.Seconds(newCost.CpuSeconds)}) | {(oldCost is null ? "-" : $"{Format.Seconds(oldCost.Seconds)} ({Format.Seconds(oldCost.CpuSeconds)})")} | {(fts is null ? "-" : Format.Seconds(fts.Value.Seconds))} |");
        Console.WriteLine($"| retained (managed heap after GC) | {Format.Bytes(newCost.RetainedHeapBytes)} (arrays {Format.Bytes(newCost.StructureBytes)}) | {(oldCost is null ? "-" : Format.Bytes(oldCost.RetainedHeapBytes))} | {(fts is null ? "-" : Format.Bytes(fts.Value.Bytes) + " file")} |");
        Console.WriteLine($"| peak RSS increase during build | {Format.Bytes(newCost.PeakRssDeltaBytes)} | {(oldCost is null ? "-" : Format.Bytes(oldCost.PeakRssDeltaBytes))} | - |");
        Console.WriteLine();
        Console.WriteLine("| query set (p50 / p95 ms, top-10 hit rate) | new | old | FTS5 | new faster than old (p50) | new faster than FTS5 (p50) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        Console.WriteLine();
        Console.WriteLine(reference is null ? "answers not compared (--skip-reference)" : $"new vs old: {differences.Count} of {sets.Sum(s => s.Queries.Length)} answers differ{(differences.Count > 0 ? ": " + string.Join("; ", differences.Take(5)) : "")}");
        return differences.Count == 0 ? 0 : 1;
    }

    /// <summary>The old answer under the one rule that changed: no typo hits beside an exact hit (typo hits rank last).</summary>
    private static List<(int Node, double Score, MatchKind Match)> WithoutTyposBesideAnExactHit(IReadOnlyList<(int Node, double Score, MatchKind Match)> old) =>
        old.Any(h => h.Match == MatchKind.Exact) ? [.. old.Where(h => h.Match != MatchKind.Fuzzy)] : [.. old];

    private static string Rate(double rate) => double.IsNaN(rate) ? "" : string.Create(CultureInfo.InvariantCulture, $"({rate:P0})");

    private static string Times(Latency? baseline, Latency latency) =>
        baseline is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{baseline.MedianMs / latency.MedianMs:F1}x");

    /// <summary>What someone types before picking from suggestions (as the main mode): the first ~60% of the name, at least 4 characters.</summary>
    private static string PrefixOf(string name) => name[..Math.Min(name.Length, Math.Max(4, (int)(name.Length * 0.6)))].TrimEnd();

    /// <summary>One substitution at the third letter (as the scale mode).</summary>
    private static string Typo(string name)
    {
        var chars = name.ToCharArray();
        var at = Math.Min(2, chars.Length - 1);
        chars[at] = chars[at] == 'e' ? 'a' : 'e';
        return new string(chars);
    }
}
