using System.Text.Json;

namespace Explorer.Import;

/// <summary>
/// Reads graphology's serialization, as the page exports it: <c>{"attributes": {...}, "options": {...},
/// "nodes": [{"key", "attributes": {name, kind, aliases, ...}}], "edges": [{"key", "source", "target",
/// "attributes": {type, evidence, ...}}]}</c>. Attribute names go through the mapping file; drawing attributes
/// (x, y, size, color) are left alone. The source documents, when the file carries them, are the graph's
/// <c>attributes.sources</c> (as Explorer exports them). Records are read in the order sources, nodes, edges.
/// </summary>
internal static class GraphologyRecords
{
    /// <summary>Nesting allowed (a record is an object in an array in the root: a handful deep).</summary>
    public const int MaxDepth = 16;

    public static IEnumerable<ImportItem> Read(string file, TextReader text, ImportMapping? mapping)
    {
        byte[] bytes;
        try
        {
            bytes = System.Text.Encoding.UTF8.GetBytes(text.ReadToEnd());
        }
        catch (System.Text.DecoderFallbackException)
        {
            return [ImportItem.Failed(file, new Position(1, 1), "not UTF-8 text (save the file as UTF-8)", fatal: true)];
        }

        var lines = new LineTable(bytes);
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var sources = new List<ImportItem>();
        var nodes = new List<ImportItem>();
        var edges = new List<ImportItem>();
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return [ImportItem.Failed(file, new Position(1, 1), "expected a graphology JSON object {attributes, options, nodes, edges}", fatal: true)];
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                var nameAt = start + reader.TokenStartIndex;
                reader.Read();
                if (name is "nodes" or "edges")
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return [ImportItem.Failed(file, lines.At(nameAt), $"{name}: expected an array", fatal: true)];
                    }

                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var offset = start + reader.TokenStartIndex;
                        reader.Skip();
                        var slice = bytes.AsMemory((int)offset, (int)(start + reader.BytesConsumed - offset));
                        using var document = JsonDocument.Parse(slice, new JsonDocumentOptions { MaxDepth = MaxDepth });
                        (name == "nodes" ? nodes : edges).Add(Record(file, lines.At(offset), document.RootElement, name == "edges", mapping));
                    }
                }
                else if (name == "attributes" && reader.TokenType == JsonTokenType.StartObject)
                {
                    var offset = start + reader.TokenStartIndex;
                    reader.Skip();
                    using var document = JsonDocument.Parse(bytes.AsMemory((int)offset, (int)(start + reader.BytesConsumed - offset)), new JsonDocumentOptions { MaxDepth = MaxDepth });
                    if (document.RootElement.TryGetProperty("sources", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var source in list.EnumerateArray())
                        {
                            sources.Add(JsonRecords.Record(file, lines.At(offset), RecordKind.Source, source, _ => null));
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            var reason = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"nested more than {MaxDepth} deep: not a graphology graph"
                : $"invalid JSON: {JsonRecords.FirstSentence(ex.Message)}";
            return [.. sources, .. nodes, .. edges, ImportItem.Failed(file, new Position((ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1), reason, fatal: true)];
        }

        return [.. sources, .. nodes, .. edges];
    }

    private static ImportItem Record(string file, Position at, JsonElement value, bool edge, ImportMapping? mapping)
    {
        string? Text(string property) => value.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()
            : value.TryGetProperty(property, out v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;
        var kind = edge ? "edge" : "node";
        if (value.ValueKind != JsonValueKind.Object)
        {
            return ImportItem.Failed(file, at, $"{kind}: expected an object");
        }

        var key = Text("key");
        var element = edge ? $"edge '{key ?? $"{Text("source")}->{Text("target")}"}'" : $"node '{key}'";
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (value.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object)
        {
            foreach (var attribute in attributes.EnumerateObject())
            {
                var (field, error) = ForeignRecords.FieldOf(attribute.Name, edge, mapping);
                if (error is not null)
                {
                    return new ImportItem { File = file, At = at, Error = error, Element = element };
                }

                if (field is not null)
                {
                    fields[field] = attribute.Value.ValueKind switch
                    {
                        JsonValueKind.String => attribute.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => attribute.Value.GetRawText(),
                    };
                }
            }
        }

        if (!edge)
        {
            return new ImportItem { File = file, At = at, Kind = RecordKind.Node, Node = ForeignRecords.Node(key, fields), Element = element };
        }

        var (record, problem) = ForeignRecords.Edge(key, Text("source"), Text("target"), fields, mapping);
        return problem is not null
            ? new ImportItem { File = file, At = at, Error = problem, Element = element }
            : new ImportItem { File = file, At = at, Kind = RecordKind.Edge, Edge = record, Status = fields.GetValueOrDefault("status"), Element = element };
    }
}
