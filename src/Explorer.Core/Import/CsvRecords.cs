using System.Text;
using Explorer.Graph;
using nietras.SeparatedValues;

namespace Explorer.Import;

/// <summary>
/// Reads <c>nodes.csv</c> and <c>edges.csv</c> (RFC 4180: comma-separated, fields with commas, quotes or line
/// breaks in double quotes, a quote inside doubled; UTF-8 with or without a BOM; LF or CRLF) with Sep, after
/// the neo4j-admin import header conventions. The header row says which file is which: <c>:ID</c> makes a
/// nodes file, <c>:START_ID</c>/<c>:END_ID</c> an edges file. Columns (a <c>:type</c> suffix such as
/// <c>:string</c> is allowed, <c>:IGNORE</c> skips a column):
/// <list type="bullet">
/// <item>nodes: <c>:ID</c> (or <c>id</c>, <c>name:ID</c>, <c>:ID(space)</c>), <c>:LABEL</c> or <c>kind</c>, <c>name</c>,
/// <c>aliases</c> (separated by <c>;</c>, as neo4j's <c>string[]</c>), <c>description</c>, <c>validFrom</c>, <c>validTo</c>;</item>
/// <item>edges: <c>:START_ID</c> (or <c>source</c>), <c>:END_ID</c> (or <c>target</c>), <c>:TYPE</c> (or <c>type</c>), <c>id</c>
/// (default: <c>source-type-target</c>), <c>sourceId</c> and <c>quote</c> (one piece of evidence), <c>validFrom</c>, <c>validTo</c>,
/// <c>evidence</c> and <c>suspensions</c> (JSON arrays, as an export writes them), <c>status</c> (Proposed, Confirmed or
/// Disputed; a new edge without one is confirmed).</item>
/// </list>
/// Errors name the line and the column as a field number (1 for the first field).
/// </summary>
internal static class CsvRecords
{
    private static readonly System.Text.Json.JsonSerializerOptions s_json = new(System.Text.Json.JsonSerializerDefaults.Web);
    private static readonly string[] s_nodeColumns = [":ID", ":LABEL", "name", "aliases", "description", "validFrom", "validTo"];
    private static readonly string[] s_edgeColumns = [":START_ID", ":END_ID", ":TYPE", "id", "sourceId", "quote", "evidence", "validFrom", "validTo", "suspensions", "status"];

    /// <summary>What a CSV file holds, from its header: <see cref="RecordKind.Node"/>, <see cref="RecordKind.Edge"/>, or null.</summary>
    public static RecordKind? KindOf(TextReader text, ImportMapping? mapping = null)
    {
        string? header;
        try
        {
            header = text.ReadLine();
        }
        catch (DecoderFallbackException)
        {
            // Not text at all: read it as a nodes file, whose reader reports the bytes at their line.
            return RecordKind.Node;
        }

        if (header is null)
        {
            return null;
        }

        var names = header.Split(',').Select(n => n.Trim('"', ' ')).Select(n => mapping is null ? n : mapping.Column(n) ?? "")
            .Select(n => Role(n).Name).ToHashSet(StringComparer.Ordinal);
        return names.Contains(":START_ID") || names.Contains(":END_ID") || (names.Contains("source") && names.Contains("target")) ? RecordKind.Edge
            : names.Contains(":ID") || names.Contains("id") ? RecordKind.Node
            : null;
    }

    public static IEnumerable<ImportItem> Read(string file, TextReader text, ImportMapping? mapping = null)
    {
        using var reader = Sep.Reader(o => o with
        {
            Sep = new Sep(','),
            HasHeader = false,
            DisableColCountCheck = true,
            Unescape = false,
        }).From(text);
        var enumerator = reader.GetEnumerator();
        var header = new Header();
        var values = new List<string?>();
        while (true)
        {
            ImportItem? item;
            try
            {
                if (!enumerator.MoveNext())
                {
                    break;
                }

                item = Row(file, enumerator.Current, header, values, mapping);
            }
            catch (DecoderFallbackException ex)
            {
                item = ImportItem.Failed(file, new Position(1, 1), $"not UTF-8 text: {ex.Message.Split('.')[0]} (save the file as UTF-8)", fatal: true);
            }

            if (item is null)
            {
                continue;
            }

            yield return item;
            if (item.Fatal)
            {
                yield break;
            }
        }

        if (header.Columns is null)
        {
            yield return ImportItem.Failed(file, new Position(1, 1), "the file is empty: expected a header row", fatal: true);
        }
    }

    /// <summary>One row: the header (null result), a record, or an error.</summary>
    private static ImportItem? Row(string file, SepReader.Row row, Header header, List<string?> values, ImportMapping? mapping)
    {
        var line = row.LineNumberFrom;
        if (row.ColCount == 1 && row[0].Span.Length == 0)
        {
            return null;
        }

        var columns = header.Columns;
        values.Clear();
        for (var i = 0; i < row.ColCount; i++)
        {
            var span = row[i].Span;

            // A type, a kind or a source id repeats on most rows: the same string each time, not a new one.
            if (columns?.Interned(i) is { } interned && span.Length > 0 && span[0] != '"' && interned.Get(span) is { } shared)
            {
                values.Add(shared);
                continue;
            }

            if (Unquote(span, out var value) is { } problem)
            {
                // A quote left open swallows the rest of the file: nothing after it can be trusted.
                return ImportItem.Failed(file, new Position(line, i + 1), problem, fatal: problem.StartsWith("a quoted field is not closed", StringComparison.Ordinal));
            }

            values.Add(columns?.Interned(i) is { } strings && value is not null ? strings.Add(value) : value);
        }

        if (columns is null)
        {
            var (read, error) = Columns.FromHeader(values, mapping);
            if (error is not null)
            {
                return ImportItem.Failed(file, new Position(1, error.Value.Column), error.Value.Message, fatal: true);
            }

            header.Columns = read;
            return null;
        }

        if (values.Count != columns.Count)
        {
            return ImportItem.Failed(file, new Position(line, Math.Min(values.Count, columns.Count) + 1), $"expected {columns.Count} fields (as in the header), found {values.Count}");
        }

        return columns.Record(file, line, values, mapping);
    }

    /// <summary>
    /// The strings a column repeats (edge types, node kinds, evidence source ids), one of each: a field that matches
    /// one makes no string. At most <see cref="Capacity"/> (a column of mostly distinct values stops adding).
    /// </summary>
    private sealed class Strings
    {
        private const int Capacity = 256;
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

        public Strings() => _bySpan = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

        public string? Get(ReadOnlySpan<char> text) => _bySpan.TryGetValue(text, out var shared) ? shared : null;

        public string Add(string text)
        {
            if (_strings.TryGetValue(text, out var shared))
            {
                return shared;
            }

            if (_strings.Count < Capacity)
            {
                _strings[text] = text;
            }

            return text;
        }
    }

    /// <summary>The field's text (null when empty), or what is wrong with its quotes.</summary>
    private static string? Unquote(ReadOnlySpan<char> raw, out string? value)
    {
        value = null;
        if (raw.Length == 0)
        {
            return null;
        }

        if (raw[0] != '"')
        {
            if (raw.Contains('"'))
            {
                return "a quote inside an unquoted field (quote the whole field and double the quotes inside it)";
            }

            value = raw.ToString();
            return null;
        }

        var builder = new StringBuilder(raw.Length);
        var i = 1;
        while (true)
        {
            if (i >= raw.Length)
            {
                return "a quoted field is not closed (a quote is missing, so the rest of the file would be one field)";
            }

            if (raw[i] == '"')
            {
                if (i + 1 < raw.Length && raw[i + 1] == '"')
                {
                    builder.Append('"');
                    i += 2;
                    continue;
                }

                if (i + 1 != raw.Length)
                {
                    return "text after the closing quote of a quoted field (double a quote inside a quoted field)";
                }

                break;
            }

            builder.Append(raw[i++]);
        }

        value = builder.Length == 0 ? null : builder.ToString();
        return null;
    }

    private sealed class Header
    {
        public Columns? Columns { get; set; }
    }

    /// <summary>A column name's role (<c>name:ID(space)</c> → <c>:ID</c>; <c>aliases:string[]</c> → <c>aliases</c>) and whether it is skipped.</summary>
    private static (string Name, bool Ignore) Role(string header)
    {
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return (header, false);
        }

        var type = header[(colon + 1)..];
        var paren = type.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            type = type[..paren];
        }

        return type.ToUpperInvariant() switch
        {
            "ID" or "START_ID" or "END_ID" or "TYPE" or "LABEL" => (":" + type.ToUpperInvariant(), false),
            "IGNORE" => (header, true),
            _ => (header[..colon], false),
        };
    }

    /// <summary>The header's columns: which field holds what.</summary>
    private sealed class Columns : IFieldColumns
    {
        private readonly Dictionary<string, int> _at = new(StringComparer.Ordinal);

        /// <summary>Per field number: the strings that column repeats, or null (a column of ids, names, quotes).</summary>
        private Strings?[] _interned = [];

        /// <summary>Field numbers (0-based) of the columns a record reads, -1 when absent; set once the header is read.</summary>
        private int _id, _label, _name, _aliases, _description, _validFrom, _validTo, _source, _target, _type, _edgeId, _sourceId, _quote, _evidence, _suspensions, _status;

        private Columns(RecordKind kind, int count) => (Kind, Count) = (kind, count);

        public Strings? Interned(int field) => field < _interned.Length ? _interned[field] : null;

        private int At(string column) => _at.TryGetValue(column, out var i) ? i : -1;

        private static string? Value(List<string?> values, int field) => field >= 0 ? values[field] : null;

        private void Resolve()
        {
            (_id, _label, _name, _aliases, _description, _validFrom, _validTo) = (At(":ID"), At(":LABEL"), At("name"), At("aliases"), At("description"), At("validFrom"), At("validTo"));
            (_source, _target, _type, _edgeId, _sourceId, _quote) = (At(":START_ID"), At(":END_ID"), At(":TYPE"), At("id"), At("sourceId"), At("quote"));
            (_evidence, _suspensions, _status) = (At("evidence"), At("suspensions"), At("status"));
            _interned = new Strings?[Count];
            foreach (var field in Kind == RecordKind.Edge ? new[] { _type, _sourceId, _status } : [_label])
            {
                if (field >= 0)
                {
                    _interned[field] = new Strings();
                }
            }
        }

        public Position? Locate(long line, string field) => Field(field) is { } column && _at.TryGetValue(column, out var i) ? new Position(line, i + 1) : null;

        public RecordKind Kind { get; }

        public int Count { get; }

        public static (Columns? Columns, (int Column, string Message)? Error) FromHeader(List<string?> names, ImportMapping? mapping)
        {
            // A mapping file renames foreign columns onto the model's (and may ignore some on purpose).
            var roles = names.Select(n => mapping is null ? Role(n ?? "") : mapping.Column(n ?? "") is { } mapped ? Role(mapped) : (Name: n ?? "", Ignore: true)).ToList();
            var kind = roles.Any(r => r.Name is ":START_ID" or ":END_ID") || (roles.Any(r => r.Name == "source") && roles.Any(r => r.Name == "target")) ? RecordKind.Edge : RecordKind.Node;
            var known = kind == RecordKind.Edge ? s_edgeColumns : s_nodeColumns;
            var columns = new Columns(kind, names.Count);
            for (var i = 0; i < roles.Count; i++)
            {
                var (name, ignore) = roles[i];
                if (ignore)
                {
                    continue;
                }

                var canonical = Canonical(kind, name);
                if (!known.Contains(canonical, StringComparer.Ordinal))
                {
                    return (null, (i + 1, $"unknown column '{names[i]}' in a {(kind == RecordKind.Edge ? "edges" : "nodes")} file (expected {string.Join(", ", known)}; see the README)"));
                }

                if (!columns._at.TryAdd(canonical, i))
                {
                    return (null, (i + 1, $"column '{names[i]}' repeats column {columns._at[canonical] + 1}"));
                }
            }

            var required = kind == RecordKind.Edge ? new[] { ":START_ID", ":END_ID", ":TYPE" } : [":ID", ":LABEL", "name"];
            foreach (var column in required)
            {
                if (!columns._at.ContainsKey(column))
                {
                    return (null, (1, $"the header has no {column} column (a {(kind == RecordKind.Edge ? "edges" : "nodes")} file needs {string.Join(", ", required)}; {Alternatives(column)})"));
                }
            }

            columns.Resolve();
            return (columns, null);
        }

        private static string Canonical(RecordKind kind, string name) => (kind, name) switch
        {
            (RecordKind.Node, "id") => ":ID",
            (RecordKind.Node, "kind") => ":LABEL",
            (RecordKind.Edge, "source") => ":START_ID",
            (RecordKind.Edge, "target") => ":END_ID",
            (RecordKind.Edge, "type") => ":TYPE",
            _ => name,
        };

        private static string Alternatives(string column) => column switch
        {
            ":ID" => "'id' works too",
            ":LABEL" => "'kind' works too",
            ":START_ID" => "'source' works too",
            ":END_ID" => "'target' works too",
            ":TYPE" => "'type' works too",
            _ => "it is required",
        };

        public ImportItem Record(string file, int line, List<string?> values, ImportMapping? mapping)
        {
            var at = new Position(line, 1);
            if (Kind == RecordKind.Node)
            {
                var label = Value(values, _label);
                if (label is not null && label.Contains(';', StringComparison.Ordinal))
                {
                    return ImportItem.Failed(file, Locate(line, "kind") ?? at, $"one kind per node, not several labels ('{label}')");
                }

                var aliases = Value(values, _aliases) is { } list ? Aliases(list) : null;
                return new ImportItem
                {
                    File = file,
                    At = at,
                    Kind = RecordKind.Node,
                    Node = new NodeRecord(Value(values, _id), label, Value(values, _name), aliases, Value(values, _description), Value(values, _validFrom), Value(values, _validTo)),
                    Columns = this,
                };
            }

            var (source, type, target) = (Value(values, _source), Value(values, _type), Value(values, _target));
            var id = Value(values, _edgeId) ?? (source is not null && type is not null && target is not null ? DerivedId(source, mapping?.Type(type) ?? type, target) : null);
            var (sourceId, quote) = (Value(values, _sourceId), Value(values, _quote));
            List<EvidenceRecord?>? evidence = null;
            List<Suspension?>? suspensions = null;
            try
            {
                // Several pieces of evidence (and suspensions) as JSON in one field, as an export writes them.
                evidence = Value(values, _evidence) is { } list ? System.Text.Json.JsonSerializer.Deserialize<List<EvidenceRecord?>>(list, s_json) : null;
                suspensions = Value(values, _suspensions) is { } periods ? System.Text.Json.JsonSerializer.Deserialize<List<Suspension?>>(periods, s_json) : null;
            }
            catch (System.Text.Json.JsonException)
            {
                var column = Value(values, _evidence) is not null && evidence is null ? "evidence" : "suspensions";
                return ImportItem.Failed(file, new Position(line, _at[column] + 1), column == "evidence"
                    ? "evidence: expected a JSON array of {\"sourceId\", \"quote\"}"
                    : "suspensions: expected a JSON array of {\"from\", \"to\"}");
            }

            if (sourceId is not null || quote is not null)
            {
                (evidence ??= []).Add(new EvidenceRecord(sourceId, quote));
            }

            return new ImportItem
            {
                File = file,
                At = at,
                Kind = RecordKind.Edge,
                Edge = new EdgeRecord(id, type, source, target, evidence, Value(values, _validFrom), Value(values, _validTo), suspensions),
                Status = Value(values, _status),
                Columns = this,
            };
        }

        /// <summary>The column a record-rule field comes from.</summary>
        private string? Field(string field)
        {
            var name = field.Split('[', '.')[0];
            return name switch
            {
                "id" => Kind == RecordKind.Node || _at.ContainsKey("id") ? (Kind == RecordKind.Node ? ":ID" : "id") : ":START_ID",
                "kind" => ":LABEL",
                "source" => ":START_ID",
                "target" => ":END_ID",
                "type" => ":TYPE",
                "evidence" => field.EndsWith(".quote", StringComparison.Ordinal) ? "quote" : "sourceId",
                _ => name,
            };
        }
    }

    /// <summary>Aliases separated by <c>;</c> (neo4j-admin's array delimiter), or a JSON array (an alias holding a <c>;</c>).</summary>
    private static string?[] Aliases(string field)
    {
        if (field.StartsWith('['))
        {
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize<string?[]>(field, s_json) ?? [];
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a JSON array after all: an alias starting with '['.
            }
        }

        return field.Split(';');
    }

    /// <summary>An edge id from its ends and type when the file gives none: <c>nato-member-of-x</c> style.</summary>
    public static string DerivedId(string source, string type, string target) =>
        $"{source}-{type.ToLowerInvariant().Replace('_', '-')}-{target}";
}
