using System.Collections.Frozen;

namespace Explorer.Suggestions;

/// <summary>One sentence of a document: where it starts, how long it is, and its text (a verbatim substring).</summary>
public sealed record SentenceSpan(int Start, int Length, string Text);

/// <summary>
/// Splits a document into sentences, each a verbatim substring of the text (so it can be quoted as evidence).
/// </summary>
/// <remarks>
/// Rules, in order:
/// <list type="bullet">
/// <item>A blank line always ends a sentence; a single line break does too, unless the next line starts with a
/// lower-case letter (a hard-wrapped paragraph going on).</item>
/// <item>Within a line, <c>.</c>, <c>!</c> or <c>?</c> (with any closing quotes or brackets after it) ends a
/// sentence when whitespace and then an upper-case letter, a digit or an opening quote follow. A period does not
/// end one after a known abbreviation ("e.g.", "Dr.", "Jan.", "No."), after a single initial ("John F. Kennedy"),
/// or after an initialism ("U.N.", "U.S.") unless the next word is one that typically opens a sentence
/// ("The", "It", "However", ...). Digits around a period ("3.5") never end a sentence (no whitespace follows).</item>
/// <item>List markers (<c>- </c>, <c>* </c>, <c>• </c>, <c>1. </c>) and Markdown heading marks are not part of the
/// sentence, and heading lines are skipped: Markdown headings, and short lines without end punctuation whose
/// longer words are all capitalised ("Peacekeeping Missions").</item>
/// </list>
/// </remarks>
public static class SentenceSplitter
{
    private static readonly FrozenSet<string> s_abbreviations = FrozenSet.ToFrozenSet(
    [
        "e.g", "i.e", "etc", "cf", "vs", "viz", "al", "approx", "ca", "esp", "incl",
        "mr", "mrs", "ms", "dr", "prof", "st", "mt", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "maj", "adm", "cmdr",
        "gov", "sen", "rep", "pres", "amb", "hon", "rev", "no", "nos", "art", "sec", "fig", "vol", "pp", "ch", "para",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "inc", "ltd", "co", "corp", "dept", "univ", "assn", "est",
    ], StringComparer.OrdinalIgnoreCase);

    /// <summary>Words that usually open a sentence: after an initialism ("... by the U.S. The next day") they show the period ends it.</summary>
    private static readonly FrozenSet<string> s_sentenceOpeners = FrozenSet.ToFrozenSet(
    [
        "The", "This", "These", "That", "Those", "It", "Its", "In", "On", "At", "A", "An", "However", "But", "And",
        "They", "We", "He", "She", "There", "Such", "Moreover", "Furthermore", "Meanwhile", "Thus", "Therefore",
        "Yet", "As", "After", "Before", "Since", "While", "When", "Although", "Many", "Some", "Other", "Each",
    ], StringComparer.Ordinal);

    public static IReadOnlyList<SentenceSpan> Split(string text)
    {
        var sentences = new List<SentenceSpan>();
        var lineStart = 0;
        var blockStart = 0;
        while (lineStart <= text.Length)
        {
            var newline = text.IndexOf('\n', lineStart);
            var lineEnd = newline < 0 ? text.Length : newline;
            var next = newline < 0 ? text.Length + 1 : newline + 1;

            // A block is a run of lines joined because each next line starts in lower case.
            var nextStartsLower = next < text.Length && FirstNonSpace(text, next, out var c) && char.IsLower(c);
            if (!nextStartsLower || IsBlank(text, next))
            {
                SplitBlock(text, blockStart, lineEnd, sentences);
                blockStart = next;
            }

            lineStart = next;
        }

        return sentences;
    }

    private static void SplitBlock(string text, int start, int end, List<SentenceSpan> sentences)
    {
        start = SkipMarkers(text, start, end, out var markdownHeading);
        if (markdownHeading || start >= end || IsHeadingLine(text, start, end))
        {
            return;
        }

        var sentenceStart = start;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (c is not ('.' or '!' or '?'))
            {
                continue;
            }

            // Closing quotes and brackets belong to the sentence they end.
            var after = i + 1;
            while (after < end && text[after] is '"' or '\'' or '”' or '’' or ')' or ']' or '»' or '.' or '!' or '?')
            {
                after++;
            }

            if (after < end && !char.IsWhiteSpace(text[after]))
            {
                continue;
            }

            var nextWord = after;
            while (nextWord < end && char.IsWhiteSpace(text[nextWord]))
            {
                nextWord++;
            }

            var ends = nextWord >= end || (OpensSentence(text[nextWord]) && (c != '.' || PeriodEnds(text, sentenceStart, i, nextWord, end)));
            if (ends)
            {
                Add(text, sentenceStart, after, sentences);
                sentenceStart = nextWord;
                i = Math.Max(i, after - 1);
            }
        }

        Add(text, sentenceStart, end, sentences);
    }

    private static bool OpensSentence(char c) =>
        char.IsUpper(c) || char.IsDigit(c) || c is '"' or '“' or '‘' or '\'' or '(' or '[' or '«';

    /// <summary>Whether the period at <paramref name="period"/> ends a sentence (the next word opens one).</summary>
    private static bool PeriodEnds(string text, int sentenceStart, int period, int nextWord, int end)
    {
        var wordStart = period;
        while (wordStart > sentenceStart && !char.IsWhiteSpace(text[wordStart - 1]) && text[wordStart - 1] is not ('(' or '"' or '“' or '['))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, period - wordStart);
        if (word.IsEmpty)
        {
            return true;
        }

        // "Dr.", "e.g.", "Jan.": never an end (a sentence that ends with one loses a boundary, the safe side).
        if (s_abbreviations.Contains(word.ToString()))
        {
            return false;
        }

        // A single initial ("F.") or an initialism ("U.N", "U.S.A"): an end only before a typical opener.
        var initialism = word.Length == 1 && char.IsLetter(word[0]);
        if (!initialism && word.Length >= 3 && word.Contains('.'))
        {
            initialism = true;
            for (var k = 0; k < word.Length; k++)
            {
                var expectLetter = k % 2 == 0;
                if (expectLetter ? !char.IsLetter(word[k]) : word[k] != '.')
                {
                    initialism = false;
                    break;
                }
            }
        }

        if (!initialism)
        {
            return true;
        }

        var nextEnd = nextWord;
        while (nextEnd < end && char.IsLetter(text[nextEnd]))
        {
            nextEnd++;
        }

        return s_sentenceOpeners.Contains(text[nextWord..nextEnd]);
    }

    private static void Add(string text, int start, int end, List<SentenceSpan> sentences)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        var hasLetter = false;
        for (var i = start; i < end && !hasLetter; i++)
        {
            hasLetter = char.IsLetter(text[i]);
        }

        if (hasLetter)
        {
            sentences.Add(new SentenceSpan(start, end - start, text[start..end]));
        }
    }

    /// <summary>Skips leading whitespace, a list marker or Markdown heading marks; reports a Markdown heading.</summary>
    private static int SkipMarkers(string text, int start, int end, out bool markdownHeading)
    {
        markdownHeading = false;
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        if (start < end && text[start] == '#')
        {
            markdownHeading = true;
            return start;
        }

        if (start + 1 < end && text[start] is '-' or '*' or '•' or '+' && char.IsWhiteSpace(text[start + 1]))
        {
            return start + 2;
        }

        var digits = start;
        while (digits < end && char.IsDigit(text[digits]))
        {
            digits++;
        }

        if (digits > start && digits - start <= 3 && digits + 1 < end && text[digits] is '.' or ')' && char.IsWhiteSpace(text[digits + 1]))
        {
            return digits + 2;
        }

        return start;
    }

    /// <summary>A title line: no end punctuation, at most 12 words, every word of four letters or more capitalised.</summary>
    private static bool IsHeadingLine(string text, int start, int end)
    {
        var line = text.AsSpan(start, end - start).TrimEnd();
        if (line.IsEmpty || line.Contains('\n') || line[^1] is '.' or '!' or '?' or ':' or ';' or ',' or '"' or '”' or ')')
        {
            return false;
        }

        var words = 0;
        foreach (var range in line.Split(' '))
        {
            var word = line[range];
            if (word.IsEmpty)
            {
                continue;
            }

            words++;
            if (word.Length >= 4 && char.IsLetter(word[0]) && !char.IsUpper(word[0]))
            {
                return false;
            }
        }

        return words is > 0 and <= 12;
    }

    private static bool FirstNonSpace(string text, int from, out char c)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                break;
            }

            if (!char.IsWhiteSpace(text[i]))
            {
                c = text[i];
                return true;
            }
        }

        c = default;
        return false;
    }

    private static bool IsBlank(string text, int from)
    {
        for (var i = from; i < text.Length && text[i] != '\n'; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
