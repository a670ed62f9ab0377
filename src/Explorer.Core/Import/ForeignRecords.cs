using System.Text.Json;
using Explorer.Graph;

namespace Explorer.Import;

/// <summary>
/// Turns the attributes of a GraphML or graphology node or edge (name → text) into a node or edge record, after
/// the mapping file's column names. Attributes for drawing (x, y, size, color...) are left alone; any other
/// attribute the model does not know is an error, never silently dropped (a mapping file may map or ignore it).
/// Lists come as JSON (<c>["a","b"]</c>) or, as the page's GraphML export writes them, as text: aliases separated
/// by <c>;</c>, evidence one <c>sourceId: quote</c> per line.
/// </summary>
internal static class ForeignRecords
{
    /// <summary>Drawing attributes (Gephi, yEd, sigma) that carry nothing of the model.</summary>
    private static readonly HashSet<string> s_presentation = new(StringComparer.OrdinalIgnoreCase)
    {
        "x", "y", "z", "size", "color", "r", "g", "b", "weight", "hidden", "forceLabel", "zIndex", "highlighted", "fixed",
    };

    public static readonly string[] NodeFields = ["name", "kind", "aliases", "description", "validFrom", "validTo"];
    public static readonly string[] EdgeFields = ["type", "evidence", "sourceId", "quote", "validFrom", "validTo", "suspensions", "status"];

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The model field an attribute names on a node or an edge; null for one to leave alone; an error message
    /// for one the model does not know.
    /// </summary>
    public static (string? Field, string? Error) FieldOf(string attribute, bool edge, ImportMapping? mapping)
    {
        if (mapping is not null && mapping.Column(attribute) is null)
        {
            return (null, null);
        }

        var name = mapping?.Column(attribute) ?? attribute;
        var fields = edge ? EdgeFields : NodeFields;
        if (fields.Contains(name, StringComparer.Ordinal))
        {
            return (name, null);
        }

        if (!edge && string.Equals(name, "label", StringComparison.OrdinalIgnoreCase))
        {
            return ("name", null);
        }

        if (s_presentation.Contains(name) || string.Equals(name, "label", StringComparison.OrdinalIgnoreCase) || (!edge && name == "type"))
        {
            return (null, null);
        }

        return (null, $"unknown {(edge ? "edge" : "node")} attribute '{attribute}' (expected {string.Join(", ", fields)}; map it or list it under \"ignore\" in a mapping file)");
    }

    public static NodeRecord Node(string? id, IReadOnlyDictionary<string, string?> fields) => new(
        id,
        Get(fields, "kind"),
        Get(fields, "name"),
        Get(fields, "aliases") is { } aliases ? List(aliases) : null,
        Get(fields, "description"),
        Get(fields, "validFrom"),
        Get(fields, "validTo"));

    /// <summary>An edge record, or the reason a list in it cannot be read.</summary>
    public static (EdgeRecord? Edge, string? Error) Edge(string? id, string? source, string? target, IReadOnlyDictionary<string, string?> fields, ImportMapping? mapping)
    {
        var type = Get(fields, "type");
        List<EvidenceRecord?>? evidence = null;
        if (Get(fields, "evidence") is { } text)
        {
            if (Evidence(text) is not { } read)
            {
                return (null, "evidence: expected a JSON array of {sourceId, quote} or one 'sourceId: quote' per line");
            }

            evidence = read;
        }

        if (Get(fields, "sourceId") is { } sourceId || Get(fields, "quote") is not null)
        {
            (evidence ??= []).Add(new EvidenceRecord(Get(fields, "sourceId"), Get(fields, "quote")));
        }

        List<Suspension?>? suspensions = null;
        if (Get(fields, "suspensions") is { } suspended)
        {
            try
            {
                suspensions = JsonSerializer.Deserialize<List<Suspension?>>(suspended, s_json);
            }
            catch (JsonException)
            {
                return (null, "suspensions: expected a JSON array of {from, to}");
            }
        }

        id ??= source is not null && type is not null && target is not null ? CsvRecords.DerivedId(source, mapping?.Type(type) ?? type, target) : null;
        return (new EdgeRecord(id, type, source, target, evidence, Get(fields, "validFrom"), Get(fields, "validTo"), suspensions), null);
    }

    private static string? Get(IReadOnlyDictionary<string, string?> fields, string name) =>
        fields.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static List<string?> List(string text)
    {
        if (text.TrimStart().StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<List<string?>>(text, s_json) ?? [];
            }
            catch (JsonException)
            {
                // Not JSON after all: read as text.
            }
        }

        return [.. text.Split(';').Select(a => a.Trim()).Where(a => a.Length > 0)];
    }

    private static List<EvidenceRecord?>? Evidence(string text)
    {
        if (text.TrimStart().StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<List<EvidenceRecord?>>(text, s_json);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        var evidence = new List<EvidenceRecord?>();
        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            evidence.Add(new EvidenceRecord(line[..colon].Trim(), line[(colon + 2)..]));
        }

        return evidence;
    }
}
