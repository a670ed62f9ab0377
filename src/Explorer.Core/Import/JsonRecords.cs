using System.Text;
using System.Text.Json;
using Explorer.Graph;

namespace Explorer.Import;

/// <summary>
/// Reads node, edge and source records from JSON (a JSON Lines line, or one element of a graph-seed array),
/// and finds where a field is in the text, so an error names its line and column.
/// </summary>
internal static class JsonRecords
{
    public static readonly string[] NodeFields = ["id", "kind", "name", "aliases", "description", "validFrom", "validTo"];
    public static readonly string[] EdgeFields = ["id", "type", "source", "target", "evidence", "validFrom", "validTo", "suspensions", "status"];
    public static readonly string[] SourceFields = ["id", "title", "kind", "description", "url", "text", "file"];
    private static readonly string[] s_evidenceFields = ["sourceId", "quote"];
    private static readonly string[] s_suspensionFields = ["from", "to"];
    private static readonly string[] s_lineKinds = ["source", "node", "edge", "removeEdge", "removeNode"];
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Reads JSON Lines: one record per non-blank line.</summary>
    public static IEnumerable<ImportItem> ReadLines(string file, TextReader reader)
    {
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ReadLine(file, number, line);
        }
    }

    private static ImportItem ReadLine(string file, long number, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var at = new Position(number, 1);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            var column = Encoding.UTF8.GetCharCount(bytes, 0, (int)Math.Min(ex.BytePositionInLine ?? 0, bytes.Length)) + 1;
            return ImportItem.Failed(file, at with { Column = column }, $"invalid JSON: {FirstSentence(ex.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            var properties = root.ValueKind == JsonValueKind.Object ? root.EnumerateObject().ToList() : [];
            if (properties.Count != 1 || !s_lineKinds.Contains(properties[0].Name, StringComparer.Ordinal))
            {
                return ImportItem.Failed(file, at, "expected one object with a single key: source, node, edge, removeEdge or removeNode");
            }

            var name = properties[0].Name;
            Position? Locate(string field) =>
                Column(bytes, field.StartsWith(NameOf, StringComparison.Ordinal) ? $"{NameOf}{name}.{field[NameOf.Length..]}" : $"{name}.{field}") is { } column ? new Position(number, column) : null;
            var value = properties[0].Value;
            return name switch
            {
                "node" => Record(file, at, RecordKind.Node, value, Locate),
                "edge" => Record(file, at, RecordKind.Edge, value, Locate),
                "source" => Record(file, at, RecordKind.Source, value, Locate),
                _ => Removal(file, at, name, value, Locate),
            };
        }
    }

    private static ImportItem Removal(string file, Position at, string name, JsonElement value, Func<string, Position?> locate)
    {
        var kind = name == "removeNode" ? RecordKind.RemoveNode : RecordKind.RemoveEdge;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            return ImportItem.Failed(file, at, $"{name}: expected the {(kind == RecordKind.RemoveNode ? "node" : "edge")}'s id as a string");
        }

        return new ImportItem { File = file, At = at, Kind = kind, Id = value.GetString(), Locate = locate };
    }

    /// <summary>A node, edge or source record from a JSON object; <paramref name="locate"/> finds its fields.</summary>
    public static ImportItem Record(string file, Position at, RecordKind kind, JsonElement value, Func<string, Position?> locate)
    {
        var name = kind.ToString().ToLowerInvariant();
        if (value.ValueKind != JsonValueKind.Object)
        {
            return ImportItem.Failed(file, at, $"{name}: expected an object");
        }

        var fields = kind switch { RecordKind.Node => NodeFields, RecordKind.Edge => EdgeFields, _ => SourceFields };
        if ((Unknown(value, fields, "") ?? (kind == RecordKind.Edge ? UnknownInArrays(value) : null)) is { } unknown)
        {
            return ImportItem.Failed(file, locate(NameOf + unknown.Path) ?? at, $"{name}: unknown field '{unknown.Field}' (expected {string.Join(", ", unknown.Expected)})");
        }

        try
        {
            return kind switch
            {
                RecordKind.Node => new ImportItem { File = file, At = at, Kind = kind, Node = value.Deserialize<NodeRecord>(s_json), Locate = locate },
                RecordKind.Edge => new ImportItem { File = file, At = at, Kind = kind, Edge = value.Deserialize<EdgeRecord>(s_json), Status = StatusOf(value), Locate = locate },
                _ => new ImportItem { File = file, At = at, Kind = kind, Source = ReadSource(value), Locate = locate },
            };
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "?";
            return ImportItem.Failed(file, locate(field) ?? at, $"{name}: field '{field}' has the wrong type");
        }
    }

    /// <summary>A source: its text inline (<c>text</c>) or, for a file on disk, in <c>file</c> (resolved by the reader).</summary>
    private static SourceRecord ReadSource(JsonElement value)
    {
        string? Text(string field) => !value.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null ? null
            : v.ValueKind == JsonValueKind.String ? v.GetString() : throw new JsonException(null, "$." + field, null, null);
        return new SourceRecord(Text("id"), Text("title"), Text("kind"), Text("description"), Text("text"), Text("file"), Text("url"));
    }

    /// <summary>An edge's <c>status</c> (a string, or null when absent).</summary>
    private static string? StatusOf(JsonElement edge) =>
        !edge.TryGetProperty("status", out var v) || v.ValueKind == JsonValueKind.Null ? null
            : v.ValueKind == JsonValueKind.String ? v.GetString() : throw new JsonException(null, "$.status", null, null);

    private static (string Path, string Field, string[] Expected)? Unknown(JsonElement value, string[] fields, string prefix)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (!fields.Contains(property.Name, StringComparer.Ordinal))
            {
                return (prefix + property.Name, prefix + property.Name, fields);
            }
        }

        return null;
    }

    private static (string Path, string Field, string[] Expected)? UnknownInArrays(JsonElement edge)
    {
        foreach (var (array, fields) in new[] { ("evidence", s_evidenceFields), ("suspensions", s_suspensionFields) })
        {
            if (edge.TryGetProperty(array, out var items) && items.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in items.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && Unknown(item, fields, $"{array}[{i}].") is { } unknown)
                    {
                        return unknown;
                    }

                    i++;
                }
            }
        }

        return null;
    }

    /// <summary>A path prefix that asks for the position of the last property's name rather than its value.</summary>
    public const string NameOf = "@";

    /// <summary>The 1-based column (in characters) where the value at <paramref name="path"/> starts in a one-line JSON text.</summary>
    public static int? Column(byte[] utf8, string path) =>
        Offset(utf8, path) is { } offset ? Encoding.UTF8.GetCharCount(utf8, 0, (int)offset) + 1 : null;

    /// <summary>
    /// The byte offset of the value at <paramref name="path"/> ("edge.evidence[0].quote"), or of the deepest part
    /// of it that exists; null when not even the first part does.
    /// </summary>
    public static long? Offset(ReadOnlySpan<byte> utf8, string path)
    {
        var atName = path.StartsWith(NameOf, StringComparison.Ordinal);
        path = atName ? path[NameOf.Length..] : path;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read())
            {
                return null;
            }

            long? found = null;
            foreach (var segment in Segments(path))
            {
                if (segment.Name is { } name)
                {
                    if (reader.TokenType != JsonTokenType.StartObject || FindProperty(ref reader, name) is not { } nameAt)
                    {
                        return found;
                    }

                    if (atName)
                    {
                        found = nameAt;
                        continue;
                    }
                }
                else if (reader.TokenType != JsonTokenType.StartArray || !FindItem(ref reader, segment.Index))
                {
                    return found;
                }

                found = reader.TokenStartIndex;
            }

            return found;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Moves to the value of the property; the offset of its name, or null when the object has no such property.</summary>
    private static long? FindProperty(ref Utf8JsonReader reader, string name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            var at = reader.TokenStartIndex;
            reader.Read();
            if (match)
            {
                return at;
            }

            reader.Skip();
        }

        return null;
    }

    private static bool FindItem(ref Utf8JsonReader reader, int index)
    {
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            if (i == index)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    private static IEnumerable<(string? Name, int Index)> Segments(string path)
    {
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            yield return (bracket < 0 ? part : part[..bracket], 0);
            while (bracket >= 0)
            {
                var close = part.IndexOf(']', bracket);
                if (close < 0 || !int.TryParse(part.AsSpan(bracket + 1, close - bracket - 1), out var index))
                {
                    yield break;
                }

                yield return (null, index);
                bracket = part.IndexOf('[', close);
            }
        }
    }

    public static string FirstSentence(string message) => message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
}
