using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Query;

namespace Explorer.Cli.Commands;

/// <summary><c>explorer sources</c> lists the source documents; <c>explorer source &lt;id&gt;</c> prints one.</summary>
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
        return command;
    }

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
