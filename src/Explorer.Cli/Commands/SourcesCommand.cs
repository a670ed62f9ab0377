using System.CommandLine;
using System.Text;
using Explorer.Cli.Output;
using Explorer.Graph;
using Explorer.Query;
using Explorer.Sources;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer sources</c> lists the source documents; <c>explorer sources add FILE --title ...</c> adds one
/// (.txt, .md or .html, kept as plain text, as <c>POST /api/sources</c> does); <c>explorer source &lt;id&gt;</c> prints one.
/// </summary>
internal static class SourcesCommand
{
    public static Command CreateList(Cli cli)
    {
        var command = new Command("sources", "List the source documents evidence is quoted from.");
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var queries = await session.QueriesAsync(cancellationToken);
            var sources = await queries.SourcesAsync(cancellationToken);
            if (session.Json)
            {
                session.WriteJson(sources);
            }
            else if (sources.Count == 0)
            {
                session.Out.WriteLine("No sources.");
            }
            else
            {
                TextLayout.WriteTable(session.Out, ["ID", "KIND", "TITLE"], sources.Select(s => (IReadOnlyList<string>)[s.Id, s.Kind, s.Title]));
            }

            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(CreateAdd(cli));
        return command;
    }

    private static Command CreateAdd(Cli cli)
    {
        var file = new Argument<string>("file") { Description = "A .txt, .md or .html file (UTF-8)." };
        var title = new Option<string?>("--title") { Description = "The document's title [default: an HTML document's <title>, else the file name]." };
        var kind = new Option<string?>("--kind") { Description = $"What kind of document it is [default: {DocumentText.DefaultKind}]." };
        var description = new Option<string?>("--description") { Description = "A line about the document." };
        var url = new Option<string?>("--url") { Description = "Where the document can be found (http or https)." };
        var id = new Option<string?>("--id") { Description = "The source's id [default: made from the title]." };
        var command = new Command("add", "Add a source document (plain text, Markdown or HTML, kept as plain text) that edges can quote.")
        {
            file, title, kind, description, url, id,
        };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                return session.Fail(QueryProblem.Invalid("file", $"no file '{path}'"));
            }

            if (DocumentText.FormatOf(path, null) is not { } format)
            {
                return session.Fail(QueryProblem.Invalid("file", $"'{path}' is not a .txt, .md or .html file"));
            }

            if (new FileInfo(path).Length > SourcesLimit)
            {
                return session.Fail(QueryProblem.Invalid("file", $"'{path}' is over {DocumentText.MaxBytes / (1024 * 1024)} MB"));
            }

            string content;
            try
            {
                content = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(await File.ReadAllBytesAsync(path, cancellationToken)).TrimStart('\uFEFF');
            }
            catch (DecoderFallbackException)
            {
                return session.Fail(QueryProblem.Invalid("file", $"'{path}' is not UTF-8 text"));
            }

            var errors = new RecordErrors();
            var given = parse.GetValue(title) ?? (format == DocumentFormat.Html ? null : Path.GetFileNameWithoutExtension(path));
            var input = new SourceInput(parse.GetValue(id), given, parse.GetValue(kind), parse.GetValue(description), parse.GetValue(url), content, format);
            if (DocumentText.ToSource(input, errors) is not { } source)
            {
                return session.Fail(errors.ToProblem("source"));
            }

            var store = await session.OpenStoreAsync(seedIfEmpty: true, cancellationToken);
            var write = await store.CreateSourceAsync(source, $"cli:{Environment.UserName}", cancellationToken);
            if (write is not RecordWrite.Written written)
            {
                return session.Fail(QueryProblem.Invalid("id", $"a source with the id '{source.Id}' exists already (give another --id)"));
            }

            if (session.Json)
            {
                session.WriteJson((source with { Version = written.Version }).Info);
            }
            else
            {
                session.Out.WriteLine($"ok {written.Changes[^1].Seq} source {source.Id} ({source.Text.Length} characters)");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>A file larger than this cannot hold 5 MB of text in any of the formats (HTML and Markdown shrink when converted).</summary>
    private const long SourcesLimit = 4L * DocumentText.MaxBytes;

    public static Command CreateShow(Cli cli)
    {
        var id = new Argument<string>("id") { Description = "The source's id (see 'explorer sources')." };
        var command = new Command("source", "Print a source document: title, description and full text.") { id };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var queries = await session.QueriesAsync(cancellationToken);
            var sourceId = parse.GetValue(id)!.Trim();
            var outcome = await queries.SourceAsync(sourceId, cancellationToken);
            if (outcome.Value is not { } source)
            {
                var known = (await queries.SourcesAsync(cancellationToken)).Select(s => s.Id).ToList();
                var hint = known.Count is > 0 and <= 20 ? $" Known sources: {string.Join(", ", known)}." : "";
                return session.Fail(outcome.Problem! with
                {
                    Detail = outcome.Problem.Detail + hint,
                    Extensions = new Dictionary<string, object?> { ["field"] = "id" },
                });
            }

            if (session.Json)
            {
                session.WriteJson(source);
                return ExitCodes.Ok;
            }

            session.Out.WriteLine(source.Title);
            session.Out.WriteLine($"  id:    {source.Id}");
            session.Out.WriteLine($"  kind:  {source.Kind}");
            if (source.Description.Length > 0)
            {
                TextLayout.WriteLabeled(session.Out, "  about: ", source.Description);
            }

            session.Out.WriteLine();
            session.Out.WriteLine(source.Text.TrimEnd());
            return ExitCodes.Ok;
        }));
        return command;
    }
}
