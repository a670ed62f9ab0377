using System.CommandLine;
using System.Globalization;
using System.Text;
using Explorer.Export;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer export --format F [OUT] [--kinds] [--types] [--ids --hops] [--status]</c>: the whole graph or a
/// filtered part in any import format. One-file formats go to OUT or stdout; csv and graph-seed write their files
/// into the folder OUT (made if missing). <c>explorer import</c> reads every one back.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(Cli cli)
    {
        var output = new Argument<string?>("out")
        {
            Description = "Where to write: a file for jsonl, graphml and graphology (default: stdout); a folder for csv and graph-seed.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var format = new Option<string>("--format") { Description = "jsonl, csv, graph-seed, graphml or graphology.", Required = true };
        var kinds = CommonOptions.Kinds("Only nodes of these kinds.");
        var types = CommonOptions.Types("Only edges of these types.");
        var ids = new Option<string[]>("--ids") { Description = "Only these nodes (comma-separated or repeated ids); with --hops, and their neighborhood." };
        var hops = new Option<int?>("--hops") { Description = $"With --ids: also every node within this many hops (0..{ExportFilter.MaxHops})." };
        var status = new Option<string[]>("--status") { Description = "Only edges with these review statuses: Proposed, Confirmed, Disputed." };
        var command = new Command("export", "Write the graph (or part of it) as JSON Lines, CSV, the graph-seed layout, GraphML or graphology JSON.")
        {
            output, format, kinds, types, ids, hops, status,
        };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var formatName = parse.GetValue(format)!;
            if (GraphExport.Parse(formatName) is not { } exportFormat)
            {
                throw new CliException(ExitCodes.InvalidInput, $"unknown format '{formatName}': use jsonl, csv, graph-seed, graphml or graphology");
            }

            var (filter, error) = ExportFilters.Parse(CommonOptions.List(parse.GetValue(kinds)), CommonOptions.List(parse.GetValue(types)),
                CommonOptions.List(parse.GetValue(ids)), parse.GetValue(hops), CommonOptions.List(parse.GetValue(status)));
            if (error is not null)
            {
                throw new CliException(ExitCodes.InvalidInput, error);
            }

            var store = await session.OpenStoreAsync(seedIfEmpty: true, cancellationToken);
            if (filter!.Ids is { } wanted)
            {
                var found = await store.GetNodesAsync(wanted.ToHashSet(StringComparer.Ordinal), cancellationToken);
                if (wanted.FirstOrDefault(id => !found.ContainsKey(id)) is { } missing)
                {
                    throw new CliException(ExitCodes.NotFound, $"no node has the id '{missing}'");
                }
            }

            var target = parse.GetValue(output);
            var files = GraphExport.FileNames(exportFormat);
            ExportCounts counts;
            if (files.Count > 1)
            {
                if (string.IsNullOrWhiteSpace(target))
                {
                    throw new CliException(ExitCodes.InvalidInput, $"{formatName} writes {string.Join(", ", files)}: give a folder to write them into");
                }

                Directory.CreateDirectory(target);
                counts = await GraphExport.WriteAsync(store, exportFormat, filter, name => File.Create(Path.Combine(target, name)), cancellationToken);
            }
            else if (string.IsNullOrWhiteSpace(target) || target == "-")
            {
                counts = await GraphExport.WriteAsync(store, exportFormat, filter, _ => new TextStream(session.Out), cancellationToken);
                await session.Out.FlushAsync(cancellationToken);
            }
            else
            {
                counts = await GraphExport.WriteAsync(store, exportFormat, filter, _ => File.Create(target), cancellationToken);
            }

            await session.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"export: {counts.Sources} sources, {counts.Nodes} nodes, {counts.Edges} edges as {formatName}{(string.IsNullOrWhiteSpace(target) ? "" : " to " + target)}"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>UTF-8 bytes written to a text writer (stdout as the CLI holds it).</summary>
    private sealed class TextStream(TextWriter writer) : WriteOnlyStream
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();

        public override void Flush() => writer.Flush();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var chars = new char[_decoder.GetCharCount(buffer, flush: false)];
            var count = _decoder.GetChars(buffer, chars, flush: false);
            writer.Write(chars, 0, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                writer.Flush();
            }

            base.Dispose(disposing);
        }
    }
}
