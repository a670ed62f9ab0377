using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Query;
using Explorer.Server.Paths;
using Explorer.Server.Query;

namespace Explorer.Cli.Commands;

/// <summary><c>explorer query "&lt;phrase&gt;"</c>: answers "NATO to Balkans", "neighbors of Mali", or searches.</summary>
internal static class QueryCommand
{
    public static Command Create(Cli cli)
    {
        var phrase = new Argument<string[]>("phrase")
        {
            Description = "\"NATO to Balkans\", \"path from X to Y\", \"how is X related to Y\", \"neighbors of X\"; anything else is a search.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("query", "Answer a question typed as a phrase, as the search box does.") { phrase };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var queries = await session.QueriesAsync(cancellationToken);
            var text = CommonOptions.Words(parse.GetValue(phrase));
            var outcome = await queries.AnswerAsync(text, cancellationToken);
            if (outcome.Problem is not null)
            {
                return session.Fail(outcome.Problem);
            }

            var answer = outcome.Value!;
            if (session.Json)
            {
                session.WriteJson(ToResponse(answer, text));
                return ExitCodes.Ok;
            }

            session.Out.WriteLine($"Understood as: {answer.Interpretation}");
            session.Out.WriteLine();
            if (answer.Path is not null)
            {
                PathText.Write(session.Out, answer.Path, mode: null);
            }
            else if (answer.Neighborhood is not null)
            {
                NeighborhoodText.Write(session.Out, answer.Neighborhood, GraphQueries.DefaultNeighborhoodLimit, 0);
            }
            else
            {
                SearchText.Write(session.Out, answer.Search ?? []);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The /api/query response for the same answer: <c>kind</c> (path, neighborhood, search) and its fields.</summary>
    private static QueryResponse ToResponse(QueryAnswer answer, string phrase)
    {
        if (answer.Path is { } path)
        {
            var ranked = PhraseParser.Parse(phrase) is PathPhrase { Ranked: true };
            var p = PathsResponse.Create(path, ranked ? "k" : null);
            return new PathQueryResponse(answer.Interpretation, p.From, p.To, p.Mode, p.Paths, p.Nodes, p.Edges, p.Reason);
        }

        if (answer.Neighborhood is { } n)
        {
            return new NeighborhoodQueryResponse(answer.Interpretation, n.Center, n.Nodes, n.Edges, n.Truncated, n.CountsByType);
        }

        return new SearchQueryResponse(answer.Interpretation, answer.Search ?? []);
    }
}
