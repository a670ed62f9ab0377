using System.Globalization;
using Explorer.Graph;
using Explorer.Query;

namespace Explorer.Cli.Output;

/// <summary>
/// Paths printed hop by hop: each node as "Name [Kind]", then the relation with an arrow in the edge's
/// real direction, then the evidence quotes (wrapped, attributed to their source), then the next node.
/// </summary>
internal static class PathText
{
    private const string RelationIndent = "    ";
    private const string QuoteIndent = "        ";

    /// <summary>Writes the paths; with <paramref name="showMode"/> the heading names the mode they were found in.</summary>
    public static void Write(TextWriter writer, PathAnswer answer, bool showMode)
    {
        var result = answer.Result;
        var heading = $"{answer.From.Name} [{answer.From.Kind}] to {answer.To.Name} [{answer.To.Kind}]";
        if (result.Paths.Count == 0)
        {
            writer.WriteLine($"No path from {heading}.");
            writer.WriteLine(result.Reason ?? "No path within the given bounds.");
            return;
        }

        var count = result.Paths.Count == 1 ? "1 path" : $"{result.Paths.Count.ToString(CultureInfo.InvariantCulture)} paths";
        writer.WriteLine($"{count} from {heading}{(showMode ? $" ({answer.ModeName})" : "")}{(result.Truncated ? " (there are more; only these are listed)" : "")}");

        var nodes = result.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var edges = result.Edges.ToDictionary(e => e.Id, StringComparer.Ordinal);
        string Label(string id) => nodes.TryGetValue(id, out var node) ? NodeText.Label(node) : id;

        for (var p = 0; p < result.Paths.Count; p++)
        {
            var path = result.Paths[p];
            writer.WriteLine();
            var hops = path.Length == 1 ? "1 hop" : $"{path.Length.ToString(CultureInfo.InvariantCulture)} hops";
            writer.WriteLine($"Path {(p + 1).ToString(CultureInfo.InvariantCulture)}: {hops}, cost {path.Cost.ToString("0.##", CultureInfo.InvariantCulture)}");
            if (path.Why is { Length: > 0 } why)
            {
                TextLayout.WriteWrapped(writer, "Why: " + why, "");
            }

            writer.WriteLine(Label(path.Nodes[0]));
            for (var i = 0; i < path.Edges.Count; i++)
            {
                var here = path.Nodes[i];
                if (!edges.TryGetValue(path.Edges[i], out var edge))
                {
                    writer.WriteLine($"{RelationIndent}─{path.Edges[i]}─");
                }
                else
                {
                    // The walk goes here → next; an edge stored the other way round gets a backward arrow.
                    var forward = edge.Source == here;
                    writer.WriteLine(RelationIndent + (forward ? Arrows.Forward(edge.Type) : Arrows.Backward(edge.Type)));
                    WriteEvidence(writer, edge);
                }

                writer.WriteLine(Label(path.Nodes[i + 1]));
            }
        }
    }

    private static void WriteEvidence(TextWriter writer, Edge edge)
    {
        foreach (var evidence in edge.Evidence)
        {
            TextLayout.WriteWrapped(writer, $"\"{evidence.Quote}\"", QuoteIndent);
            writer.WriteLine($"{QuoteIndent}  — {evidence.SourceId}");
        }
    }
}
