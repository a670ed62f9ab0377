using System.CommandLine;
using Explorer.Cli.Output;
using Explorer.Seed;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer seed [--progress] [--store neo4j]</c>: loads and validates graph-seed/ and upserts it (idempotent).
/// Into Neo4j: constraints and indexes first (on open), then batches of 500 rows (UNWIND ... MERGE) in one
/// transaction, reporting added/updated/unchanged like the embedded store.
/// </summary>
internal static class SeedCommand
{
    public static Command Create(Cli cli)
    {
        var progress = new Option<bool>("--progress") { Description = "Report progress (phase done/total) on stderr." };
        var command = new Command("seed", "Load the dataset into the database: upserts by id, never removes; a second run changes nothing.")
        {
            progress,
        };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var directory = session.SeedDirectory;
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
}
