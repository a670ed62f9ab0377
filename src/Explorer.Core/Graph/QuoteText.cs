using System.Text;

namespace Explorer.Graph;

/// <summary>
/// Finding a quote in its source when it differs only in spacing or in the style of its quotation marks
/// (a straight <c>'</c> for a typographic <c>’</c>, two spaces for one, a line break for a space). Evidence
/// must still be verbatim (the page marks the quote in the source by exact search); this only lets a
/// message show the source's exact words, so that the fix is a copy and paste.
/// </summary>
public static class QuoteText
{
    /// <summary>The span of <paramref name="text"/> that equals <paramref name="quote"/> once both are loosened, or null.</summary>
    public static string? FindLoosely(string text, string quote)
    {
        var (looseQuote, _) = Loosen(quote.Trim());
        if (looseQuote.Length == 0)
        {
            return null;
        }

        var (looseText, origin) = Loosen(text);
        var at = looseText.IndexOf(looseQuote, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = origin[at];
        var end = origin[at + looseQuote.Length - 1];
        return text[start..(end + 1)];
    }

    /// <summary>Whitespace runs become one space, typographic quotation marks straight ones; <c>origin[i]</c> is where character i came from.</summary>
    private static (string Text, int[] Origin) Loosen(string value)
    {
        var builder = new StringBuilder(value.Length);
        var origin = new List<int>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c))
            {
                if (builder.Length > 0 && builder[^1] == ' ')
                {
                    continue;
                }

                c = ' ';
            }

            builder.Append(c switch
            {
                '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' => '\'',
                '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB' => '"',
                _ => c,
            });
            origin.Add(i);
        }

        return (builder.ToString(), [.. origin]);
    }
}
