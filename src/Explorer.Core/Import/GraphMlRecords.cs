using System.Text.Json;
using System.Xml;

namespace Explorer.Import;

/// <summary>
/// Reads GraphML as Gephi, yEd and the page write it: <c>&lt;key&gt;</c> declarations name the attributes
/// (<c>attr.name</c>, after the mapping file), <c>&lt;node&gt;</c> and <c>&lt;edge&gt;</c> carry them in
/// <c>&lt;data&gt;</c>; yEd's node and edge labels (<c>y:NodeLabel</c>, <c>y:EdgeLabel</c>) stand in for a missing
/// name or type; a graph-level <c>sources</c> attribute holds the source documents as JSON (as Explorer exports them).
/// The XML is read with a DTD prohibited and no resolver, so external entities (XXE) and entity expansion (the
/// "billion laughs") cannot happen: a file with a DOCTYPE is refused whole. Depth and size are bounded.
/// </summary>
internal static class GraphMlRecords
{
    /// <summary>GraphML is shallow (yEd nests a dozen deep); anything deeper is refused.</summary>
    public const int MaxDepth = 32;

    /// <summary>Characters in one document (the HTTP upload limit is far below).</summary>
    public const long MaxCharacters = 1L << 31;

    private sealed record Key(string Domain, string? Field, string? Yfiles, string? Default);

    public static XmlReaderSettings Settings => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = MaxCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    public static IEnumerable<ImportItem> Read(string file, TextReader text, ImportMapping? mapping)
    {
        using var reader = XmlReader.Create(text, Settings);
        var info = (IXmlLineInfo)reader;
        var keys = new Dictionary<string, Key>(StringComparer.Ordinal);
        var sawRoot = false;
        var graphs = 0;
        var advanced = false;
        while (true)
        {
            ImportItem? item = null;
            List<ImportItem>? many = null;
            try
            {
                // Reading a graph's <data> leaves the reader on what follows it already.
                if (!advanced && !reader.Read())
                {
                    break;
                }

                advanced = false;
                if (reader.EOF)
                {
                    break;
                }

                if (reader.Depth > MaxDepth)
                {
                    item = Fatal(file, info, $"elements nested more than {MaxDepth} deep: not GraphML as Gephi or yEd write it");
                }
                else if (reader.NodeType == XmlNodeType.Element)
                {
                    switch (reader.LocalName)
                    {
                        case "graphml":
                            sawRoot = true;
                            break;
                        case "key":
                            item = ReadKey(file, reader, info, keys, mapping);
                            break;
                        case "graph":
                            if (++graphs > 1)
                            {
                                item = Fatal(file, info, "more than one graph, or a graph inside a node (yEd groups): import one flat graph");
                            }

                            break;
                        case "data" when reader.Depth <= 2:
                            many = ReadGraphData(file, reader, info, keys);
                            advanced = true;
                            break;
                        case "node":
                            item = ReadElement(file, reader, info, keys, mapping, edge: false);
                            break;
                        case "edge":
                            item = ReadElement(file, reader, info, keys, mapping, edge: true);
                            break;
                        case "hyperedge":
                            item = Fatal(file, info, "hyperedges are not supported: an edge joins two nodes");
                            break;
                    }

                    if (!sawRoot)
                    {
                        item = Fatal(file, info, "not GraphML: the document does not start with <graphml>");
                    }
                }
            }
            catch (XmlException ex)
            {
                item = ImportItem.Failed(file, new Position(Math.Max(1, ex.LineNumber), Math.Max(1, ex.LinePosition)), Explain(ex), fatal: true);
            }

            foreach (var one in many ?? (item is null ? [] : [item]))
            {
                yield return one;
                if (one.Fatal)
                {
                    yield break;
                }
            }
        }

        if (!sawRoot)
        {
            yield return ImportItem.Failed(file, new Position(1, 1), "not GraphML: the document is empty", fatal: true);
        }
    }

    private static string Explain(XmlException ex) =>
        ex.Message.Contains("DTD", StringComparison.Ordinal)
            ? "a DTD (<!DOCTYPE ...>) is not allowed: GraphML needs none, and its entities could read files (XXE) or expand without bound; nothing was imported"
            : $"not well-formed XML: {ex.Message.Split(" Line ", 2)[0].TrimEnd('.', ' ', ',')}";

    private static ImportItem Fatal(string file, IXmlLineInfo info, string reason) =>
        ImportItem.Failed(file, At(info), reason, fatal: true);

    private static Position At(IXmlLineInfo info) => new(Math.Max(1, info.LineNumber), Math.Max(1, info.LinePosition));

    private static ImportItem? ReadKey(string file, XmlReader reader, IXmlLineInfo info, Dictionary<string, Key> keys, ImportMapping? mapping)
    {
        var at = At(info);
        var id = reader.GetAttribute("id");
        var domain = reader.GetAttribute("for") ?? "all";
        var name = reader.GetAttribute("attr.name");
        var yfiles = reader.GetAttribute("yfiles.type");
        string? @default = null;
        if (!reader.IsEmptyElement)
        {
            using var sub = reader.ReadSubtree();
            while (sub.Read())
            {
                if (sub.NodeType == XmlNodeType.Element && sub.LocalName == "default")
                {
                    @default = sub.ReadElementContentAsString();
                    break;
                }
            }
        }

        if (string.IsNullOrEmpty(id))
        {
            return ImportItem.Failed(file, at, "<key> without an id", fatal: true);
        }

        string? field = null;
        if (yfiles is null && name is not null && domain is "node" or "edge" or "all")
        {
            var (nodeField, nodeError) = domain == "edge" ? (null, null) : ForeignRecords.FieldOf(name, edge: false, mapping);
            var (edgeField, edgeError) = domain == "node" ? (null, null) : ForeignRecords.FieldOf(name, edge: true, mapping);
            if ((domain == "node" ? nodeError : domain == "edge" ? edgeError : nodeError is not null && edgeError is not null ? nodeError : null) is { } error)
            {
                return new ImportItem { File = file, At = at, Error = error, Fatal = true, Element = $"key '{id}'" };
            }

            field = nodeField ?? edgeField;
            if (domain == "all" && nodeField is not null && edgeField is not null)
            {
                field = nodeField;
            }
        }

        keys[id] = new Key(domain, field ?? (name == "sources" && domain == "graph" ? "sources" : null), yfiles, @default);
        return null;
    }

    /// <summary>A graph-level &lt;data&gt;: the source documents (JSON), or something for the graph itself, left alone. Leaves the reader after it.</summary>
    private static List<ImportItem>? ReadGraphData(string file, XmlReader reader, IXmlLineInfo info, Dictionary<string, Key> keys)
    {
        var at = At(info);
        if (reader.GetAttribute("key") is not { } key || !keys.TryGetValue(key, out var declared) || declared.Field != "sources")
        {
            reader.Skip();
            return null;
        }

        var json = reader.ReadElementContentAsString();
        var items = new List<ImportItem>();
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [ImportItem.Failed(file, at, "the graph's sources: expected a JSON array of source documents")];
            }

            foreach (var source in document.RootElement.EnumerateArray())
            {
                var item = JsonRecords.Record(file, at, RecordKind.Source, source, _ => null);
                items.Add(item);
            }
        }
        catch (JsonException ex)
        {
            return [ImportItem.Failed(file, at, $"the graph's sources are not JSON: {JsonRecords.FirstSentence(ex.Message)}")];
        }

        return items;
    }

    private static ImportItem ReadElement(string file, XmlReader reader, IXmlLineInfo info, Dictionary<string, Key> keys, ImportMapping? mapping, bool edge)
    {
        var at = At(info);
        var id = reader.GetAttribute("id");
        var source = reader.GetAttribute("source");
        var target = reader.GetAttribute("target");
        var element = $"{(edge ? "edge" : "node")} '{id ?? (edge ? $"{source}->{target}" : "?")}'";
        var domain = edge ? "edge" : "node";
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in keys.Values)
        {
            if (key.Default is not null && key.Field is not null && (key.Domain == domain || key.Domain == "all"))
            {
                fields[key.Field] = key.Default;
            }
        }

        string? label = null;
        string? error = null;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            var advanced = false;
            while (advanced || reader.Read())
            {
                advanced = false;
                if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth)
                {
                    break;
                }

                if (reader.Depth > MaxDepth)
                {
                    return Fatal(file, info, $"elements nested more than {MaxDepth} deep: not GraphML as Gephi or yEd write it");
                }

                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                if (reader.LocalName == "graph")
                {
                    return Fatal(file, info, "a graph inside a node (a yEd group or nested graph): import one flat graph");
                }

                if (reader.LocalName != "data" || reader.Depth != depth + 1)
                {
                    continue;
                }

                var keyId = reader.GetAttribute("key");
                if (keyId is null || !keys.TryGetValue(keyId, out var key))
                {
                    error ??= $"<data key=\"{keyId}\"> names no declared <key>";
                    reader.Skip();
                    advanced = true;
                    continue;
                }

                if (key.Yfiles is "nodegraphics" or "edgegraphics")
                {
                    var found = Label(reader, edge ? "EdgeLabel" : "NodeLabel");
                    label ??= found;
                    continue;
                }

                if (key.Field is null)
                {
                    reader.Skip();
                    advanced = true;
                    continue;
                }

                fields[key.Field] = reader.ReadElementContentAsString();
                advanced = true;
            }
        }

        if (error is not null)
        {
            return new ImportItem { File = file, At = at, Error = error, Element = element };
        }

        if (label is not null)
        {
            fields.TryAdd(edge ? "type" : "name", label);
        }

        if (!edge)
        {
            return new ImportItem { File = file, At = at, Kind = RecordKind.Node, Node = ForeignRecords.Node(id, fields), Element = element };
        }

        var (record, problem) = ForeignRecords.Edge(id, source, target, fields, mapping);
        return problem is not null
            ? new ImportItem { File = file, At = at, Error = problem, Element = element }
            : new ImportItem { File = file, At = at, Kind = RecordKind.Edge, Edge = record, Status = fields.GetValueOrDefault("status"), Element = element };
    }

    /// <summary>The text of the first yEd label element inside a graphics &lt;data&gt; (leaves the reader on its end).</summary>
    private static string? Label(XmlReader reader, string labelElement)
    {
        using var sub = reader.ReadSubtree();
        while (sub.Read())
        {
            if (sub.NodeType == XmlNodeType.Element && sub.LocalName == labelElement && !sub.IsEmptyElement)
            {
                // yEd puts the label model inside the label element after its text: take the text only.
                var depth = sub.Depth;
                var text = new System.Text.StringBuilder();
                while (sub.Read() && !(sub.NodeType == XmlNodeType.EndElement && sub.Depth == depth))
                {
                    if (sub.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && sub.Depth == depth + 1)
                    {
                        text.Append(sub.Value);
                    }
                }

                if (text.ToString().Trim() is { Length: > 0 } label)
                {
                    while (sub.Read())
                    {
                        // Reads to the end of the graphics data, so the caller continues after it.
                    }

                    return label;
                }
            }
        }

        return null;
    }
}
