using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Query;

namespace Explorer.Cli.Commands;

/// <summary><c>explorer neighbors &lt;id|name&gt; [--depth] [--kinds] [--types] [--limit] [--offset]</c>.</summary>
internal static class NeighborsCommand
{
    public static Command Create(Cli cli)
    {
        var node = CommonOptions.NodeArgument("node", "The center node's id, name or alias.");
        var depth = new Option<int?>("--depth") { Description = $"How many hops out (1..{GraphQueries.MaxDepth}) [default: 1].", HelpName = "n" };
        var kinds = CommonOptions.Kinds("Only neighbors of these kinds.");
        var types = CommonOptions.Types("Only edges of these types.");
        var limit = CommonOptions.Limit($"At most this many neighbors (1..{GraphQueries.MaxNeighborhoodLimit}) [default: {GraphQueries.DefaultNeighborhoodLimit}].");
        var offset = new Option<int?>("--offset") { Description = "Skip this many neighbors (to page through a large neighborhood) [default: 0].", HelpName = "n" };
        var command = new Command("neighbors", "Show the nodes around a node, grouped by relation.") { node, depth, kinds, types, limit, offset };
        command.Aliases.Add("neighbours");
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var queries = await session.QueriesAsync(cancellationToken);
            var request = new NeighborhoodRequest
            {
                Id = CommonOptions.Words(parse.GetValue(node)),
                Depth = parse.GetValue(depth),
                Kinds = CommonOptions.List(parse.GetValue(kinds)),
                Types = CommonOptions.List(parse.GetValue(types)),
                Limit = parse.GetValue(limit),
                Offset = parse.GetValue(offset),
            };
            var outcome = await queries.NeighborhoodAsync(request, cancellationToken);
            if (outcome.Problem is not null)
            {
                return session.Fail(outcome.Problem);
            }

            if (session.Json)
            {
                session.WriteJson(outcome.Value);
            }
            else
            {
                NeighborhoodText.Write(session.Out, outcome.Value!, request.Limit ?? GraphQueries.DefaultNeighborhoodLimit, request.Offset ?? 0);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
