using System.Text.Json;
using Explorer.Graph;

namespace Explorer.Import;

/// <summary>
/// A mapping file: how a foreign file's columns (CSV) or attributes (GraphML, graphology) and its kind and type
/// values map onto Explorer's model. JSON:
/// <code>
/// { "columns": { "Label": "name", "Category": "kind", "Relation": "type" },
///   "ignore":  [ "modularity_class" ],
///   "kinds":   { "Country": "Nation", "NGO": "Organization" },
///   "types":   { "member of": "MEMBER_OF" } }
/// </code>
/// Column names match exactly; kind and type values ignoring case. A value the mapping does not name is read as
/// it is, so an unknown kind or type stays an error; a column neither the model nor the mapping knows is an error
/// too, unless listed in <c>ignore</c>. Nothing is dropped silently.
/// </summary>
public sealed class ImportMapping
{
    /// <summary>The model's field names a column may map to.</summary>
    public static readonly string[] Fields =
    [
        "id", "kind", "name", "aliases", "description", "validFrom", "validTo",
        "type", "source", "target", "sourceId", "quote", "status",
    ];

    private static readonly string[] s_sections = ["columns", "ignore", "kinds", "types"];

    private readonly Dictionary<string, string> _columns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ignore = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _kinds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _types = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A column's model name: the mapped one, the column itself when unmapped, or null when the mapping ignores it.</summary>
    public string? Column(string name) => _ignore.Contains(name) ? null : _columns.GetValueOrDefault(name, name);

    public string Kind(string value) => _kinds.GetValueOrDefault(value.Trim(), value);

    public string Type(string value) => _types.GetValueOrDefault(value.Trim(), value);

    /// <summary>Reads a mapping file; the error says what is wrong (the mapping is then null).</summary>
    public static (ImportMapping? Mapping, string? Error) Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            return (null, $"not JSON: {JsonRecords.FirstSentence(ex.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "expected an object with columns, ignore, kinds and types");
            }

            var mapping = new ImportMapping();
            foreach (var section in root.EnumerateObject())
            {
                if (!s_sections.Contains(section.Name, StringComparer.Ordinal))
                {
                    return (null, $"unknown section '{section.Name}' (expected {string.Join(", ", s_sections)})");
                }

                if (section.Name == "ignore")
                {
                    if (section.Value.ValueKind != JsonValueKind.Array || section.Value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
                    {
                        return (null, "ignore: expected an array of column names");
                    }

                    mapping._ignore.UnionWith(section.Value.EnumerateArray().Select(v => v.GetString()!));
                    continue;
                }

                if (section.Value.ValueKind != JsonValueKind.Object)
                {
                    return (null, $"{section.Name}: expected an object of \"from\": \"to\" pairs");
                }

                foreach (var pair in section.Value.EnumerateObject())
                {
                    if (pair.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(pair.Value.GetString()))
                    {
                        return (null, $"{section.Name}.{pair.Name}: expected a string");
                    }

                    var to = pair.Value.GetString()!;
                    switch (section.Name)
                    {
                        case "columns" when !Fields.Contains(to, StringComparer.Ordinal):
                            return (null, $"columns.{pair.Name}: '{to}' is not a field of the model (expected one of {string.Join(", ", Fields)})");
                        case "columns":
                            mapping._columns[pair.Name] = to;
                            break;
                        case "kinds" when !Vocabulary.TryParseKind(to, out _):
                            return (null, $"kinds.{pair.Name}: '{to}' is not a kind (expected one of {string.Join(", ", Enum.GetNames<NodeKind>())})");
                        case "kinds":
                            mapping._kinds[pair.Name.Trim()] = to;
                            break;
                        case "types" when !Vocabulary.IsEdgeType(to):
                            return (null, $"types.{pair.Name}: '{to}' is not an edge type (expected one of {Vocabulary.TypeNames})");
                        default:
                            mapping._types[pair.Name.Trim()] = to;
                            break;
                    }
                }
            }

            return (mapping, null);
        }
    }

    /// <summary>The record with its kind or type mapped.</summary>
    internal ImportItem Apply(ImportItem item) => item switch
    {
        { Node: { Kind: { } kind } node } => item.With(node with { Kind = Kind(kind) }, null),
        { Edge: { Type: { } type } edge } => item.With(null, edge with { Type = Type(type) }),
        _ => item,
    };
}
