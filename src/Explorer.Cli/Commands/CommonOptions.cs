using System.CommandLine;

namespace Explorer.Cli.Commands;

/// <summary>Arguments and options several verbs share, created fresh for each command tree.</summary>
internal static class CommonOptions
{
    /// <summary>A node given by id, name or alias; several words are joined ("node United States").</summary>
    public static Argument<string[]> NodeArgument(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.OneOrMore,
    };

    public static Option<string[]> Kinds(string description) => new("--kinds")
    {
        Description = description + " Comma-separated or repeated: Nation, Organization, Mission, Region, Theme.",
        HelpName = "kinds",
    };

    public static Option<string[]> Types(string description) => new("--types")
    {
        Description = description + " Comma-separated or repeated edge types, e.g. MEMBER_OF,CONDUCTED.",
        HelpName = "types",
    };

    /// <summary>Only what held at some time in this period.</summary>
    public static Option<string?> AsOf() => new("--as-of")
    {
        Description = "Only what held at some time in this period: YYYY, YYYY-MM or YYYY-MM-DD (undated facts always hold).",
        HelpName = "date",
    };

    public static Option<int?> Limit(string description) => new("--limit")
    {
        Description = description,
        HelpName = "n",
    };

    /// <summary>Joins the words of a multi-word argument.</summary>
    public static string Words(string[]? words) => string.Join(' ', words ?? []);

    /// <summary>Joins repeated list options into the comma list the query engine expects; null when absent.</summary>
    public static string? List(string[]? values) => values is { Length: > 0 } ? string.Join(',', values) : null;
}
