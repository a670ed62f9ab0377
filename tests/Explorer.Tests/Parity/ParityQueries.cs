using System.Text.Json;
using Explorer.Graph;
using Explorer.Seed;

namespace Explorer.Tests.Parity;

/// <summary>One generated query and how to ask it of a store, with its answer reduced to what must be equal.</summary>
public sealed record ParityQuery(string Name, Func<IGraphStore, CancellationToken, Task<string>> Ask)
{
    public override string ToString() => Name;
}

/// <summary>
/// The queries the parity suite asks both stores: generated from a graph with a fixed seed, so a run is
/// repeatable and a failure names its query. Paths in every mode and direction with and without filters,
/// neighborhoods paged through (offset 0, limit, 2 × limit), search by names, prefixes and typos; about a third
/// of each as of a date (a year, month or day drawn from the dates the graph holds, so answers change with it).
/// </summary>
public static class ParityQueries
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static List<ParityQuery> Generate(GraphSeed graph, int count, int seed)
    {
        var random = new Random(seed);
        var nodes = graph.Nodes.OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        var types = Vocabulary.EdgeTypes.Keys.Order(StringComparer.Ordinal).ToArray();
        var dates = graph.Nodes.SelectMany(n => new[] { n.ValidFrom, n.ValidTo })
            .Concat(graph.Edges.SelectMany(e => new[] { e.ValidFrom, e.ValidTo }.Concat(e.Suspensions.SelectMany(x => new[] { x.From, x.To }))))
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        PartialDate? AsOf()
        {
            if (dates.Length == 0 || random.Next(3) != 0)
            {
                return null;
            }

            // The date itself, or its year: a period that begins or ends with a fact, and one around it.
            var date = PartialDate.Parse(dates[random.Next(dates.Length)]);
            return random.Next(2) == 0 ? date : PartialDate.Parse(date.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        static string Dated(PartialDate? asOf) => asOf is { } d ? $" as of {d}" : "";
        var queries = new List<ParityQuery>();
        for (var i = 0; queries.Count < count; i++)
        {
            var node = nodes[random.Next(nodes.Length)];
            switch (i % 4)
            {
                case 0:
                case 1:
                {
                    var to = nodes[random.Next(nodes.Length)];
                    var mode = (PathMode)(i / 4 % Enum.GetValues<PathMode>().Length);
                    var direction = (Direction)random.Next(3);
                    var filtered = random.Next(3) == 0;
                    var query = new PathQuery(node.Id, to.Id, mode, K: 1 + random.Next(4), MaxHops: 2 + random.Next(5),
                        Types: filtered ? types.Where(_ => random.Next(2) == 0).ToHashSet() : null,
                        Direction: direction, AsOf: AsOf());
                    queries.Add(new($"path {node.Id} -> {to.Id} {mode} {direction} hops {query.MaxHops}{(filtered ? " filtered" : "")}{Dated(query.AsOf)}",
                        async (store, token) => Answer(await store.FindPathsAsync(query, token))));
                    break;
                }

                case 2:
                {
                    var depth = 1 + random.Next(2);
                    var limit = 1 + random.Next(25);
                    var asOf = AsOf();
                    foreach (var page in new[] { 0, limit, 2 * limit })
                    {
                        var query = new NeighborhoodQuery(node.Id, depth, Limit: limit, Offset: page, AsOf: asOf);
                        queries.Add(new($"neighborhood {node.Id} depth {depth} limit {limit} offset {page}{Dated(asOf)}",
                            async (store, token) => Answer(await store.GetNeighborhoodAsync(query, token))));
                    }

                    break;
                }

                default:
                {
                    var text = (random.Next(3)) switch
                    {
                        0 => node.Name,
                        1 => node.Name[..Math.Max(1, node.Name.Length / 2)],
                        _ => Typo(node.Name, random),
                    };
                    var query = new SearchQuery(text, Limit: 1 + random.Next(20), AsOf: AsOf());
                    queries.Add(new($"search '{text}' limit {query.Limit}{Dated(query.AsOf)}", async (store, token) => Answer(await store.SearchAsync(query, token))));
                    break;
                }
            }
        }

        return queries;
    }

    /// <summary>What two stores must agree on in a path answer: every path (nodes, edges, length, cost, why), the reason, truncated.</summary>
    public static string Answer(PathSet answer) => JsonSerializer.Serialize(new
    {
        paths = answer.Paths.Select(p => new { p.Nodes, p.Edges, p.Length, Cost = Math.Round(p.Cost, 6), p.Why }),
        nodes = answer.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal),
        edges = answer.Edges.Select(e => e.Id).Order(StringComparer.Ordinal),
        answer.Reason,
        answer.Truncated,
    }, s_json);

    /// <summary>A neighborhood page: the nodes and edges in order, truncated, counts.</summary>
    public static string Answer(Neighborhood? answer) => answer is null ? "null" : JsonSerializer.Serialize(new
    {
        center = answer.Center.Id,
        nodes = answer.Nodes.Select(n => n.Id),
        edges = answer.Edges.Select(e => e.Id),
        answer.Truncated,
        answer.CountsByType,
    }, s_json);

    /// <summary>Search: the ranked ids with their scores and match kinds (truncated is the store's own: only Neo4j cuts candidates).</summary>
    public static string Answer(SearchResults hits) =>
        JsonSerializer.Serialize(hits.Hits.Select(h => new { h.Id, h.Score, Match = h.Match.ToString() }), s_json);

    private static string Typo(string name, Random random)
    {
        if (name.Length < 5)
        {
            return name;
        }

        var at = 1 + random.Next(name.Length - 2);
        return name[..at] + name[(at + 1)..];
    }
}

/// <summary>A random graph over the vocabulary, every edge joining kinds its type allows.</summary>
public static class RandomGraph
{
    public static GraphSeed Create(int nodeCount, int edgeCount, int seed)
    {
        var random = new Random(seed);
        var kinds = Enum.GetValues<NodeKind>();
        var nodes = Enumerable.Range(0, nodeCount)
            .Select(i => new Node($"n{i:D5}", kinds[random.Next(kinds.Length)], $"{Syllables(random)} {Syllables(random)} {i}", [], "")
            {
                // One node in 20 existed only for a while (as missions do), so as-of queries lose some.
                ValidFrom = i % 20 == 7 ? Year(1950 + random.Next(40)) : null,
                ValidTo = i % 20 == 7 ? Year(1995 + random.Next(30)) : null,
            })
            .ToList();
        var byKind = nodes.GroupBy(n => n.Kind).ToDictionary(g => g.Key, g => g.ToArray());
        var types = Vocabulary.EdgeTypes.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        var source = new SourceDocument("random", "Random graph", "synthetic", "", "Generated for the parity suite.");
        var edges = new List<Edge>(edgeCount);
        while (edges.Count < edgeCount)
        {
            var type = types[random.Next(types.Length)];
            var from = Pick(byKind, type.SourceKinds, random);
            var to = Pick(byKind, type.TargetKinds, random);
            if (from is null || to is null || from == to || type.CheckEnds(from.Kind, to.Kind) is not null)
            {
                continue;
            }

            var edge = new Edge($"e{edges.Count:D6}", type.Name, from.Id, to.Id, [new Evidence(source.Id, "Generated for the parity suite.")]);
            if (random.Next(8) == 0)
            {
                // Dated at year, month or day precision; one dated edge in four has a suspension inside its span.
                var start = 1950 + random.Next(50);
                var end = start + 3 + random.Next(30);
                edge = edge with
                {
                    ValidFrom = Precise(start, random),
                    ValidTo = random.Next(3) == 0 ? null : Precise(end, random),
                    Suspensions = random.Next(4) == 0 ? [new Suspension(Year(start + 1), random.Next(3) == 0 ? null : Precise(start + 2, random))] : [],
                };
            }

            edges.Add(edge);
        }

        return new GraphSeed([source], nodes, edges);
    }

    private static string Year(int year) => year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    private static string Precise(int year, Random random) => random.Next(3) switch
    {
        0 => Year(year),
        1 => $"{Year(year)}-{1 + random.Next(12):D2}",
        _ => $"{Year(year)}-{1 + random.Next(12):D2}-{1 + random.Next(28):D2}",
    };

    private static Node? Pick(Dictionary<NodeKind, Node[]> byKind, IReadOnlyList<NodeKind> allowed, Random random)
    {
        var kind = allowed[random.Next(allowed.Count)];
        return byKind.TryGetValue(kind, out var candidates) && candidates.Length > 0 ? candidates[random.Next(candidates.Length)] : null;
    }

    private static string Syllables(Random random)
    {
        string[] parts = ["ka", "lo", "mer", "zan", "ti", "bor", "qu", "ela", "sun", "dra", "vi", "nor"];
        return string.Concat(Enumerable.Range(0, 2 + random.Next(2)).Select(_ => parts[random.Next(parts.Length)]));
    }
}
