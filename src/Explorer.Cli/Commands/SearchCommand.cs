using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Query;
using Explorer.Server.Search;

namespace Explorer.Cli.Commands;

/// <summary><c>explorer search &lt;text&gt; [--kinds] [--limit]</c>: a table of matching nodes.</summary>
internal static class SearchCommand
{
    public static Command Create(Cli cli)
    {
        var text = new Argument<string[]>("text") { Description = "What to look for: a name, alias or id (typos tolerated).", Arity = ArgumentArity.OneOrMore };
        var kinds = CommonOptions.Kinds("Only nodes of these kinds.");
        var limit = CommonOptions.Limit($"At most this many results (1..{GraphQueries.MaxSearchLimit}) [default: {GraphQueries.DefaultSearchLimit}].");
        var asOf = CommonOptions.AsOf();
        var command = new Command("search", "Find nodes by name, alias or id.") { text, kinds, limit, asOf };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var queries = await session.QueriesAsync(cancellationToken);
            var request = new SearchRequest
            {
                Q = CommonOptions.Words(parse.GetValue(text)),
                Kinds = CommonOptions.List(parse.GetValue(kinds)),
                Limit = parse.GetValue(limit),
                AsOf = parse.GetValue(asOf),
            };
            var outcome = await queries.SearchAsync(request, cancellationToken);
            if (outcome.Problem is not null)
            {
                return session.Fail(outcome.Problem);
            }

            if (session.Json)
            {
                session.WriteJson(new SearchResponse(outcome.Value!.Hits, outcome.Value.Truncated));
            }
            else
            {
                SearchText.Write(session.Out, outcome.Value!);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
