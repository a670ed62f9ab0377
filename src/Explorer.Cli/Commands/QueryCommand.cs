using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Query;
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
                session.WriteJson(QueryResponse.Of(answer));
                return ExitCodes.Ok;
            }

            session.Out.WriteLine($"Understood as: {answer.Interpretation}");
            session.Out.WriteLine();
            switch (answer)
            {
                case QueryAnswer.Paths paths:
                    PathText.Write(session.Out, paths.Answer, showMode: false);
                    break;
                case QueryAnswer.Neighbors neighbors:
                    NeighborhoodText.Write(session.Out, neighbors.Neighborhood, GraphQueries.DefaultNeighborhoodLimit, 0);
                    break;
                case QueryAnswer.Search search:
                    SearchText.Write(session.Out, search.Hits);
                    break;
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
