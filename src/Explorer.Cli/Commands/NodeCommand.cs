using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Query;
using Explorer.Server.Nodes;

namespace Explorer.Cli.Commands;

/// <summary><c>explorer node &lt;id|name&gt;</c>: a node's details, degree and edge counts by type.</summary>
internal static class NodeCommand
{
    public static Command Create(Cli cli)
    {
        var node = CommonOptions.NodeArgument("node", "The node's id, name or alias.");
        var command = new Command("node", "Show a node: kind, aliases, description, degree and edges by type.") { node };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var queries = await session.QueriesAsync(cancellationToken);
            var outcome = await queries.NodeAsync(new NodeRequest { Id = CommonOptions.Words(parse.GetValue(node)) }, cancellationToken);
            if (outcome.Value is not { } details)
            {
                return session.Fail(outcome.Problem!);
            }

            if (session.Json)
            {
                session.WriteJson(NodeResponse.Of(details));
            }
            else
            {
                NodeText.Write(session.Out, details);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
