using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Explorer.Cli.Commands;

namespace Explorer.Cli;

/// <summary>
/// The <c>explorer</c> command line: builds the verbs, parses, runs one and maps failures to exit codes.
/// Takes its streams as parameters so tests run it in-process and read what it prints.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null, CancellationToken cancellationToken = default)
    {
        var cli = new Cli(stdout, stderr, stdin ?? TextReader.Null);
        var root = BuildRoot(cli);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"explorer: {error.Message}");
            }

            var verb = parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";
            await stderr.WriteLineAsync($"Run 'explorer {verb}--help' for usage.");
            return ExitCodes.InvalidInput;
        }

        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,

            // `serve` relies on the web host's own Ctrl+C handling; other verbs simply stop.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        int code;
        try
        {
            code = await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Expected failures are handled by the verbs; anything reaching here is a bug worth its stack trace.
            await stderr.WriteLineAsync($"explorer: internal error: {ex}");
            code = ExitCodes.InternalError;
        }

        await stdout.FlushAsync(cancellationToken);
        await stderr.FlushAsync(cancellationToken);
        return code;
    }

    private static RootCommand BuildRoot(Cli cli)
    {
        var root = new RootCommand("""
            Explore how nations, organizations, missions, regions and themes connect. Every edge carries
            evidence: verbatim quotes from a source document. Names, aliases and ids are accepted wherever a
            node is expected ("NATO", "North Atlantic Treaty Organization", "nato").
            """)
        {
            cli.Globals.Db,
            cli.Globals.Store,
            cli.Globals.Neo4jUri,
            cli.Globals.Neo4jDatabase,
            cli.Globals.Neo4jUser,
            cli.Globals.Seed,
            cli.Globals.Json,
            SearchCommand.Create(cli),
            NodeCommand.Create(cli),
            NeighborsCommand.Create(cli),
            PathCommand.Create(cli),
            QueryCommand.Create(cli),
            SourcesCommand.CreateList(cli),
            SourcesCommand.CreateShow(cli),
            SeedCommand.Create(cli),
            ImportCommand.Create(cli),
            ExportCommand.Create(cli),
            SuggestCommand.Create(cli),
            ServeCommand.Create(cli),
            UsersCommand.Create(cli),
            TokensCommand.Create(cli),
            BackupCommands.CreateBackup(cli),
            BackupCommands.CreateRestore(cli),
        };

        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction help } helpOption)
            {
                helpOption.Action = new HelpWithNotes(help, cli);
            }
        }

        return root;
    }

    /// <summary>The usual help, then the verb's notes (e.g. the import record format), then the exit codes.</summary>
    private sealed class HelpWithNotes(HelpAction inner, Cli cli) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = inner.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            if (cli.HelpNotes.TryGetValue(parseResult.CommandResult.Command, out var notes))
            {
                output.WriteLine(notes);
                output.WriteLine();
            }

            output.WriteLine(ExitCodes.HelpText);
            return code;
        }
    }
}
