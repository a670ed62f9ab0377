using Explorer.Seed;

namespace Explorer.Cli.Output;

/// <summary>Reports seeding progress synchronously on stderr ("seed: nodes 173/173").</summary>
internal sealed class SeedProgressWriter(TextWriter error) : IProgress<SeedProgress>
{
    public void Report(SeedProgress value)
    {
        error.WriteLine($"seed: {value.Phase} {value.Done}/{value.Total}");
        error.Flush();
    }

    public static string Format(SeedReport report) =>
        $"sources: {report.Sources}; nodes: {report.Nodes}; edges: {report.Edges}";
}
