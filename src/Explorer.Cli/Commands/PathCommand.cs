using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Paths;

namespace Explorer.Cli.Commands;

/// <summary><c>explorer path &lt;from&gt; &lt;to&gt; [--mode] [--k] [--max-hops] [--types] [--kinds] [--direction] [--avoid]</c>.</summary>
internal static class PathCommand
{
    public static Command Create(Cli cli)
    {
        var from = new Argument<string>("from") { Description = "Where the path starts: id, name or alias (quote names with spaces)." };
        var to = new Argument<string>("to") { Description = "Where the path ends: id, name or alias." };
        var mode = new Option<string?>("--mode") { Description = "ranked (a few paths ordered by how well they explain, each with why), shortest (one path), all (every shortest path) or k (k shortest, real-world links ranked before thematic ones) [default: ranked].", HelpName = "ranked|shortest|all|k" };
        var k = new Option<int?>("--k") { Description = $"How many paths in ranked and k mode (1..{PathQuery.MaxK}) [default: 3].", HelpName = "n" };
        var maxHops = new Option<int?>("--max-hops") { Description = $"Longest path to consider (1..{PathQuery.MaxMaxHops}) [default: 6].", HelpName = "n" };
        var types = CommonOptions.Types("Only follow edges of these types.");
        var kinds = CommonOptions.Kinds("Only pass through nodes of these kinds.");
        var direction = new Option<string?>("--direction") { Description = "any (ignore edge direction), out (follow edges forward) or in (backward) [default: any].", HelpName = "any|out|in" };
        var avoid = new Option<string[]>("--avoid") { Description = "Nodes (ids, names or aliases) the path must not pass through; comma-separated or repeated.", HelpName = "nodes" };
        var command = new Command("path", "Show how two nodes connect, hop by hop, with the evidence for each edge.")
        {
            from, to, mode, k, maxHops, types, kinds, direction, avoid,
        };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var queries = await session.QueriesAsync(cancellationToken);
            var request = new PathRequest
            {
                From = parse.GetValue(from),
                To = parse.GetValue(to),
                Mode = parse.GetValue(mode),
                K = parse.GetValue(k),
                MaxHops = parse.GetValue(maxHops),
                Types = CommonOptions.List(parse.GetValue(types)),
                Kinds = CommonOptions.List(parse.GetValue(kinds)),
                Direction = parse.GetValue(direction),
                Avoid = CommonOptions.List(parse.GetValue(avoid)),
            };
            var outcome = await queries.PathsAsync(request, cancellationToken);
            if (outcome.Problem is not null)
            {
                return session.Fail(outcome.Problem);
            }

            if (session.Json)
            {
                session.WriteJson(PathsResponse.Of(outcome.Value!));
            }
            else
            {
                PathText.Write(session.Out, outcome.Value!, showMode: true);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
