using System.CommandLine;
using System.Globalization;
using Explorer.Cli.Output;
using Explorer.Suggestions;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer suggest FILE</c> (or <c>--source ID</c>): the relations a document suggests between known nodes,
/// sentence by sentence. Read only: nothing is added to the graph.
/// </summary>
internal static class SuggestCommand
{
    /// <summary>The largest document read (the same cap as a source document's).</summary>
    public const long MaxBytes = 5 * 1024 * 1024;

    public static Command Create(Cli cli)
    {
        var file = new Argument<string?>("file")
        {
            Description = "A plain-text or Markdown file, or - for stdin.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var source = new Option<string?>("--source") { Description = "Suggest from a source document Explorer holds (its id) instead of a file." };
        var all = new Option<bool>("--all") { Description = "Also list suggestions an edge already quotes (in the graph already)." };
        var command = new Command("suggest", "Suggest relations between known nodes from a document, sentence by sentence (adds nothing).")
        {
            file,
            source,
            all,
        };
        cli.HelpNotes[command] = """
            Every sentence that names two or more known nodes (by name or alias, normalized as search does)
            gives one suggestion per pair: the sentence as the quote, and a type where a cue in the sentence
            states one ("member of", "deployed to", "conducted"); otherwise the type is "?" and an analyst
            picks it. Suggestions an existing edge already quotes are left out unless --all.
            """;
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file);
            var sourceId = parse.GetValue(source);
            if (sourceId is not null && path is not null)
            {
                return session.Fail(ExitCodes.InvalidInput, "give a file or --source, not both");
            }

            var store = await session.OpenStoreAsync(seedIfEmpty: true, cancellationToken);
            DocumentSuggestions suggestions;
            if (sourceId is not null)
            {
                var outcome = await SuggestionQueries.ForSourceAsync(store, sourceId.Trim(), cancellationToken: cancellationToken);
                if (outcome.Value is not { } found)
                {
                    return session.Fail(outcome.Problem!);
                }

                suggestions = found;
            }
            else
            {
                var text = await ReadAsync(session, path, cancellationToken);
                suggestions = await SuggestionQueries.ForTextAsync(store, null, text, cancellationToken);
            }

            var shown = parse.GetValue(all) ? suggestions.Suggestions : [.. suggestions.Suggestions.Where(s => !s.Cited)];
            if (session.Json)
            {
                session.WriteJson(suggestions with { Suggestions = shown });
                return ExitCodes.Ok;
            }

            var cited = suggestions.Suggestions.Count - shown.Count;
            session.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{shown.Count} suggestions from {suggestions.Sentences} sentences ({shown.Count(s => s.Type is not null)} with a type{(cited > 0 && !parse.GetValue(all) ? $"; {cited} already quoted by an edge, see --all" : "")})."));
            foreach (var s in shown)
            {
                session.Out.WriteLine();
                session.Out.WriteLine($"{s.Source} {Arrows.Forward(s.Type ?? "?")} {s.Target}{(s.Cue is null ? "" : $"   (cue: \"{s.Cue}\")")}");
                if (s.ExistingEdges.Count > 0)
                {
                    session.Out.WriteLine($"  already joined by: {string.Join(", ", s.ExistingEdges.Select(e => e.Id))}");
                }

                TextLayout.WriteLabeled(session.Out, "  quote: ", s.Quote);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<string> ReadAsync(Session session, string? path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(path) || path == "-")
        {
            var buffer = new char[MaxBytes + 1];
            var read = await session.In.ReadBlockAsync(buffer, cancellationToken);
            return read > MaxBytes ? throw new CliException(ExitCodes.InvalidInput, "the document on stdin is larger than 5 MB") : new string(buffer, 0, read);
        }

        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxBytes)
            {
                throw new CliException(ExitCodes.InvalidInput, $"'{path}' is larger than 5 MB");
            }

            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.InvalidInput, $"cannot read '{path}': {ex.Message}");
        }
    }
}
