using System.Text;

namespace Explorer.Cli.Output;

/// <summary>Plain-text layout: word wrapping and aligned tables.</summary>
internal static class TextLayout
{
    public const int Width = 100;

    /// <summary>Splits text into lines of at most <paramref name="width"/> characters, breaking at spaces.</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        width = Math.Max(width, 20);
        foreach (var paragraph in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = new StringBuilder();
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    yield return line.ToString();
                    line.Clear();
                }

                if (line.Length > 0)
                {
                    line.Append(' ');
                }

                line.Append(word);
            }

            yield return line.ToString();
        }
    }

    /// <summary>Writes text wrapped to the width, every line prefixed by <paramref name="indent"/>.</summary>
    public static void WriteWrapped(TextWriter writer, string text, string indent, int width = Width)
    {
        foreach (var line in Wrap(text, width - indent.Length))
        {
            writer.WriteLine(indent + line);
        }
    }

    /// <summary>Writes "label text", the text wrapped and its further lines indented under its start.</summary>
    public static void WriteLabeled(TextWriter writer, string label, string text, int width = Width)
    {
        var indent = new string(' ', label.Length);
        var first = true;
        foreach (var line in Wrap(text, width - label.Length))
        {
            writer.WriteLine((first ? label : indent) + line);
            first = false;
        }
    }

    /// <summary>Writes rows (after an optional header) as left-aligned columns separated by two spaces; the last column is not padded.</summary>
    public static void WriteTable(TextWriter writer, IReadOnlyList<string>? header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>>();
        if (header is not null)
        {
            all.Add(header);
        }

        all.AddRange(rows);
        var widths = new int[all.Count == 0 ? 0 : all.Max(r => r.Count)];
        foreach (var row in all)
        {
            for (var i = 0; i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Count; i++)
            {
                line.Append(i == row.Count - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            writer.WriteLine(line.ToString().TrimEnd());
        }
    }
}
