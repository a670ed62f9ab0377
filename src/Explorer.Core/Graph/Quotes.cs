using System.Text;

namespace Explorer.Graph;

/// <summary>
/// Finds an evidence quote in its source's text. A quote must occur verbatim, except that runs of whitespace
/// (spaces, tabs, line breaks) count as one space and typographic quotes count as straight ones (‘’‚‛ as ',
/// “”„‟ as "): a passage copied from a page or a PDF keeps its words even when its line breaks and quote marks
/// do not survive. Nothing else is forgiven (case, punctuation, spelling).
/// </summary>
public static class Quotes
{
    /// <summary>
    /// The passage of <paramref name="text"/> that <paramref name="quote"/> states, exactly as the text has it
    /// (so the stored quote is always a substring of its source); null when it does not occur.
    /// </summary>
    public static string? Find(string text, string quote)
    {
        if (string.IsNullOrWhiteSpace(quote))
        {
            return null;
        }

        if (text.Contains(quote, StringComparison.Ordinal))
        {
            return quote;
        }

        var wanted = Normalize(quote.Trim(), null);
        var positions = new List<int>(text.Length);
        var normalized = Normalize(text, positions);
        var at = normalized.IndexOf(wanted, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = positions[at];
        var end = positions[at + wanted.Length - 1];
        return text[start..(end + 1)];
    }

    /// <summary>The text with whitespace runs as one space and typographic quotes straight; <paramref name="positions"/> gets each character's index in the original.</summary>
    private static string Normalize(string value, List<int>? positions)
    {
        var builder = new StringBuilder(value.Length);
        var inSpace = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c))
            {
                if (!inSpace)
                {
                    builder.Append(' ');
                    positions?.Add(i);
                    inSpace = true;
                }

                continue;
            }

            inSpace = false;
            builder.Append(c switch
            {
                '\u2018' or '\u2019' or '\u201A' or '\u201B' => '\'',
                '\u201C' or '\u201D' or '\u201E' or '\u201F' => '"',
                _ => c,
            });
            positions?.Add(i);
        }

        return builder.ToString();
    }
}
