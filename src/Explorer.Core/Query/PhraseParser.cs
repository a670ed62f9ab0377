using System.Text.RegularExpressions;

namespace Explorer.Query;

public abstract record Phrase;

/// <summary>A path question; <see cref="Splits"/> lists the ways to read it as (from, to), most likely first.</summary>
public sealed record PathPhrase(IReadOnlyList<(string From, string To)> Splits, bool Ranked) : Phrase;

/// <summary>The neighbors of a node; <see cref="Types"/> (comma-separated) narrows them, as for "members of X".</summary>
public sealed record NeighborsPhrase(string Node, string? Types = null) : Phrase;

public sealed record SearchPhrase(string Text) : Phrase;

/// <summary>Reads the phrases analysts type into the search box.</summary>
public static partial class PhraseParser
{
    [GeneratedRegex(@"^\s*(?:how\s+(?:is|are)\s+)(?<rest>.+?)\s+(?:related|connected|linked)\s+(?:to|with)\s+(?<to>.+?)\s*\??\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Related();

    [GeneratedRegex(@"^\s*(?:(?:shortest\s+)?paths?\s+)?between\s+(?<from>.+?)\s+and\s+(?<to>.+?)\s*\??\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Between();

    [GeneratedRegex(@"^\s*(?:(?:shortest\s+)?paths?\s+)?from\s+(?<rest>.+?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex From();

    [GeneratedRegex(@"^\s*(?:neighbou?rs|neighbou?rhood|around|expand|connections|links)\s+(?:of\s+|for\s+|around\s+)?(?<node>.+?)\s*\??\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Neighbors();

    [GeneratedRegex(@"\s+(?:to|->|→|–>|=>)\s+|\s*(?:->|→|=>)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex Separator();

    [GeneratedRegex(@"^(?<rest>.+?)\s*,?\s+(?:as\s+of|in|on|at|during)\s+(?<date>\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*\??\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingDate();

    [GeneratedRegex(@"^\s*(?:the\s+)?(?:members?|member\s+states)\s+of\s+(?<node>.+?)\s*\??\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Members();

    /// <summary>"NATO to Balkans as of 1995" is ("NATO to Balkans", "1995"); null when the phrase ends with no date.</summary>
    public static (string Phrase, string Date)? SplitDate(string text) =>
        TrailingDate().Match(text.Trim()) is { Success: true } match ? (match.Groups["rest"].Value, match.Groups["date"].Value) : null;

    public static Phrase Parse(string text)
    {
        var trimmed = text.Trim();
        if (Members().Match(trimmed) is { Success: true } members)
        {
            return new NeighborsPhrase(members.Groups["node"].Value, "MEMBER_OF");
        }

        if (Related().Match(trimmed) is { Success: true } related)
        {
            return new PathPhrase([(related.Groups["rest"].Value, related.Groups["to"].Value)], Ranked: true);
        }

        if (Between().Match(trimmed) is { Success: true } between)
        {
            return new PathPhrase([(between.Groups["from"].Value, between.Groups["to"].Value)], Ranked: false);
        }

        if (Neighbors().Match(trimmed) is { Success: true } neighbors)
        {
            return new NeighborsPhrase(neighbors.Groups["node"].Value);
        }

        var body = From().Match(trimmed) is { Success: true } from ? from.Groups["rest"].Value : trimmed;
        var separators = Separator().Matches(body);
        if (separators.Count > 0)
        {
            var splits = separators
                .Select(m => (From: body[..m.Index].Trim(), To: body[(m.Index + m.Length)..].Trim()))
                .Where(s => s.From.Length > 0 && s.To.Length > 0)
                .ToList();
            if (splits.Count > 0)
            {
                return new PathPhrase(splits, Ranked: false);
            }
        }

        return new SearchPhrase(trimmed);
    }
}
