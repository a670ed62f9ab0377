using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;
using Explorer.Graph;

namespace Explorer.Export;

/// <summary>The formats an export writes; each is one the import reads back (a round trip gives the same graph).</summary>
public enum ExportFormat
{
    /// <summary>One file, one record per line: sources, then nodes, then edges.</summary>
    JsonLines,

    /// <summary>sources.json, nodes.json, edges.json, as <c>graph-seed/</c> holds them (texts inline).</summary>
    GraphSeed,

    /// <summary>nodes.csv and edges.csv with neo4j-admin headers, and sources.json beside them.</summary>
    Csv,

    /// <summary>One GraphML file (Gephi, yEd); lists as JSON text, the sources as a graph attribute.</summary>
    GraphMl,

    /// <summary>One graphology JSON file, as the page exports it, with every record field and the sources as a graph attribute.</summary>
    Graphology,
}

/// <summary>
/// Which part of the graph to export (all null: the whole graph). <see cref="Ids"/> with <see cref="Hops"/>: those
/// nodes and everything within that many hops of them (either direction, over edges the filter keeps). Edges
/// are exported when both ends are and their type and status pass. Sources: every one for the whole graph,
/// otherwise those the exported evidence cites.
/// </summary>
public sealed record ExportFilter(
    IReadOnlySet<NodeKind>? Kinds = null,
    IReadOnlySet<string>? Types = null,
    IReadOnlyList<string>? Ids = null,
    int Hops = 0,
    IReadOnlySet<EdgeStatus>? Statuses = null)
{
    public const int MaxHops = 5;

    public static readonly ExportFilter All = new();

    public bool IsWholeGraph => Kinds is null && Types is null && Ids is null && Statuses is null;

    internal bool Keeps(Edge edge) => (Types is null || Types.Contains(edge.Type)) && (Statuses is null || Statuses.Contains(edge.Status));
}

/// <summary>What an export wrote.</summary>
public sealed record ExportCounts(long Sources, long Nodes, long Edges);

/// <summary>
/// Writes the graph (or a filtered part) in any <see cref="ExportFormat"/>, reading the store a page at a time
/// (<see cref="IGraphStore.ReadAllNodesAsync"/>) and writing as it reads, so no format holds the graph in memory
/// (a filtered export keeps the set of chosen node ids). Files are asked for one after the other by name
/// (<c>createFile</c>), so a caller can put them in a folder or a zip. Every write to a file is asynchronous
/// (writers that only write synchronously, XmlWriter and one Utf8JsonWriter per JSON line, fill a buffer in
/// memory that is copied out asynchronously), so an HTTP response needs no synchronous IO and a slow client
/// holds no thread.
/// </summary>
public static class GraphExport
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The file names a format writes, in order.</summary>
    public static IReadOnlyList<string> FileNames(ExportFormat format) => format switch
    {
        ExportFormat.JsonLines => ["graph.jsonl"],
        ExportFormat.GraphSeed => ["sources.json", "nodes.json", "edges.json"],
        ExportFormat.Csv => ["sources.json", "nodes.csv", "edges.csv"],
        ExportFormat.GraphMl => ["graph.graphml"],
        _ => ["graph.json"],
    };

    public static ExportFormat? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "jsonl" or "json-lines" or "ndjson" => ExportFormat.JsonLines,
        "csv" => ExportFormat.Csv,
        "graph-seed" or "seed" => ExportFormat.GraphSeed,
        "graphml" => ExportFormat.GraphMl,
        "graphology" or "graphology-json" => ExportFormat.Graphology,
        _ => null,
    };

    public static Task<ExportCounts> WriteAsync(IGraphStore store, ExportFormat format, ExportFilter filter, Func<string, Stream> createFile, CancellationToken cancellationToken = default) =>
        WriteAsync(store, format, filter, (name, _) => ValueTask.FromResult(createFile(name)), cancellationToken);

    /// <summary>The export, into files opened asynchronously (a zip entry: <c>ZipArchiveEntry.OpenAsync</c>); each file is disposed asynchronously when written.</summary>
    public static async Task<ExportCounts> WriteAsync(IGraphStore store, ExportFormat format, ExportFilter filter, Func<string, CancellationToken, ValueTask<Stream>> openFile, CancellationToken cancellationToken = default)
    {
        var selection = await Selection.ChooseAsync(store, filter, cancellationToken);
        var names = FileNames(format);
        return format switch
        {
            ExportFormat.JsonLines => await JsonLinesAsync(store, selection, await openFile(names[0], cancellationToken), cancellationToken),
            ExportFormat.GraphSeed => await GraphSeedAsync(store, selection, names, openFile, cancellationToken),
            ExportFormat.Csv => await CsvAsync(store, selection, names, openFile, cancellationToken),
            ExportFormat.GraphMl => await GraphMlAsync(store, selection, await openFile(names[0], cancellationToken), cancellationToken),
            _ => await GraphologyAsync(store, selection, await openFile(names[0], cancellationToken), cancellationToken),
        };
    }

    /// <summary>
    /// A buffer in memory for a writer that only writes synchronously, copied to the file asynchronously once it
    /// holds <see cref="Size"/> bytes (and at the end): the file only ever sees asynchronous writes.
    /// </summary>
    private sealed class AsyncBuffer(Stream output) : IDisposable
    {
        private const int Size = 1 << 16;

        public MemoryStream Memory { get; } = new(Size * 2);

        public ValueTask DrainIfFullAsync(CancellationToken cancellationToken) =>
            Memory.Length >= Size ? DrainAsync(cancellationToken) : ValueTask.CompletedTask;

        public async ValueTask DrainAsync(CancellationToken cancellationToken)
        {
            if (Memory.Length > 0)
            {
                await output.WriteAsync(Memory.GetBuffer().AsMemory(0, (int)Memory.Length), cancellationToken);
                Memory.SetLength(0);
            }
        }

        public void Dispose() => Memory.Dispose();
    }

    /// <summary>The nodes (null: all), the edge filter and the sources to export.</summary>
    private sealed class Selection
    {
        public HashSet<string>? NodeIds { get; private init; }

        public required ExportFilter Filter { get; init; }

        public required List<SourceDocument> Sources { get; init; }

        public bool Keeps(Node node) => NodeIds is null || NodeIds.Contains(node.Id);

        public bool Keeps(Edge edge) => Filter.Keeps(edge) && (NodeIds is null || (NodeIds.Contains(edge.Source) && NodeIds.Contains(edge.Target)));

        public static async Task<Selection> ChooseAsync(IGraphStore store, ExportFilter filter, CancellationToken cancellationToken)
        {
            HashSet<string>? nodeIds = null;
            if (filter.Ids is { } ids)
            {
                nodeIds = new HashSet<string>(ids, StringComparer.Ordinal);
                for (var hop = 0; hop < filter.Hops; hop++)
                {
                    var reached = new HashSet<string>(StringComparer.Ordinal);
                    await foreach (var edge in store.ReadAllEdgesAsync(cancellationToken))
                    {
                        if (!filter.Keeps(edge))
                        {
                            continue;
                        }

                        if (nodeIds.Contains(edge.Source))
                        {
                            reached.Add(edge.Target);
                        }

                        if (nodeIds.Contains(edge.Target))
                        {
                            reached.Add(edge.Source);
                        }
                    }

                    var before = nodeIds.Count;
                    nodeIds.UnionWith(reached);
                    if (nodeIds.Count == before)
                    {
                        break;
                    }
                }
            }

            if (filter.Kinds is { } kinds)
            {
                var kept = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var node in store.ReadAllNodesAsync(cancellationToken))
                {
                    if (kinds.Contains(node.Kind) && (nodeIds is null || nodeIds.Contains(node.Id)))
                    {
                        kept.Add(node.Id);
                    }
                }

                nodeIds = kept;
            }

            var selection = new Selection { NodeIds = nodeIds, Filter = filter, Sources = [] };
            HashSet<string>? cited = null;
            if (!filter.IsWholeGraph)
            {
                cited = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var edge in store.ReadAllEdgesAsync(cancellationToken))
                {
                    if (selection.Keeps(edge))
                    {
                        cited.UnionWith(edge.Evidence.Select(e => e.SourceId));
                    }
                }
            }

            foreach (var info in await store.ListSourcesAsync(cancellationToken))
            {
                if ((cited is null || cited.Contains(info.Id)) && await store.GetSourceAsync(info.Id, cancellationToken) is { } source)
                {
                    selection.Sources.Add(source);
                }
            }

            return selection;
        }
    }

    // ---- JSON records (JSON Lines, graph-seed, graphology attributes) ---------------------------------------

    private static void WriteSource(Utf8JsonWriter json, SourceDocument source)
    {
        json.WriteStartObject();
        json.WriteString("id", source.Id);
        json.WriteString("title", source.Title);
        json.WriteString("kind", source.Kind);
        json.WriteString("description", source.Description);
        if (source.Url is not null)
        {
            json.WriteString("url", source.Url);
        }

        json.WriteString("text", source.Text);
        json.WriteEndObject();
    }

    private static void WriteNodeFields(Utf8JsonWriter json, Node node, bool withId)
    {
        if (withId)
        {
            json.WriteString("id", node.Id);
        }

        json.WriteString("kind", node.Kind.ToString());
        json.WriteString("name", node.Name);
        json.WriteStartArray("aliases");
        foreach (var alias in node.Aliases)
        {
            json.WriteStringValue(alias);
        }

        json.WriteEndArray();
        json.WriteString("description", node.Description);
        WriteDates(json, node.ValidFrom, node.ValidTo);
    }

    private static void WriteEdgeFields(Utf8JsonWriter json, Edge edge, bool withEnds, bool statusAlways)
    {
        if (withEnds)
        {
            json.WriteString("id", edge.Id);
            json.WriteString("type", edge.Type);
            json.WriteString("source", edge.Source);
            json.WriteString("target", edge.Target);
        }
        else
        {
            json.WriteString("type", edge.Type);
        }

        WriteDates(json, edge.ValidFrom, edge.ValidTo);
        // Written field by field, as JsonSerializer would (camelCase, null kept): JsonSerializer.Serialize(writer, ...)
        // flushes a stream-backed writer synchronously.
        json.WriteStartArray("evidence");
        foreach (var evidence in edge.Evidence)
        {
            json.WriteStartObject();
            json.WriteString("sourceId", evidence.SourceId);
            json.WriteString("quote", evidence.Quote);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (edge.Suspensions.Count > 0)
        {
            json.WriteStartArray("suspensions");
            foreach (var suspension in edge.Suspensions)
            {
                json.WriteStartObject();
                json.WriteString("from", suspension.From);
                json.WriteString("to", suspension.To);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        // graph-seed's own files leave the (default) confirmed status out, as the dataset does.
        if (statusAlways || edge.Status != EdgeStatus.Confirmed)
        {
            json.WriteString("status", edge.Status.ToString());
        }
    }

    private static void WriteDates(Utf8JsonWriter json, string? from, string? to)
    {
        if (from is not null)
        {
            json.WriteString("validFrom", from);
        }

        if (to is not null)
        {
            json.WriteString("validTo", to);
        }
    }

    private static async Task<ExportCounts> JsonLinesAsync(IGraphStore store, Selection selection, Stream output, CancellationToken cancellationToken)
    {
        await using var file = output;
        using var buffer = new AsyncBuffer(output);
        var newline = "\n"u8.ToArray();
        long nodes = 0, edges = 0;
        ValueTask Line(Action<Utf8JsonWriter> write)
        {
            using (var json = new Utf8JsonWriter(buffer.Memory, s_compact))
            {
                write(json);
            }

            buffer.Memory.Write(newline);
            return buffer.DrainIfFullAsync(cancellationToken);
        }

        foreach (var source in selection.Sources)
        {
            await Line(json =>
            {
                json.WriteStartObject();
                json.WritePropertyName("source");
                WriteSource(json, source);
                json.WriteEndObject();
            });
        }

        await foreach (var node in store.ReadAllNodesAsync(cancellationToken))
        {
            if (selection.Keeps(node))
            {
                nodes++;
                await Line(json =>
                {
                    json.WriteStartObject();
                    json.WriteStartObject("node");
                    WriteNodeFields(json, node, withId: true);
                    json.WriteEndObject();
                    json.WriteEndObject();
                });
            }
        }

        await foreach (var edge in store.ReadAllEdgesAsync(cancellationToken))
        {
            if (selection.Keeps(edge))
            {
                edges++;
                await Line(json =>
                {
                    json.WriteStartObject();
                    json.WriteStartObject("edge");
                    WriteEdgeFields(json, edge, withEnds: true, statusAlways: true);
                    json.WriteEndObject();
                    json.WriteEndObject();
                });
            }
        }

        await buffer.DrainAsync(cancellationToken);
        await output.FlushAsync(cancellationToken);
        return new ExportCounts(selection.Sources.Count, nodes, edges);
    }

    private static async Task<ExportCounts> GraphSeedAsync(IGraphStore store, Selection selection, IReadOnlyList<string> names, Func<string, CancellationToken, ValueTask<Stream>> openFile, CancellationToken cancellationToken)
    {
        await WriteSourcesJsonAsync(selection, await openFile(names[0], cancellationToken), cancellationToken);
        long nodes = 0, edges = 0;
        await using (var output = await openFile(names[1], cancellationToken))
        await using (var json = new Utf8JsonWriter(output, s_indented))
        {
            json.WriteStartArray();
            await foreach (var node in store.ReadAllNodesAsync(cancellationToken))
            {
                if (selection.Keeps(node))
                {
                    nodes++;
                    json.WriteStartObject();
                    WriteNodeFields(json, node, withId: true);
                    json.WriteEndObject();
                    await FlushSometimesAsync(json, cancellationToken);
                }
            }

            json.WriteEndArray();
        }

        await using (var output = await openFile(names[2], cancellationToken))
        await using (var json = new Utf8JsonWriter(output, s_indented))
        {
            json.WriteStartArray();
            await foreach (var edge in store.ReadAllEdgesAsync(cancellationToken))
            {
                if (selection.Keeps(edge))
                {
                    edges++;
                    json.WriteStartObject();
                    WriteEdgeFields(json, edge, withEnds: true, statusAlways: false);
                    json.WriteEndObject();
                    await FlushSometimesAsync(json, cancellationToken);
                }
            }

            json.WriteEndArray();
        }

        return new ExportCounts(selection.Sources.Count, nodes, edges);
    }

    private static async Task WriteSourcesJsonAsync(Selection selection, Stream output, CancellationToken cancellationToken)
    {
        await using (output)
        await using (var json = new Utf8JsonWriter(output, s_indented))
        {
            json.WriteStartArray();
            foreach (var source in selection.Sources)
            {
                WriteSource(json, source);
                await FlushSometimesAsync(json, cancellationToken);
            }

            json.WriteEndArray();
        }
    }

    private static async Task FlushSometimesAsync(Utf8JsonWriter json, CancellationToken cancellationToken)
    {
        if (json.BytesPending > 1 << 16)
        {
            await json.FlushAsync(cancellationToken);
        }
    }

    // ---- CSV ---------------------------------------------------------------------------------------------

    /// <summary>The header rows; the import reads them back (see CsvRecords), lists as JSON in one field.</summary>
    public const string NodesCsvHeader = ":ID,:LABEL,name,aliases:string[],description,validFrom,validTo";

    public const string EdgesCsvHeader = ":START_ID,:END_ID,:TYPE,id,evidence,validFrom,validTo,suspensions,status";

    private static async Task<ExportCounts> CsvAsync(IGraphStore store, Selection selection, IReadOnlyList<string> names, Func<string, CancellationToken, ValueTask<Stream>> openFile, CancellationToken cancellationToken)
    {
        await WriteSourcesJsonAsync(selection, await openFile(names[0], cancellationToken), cancellationToken);
        long nodes = 0, edges = 0;
        // The writer leaves its file open: a StreamWriter closes what it owns synchronously, even from DisposeAsync.
        await using (var file = await openFile(names[1], cancellationToken))
        await using (var writer = new StreamWriter(file, s_utf8, 1 << 16, leaveOpen: true))
        {
            writer.NewLine = "\r\n";
            await writer.WriteLineAsync(NodesCsvHeader);
            await foreach (var node in store.ReadAllNodesAsync(cancellationToken))
            {
                if (selection.Keeps(node))
                {
                    nodes++;
                    // neo4j-admin's ';' between aliases, or a JSON array when an alias holds a ';' itself.
                    var aliases = node.Aliases.Any(a => a.Contains(';', StringComparison.Ordinal)) || (node.Aliases.Count > 0 && node.Aliases[0].StartsWith('['))
                        ? JsonSerializer.Serialize(node.Aliases, s_json)
                        : string.Join(';', node.Aliases);
                    await writer.WriteLineAsync(Row(node.Id, node.Kind.ToString(), node.Name, aliases, node.Description, node.ValidFrom, node.ValidTo));
                }
            }
        }

        await using (var file = await openFile(names[2], cancellationToken))
        await using (var writer = new StreamWriter(file, s_utf8, 1 << 16, leaveOpen: true))
        {
            writer.NewLine = "\r\n";
            await writer.WriteLineAsync(EdgesCsvHeader);
            await foreach (var edge in store.ReadAllEdgesAsync(cancellationToken))
            {
                if (selection.Keeps(edge))
                {
                    edges++;
                    await writer.WriteLineAsync(Row(edge.Source, edge.Target, edge.Type, edge.Id, JsonSerializer.Serialize(edge.Evidence, s_json),
                        edge.ValidFrom, edge.ValidTo, edge.Suspensions.Count == 0 ? null : JsonSerializer.Serialize(edge.Suspensions, s_json), edge.Status.ToString()));
                }
            }
        }

        return new ExportCounts(selection.Sources.Count, nodes, edges);
    }

    /// <summary>One RFC 4180 row: a field with a comma, quote or line break (or spaces at its ends) is quoted, its quotes doubled.</summary>
    private static string Row(params string?[] fields)
    {
        var row = new StringBuilder();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                row.Append(',');
            }

            var field = fields[i] ?? "";
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (field.Length > 0 && (char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1]))))
            {
                row.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                row.Append(field);
            }
        }

        return row.ToString();
    }

    // ---- GraphML -----------------------------------------------------------------------------------------

    private static readonly (string Id, string For, string Type)[] s_graphMlKeys =
    [
        ("label", "node", "string"), ("kind", "node", "string"), ("aliases", "node", "string"), ("description", "node", "string"),
        ("validFrom", "node", "string"), ("validTo", "node", "string"),
        ("type", "edge", "string"), ("evidence", "edge", "string"), ("edgeValidFrom", "edge", "string"), ("edgeValidTo", "edge", "string"),
        ("suspensions", "edge", "string"), ("status", "edge", "string"),
        ("sources", "graph", "string"),
    ];

    private static async Task<ExportCounts> GraphMlAsync(IGraphStore store, Selection selection, Stream output, CancellationToken cancellationToken)
    {
        long nodes = 0, edges = 0;
        await using var file = output;
        using var buffer = new AsyncBuffer(output);
        using (var xml = XmlWriter.Create(buffer.Memory, new XmlWriterSettings { Encoding = s_utf8, Indent = true, CloseOutput = false }))
        {
            async ValueTask DrainIfFullAsync()
            {
                xml.Flush();
                await buffer.DrainIfFullAsync(cancellationToken);
            }

            const string Ns = "http://graphml.graphdrawing.org/xmlns";
            xml.WriteStartDocument();
            xml.WriteStartElement("graphml", Ns);
            foreach (var (id, domain, type) in s_graphMlKeys)
            {
                xml.WriteStartElement("key", Ns);
                xml.WriteAttributeString("id", id);
                xml.WriteAttributeString("for", domain);
                xml.WriteAttributeString("attr.name", id.StartsWith("edge", StringComparison.Ordinal) ? char.ToLowerInvariant(id[4]) + id[5..] : id);
                xml.WriteAttributeString("attr.type", type);
                xml.WriteEndElement();
            }

            xml.WriteStartElement("graph", Ns);
            xml.WriteAttributeString("id", "explorer");
            xml.WriteAttributeString("edgedefault", "directed");
            void Data(string key, string? value)
            {
                if (value is not null)
                {
                    xml.WriteStartElement("data", Ns);
                    xml.WriteAttributeString("key", key);
                    xml.WriteString(value);
                    xml.WriteEndElement();
                }
            }

            Data("sources", Json(json =>
            {
                json.WriteStartArray();
                foreach (var source in selection.Sources)
                {
                    WriteSource(json, source);
                }

                json.WriteEndArray();
            }));
            await DrainIfFullAsync();

            await foreach (var node in store.ReadAllNodesAsync(cancellationToken))
            {
                if (!selection.Keeps(node))
                {
                    continue;
                }

                nodes++;
                xml.WriteStartElement("node", Ns);
                xml.WriteAttributeString("id", node.Id);
                Data("label", node.Name);
                Data("kind", node.Kind.ToString());
                Data("aliases", node.Aliases.Count == 0 ? null : JsonSerializer.Serialize(node.Aliases, s_json));
                Data("description", node.Description.Length == 0 ? null : node.Description);
                Data("validFrom", node.ValidFrom);
                Data("validTo", node.ValidTo);
                xml.WriteEndElement();
                await DrainIfFullAsync();
            }

            await foreach (var edge in store.ReadAllEdgesAsync(cancellationToken))
            {
                if (!selection.Keeps(edge))
                {
                    continue;
                }

                edges++;
                xml.WriteStartElement("edge", Ns);
                xml.WriteAttributeString("id", edge.Id);
                xml.WriteAttributeString("source", edge.Source);
                xml.WriteAttributeString("target", edge.Target);
                Data("type", edge.Type);
                Data("evidence", JsonSerializer.Serialize(edge.Evidence, s_json));
                Data("edgeValidFrom", edge.ValidFrom);
                Data("edgeValidTo", edge.ValidTo);
                Data("suspensions", edge.Suspensions.Count == 0 ? null : JsonSerializer.Serialize(edge.Suspensions, s_json));
                Data("status", edge.Status.ToString());
                xml.WriteEndElement();
                await DrainIfFullAsync();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        await buffer.DrainAsync(cancellationToken);
        await output.FlushAsync(cancellationToken);
        return new ExportCounts(selection.Sources.Count, nodes, edges);
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, s_compact))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // ---- graphology --------------------------------------------------------------------------------------

    private static async Task<ExportCounts> GraphologyAsync(IGraphStore store, Selection selection, Stream output, CancellationToken cancellationToken)
    {
        long nodes = 0, edges = 0;
        await using (output)
        await using (var json = new Utf8JsonWriter(output, s_compact))
        {
            json.WriteStartObject();
            json.WriteStartObject("attributes");
            json.WriteString("name", "Explorer export");
            json.WriteString("exportedAt", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartArray("sources");
            foreach (var source in selection.Sources)
            {
                WriteSource(json, source);
                await FlushSometimesAsync(json, cancellationToken);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("options");
            json.WriteString("type", "directed");
            json.WriteBoolean("multi", true);
            json.WriteBoolean("allowSelfLoops", true);
            json.WriteEndObject();
            json.WriteStartArray("nodes");
            await foreach (var node in store.ReadAllNodesAsync(cancellationToken))
            {
                if (selection.Keeps(node))
                {
                    nodes++;
                    json.WriteStartObject();
                    json.WriteString("key", node.Id);
                    json.WriteStartObject("attributes");
                    WriteNodeFields(json, node, withId: false);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    await FlushSometimesAsync(json, cancellationToken);
                }
            }

            json.WriteEndArray();
            json.WriteStartArray("edges");
            await foreach (var edge in store.ReadAllEdgesAsync(cancellationToken))
            {
                if (selection.Keeps(edge))
                {
                    edges++;
                    json.WriteStartObject();
                    json.WriteString("key", edge.Id);
                    json.WriteString("source", edge.Source);
                    json.WriteString("target", edge.Target);
                    json.WriteStartObject("attributes");
                    WriteEdgeFields(json, edge, withEnds: false, statusAlways: true);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    await FlushSometimesAsync(json, cancellationToken);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return new ExportCounts(selection.Sources.Count, nodes, edges);
    }
}

/// <summary>Reads an <see cref="ExportFilter"/> from comma-separated lists, as the CLI and the API take them.</summary>
public static class ExportFilters
{
    public const int MaxIds = 500;

    /// <summary>The filter, or what is wrong with it (naming the value).</summary>
    public static (ExportFilter? Filter, string? Error) Parse(string? kinds, string? types, string? ids, int? hops, string? statuses)
    {
        static List<string>? List(string? text) =>
            string.IsNullOrWhiteSpace(text) ? null : [.. text.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0)];

        HashSet<NodeKind>? kindSet = null;
        if (List(kinds) is { } kindNames)
        {
            kindSet = [];
            foreach (var name in kindNames)
            {
                if (!Vocabulary.TryParseKind(name, out var kind))
                {
                    return (null, $"kinds: unknown kind '{name}' (expected {string.Join(", ", Enum.GetNames<NodeKind>())})");
                }

                kindSet.Add(kind);
            }
        }

        HashSet<string>? typeSet = null;
        if (List(types) is { } typeNames)
        {
            foreach (var name in typeNames.Where(n => !Vocabulary.IsEdgeType(n)))
            {
                return (null, $"types: unknown type '{name}' (expected {Vocabulary.TypeNames})");
            }

            typeSet = new HashSet<string>(typeNames, StringComparer.Ordinal);
        }

        HashSet<EdgeStatus>? statusSet = null;
        if (List(statuses) is { } statusNames)
        {
            statusSet = [];
            foreach (var name in statusNames)
            {
                if (!Enum.TryParse<EdgeStatus>(name, ignoreCase: true, out var status) || !Enum.IsDefined(status))
                {
                    return (null, $"status: unknown status '{name}' (expected {string.Join(", ", Enum.GetNames<EdgeStatus>())})");
                }

                statusSet.Add(status);
            }
        }

        var idList = List(ids);
        if (idList is { Count: > MaxIds })
        {
            return (null, $"ids: at most {MaxIds} ids");
        }

        if (hops is { } h && (h < 0 || h > ExportFilter.MaxHops))
        {
            return (null, $"hops: between 0 and {ExportFilter.MaxHops}");
        }

        if (hops is > 0 && idList is null)
        {
            return (null, "hops: give ids to export the neighborhood of");
        }

        return (new ExportFilter(kindSet, typeSet, idList, hops ?? 0, statusSet), null);
    }
}
