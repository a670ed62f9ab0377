using System.Text.RegularExpressions;
using Explorer.Graph;

namespace Explorer.Seed;

/// <summary>
/// <c>explorer seed --check</c>: checks a dataset folder like code and reports every problem at once, not just
/// the first one seeding stops at. Errors are what seeding refuses (<see cref="SeedLoader"/>: schema, kinds,
/// types and the kinds at their ends, ids, name and alias collisions, dates and their order, suspensions inside
/// the span, verbatim quotes) plus what it lets through but a dataset must not hold: two edges stating the same
/// relation over overlapping dates, and an edge dated entirely outside the time one of its ends existed. The
/// report also lists every sentence of each analysed document (a source whose kind is not <c>reference</c>)
/// that no edge cites, so that leaving content out is a choice someone made.
/// </summary>
public static partial class SeedCheck
{
    public static SeedCheckReport Run(string directory)
    {
        var problems = new List<SeedValidationException>();
        var seed = SeedLoader.Read(directory, problems);
        var errors = problems.Select(p => new SeedProblem(p.File, p.Record, p.Field, p.Problem)).ToList();
        errors.AddRange(DuplicateEdges(seed.Edges));
        errors.AddRange(EdgesOutsideTheirEnds(seed.Nodes, seed.Edges));
        var coverage = seed.Sources
            .Where(s => s.Kind != Explorer.Ranking.ExplanationScore.ReferenceKind)
            .Select(s => Coverage(s, seed.Edges))
            .ToList();
        return new SeedCheckReport(Path.GetFullPath(directory), seed.Sources.Count, seed.Nodes.Count, seed.Edges.Count, errors, coverage);
    }

    /// <summary>The sentences of a document: per line (a leading "- " bullet dropped), split after . ! or ? before a capital; headings (no final punctuation) are not sentences.</summary>
    public static IEnumerable<Sentence> Sentences(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                line = line[2..];
            }

            foreach (var sentence in SentenceBreak().Split(line))
            {
                if (sentence.Length > 0 && sentence[^1] is '.' or ':' or '!' or '?')
                {
                    yield return new Sentence(i + 1, sentence);
                }
            }
        }
    }

    private static SourceCoverage Coverage(SourceDocument source, IReadOnlyList<Edge> edges)
    {
        var quotes = edges.SelectMany(e => e.Evidence).Where(q => q.SourceId == source.Id).Select(q => q.Quote).ToList();
        var sentences = Sentences(source.Text).ToList();
        var uncited = sentences
            .Where(s => !quotes.Any(q => q.Contains(s.Text, StringComparison.Ordinal) || s.Text.Contains(q, StringComparison.Ordinal)))
            .ToList();
        return new SourceCoverage(source.Id, source.Title, sentences.Count, uncited);
    }

    /// <summary>Two edges of one type between the same ends (either way round for <c>PARTNERED_WITH</c>) whose dates overlap state one fact twice.</summary>
    private static IEnumerable<SeedProblem> DuplicateEdges(IReadOnlyList<Edge> edges)
    {
        var byRelation = edges.GroupBy(e => e.Type == "PARTNERED_WITH" && string.CompareOrdinal(e.Source, e.Target) > 0
            ? (e.Type, e.Target, e.Source)
            : (e.Type, e.Source, e.Target));
        foreach (var group in byRelation.Where(g => g.Count() > 1))
        {
            var list = group.ToList();
            for (var i = 1; i < list.Count; i++)
            {
                if (list.Take(i).FirstOrDefault(earlier => Overlap(earlier.ValidFrom, earlier.ValidTo, list[i].ValidFrom, list[i].ValidTo)) is { } first)
                {
                    yield return new SeedProblem(SeedLoader.EdgesFile, list[i].Id, null,
                        $"states the same {list[i].Type} between '{list[i].Source}' and '{list[i].Target}' as edge '{first.Id}' over overlapping dates: merge their evidence into one edge (two edges are right only for two separate periods)");
                }
            }
        }
    }

    /// <summary>An edge dated entirely before one of its ends existed, or entirely after it ended.</summary>
    private static IEnumerable<SeedProblem> EdgesOutsideTheirEnds(IReadOnlyList<Node> nodes, IReadOnlyList<Edge> edges)
    {
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            foreach (var (field, id) in new[] { ("source", edge.Source), ("target", edge.Target) })
            {
                if (byId.TryGetValue(id, out var node) && !Overlap(edge.ValidFrom, edge.ValidTo, node.ValidFrom, node.ValidTo))
                {
                    yield return new SeedProblem(SeedLoader.EdgesFile, edge.Id, field,
                        $"the edge holds {Span(edge.ValidFrom, edge.ValidTo)}, entirely outside the time '{id}' existed ({Span(node.ValidFrom, node.ValidTo)})");
                }
            }
        }
    }

    private static bool Overlap(string? fromA, string? toA, string? fromB, string? toB) =>
        (toB is null || fromA is null || PartialDate.Parse(fromA).First <= PartialDate.Parse(toB).Last)
        && (toA is null || fromB is null || PartialDate.Parse(fromB).First <= PartialDate.Parse(toA).Last);

    private static string Span(string? from, string? to) => (from, to) switch
    {
        (null, null) => "always",
        (_, null) => $"from {from}",
        (null, _) => $"until {to}",
        _ => $"{from} to {to}",
    };

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z])")]
    private static partial Regex SentenceBreak();
}

/// <summary>What <see cref="SeedCheck.Run"/> found.</summary>
public sealed record SeedCheckReport(
    string Directory,
    int Sources,
    int Nodes,
    int Edges,
    IReadOnlyList<SeedProblem> Errors,
    IReadOnlyList<SourceCoverage> Coverage)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>One problem: the file, the record (its id, or its position "#3") and the field it concerns.</summary>
public sealed record SeedProblem(string File, string? Record, string? Field, string Message)
{
    public override string ToString() =>
        File + (Record is null ? "" : $", record {Record}") + (Field is null ? "" : $", field '{Field}'") + ": " + Message;
}

/// <summary>How much of a document the edges cite: its sentences and the ones no edge quotes.</summary>
public sealed record SourceCoverage(string SourceId, string Title, int Sentences, IReadOnlyList<Sentence> Uncited);

/// <summary>A sentence of a source document and the line it is on (1-based).</summary>
public sealed record Sentence(int Line, string Text);
