using System.Diagnostics;
using System.Globalization;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;
using Explorer.Suggestions;

namespace Explorer.Benchmarks.Suggestions;

/// <summary>
/// Precision and recall of suggested relations on the essay (issue 10): graph-seed without its essay-derived
/// edges, suggestions over the essay, and how many of those edges come back.
/// </summary>
/// <remarks>
/// The answer key is every edge of graph-seed with at least one piece of evidence quoting the essay (edges that
/// also quote the public record count too). They are removed before the run; the nodes (with their names and
/// aliases) and every other edge stay. An edge "comes back" when a suggestion names the same two nodes (pair
/// match, either order), and for pair+type when a suggestion also has the edge's type in its direction. A
/// suggestion is noise when no key edge joins its two nodes; the noise is split into pairs the rest of the graph
/// joins (true per the public record, not stated as such by the essay's key) and pairs nothing joins.
/// </remarks>
internal static class SuggestionBenchmark
{
    private const string EssayId = "military-engagement-in-global-diplomacy";

    public static async Task<int> RunAsync(string[] args)
    {
        var seedDirectory = Arg(args, "--seed-dir") ?? SeedLoader.FindSeedDirectory() ?? throw new InvalidOperationException("graph-seed/ not found; pass --seed-dir.");
        var seed = SeedLoader.Load(seedDirectory);
        var essay = seed.Sources.Single(s => s.Id == EssayId);
        var essayText = Arg(args, "--essay") is { } essayPath ? File.ReadAllText(essayPath) : essay.Text;
        if (essayText != essay.Text)
        {
            Console.Error.WriteLine("warning: the essay given differs from graph-seed's copy; quotes will not line up.");
        }

        var key = seed.Edges.Where(e => e.Evidence.Any(v => v.SourceId == EssayId)).ToList();
        var rest = seed.Edges.Where(e => e.Evidence.All(v => v.SourceId != EssayId)).ToList();

        var directory = Path.Combine(Path.GetTempPath(), "explorer-suggestions-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var store = EmbeddedStore.Create(Path.Combine(directory, "explorer.db"));
            await store.InitializeAsync();
            await store.SeedAsync(seed with { Edges = rest });

            var clock = Stopwatch.StartNew();
            var suggestions = await RelationSuggester.SuggestAsync(store, essayText);
            var elapsed = clock.Elapsed;
            var split = SentenceSplitter.Split(essayText);
            var sentences = split.Count;

            // The splitter against the key's own quotes (whole sentences or bullet items of the essay).
            var texts = split.Select(s => s.Text).ToHashSet(StringComparer.Ordinal);
            var quotes = key.SelectMany(e => e.Evidence).Where(v => v.SourceId == EssayId).Select(v => v.Quote).Distinct(StringComparer.Ordinal).ToList();
            var exact = quotes.Count(texts.Contains);
            Console.WriteLine($"sentence splitter: {exact} of the key's {quotes.Count} distinct essay quotes are exactly one split sentence");
            if (args.Contains("--sentences"))
            {
                foreach (var q in quotes.Where(q => !texts.Contains(q)))
                {
                    Console.WriteLine($"  quote not a sentence: {q}");
                }

                foreach (var s in split)
                {
                    Console.WriteLine($"  [{s.Start}] {s.Text}");
                }
            }

            // Why key edges are missed: in its own quotes, does the finder see both ends, one, or none?
            var finder = new MentionFinder(store);
            var named = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var edge in key)
            {
                var best = 0;
                foreach (var quote in edge.Evidence.Where(v => v.SourceId == EssayId).Select(v => v.Quote))
                {
                    var at = essayText.IndexOf(quote, StringComparison.Ordinal);
                    var mentions = await finder.FindAsync(new SentenceSpan(Math.Max(at, 0), quote.Length, quote));
                    var ends = (mentions.Any(m => m.NodeId == edge.Source) ? 1 : 0) + (mentions.Any(m => m.NodeId == edge.Target) ? 1 : 0);
                    best = Math.Max(best, ends);
                }

                named[edge.Id] = best;
            }

            Report(seed, key, rest, suggestions, sentences, elapsed, args.Contains("--list"), named);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Report(GraphSeed seed, List<Edge> key, List<Edge> rest, IReadOnlyList<Suggestion> suggestions, int sentences, TimeSpan elapsed, bool list, Dictionary<string, int> named)
    {
        static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);

        var keyPairs = key.Select(e => Pair(e.Source, e.Target)).ToHashSet();
        var restPairs = rest.Select(e => Pair(e.Source, e.Target)).ToHashSet();
        var suggestedPairs = suggestions.Select(s => Pair(s.Source, s.Target)).ToHashSet();
        var typedTriples = suggestions.Where(s => s.Type is not null).Select(s => (s.Source, s.Type!, s.Target)).ToHashSet();

        var pairHits = key.Count(e => suggestedPairs.Contains(Pair(e.Source, e.Target)));
        var sameSentence = key.Count(e => suggestions.Any(s =>
            Pair(s.Source, s.Target) == Pair(e.Source, e.Target)
            && e.Evidence.Any(v => v.SourceId == EssayId && (v.Quote.Contains(s.Quote, StringComparison.Ordinal) || s.Quote.Contains(v.Quote, StringComparison.Ordinal)))));
        var typeHits = key.Count(e => typedTriples.Contains((e.Source, e.Type, e.Target)));

        var correct = suggestions.Count(s => keyPairs.Contains(Pair(s.Source, s.Target)));
        var noiseInGraph = suggestions.Count(s => !keyPairs.Contains(Pair(s.Source, s.Target)) && restPairs.Contains(Pair(s.Source, s.Target)));
        var noise = suggestions.Count - correct - noiseInGraph;
        var typed = suggestions.Where(s => s.Type is not null).ToList();
        var keyTriples = key.Select(e => (e.Source, e.Type, e.Target)).ToHashSet();
        var typedRight = typed.Count(s => keyTriples.Contains((s.Source, s.Type!, s.Target)));
        var typedOnKeyPair = typed.Count(s => keyPairs.Contains(Pair(s.Source, s.Target)));
        var distinctCorrect = suggestedPairs.Count(keyPairs.Contains);

        // Why the rest are missed: are both ends ever named in one sentence?
        var nodesById = seed.Nodes.ToDictionary(n => n.Id);

        static string Pct(int part, int whole) => whole == 0 ? "n/a" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

        Console.WriteLine($"# suggestions on the essay ({sentences} sentences, {essayTextLength(seed)} characters), graph-seed without its {key.Count} essay-derived edges ({rest.Count} edges and {seed.Nodes.Count} nodes kept)");
        Console.WriteLine($"suggestions: {suggestions.Count} ({suggestedPairs.Count} distinct pairs), {typed.Count} with a type; computed in {elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms");
        Console.WriteLine();
        Console.WriteLine("| Measure | Count | Of | Rate |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| Recall, pair (key edges whose two nodes some suggestion names) | {pairHits} | {key.Count} | {Pct(pairHits, key.Count)} |");
        Console.WriteLine($"| Recall, pair from one of the edge's own quotes | {sameSentence} | {key.Count} | {Pct(sameSentence, key.Count)} |");
        Console.WriteLine($"| Recall, pair + type + direction | {typeHits} | {key.Count} | {Pct(typeHits, key.Count)} |");
        Console.WriteLine($"| Precision, pair (suggestions whose pair is a key edge's) | {correct} | {suggestions.Count} | {Pct(correct, suggestions.Count)} |");
        Console.WriteLine($"| Precision, distinct pairs | {distinctCorrect} | {suggestedPairs.Count} | {Pct(distinctCorrect, suggestedPairs.Count)} |");
        Console.WriteLine($"| Noise: pair joined only by a public-record edge | {noiseInGraph} | {suggestions.Count} | {Pct(noiseInGraph, suggestions.Count)} |");
        Console.WriteLine($"| Noise: pair joined by no edge at all | {noise} | {suggestions.Count} | {Pct(noise, suggestions.Count)} |");
        Console.WriteLine($"| Typed suggestions on a key pair | {typedOnKeyPair} | {typed.Count} | {Pct(typedOnKeyPair, typed.Count)} |");
        Console.WriteLine($"| Typed suggestions whose type and direction are a key edge's | {typedRight} | {typed.Count} | {Pct(typedRight, typed.Count)} |");
        Console.WriteLine();

        Console.WriteLine("| Key type | Edges | Pair found | Type found |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var group in key.GroupBy(e => e.Type).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var found = group.Count(e => suggestedPairs.Contains(Pair(e.Source, e.Target)));
            var typeFound = group.Count(e => typedTriples.Contains((e.Source, e.Type, e.Target)));
            Console.WriteLine($"| `{group.Key}` | {group.Count()} | {found} | {typeFound} |");
        }

        Console.WriteLine();
        var missed = key.Where(e => !suggestedPairs.Contains(Pair(e.Source, e.Target))).ToList();
        Console.WriteLine($"Missed key edges: {missed.Count}. In the edge's own essay quotes, the names and aliases of graph-seed name both ends for {missed.Count(e => named[e.Id] == 2)}, one end for {missed.Count(e => named[e.Id] == 1)}, neither for {missed.Count(e => named[e.Id] == 0)}.");
        Console.WriteLine($"Key edges whose two ends are both named in one of their own quotes (the most a sentence-by-sentence matcher of names can find): {key.Count(e => named[e.Id] == 2)} of {key.Count}.");

        if (list)
        {
            Console.WriteLine();
            Console.WriteLine("## Missed key edges");
            foreach (var e in key.Where(e => !suggestedPairs.Contains(Pair(e.Source, e.Target))))
            {
                Console.WriteLine($"- {e.Source} {e.Type} {e.Target}: {e.Evidence.First(v => v.SourceId == EssayId).Quote}");
            }

            Console.WriteLine();
            Console.WriteLine("## Suggestions");
            foreach (var s in suggestions)
            {
                var verdict = keyTriples.Contains((s.Source, s.Type ?? "", s.Target)) ? "TYPE" : keyPairs.Contains(Pair(s.Source, s.Target)) ? "pair" : restPairs.Contains(Pair(s.Source, s.Target)) ? "graph" : "noise";
                Console.WriteLine($"- [{verdict}] {s.Source} {s.Type ?? "?"} {s.Target} (cue: {s.Cue ?? "-"}) «{s.SourceMention.Text}» «{s.TargetMention.Text}»: {s.Quote}");
            }
        }

        static int essayTextLength(GraphSeed seed) => seed.Sources.Single(s => s.Id == EssayId).Text.Length;
        _ = nodesById;
    }

    private static string? Arg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
