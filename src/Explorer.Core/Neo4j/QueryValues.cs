using System.Globalization;
using System.Text.Json;

namespace Explorer.Neo4j;

/// <summary>A node as the Query API returns it. The element id is Neo4j's own and is never stored: <c>id</c> is the key.</summary>
internal sealed record QueryNode(string ElementId, IReadOnlyList<string> Labels, IReadOnlyDictionary<string, object?> Properties);

/// <summary>A relationship; its direction is <see cref="StartNodeElementId"/> → <see cref="EndNodeElementId"/>.</summary>
internal sealed record QueryRelationship(string ElementId, string StartNodeElementId, string EndNodeElementId, string Type, IReadOnlyDictionary<string, object?> Properties);

/// <summary>A path: nodes[i] and nodes[i+1] are joined by relationships[i], which may point either way.</summary>
internal sealed record QueryPath(IReadOnlyList<QueryNode> Nodes, IReadOnlyList<QueryRelationship> Relationships)
{
    /// <summary>Whether step <paramref name="i"/> follows its relationship forward (from nodes[i] to nodes[i+1]).</summary>
    public bool Forward(int i) => Relationships[i].StartNodeElementId == Nodes[i].ElementId;
}

/// <summary>A typed value this client does not interpret (dates, durations, points ...): its type name and text.</summary>
internal sealed record QueryOtherValue(string Type, string Text);

/// <summary>One result row, by field name or position.</summary>
internal sealed class QueryRecord(IReadOnlyDictionary<string, int> fields, IReadOnlyList<object?> values)
{
    public IReadOnlyList<object?> Values { get; } = values;

    public object? this[string field] => fields.TryGetValue(field, out var i) ? Values[i] : throw new KeyNotFoundException($"no field '{field}' in the result");

    public string String(string field) => this[field] as string ?? throw Shape(field, "a string");

    public string? StringOrNull(string field) => this[field] as string;

    public long Long(string field) => this[field] switch
    {
        long value => value,
        double value when value == Math.Floor(value) && Math.Abs(value) < 9e15 => (long)value,
        _ => throw Shape(field, "an integer"),
    };

    public bool Bool(string field) => this[field] as bool? ?? throw Shape(field, "a boolean");

    /// <summary>An integer field, or <paramref name="fallback"/> when the result has no such field or it is null (a property older records lack).</summary>
    public long LongOr(string field, long fallback) => fields.TryGetValue(field, out var i) && Values[i] is not null ? Long(field) : fallback;

    /// <summary>A string field, or null when the result has no such field.</summary>
    public string? StringIfAny(string field) => fields.TryGetValue(field, out var i) ? Values[i] as string : null;

    public IReadOnlyList<string> Strings(string field) => this[field] switch
    {
        null => [],
        IReadOnlyList<object?> list => [.. list.Select(v => v as string ?? throw Shape(field, "a list of strings"))],
        _ => throw Shape(field, "a list of strings"),
    };

    public IReadOnlyList<object?> List(string field) => this[field] as IReadOnlyList<object?> ?? [];

    private static Neo4jException Shape(string field, string expected) =>
        new(Neo4jErrorKind.Protocol, $"the Query API answered an unexpected value for '{field}' (expected {expected})");
}

/// <summary>What one statement returned.</summary>
internal sealed class QueryResult
{
    public static readonly QueryResult Empty = new([], [], [], null, []);

    public QueryResult(IReadOnlyList<string> fields, IReadOnlyList<IReadOnlyList<object?>> rows, IReadOnlyList<string> bookmarks, IReadOnlyDictionary<string, object?>? counters, IReadOnlyList<QueryNotification> notifications)
    {
        Fields = fields;
        Bookmarks = bookmarks;
        Counters = counters;
        Notifications = notifications;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            index[fields[i]] = i;
        }

        Records = [.. rows.Select(r => new QueryRecord(index, r))];
    }

    public IReadOnlyList<string> Fields { get; }

    public IReadOnlyList<QueryRecord> Records { get; }

    public IReadOnlyList<string> Bookmarks { get; }

    public IReadOnlyDictionary<string, object?>? Counters { get; }

    public IReadOnlyList<QueryNotification> Notifications { get; }

    /// <summary>The only record; a protocol error when there is not exactly one.</summary>
    public QueryRecord Single() => Records.Count == 1
        ? Records[0]
        : throw new Neo4jException(Neo4jErrorKind.Protocol, $"expected one row from Neo4j, got {Records.Count}");
}

internal sealed record QueryNotification(string Code, string Title, string Description, string Severity);

/// <summary>
/// Decodes Query API bodies. Typed JSON (<c>application/vnd.neo4j.query</c>) wraps every value as
/// <c>{"$type": ..., "_value": ...}</c> with integers and floats as strings, so 64-bit integers stay exact;
/// plain JSON is understood too (nodes by <c>elementId</c>/<c>labels</c>, relationships by
/// <c>startNodeElementId</c>, paths as flat node/relationship arrays).
/// </summary>
internal static class QueryValues
{
    public static QueryResult ReadResult(JsonElement root)
    {
        var fields = new List<string>();
        var rows = new List<IReadOnlyList<object?>>();
        ReadData(root, fields, rows);
        return ReadResult(root, fields, rows);
    }

    /// <summary>The result from rows already read (<see cref="QueryResponseReader"/>) and the rest of the body in <paramref name="root"/>.</summary>
    public static QueryResult ReadResult(JsonElement root, List<string> fields, List<IReadOnlyList<object?>> rows)
    {
        var bookmarks = root.TryGetProperty("bookmarks", out var marks) && marks.ValueKind == JsonValueKind.Array
            ? marks.EnumerateArray().Select(b => b.GetString()).OfType<string>().ToList()
            : [];
        Dictionary<string, object?>? counters = null;
        if (root.TryGetProperty("counters", out var counterObject) && counterObject.ValueKind == JsonValueKind.Object)
        {
            counters = counterObject.EnumerateObject().ToDictionary(p => p.Name, p => ReadPlain(p.Value), StringComparer.Ordinal);
        }

        var notifications = new List<QueryNotification>();
        if (root.TryGetProperty("notifications", out var notes) && notes.ValueKind == JsonValueKind.Array)
        {
            foreach (var note in notes.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.Object))
            {
                notifications.Add(new QueryNotification(Text(note, "code"), Text(note, "title"), Text(note, "description"), Text(note, "severity")));
            }
        }

        return new QueryResult(fields, rows, bookmarks, counters, notifications);
    }

    private static void ReadData(JsonElement root, List<string> fields, List<IReadOnlyList<object?>> rows)
    {
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            if (data.TryGetProperty("fields", out var fieldList) && fieldList.ValueKind == JsonValueKind.Array)
            {
                fields.AddRange(fieldList.EnumerateArray().Select(f => f.GetString() ?? ""));
            }

            if (data.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
            {
                foreach (var row in values.EnumerateArray())
                {
                    rows.Add(row.ValueKind == JsonValueKind.Array
                        ? [.. row.EnumerateArray().Select(Read)]
                        : [Read(row)]); // A single-field row written without its array.
                }
            }
        }
    }

    /// <summary>The errors of an error body: <c>{"errors":[{"code","message"}]}</c>, older servers' <c>error</c> key, or none.</summary>
    public static IReadOnlyList<(string? Code, string Message)> ReadErrors(JsonElement root)
    {
        var errors = new List<(string?, string)>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return errors;
        }

        if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in list.EnumerateArray())
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()
                        : error.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()
                        : null;
                    errors.Add((code, Text(error, "message")));
                }
                else if (error.ValueKind == JsonValueKind.String)
                {
                    errors.Add((null, error.GetString() ?? ""));
                }
            }
        }
        else if (root.TryGetProperty("error", out var single))
        {
            errors.Add(single.ValueKind == JsonValueKind.Object
                ? (single.TryGetProperty("code", out var c) ? c.GetString() : null, Text(single, "message"))
                : (null, single.ToString()));
        }

        return errors;
    }

    /// <summary>One value, typed or plain.</summary>
    public static object? Read(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("$type", out var type) && type.ValueKind == JsonValueKind.String
            ? ReadTyped(type.GetString()!, value.TryGetProperty("_value", out var inner) ? inner : default)
            : ReadPlain(value);

    private static object? ReadTyped(string type, JsonElement value)
    {
        switch (type)
        {
            case "Null":
                return null;
            case "Boolean":
                return value.ValueKind == JsonValueKind.True;
            case "Integer":
                return value.ValueKind == JsonValueKind.Number ? value.GetInt64() : long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            case "Float":
                return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : ParseFloat(value.GetString()!);
            case "String":
                return value.GetString();
            case "Base64":
                return Convert.FromBase64String(value.GetString() ?? "");
            case "List":
                return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(Read).ToList() : new List<object?>();
            case "Map":
                return value.ValueKind == JsonValueKind.Object ? Map(value, Read) : new Dictionary<string, object?>();
            case "Node":
                return new QueryNode(Text(value, "_element_id"), Labels(value, "_labels"), Properties(value, "_properties", Read));
            case "Relationship":
                return new QueryRelationship(Text(value, "_element_id"), Text(value, "_start_node_element_id"), Text(value, "_end_node_element_id"), Text(value, "_type"), Properties(value, "_properties", Read));
            case "Path":
                return ToPath(value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(Read).ToList() : [])
                    ?? throw new Neo4jException(Neo4jErrorKind.Protocol, "the Query API sent a path that does not alternate nodes and relationships");
            default:
                return new QueryOtherValue(type, value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
        }
    }

    private static object? ReadPlain(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Number:
                // Boxed separately: "cond ? long : double" would promote the long to double and lose digits.
                return value.TryGetInt64(out var integer) ? (object)integer : value.GetDouble();
            case JsonValueKind.Array:
                return value.EnumerateArray().Select(ReadPlain).ToList();
            default:
                if (value.TryGetProperty("elementId", out _) && value.TryGetProperty("startNodeElementId", out _))
                {
                    return new QueryRelationship(Text(value, "elementId"), Text(value, "startNodeElementId"), Text(value, "endNodeElementId"), Text(value, "type"), Properties(value, "properties", ReadPlain));
                }

                if (value.TryGetProperty("elementId", out _) && value.TryGetProperty("labels", out _))
                {
                    return new QueryNode(Text(value, "elementId"), Labels(value, "labels"), Properties(value, "properties", ReadPlain));
                }

                return Map(value, ReadPlain);
        }
    }

    /// <summary>A path from a typed Path value, or from plain JSON's flat array (node, relationship, node, ...); null otherwise.</summary>
    public static QueryPath? ToPath(object? value)
    {
        if (value is QueryPath path)
        {
            return path;
        }

        if (value is not IReadOnlyList<object?> { Count: > 0 } items || items.Count % 2 == 0)
        {
            return null;
        }

        var nodes = new List<QueryNode>();
        var relationships = new List<QueryRelationship>();
        for (var i = 0; i < items.Count; i++)
        {
            if (i % 2 == 0 && items[i] is QueryNode node)
            {
                nodes.Add(node);
            }
            else if (i % 2 == 1 && items[i] is QueryRelationship relationship)
            {
                relationships.Add(relationship);
            }
            else
            {
                return null;
            }
        }

        for (var i = 0; i < relationships.Count; i++)
        {
            var ends = (relationships[i].StartNodeElementId, relationships[i].EndNodeElementId);
            if (ends != (nodes[i].ElementId, nodes[i + 1].ElementId) && ends != (nodes[i + 1].ElementId, nodes[i].ElementId))
            {
                return null;
            }
        }

        return new QueryPath(nodes, relationships);
    }

    private static double ParseFloat(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, object?> Map(JsonElement value, Func<JsonElement, object?> read) =>
        value.EnumerateObject().ToDictionary(p => p.Name, p => read(p.Value), StringComparer.Ordinal);

    private static Dictionary<string, object?> Properties(JsonElement value, string name, Func<JsonElement, object?> read) =>
        value.TryGetProperty(name, out var properties) && properties.ValueKind == JsonValueKind.Object ? Map(properties, read) : [];

    private static List<string> Labels(JsonElement value, string name) =>
        value.TryGetProperty(name, out var labels) && labels.ValueKind == JsonValueKind.Array
            ? [.. labels.EnumerateArray().Select(l => l.GetString()).OfType<string>()]
            : [];

    private static string Text(JsonElement value, string name) =>
        value.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "";

    /// <summary>Writes a parameter value in typed JSON.</summary>
    public static void WriteTyped(Utf8JsonWriter writer, object? value)
    {
        writer.WriteStartObject();
        switch (value)
        {
            case null:
                writer.WriteString("$type", "Null");
                writer.WriteNull("_value");
                break;
            case bool flag:
                writer.WriteString("$type", "Boolean");
                writer.WriteBoolean("_value", flag);
                break;
            case string text:
                writer.WriteString("$type", "String");
                writer.WriteString("_value", text);
                break;
            case int or long or short or byte or uint:
                writer.WriteString("$type", "Integer");
                writer.WriteString("_value", Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case double or float:
                writer.WriteString("$type", "Float");
                writer.WriteString("_value", Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                writer.WriteString("$type", "Map");
                writer.WriteStartObject("_value");
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteTyped(writer, item);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                writer.WriteString("$type", "List");
                writer.WriteStartArray("_value");
                foreach (var item in list)
                {
                    WriteTyped(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"cannot send a {value.GetType().Name} as a Cypher parameter", nameof(value));
        }

        writer.WriteEndObject();
    }
}
