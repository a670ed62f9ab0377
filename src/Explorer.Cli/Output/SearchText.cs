using System.Globalization;
using Explorer.Graph;

namespace Explorer.Cli.Output;

/// <summary>Search hits as a table: score, kind, id, name, aliases.</summary>
internal static class SearchText
{
    public static void Write(TextWriter writer, SearchResults hits)
    {
        if (hits.Count == 0)
        {
            writer.WriteLine("No matches.");
            return;
        }

        TextLayout.WriteTable(writer, ["SCORE", "KIND", "ID", "NAME", "ALIASES"], hits.Select(h => (IReadOnlyList<string>)
        [
            h.Score.ToString("0.000", CultureInfo.InvariantCulture),
            h.Kind.ToString(),
            h.Id,
            h.Name,
            string.Join(", ", h.Aliases),
        ]));
        if (hits.Truncated)
        {
            writer.WriteLine("The store cut the candidates before ranking: a better match may be missing; search with more words.");
        }
    }
}
