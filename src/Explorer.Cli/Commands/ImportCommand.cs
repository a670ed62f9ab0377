using System.CommandLine;
using System.Globalization;
using Explorer.Cli.Output;
using Explorer.Import;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer import FILE... [--format jsonl|csv|graph-seed] [--dry-run] [--batch N] [--evidence-source ID]
/// [--all-or-nothing] [--no-seed]</c>: the import pipeline (<see cref="GraphImport"/>) from the command line. Records are
/// checked and written in batches in one pass (with --all-or-nothing, files are checked whole first). Each committed record is acknowledged on stdout ("ok &lt;seq&gt; &lt;kind&gt; &lt;id&gt;") after its
/// batch commits; progress (rate, time left), errors (file:line:column) and the summary go to stderr.
/// </summary>
internal static class ImportCommand
{
    private static readonly TimeSpan s_progressEvery = TimeSpan.FromSeconds(1);

    public static Command Create(Cli cli)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Files to import (JSON Lines, nodes.csv and edges.csv, or a graph-seed folder or its .json files); - or nothing for stdin (JSON Lines).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string?>("--format") { Description = $"{ImportFormats.Names} [default: from the file names]." };
        var mappingFile = new Option<string?>("--mapping") { Description = "A mapping file (JSON): foreign columns or attributes, kinds and types onto the model (see the README)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and count new/changed/unchanged only; write nothing." };
        var batch = new Option<int>("--batch")
        {
            Description = $"Writes per transaction; each batch commits whole or not at all [default: {ImportOptions.DefaultBatchSize}].",
            DefaultValueFactory = _ => ImportOptions.DefaultBatchSize,
        };
        var evidenceSource = new Option<string?>("--evidence-source") { Description = "A source document id that describes this import: edges without evidence cite the first line of its text." };
        var allOrNothing = new Option<bool>("--all-or-nothing") { Description = "Write nothing if any record is invalid (files only)." };
        var noSeed = new Option<bool>("--no-seed") { Description = "Into a new or empty database: do not seed it with the graph-seed dataset first, so it holds this import's records only." };
        var command = new Command("import", "Add, update or remove nodes and edges from JSON Lines, CSV, the graph-seed layout, GraphML or graphology JSON, in batches.")
        {
            files, format, dryRun, batch, evidenceSource, allOrNothing, mappingFile, noSeed,
        };
        cli.HelpNotes[command] = """
            JSON Lines, one record per line:
              {"node":{"id","kind","name","aliases":[...],"description","validFrom","validTo"}}
              {"edge":{"id","type","source","target","evidence":[{"sourceId","quote"}],"validFrom","validTo","suspensions"}}
              {"removeEdge":"<id>"}   {"removeNode":"<id>"}
            CSV (header rows after neo4j-admin import; the header tells nodes from edges):
              nodes.csv  :ID,:LABEL,name,aliases,description,validFrom,validTo   (aliases separated by ;)
              edges.csv  :START_ID,:END_ID,:TYPE,id,sourceId,quote,validFrom,validTo   (id defaults to start-type-end)
              (a sources.json beside them, in the graph-seed layout, brings the documents the quotes cite)
            graph-seed: a folder (or its sources.json, nodes.json, edges.json).
            GraphML (.graphml, as Gephi and yEd write it) and graphology JSON (as the page exports it): one file.
            --mapping FILE maps foreign columns/attributes, kinds and types onto the model (see the README).
            Records are checked and written in one pass; only new and changed records are written, so
            importing the same data again writes nothing. Each batch is one transaction: a crash keeps whole
            batches only. After a batch commits, each of its records is acknowledged on stdout with
            "ok <seq> <kind> <id>". Errors go to stderr as "error: <file>:<line>:<column>: <reason>" (a CSV
            column is a field number); the valid records are still written unless --all-or-nothing (which
            checks the files whole before it writes anything). Exit code 1 if any record failed.
            """;
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var batchSize = parse.GetValue(batch);
            if (batchSize is < 1 or > ImportOptions.MaxBatchSize)
            {
                throw new CliException(ExitCodes.InvalidInput, $"--batch must be between 1 and {ImportOptions.MaxBatchSize}");
            }

            var paths = parse.GetValue(files) is { Length: > 0 } given ? given : ["-"];
            var importFormat = ParseFormat(parse.GetValue(format), paths);
            var inputs = Inputs(session, paths, importFormat);
            if (parse.GetValue(allOrNothing) && inputs.Any(i => !i.CanReopen))
            {
                throw new CliException(ExitCodes.InvalidInput, "--all-or-nothing needs files (stdin is written as it arrives)");
            }

            ImportMapping? mapping = null;
            if (parse.GetValue(mappingFile) is { } mappingPath)
            {
                if (!File.Exists(mappingPath))
                {
                    throw new CliException(ExitCodes.InvalidInput, $"cannot read '{mappingPath}': no such file");
                }

                var (read, error) = ImportMapping.Parse(await File.ReadAllTextAsync(mappingPath, cancellationToken));
                mapping = read ?? throw new CliException(ExitCodes.InvalidInput, $"{mappingPath}: {error}");
            }

            var store = await session.OpenStoreAsync(seedIfEmpty: !parse.GetValue(noSeed), cancellationToken);
            var json = session.Json;

            // Acknowledgements are written on their own thread, each batch after it committed (never before).
            var acks = json ? null : new ImportAcks(session.Out);
            var options = new ImportOptions
            {
                DryRun = parse.GetValue(dryRun),
                BatchSize = batchSize,
                EvidenceSource = parse.GetValue(evidenceSource),
                AllOrNothing = parse.GetValue(allOrNothing),
                Mapping = mapping,
                Committed = acks is null ? null : acks.CommittedAsync,
            };

            ImportReport report;
            try
            {
                report = await GraphImport.RunAsync(store, inputs, importFormat, options, new ProgressWriter(session.Error), cancellationToken);
            }
            catch (Exception) when (acks is not null)
            {
                // The import's own failure is the one reported; the acknowledgements of what committed still go out.
                await acks.CompleteQuietlyAsync();
                throw;
            }

            if (acks is not null)
            {
                await acks.CompleteAsync();
            }

            foreach (var error in report.Errors)
            {
                await session.Error.WriteLineAsync($"error: {error}");
            }

            if (report.ErrorCount > report.Errors.Count)
            {
                await session.Error.WriteLineAsync($"error: ... and {report.ErrorCount - report.Errors.Count} more");
            }

            if (json)
            {
                session.WriteJson(report);
            }

            await session.Error.WriteLineAsync(Summary(report));
            return report.ErrorCount > 0 ? ExitCodes.NotFound : ExitCodes.Ok;
        }));
        return command;
    }

    public static string Summary(ImportReport report)
    {
        static string Counts(string what, ImportCounts c) =>
            string.Create(CultureInfo.InvariantCulture, $"{what} {c.New} new, {c.Changed} changed, {c.Unchanged} unchanged, {c.Removed} removed");
        var head = report.DryRun ? "import: dry run, nothing written:" : "import: done:";
        var sources = report.Sources.New + report.Sources.Changed + report.Sources.Unchanged > 0 ? Counts("sources", report.Sources) + "; " : "";
        var tail = report.DryRun ? "" : string.Create(CultureInfo.InvariantCulture, $"; {report.Batches} batches committed");
        return string.Create(CultureInfo.InvariantCulture,
            $"{head} {report.Records} records; {sources}{Counts("nodes", report.Nodes)}; {Counts("edges", report.Edges)}; {report.ErrorCount} errors{tail} in {report.Elapsed.TotalSeconds:0.0} s");
    }

    private static ImportFormat ParseFormat(string? given, string[] paths)
    {
        if (given is not null)
        {
            return ImportFormats.Parse(given) ?? throw new CliException(ExitCodes.InvalidInput, $"unknown format '{given}': use {ImportFormats.Names}");
        }

        var path = paths[0];
        if (path == "-")
        {
            return ImportFormat.JsonLines;
        }

        if (Directory.Exists(path))
        {
            return File.Exists(Path.Combine(path, "nodes.csv")) ? ImportFormat.Csv : ImportFormat.GraphSeed;
        }

        var files = paths.Where(File.Exists).Select(p => (Path.GetFileName(p), (Func<Stream>)(() => File.OpenRead(p)))).ToList();
        return files.Count > 0 && ImportFormats.Detect(files) is { } detected ? detected : ImportFormat.JsonLines;
    }

    private static List<ImportInput> Inputs(Session session, string[] paths, ImportFormat format)
    {
        var inputs = new List<ImportInput>();
        foreach (var path in paths)
        {
            if (path == "-")
            {
                inputs.Add(ImportInput.FromReader("stdin", session.In));
                continue;
            }

            if (Directory.Exists(path))
            {
                var names = format == ImportFormat.Csv ? new[] { "sources.json", "nodes.csv", "edges.csv" } : ["sources.json", "nodes.json", "edges.json"];
                var found = names.Select(n => Path.Combine(path, n)).Where(File.Exists).ToList();
                if (found.Count == 0)
                {
                    throw new CliException(ExitCodes.InvalidInput, $"'{path}' holds none of {string.Join(", ", names)}");
                }

                inputs.AddRange(found.Select(ImportInput.FromFile));
                continue;
            }

            if (!File.Exists(path))
            {
                throw new CliException(ExitCodes.InvalidInput, $"cannot read '{path}': no such file");
            }

            inputs.Add(ImportInput.FromFile(path));
        }

        return inputs;
    }

    /// <summary>Progress on stderr at most once a second: phase, records, rate and time left.</summary>
    private sealed class ProgressWriter(TextWriter error) : IProgress<ImportProgress>
    {
        private DateTime _last = DateTime.MinValue;

        public void Report(ImportProgress value)
        {
            var now = DateTime.UtcNow;
            if (now - _last < s_progressEvery)
            {
                return;
            }

            _last = now;
            var phase = value.Phase == ImportPhase.Validating ? "validating" : "writing";
            var of = value.Total is { } total ? string.Create(CultureInfo.InvariantCulture, $"/{total:N0}") : "";
            var left = value.Remaining is { } remaining ? string.Create(CultureInfo.InvariantCulture, $", about {Math.Ceiling(remaining.TotalSeconds):N0} s left") : "";
            lock (error)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import: {phase} {value.Done:N0}{of} records, {value.PerSecond:N0} records/s{left}, {value.Errors} errors"));
                error.Flush();
            }
        }
    }
}
