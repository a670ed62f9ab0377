using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Explorer.Cli.Output;
using Explorer.Graph;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer import [&lt;file&gt;|-]</c>: applies JSON Lines records one by one, each in its own transaction,
/// and acknowledges each on stdout ("ok &lt;seq&gt; &lt;kind&gt; &lt;id&gt;") only after it committed, so a caller
/// knows exactly which records survive a crash. Bad lines are reported on stderr and skipped.
/// </summary>
internal static class ImportCommand
{
    public const int ProgressEvery = 1000;

    private static readonly string[] s_recordKinds = ["node", "edge", "removeEdge", "removeNode"];
    private static readonly string[] s_nodeFields = ["id", "kind", "name", "aliases", "description"];
    private static readonly string[] s_edgeFields = ["id", "type", "source", "target", "evidence"];
    private static readonly string[] s_evidenceFields = ["sourceId", "quote"];
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static Command Create(Cli cli)
    {
        var file = new Argument<string?>("file")
        {
            Description = "A JSON Lines file, or - for stdin [default: -].",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("import", "Add, update or remove nodes and edges from JSON Lines (a file or stdin), acknowledging each commit.")
        {
            file,
        };
        cli.HelpNotes[command] = """
            Records, one per line:
              {"node":{"id","kind","name","aliases":[...],"description"}}
              {"edge":{"id","type","source","target","evidence":[{"sourceId","quote"}]}}
              {"removeEdge":"<id>"}   {"removeNode":"<id>"}
            Each record is validated and written in its own transaction; after the commit one line
            "ok <seq> <kind> <id>" is printed to stdout. A bad line prints "error line N: <message>" to
            stderr and the import goes on; the exit code is 1 if any line failed. Progress goes to stderr
            every 1000 records.
            """;
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file);
            using var reader = OpenInput(session, path);
            var store = await session.OpenStoreAsync(seedIfEmpty: true, cancellationToken);
            var validator = new RecordValidator(store);
            long lineNumber = 0, records = 0, ok = 0, failed = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                records++;
                var (ack, error) = await ApplyAsync(store, validator, line, cancellationToken);
                if (ack is not null)
                {
                    ok++;
                    await session.Out.WriteLineAsync(ack);
                    await session.Out.FlushAsync(cancellationToken);
                }
                else
                {
                    failed++;
                    await session.Error.WriteLineAsync($"error line {lineNumber.ToString(CultureInfo.InvariantCulture)}: {error}");
                }

                if (records % ProgressEvery == 0)
                {
                    await session.Error.WriteLineAsync($"import: {Counts(records, ok, failed)}");
                    await session.Error.FlushAsync(cancellationToken);
                }
            }

            await session.Error.WriteLineAsync($"import: done, {Counts(records, ok, failed)}");
            return failed > 0 ? ExitCodes.NotFound : ExitCodes.Ok;
        }));
        return command;
    }

    private static TextReader OpenInput(Session session, string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "-")
        {
            return new NonDisposingReader(session.In);
        }

        try
        {
            return File.OpenText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.InvalidInput, $"cannot read '{path}': {ex.Message}");
        }
    }

    private static string Counts(long records, long ok, long failed) =>
        string.Create(CultureInfo.InvariantCulture, $"{records} records ({ok} ok, {failed} failed)");

    /// <summary>Validates and writes one line; returns the acknowledgement or an error message.</summary>
    private static async Task<(string? Ack, string? Error)> ApplyAsync(IGraphStore store, RecordValidator validator, string line, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            return (null, $"invalid JSON: {FirstSentence(ex.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            var properties = root.ValueKind == JsonValueKind.Object ? root.EnumerateObject().ToList() : [];
            if (properties.Count != 1 || !s_recordKinds.Contains(properties[0].Name, StringComparer.Ordinal))
            {
                return (null, "expected one object with a single key: node, edge, removeEdge or removeNode");
            }

            var kind = properties[0].Name;
            var value = properties[0].Value;
            try
            {
                return kind switch
                {
                    "node" => await UpsertNodeAsync(store, value, cancellationToken),
                    "edge" => await UpsertEdgeAsync(store, validator, value, cancellationToken),
                    _ => await RemoveAsync(store, kind, value, cancellationToken),
                };
            }
            catch (JsonException ex)
            {
                var field = ex.Path is { Length: > 2 } jsonPath ? jsonPath[2..] : "?";
                return (null, $"{kind}: field '{field}' has the wrong type");
            }
            catch (GraphWriteException ex)
            {
                return (null, $"{kind}: {ex.Message}");
            }
        }
    }

    private static async Task<(string?, string?)> UpsertNodeAsync(IGraphStore store, JsonElement value, CancellationToken cancellationToken)
    {
        if (UnknownField("node", value, s_nodeFields) is { } unknown)
        {
            return (null, unknown);
        }

        var validated = RecordValidator.ValidateNode(value.Deserialize<NodeRecord>(s_json));
        if (validated.Problem is not null)
        {
            return (null, validated.Problem.Detail);
        }

        var change = await store.UpsertNodeAsync(validated.Value!, cancellationToken);
        return (Ack(change.Seq, "node", change.EntityId), null);
    }

    private static async Task<(string?, string?)> UpsertEdgeAsync(IGraphStore store, RecordValidator validator, JsonElement value, CancellationToken cancellationToken)
    {
        if (UnknownField("edge", value, s_edgeFields) is { } unknown)
        {
            return (null, unknown);
        }

        if (value.TryGetProperty("evidence", out var evidence) && evidence.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in evidence.EnumerateArray())
            {
                if (UnknownField($"edge evidence[{index++}]", item, s_evidenceFields) is { } unknownEvidence)
                {
                    return (null, unknownEvidence);
                }
            }
        }

        var validated = await validator.ValidateEdgeAsync(value.Deserialize<EdgeRecord>(s_json), cancellationToken);
        if (validated.Problem is not null)
        {
            return (null, validated.Problem.Detail);
        }

        var change = await store.UpsertEdgeAsync(validated.Value!, cancellationToken);
        return (Ack(change.Seq, "edge", change.EntityId), null);
    }

    private static async Task<(string?, string?)> RemoveAsync(IGraphStore store, string kind, JsonElement value, CancellationToken cancellationToken)
    {
        var what = kind == "removeNode" ? "node" : "edge";
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            return (null, $"{kind}: expected the {what}'s id as a string");
        }

        var id = value.GetString()!;
        var change = kind == "removeNode"
            ? await store.RemoveNodeAsync(id, cancellationToken)
            : await store.RemoveEdgeAsync(id, cancellationToken);
        return change is null
            ? (null, $"{kind}: no {what} with id '{id}'")
            : (Ack(change.Seq, kind, change.EntityId), null);
    }

    private static string? UnknownField(string record, JsonElement value, string[] fields)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"{record}: expected an object";
        }

        foreach (var property in value.EnumerateObject())
        {
            if (!fields.Contains(property.Name, StringComparer.Ordinal))
            {
                return $"{record}: unknown field '{property.Name}' (expected {string.Join(", ", fields)})";
            }
        }

        return null;
    }

    private static string Ack(long seq, string kind, string id) => string.Create(CultureInfo.InvariantCulture, $"ok {seq} {kind} {id}");

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');

    /// <summary>Lets <c>using</c> close a file without closing the process's stdin.</summary>
    private sealed class NonDisposingReader(TextReader inner) : TextReader
    {
        public override string? ReadLine() => inner.ReadLine();

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => inner.ReadLineAsync(cancellationToken);

        public override int Read() => inner.Read();

        public override int Peek() => inner.Peek();
    }
}
