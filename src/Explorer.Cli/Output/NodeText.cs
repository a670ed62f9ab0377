using System.Globalization;
using Explorer.Graph;

namespace Explorer.Cli.Output;

/// <summary>A node's details as readable text.</summary>
internal static class NodeText
{
    public static string Label(Node node) => $"{node.Name} [{node.Kind}]";

    public static void Write(TextWriter writer, NodeDetails details)
    {
        var node = details.Node;
        writer.WriteLine(Label(node));
        writer.WriteLine($"  id:       {node.Id}");
        if (node.Aliases.Count > 0)
        {
            TextLayout.WriteLabeled(writer, "  aliases:  ", string.Join(", ", node.Aliases));
        }

        writer.WriteLine($"  degree:   {details.Degree.ToString(CultureInfo.InvariantCulture)}");
        if (node.Description.Length > 0)
        {
            writer.WriteLine();
            TextLayout.WriteWrapped(writer, node.Description, "  ");
        }

        writer.WriteLine();
        if (details.CountsByType.Count == 0)
        {
            writer.WriteLine("No edges.");
            return;
        }

        writer.WriteLine("Edges by type:");
        TextLayout.WriteTable(writer, ["  TYPE", "COUNT"], details.CountsByType
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (IReadOnlyList<string>)["  " + p.Key, p.Value.ToString(CultureInfo.InvariantCulture)]));
    }
}
