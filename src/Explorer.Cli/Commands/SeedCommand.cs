using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Seed;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer seed [DIR] [--progress] [--store neo4j]</c>: loads and validates graph-seed/ and upserts it (idempotent).
/// <c>explorer seed --check [DIR]</c> only checks the dataset (<see cref="SeedCheck"/>), touching no store: every
/// problem, then the sentences of each analysed document no edge cites; exit 0 without errors, 3 with.
/// Into Neo4j: constraints and indexes first (on open), then batches of 500 rows (UNWIND ... MERGE) in one
/// transaction, reporting added/updated/unchanged like the embedded store.
/// </summary>
internal static class SeedCommand
{
    public static Command Create(Cli cli)
    {
        var progress = new Option<bool>("--progress") { Description = "Report progress (phase done/total) on stderr." };
        var check = new Option<bool>("--check") { Description = "Only check the dataset, touching no database: list every problem (exit 3 if any) and the essay's sentences no edge cites." };
        var folder = new Argument<string?>("dir")
        {
            Description = "The dataset folder [default: --seed, else the nearest graph-seed/].",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("seed", "Load the dataset into the database: upserts by id, never removes; a second run changes nothing. --check only checks it.")
        {
            folder,
            progress,
            check,
        };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var directory = parse.GetValue(folder) is { Length: > 0 } given ? given : session.SeedDirectory;
            if (parse.GetValue(check))
            {
                return await CheckAsync(session, directory);
            }

            var showProgress = parse.GetValue(progress);
            if (showProgress)
            {
                await session.Error.WriteLineAsync($"seed: loading {directory}");
            }

            var seed = SeedLoader.Load(directory);
            var store = await session.OpenStoreAsync(seedIfEmpty: false, cancellationToken);
            if (showProgress)
            {
                await session.Error.WriteLineAsync($"seed: {seed.Sources.Count} sources, {seed.Nodes.Count} nodes, {seed.Edges.Count} edges into the {store.Name} store at {session.StoreLocation}");
            }

            var report = await store.SeedAsync(seed, showProgress ? new SeedProgressWriter(session.Error) : null, cancellationToken);
            if (session.Json)
            {
                session.WriteJson(report);
            }
            else
            {
                await session.Out.WriteLineAsync(SeedProgressWriter.Format(report));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<int> CheckAsync(Session session, string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliException(ExitCodes.InvalidInput, $"no dataset folder '{directory}'");
        }

        var report = SeedCheck.Run(directory);
        if (session.Json)
        {
            session.WriteJson(report);
            return report.Ok ? ExitCodes.Ok : ExitCodes.StoreError;
        }

        var output = session.Out;
        await output.WriteLineAsync($"Checked {report.Directory}: {report.Sources} sources, {report.Nodes} nodes, {report.Edges} edges (records with errors not counted).");
        foreach (var error in report.Errors)
        {
            await output.WriteLineAsync($"error: {error}");
        }

        foreach (var source in report.Coverage)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"{source.Uncited.Count} of the {source.Sentences} sentences of '{source.SourceId}' are cited by no edge:");
            foreach (var sentence in source.Uncited)
            {
                await output.WriteLineAsync($"  line {sentence.Line}: {sentence.Text}");
            }
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(report.Ok ? "No errors." : $"{report.Errors.Count} error{(report.Errors.Count == 1 ? "" : "s")}.");
        return report.Ok ? ExitCodes.Ok : ExitCodes.StoreError;
    }
}
