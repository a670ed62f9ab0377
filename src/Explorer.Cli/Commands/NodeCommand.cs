using System.CommandLine;
using Explorer.Cli.Output;
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
            var resolved = await queries.ResolveAsync(CommonOptions.Words(parse.GetValue(node)), "id", cancellationToken);
            if (resolved.Problem is not null)
            {
                return session.Fail(resolved.Problem);
            }

            var details = await queries.Store.GetNodeAsync(resolved.Value!.Id, cancellationToken);
            if (details is null)
            {
                return session.Fail(ExitCodes.NotFound, $"id: no node is called '{resolved.Value.Id}'.");
            }

            if (session.Json)
            {
                var n = details.Node;
                session.WriteJson(new NodeResponse(n.Id, n.Kind, n.Name, n.Aliases, n.Description, details.Degree, details.CountsByType));
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
