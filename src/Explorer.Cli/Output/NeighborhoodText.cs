using System.Globalization;
using Explorer.Graph;

namespace Explorer.Cli.Output;

/// <summary>A neighborhood as text: the center, its neighbors grouped by relation, then edges further out.</summary>
internal static class NeighborhoodText
{
    public static void Write(TextWriter writer, Neighborhood neighborhood, int limit, int offset)
    {
        var center = neighborhood.Center;
        var nodes = neighborhood.Nodes.Append(center).DistinctBy(n => n.Id).ToDictionary(n => n.Id, StringComparer.Ordinal);
        string Label(string id) => nodes.TryGetValue(id, out var node) ? NodeText.Label(node) : id;

        writer.WriteLine(NodeText.Label(center) + "  " + center.Id);
        var direct = neighborhood.Edges.Where(e => e.Source == center.Id || e.Target == center.Id).ToList();
        var groups = direct
            .Select(e => e.Source == center.Id
                ? (Relation: Arrows.Forward(e.Type), Other: e.Target)
                : (Relation: Arrows.Backward(e.Type), Other: e.Source))
            .GroupBy(r => r.Relation)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            writer.WriteLine();
            writer.WriteLine($"{group.Key} ({group.Count().ToString(CultureInfo.InvariantCulture)})");
            TextLayout.WriteTable(writer, header: null, group
                .OrderBy(r => Label(r.Other), StringComparer.OrdinalIgnoreCase)
                .Select(r => (IReadOnlyList<string>)["  " + Label(r.Other), r.Other]));
        }

        var further = neighborhood.Edges.Where(e => e.Source != center.Id && e.Target != center.Id).ToList();
        if (further.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine($"Further out ({further.Count.ToString(CultureInfo.InvariantCulture)} edges):");
            foreach (var edge in further.OrderBy(e => Label(e.Source), StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Type, StringComparer.Ordinal))
            {
                writer.WriteLine($"  {Label(edge.Source)} {Arrows.Forward(edge.Type)} {Label(edge.Target)}");
            }
        }

        if (direct.Count == 0 && further.Count == 0)
        {
            writer.WriteLine();
            writer.WriteLine("No neighbors with the given filters.");
        }

        writer.WriteLine();
        var shown = $"{(nodes.Count - 1).ToString(CultureInfo.InvariantCulture)} neighbors, {neighborhood.Edges.Count.ToString(CultureInfo.InvariantCulture)} edges";
        writer.WriteLine(neighborhood.Truncated
            ? $"Truncated: showing {shown} (offset {offset.ToString(CultureInfo.InvariantCulture)}, limit {limit.ToString(CultureInfo.InvariantCulture)}); use --offset {(offset + limit).ToString(CultureInfo.InvariantCulture)} for more, or --types/--kinds to narrow."
            : $"Showing {shown}.");
        if (neighborhood.CountsByType.Count > 0)
        {
            var counts = neighborhood.CountsByType
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key} {p.Value.ToString(CultureInfo.InvariantCulture)}");
            TextLayout.WriteLabeled(writer, $"All edges at {center.Name} by type: ", string.Join(", ", counts));
        }
    }
}
