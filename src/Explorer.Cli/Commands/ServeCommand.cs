using System.CommandLine;
using Explorer.Server;
using Explorer.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace Explorer.Cli.Commands;

/// <summary><c>explorer serve [server args...]</c>: runs the web server (the same app as Explorer.Server).</summary>
internal static class ServeCommand
{
    public static Command Create(Cli cli)
    {
        var command = new Command("serve", "Run the web server and API (the same app as Explorer.Server).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        cli.HelpNotes[command] = """
            Server arguments:
              Other arguments go to ASP.NET Core configuration, e.g.
              explorer serve --urls http://localhost:5080 --Explorer:SeedOnStart false
              --db and --seed set Explorer:DatabasePath and Explorer:SeedPath (relative to the working directory).
            """;
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var args = new List<string>(parse.UnmatchedTokens);
            if (parse.GetValue(cli.Globals.Db) is { Length: > 0 } db)
            {
                args.AddRange(["--Explorer:DatabasePath", Path.GetFullPath(db)]);
            }

            if (parse.GetValue(cli.Globals.Store) is { Length: > 0 } store)
            {
                args.AddRange(["--Explorer:Store", store.Equals("neo4j", StringComparison.OrdinalIgnoreCase) ? "Neo4j" : store]);
            }

            foreach (var (option, key) in new[] { (cli.Globals.Neo4jUri, "Neo4j:Uri"), (cli.Globals.Neo4jDatabase, "Neo4j:Database"), (cli.Globals.Neo4jUser, "Neo4j:User") })
            {
                if (parse.GetValue(option) is { Length: > 0 } value)
                {
                    args.AddRange([$"--{key}", value]);
                }
            }

            if (parse.GetValue(cli.Globals.Seed) is { Length: > 0 } seed)
            {
                args.AddRange(["--Explorer:SeedPath", seed]);
            }

            try
            {
                // The server logs every failure once (one line when its reason is known).
                return await ExplorerApp.Create([.. args]).RunExplorerAsync() switch
                {
                    0 => ExitCodes.Ok,
                    ExplorerApp.ExitAddressInUse => ExitCodes.AddressInUse,
                    ExplorerApp.ExitInternalError => ExitCodes.InternalError,
                    _ => ExitCodes.StoreError,
                };
            }
            catch (OptionsValidationException ex)
            {
                return session.Fail(ExitCodes.InvalidInput, $"invalid configuration: {string.Join(" ", ex.Failures)}");
            }
        }));
        return command;
    }
}
