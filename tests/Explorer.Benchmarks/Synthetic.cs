using System.Globalization;
using System.Text;
using Explorer.Graph;

namespace Explorer.Benchmarks;

/// <summary>SplitMix64: small, fast and fully specified, so a seed gives the same graph on every runtime.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, bound) (Lemire's multiply-shift; the tiny bias is irrelevant here).</summary>
    public int Below(int bound) => (int)(((Next() >> 32) * (ulong)bound) >> 32);

    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}

/// <summary>One synthetic node: its id, kind, display name and aliases.</summary>
internal sealed record SyntheticNode(string Id, NodeKind Kind, string Name, string[] Aliases);

/// <summary>
/// A Barabási–Albert preferential-attachment graph: a clique of m+1 nodes, then each new node links to m
/// distinct existing nodes chosen with probability proportional to their degree. Node numbers are then
/// shuffled by a fixed permutation so that a node's number says nothing about its age or degree (as ids in
/// a real store don't). Edges are (new node, chosen node); they are treated as undirected.
/// </summary>
internal sealed class SyntheticGraph
{
    private SyntheticGraph(int nodeCount, int m, ulong seed, int[] sources, int[] targets)
    {
        NodeCount = nodeCount;
        M = m;
        Seed = seed;
        Sources = sources;
        Targets = targets;
    }

    public int NodeCount { get; }

    public int M { get; }

    public ulong Seed { get; }

    public int[] Sources { get; }

    public int[] Targets { get; }

    public int EdgeCount => Sources.Length;

    public static SyntheticGraph Generate(int nodeCount, int m, ulong seed, bool shuffle)
    {
        if (nodeCount <= m + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeCount), "need more nodes than m + 1");
        }

        var rng = new SplitMix64(seed);
        var edgeCount = (m * (m + 1) / 2) + (m * (nodeCount - m - 1));
        var sources = new int[edgeCount];
        var targets = new int[edgeCount];

        // Every edge endpoint, so a uniform pick from it is a degree-proportional pick of a node.
        var endpoints = new int[2 * edgeCount];
        var e = 0;
        var filled = 0;
        for (var a = 0; a <= m; a++)
        {
            for (var b = a + 1; b <= m; b++)
            {
                sources[e] = b;
                targets[e++] = a;
                endpoints[filled++] = a;
                endpoints[filled++] = b;
            }
        }

        var chosen = new int[m];
        var step = Math.Max(1, nodeCount / 10);
        for (var v = m + 1; v < nodeCount; v++)
        {
            var count = 0;
            while (count < m)
            {
                var candidate = endpoints[rng.Below(filled)];
                if (Array.IndexOf(chosen, candidate, 0, count) < 0)
                {
                    chosen[count++] = candidate;
                }
            }

            for (var i = 0; i < m; i++)
            {
                sources[e] = v;
                targets[e++] = chosen[i];
                endpoints[filled++] = chosen[i];
                endpoints[filled++] = v;
            }

            if ((v + 1) % step == 0)
            {
                Progress.Line($"  generating: {Format.Count(v + 1)}/{Format.Count(nodeCount)} nodes");
            }
        }

        if (shuffle)
        {
            var permutation = new int[nodeCount];
            for (var i = 0; i < nodeCount; i++)
            {
                permutation[i] = i;
            }

            for (var i = nodeCount - 1; i > 0; i--)
            {
                var j = rng.Below(i + 1);
                (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
            }

            for (var i = 0; i < edgeCount; i++)
            {
                sources[i] = permutation[sources[i]];
                targets[i] = permutation[targets[i]];
            }
        }

        return new SyntheticGraph(nodeCount, m, seed, sources, targets);
    }

    /// <summary>Fixed random pairs of distinct nodes.</summary>
    public (int Source, int Target)[] Pairs(int count, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var pairs = new (int, int)[count];
        for (var i = 0; i < count; i++)
        {
            int s, t;
            do
            {
                s = rng.Below(NodeCount);
                t = rng.Below(NodeCount);
            }
            while (s == t);
            pairs[i] = (s, t);
        }

        return pairs;
    }

    public void WriteEdgeList(string path)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Create(CultureInfo.InvariantCulture, $"# nodes {NodeCount} edges {EdgeCount} m {M} seed {Seed}\n"));
        for (var i = 0; i < EdgeCount; i++)
        {
            writer.Write(Sources[i].ToString(CultureInfo.InvariantCulture));
            writer.Write('\t');
            writer.Write(Targets[i].ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }

    public static void WritePairs(string path, IEnumerable<(int Source, int Target)> pairs) =>
        File.WriteAllLines(path, pairs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Source}\t{p.Target}")));
}

/// <summary>
/// Deterministic, realistic-looking names: invented place roots from syllables combined with the words an
/// analyst's graph uses ("Valmora Maritime Council", "Operation Kestrin", "Northern Toruva Basin").
/// Names can repeat (as real ones do); ids never do.
/// </summary>
internal static class SyntheticNames
{
    private static readonly string[] s_onsets = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "tr", "st", "sh", "th", "ch", "gr", "pl", "val", "mar", "kas", "tor", "bel"];
    private static readonly string[] s_vowels = ["a", "e", "i", "o", "u", "ae", "ia", "ou", "ei"];
    private static readonly string[] s_codas = ["", "n", "r", "s", "l", "m", "nd", "rt", "st", "x"];
    private static readonly string[] s_fields = ["Maritime", "Energy", "Cyber", "Border", "Humanitarian", "Trade", "Defence", "Health", "Water", "Climate", "Migration", "Nuclear", "Space", "Digital", "Agricultural", "Financial", "Transport", "Arctic", "Security", "Development"];
    private static readonly string[] s_orgTypes = ["Council", "Alliance", "Institute", "Agency", "Commission", "Forum", "Partnership", "Initiative", "Union", "Authority", "Foundation", "Bank"];
    private static readonly string[] s_themeNouns = ["security", "cooperation", "governance", "resilience", "stability", "reform", "integration", "sovereignty", "deterrence", "recovery"];
    private static readonly string[] s_directions = ["Northern", "Southern", "Eastern", "Western", "Central", "Upper", "Lower"];
    private static readonly string[] s_features = ["Basin", "Highlands", "Coast", "Plateau", "Valley", "Delta", "Corridor", "Archipelago", "Steppe"];

    public static SyntheticNode[] Generate(int count, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var nodes = new SyntheticNode[count];
        for (var i = 0; i < count; i++)
        {
            var roll = rng.Below(100);
            var root = Root(ref rng);
            nodes[i] = roll switch
            {
                < 3 => Nation(i, root, ref rng),
                < 43 => Organization(i, root, ref rng),
                < 63 => Mission(i, root, ref rng),
                < 75 => Region(i, root, ref rng),
                _ => Theme(i, root, ref rng),
            };
        }

        return nodes;
    }

    private static string Id(string prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i:D7}");

    private static SyntheticNode Nation(int i, string root, ref SplitMix64 rng)
    {
        var name = root + (rng.Below(2) == 0 ? "ia" : "stan");
        return new SyntheticNode(Id("nat", i), NodeKind.Nation, name, ["Republic of " + name]);
    }

    private static SyntheticNode Organization(int i, string root, ref SplitMix64 rng)
    {
        var field = Pick(s_fields, ref rng);
        var type = Pick(s_orgTypes, ref rng);
        var name = $"{root} {field} {type}";
        return new SyntheticNode(Id("org", i), NodeKind.Organization, name, [$"{root[0]}{field[0]}{type[0]}"]);
    }

    private static SyntheticNode Mission(int i, string root, ref SplitMix64 rng) =>
        rng.Below(2) == 0
            ? new SyntheticNode(Id("mis", i), NodeKind.Mission, $"Operation {root}", [])
            : new SyntheticNode(Id("mis", i), NodeKind.Mission, $"{root} {Pick(s_fields, ref rng)} Mission", []);

    private static SyntheticNode Region(int i, string root, ref SplitMix64 rng) =>
        new(Id("reg", i), NodeKind.Region, $"{Pick(s_directions, ref rng)} {root} {Pick(s_features, ref rng)}", []);

    private static SyntheticNode Theme(int i, string root, ref SplitMix64 rng) =>
        new(Id("thm", i), NodeKind.Theme, $"{Pick(s_fields, ref rng).ToLowerInvariant()} {Pick(s_themeNouns, ref rng)} in {root}", []);

    private static string Root(ref SplitMix64 rng)
    {
        var syllables = 2 + rng.Below(2);
        var builder = new StringBuilder();
        for (var s = 0; s < syllables; s++)
        {
            builder.Append(Pick(s_onsets, ref rng)).Append(Pick(s_vowels, ref rng));
            if (s == syllables - 1 || rng.Below(3) == 0)
            {
                builder.Append(Pick(s_codas, ref rng));
            }
        }

        builder[0] = char.ToUpperInvariant(builder[0]);
        return builder.ToString();
    }

    private static string Pick(string[] words, ref SplitMix64 rng) => words[rng.Below(words.Length)];

    public static void Write(string path, SyntheticNode[] nodes)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.Write("# number\tid\tkind\tname\taliases\n");
        for (var i = 0; i < nodes.Length; i++)
        {
            var n = nodes[i];
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{i}\t{n.Id}\t{n.Kind}\t{n.Name}\t{string.Join('|', n.Aliases)}\n"));
        }
    }
}
