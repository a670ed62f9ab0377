using System.Globalization;
using System.Text;

namespace Explorer.Search;

/// <summary>
/// The one normalization used for names, aliases, ids and queries: accents stripped, lower case, dots and
/// apostrophes dropped ("U.S." = "US", "NATO’s" = "NATOs"), every other non-alphanumeric run turned into
/// one space ("nato-balkans" = "nato balkans").
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var decomposed = WellFormed(text).Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (c is '.' or '\'' or '’' or '‘' or 'ʼ')
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                pendingSpace = false;
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pendingSpace = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The text with unpaired surrogates and noncharacters (U+FFFE, U+FFFF, ...) turned into spaces:
    /// <see cref="string.Normalize(NormalizationForm)"/> throws on them, and user input may contain them.
    /// </summary>
    private static string WellFormed(string text)
    {
        var valid = true;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune == Rune.ReplacementChar || IsNoncharacter(rune))
            {
                valid = false;
                break;
            }
        }

        if (valid)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Append(rune == Rune.ReplacementChar || IsNoncharacter(rune) ? " " : rune.ToString());
        }

        return builder.ToString();
    }

    private static bool IsNoncharacter(Rune rune) =>
        rune.Value is >= 0xFDD0 and <= 0xFDEF || (rune.Value & 0xFFFE) == 0xFFFE;

    public static string[] Tokens(string normalized) =>
        normalized.Length == 0 ? [] : normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), or max+1 once it exceeds <paramref name="max"/>.</summary>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        var width = b.Length + 1;
        Span<int> rows = width * 3 <= 512 ? stackalloc int[width * 3] : new int[width * 3];
        var previous2 = rows[..width];
        var previous = rows.Slice(width, width);
        var current = rows.Slice(width * 2, width);
        for (var j = 0; j < width; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j < width; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            var recycled = previous2;
            previous2 = previous;
            previous = current;
            current = recycled;
        }

        return previous[b.Length];
    }

    /// <summary>Edits tolerated for a query term of this length.</summary>
    public static int FuzzyBudget(int length) => length switch
    {
        <= 3 => 0,
        <= 7 => 1,
        _ => 2,
    };
}
