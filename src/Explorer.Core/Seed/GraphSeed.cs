using Explorer.Graph;

namespace Explorer.Seed;

/// <summary>A validated dataset: sources (with text), nodes and edges.</summary>
public sealed record GraphSeed(IReadOnlyList<SourceDocument> Sources, IReadOnlyList<Node> Nodes, IReadOnlyList<Edge> Edges)
{
    /// <summary>
    /// The dataset without the records analysts have taken over (created, changed or deleted over the API: they
    /// have history), so that seeding again, as every start does, never reverts an analyst's edit or brings
    /// back what they deleted.
    /// </summary>
    public GraphSeed Without(IReadOnlySet<(RecordKind Kind, string Id)> taken) => taken.Count == 0 ? this : new(
        [.. Sources.Where(s => !taken.Contains((RecordKind.Source, s.Id)))],
        [.. Nodes.Where(n => !taken.Contains((RecordKind.Node, n.Id)))],
        [.. Edges.Where(e => !taken.Contains((RecordKind.Edge, e.Id)))]);

    /// <summary>Adds the records <paramref name="kept"/> left out (analysts' own) to the report as unchanged.</summary>
    public SeedReport Report(GraphSeed kept, SeedReport report) => new(
        report.Sources with { Unchanged = report.Sources.Unchanged + Sources.Count - kept.Sources.Count },
        report.Nodes with { Unchanged = report.Nodes.Unchanged + Nodes.Count - kept.Nodes.Count },
        report.Edges with { Unchanged = report.Edges.Unchanged + Edges.Count - kept.Edges.Count });
}

public sealed record SeedCounts(int Added, int Updated, int Unchanged)
{
    public override string ToString() => $"{Added} added, {Updated} updated, {Unchanged} unchanged";
}

public sealed record SeedReport(SeedCounts Sources, SeedCounts Nodes, SeedCounts Edges);

/// <summary>Progress of a seed: which phase, how many records of it are done out of how many.</summary>
public sealed record SeedProgress(string Phase, int Done, int Total);

/// <summary>A dataset file that cannot be loaded; the message names the file, the record and the field.</summary>
public sealed class SeedValidationException(string file, string? record, string? field, string problem)
    : Exception(Format(file, record, field, problem))
{
    public string File { get; } = file;
    public string? Record { get; } = record;
    public string? Field { get; } = field;
    public string Problem { get; } = problem;

    private static string Format(string file, string? record, string? field, string problem)
    {
        var where = file;
        if (record is not null)
        {
            where += $", record {record}";
        }

        if (field is not null)
        {
            where += $", field '{field}'";
        }

        return $"{where}: {problem}";
    }
}
