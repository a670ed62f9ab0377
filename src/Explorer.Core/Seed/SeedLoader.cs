using System.Text.Json;
using System.Text.RegularExpressions;
using Explorer.Graph;
using Explorer.Search;

namespace Explorer.Seed;

/// <summary>
/// Loads <c>graph-seed/</c> (sources.json, nodes.json, edges.json and the source texts) and validates it:
/// unique ids, known kinds and types, edges between existing nodes, evidence quoted verbatim from a known
/// source, names and aliases that identify one node only, edge ends of the kinds the type allows, and dates
/// that obey <see cref="Validity"/>'s rules. The first problem found is thrown with the file, record and field
/// it concerns.
/// </summary>
public static partial class SeedLoader
{
    public const string SourcesFile = "sources.json";
    public const string NodesFile = "nodes.json";
    public const string EdgesFile = "edges.json";

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    public static bool IsValidId(string id) => id.Length <= 200 && IdPattern().IsMatch(id);

    /// <summary>Finds the graph-seed folder by walking up from <paramref name="start"/> (default: the app's base directory, then the working directory).</summary>
    public static string? FindSeedDirectory(string? start = null)
    {
        foreach (var origin in start is null ? new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() } : [start])
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "graph-seed");
                if (File.Exists(Path.Combine(candidate, NodesFile)))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static GraphSeed Load(string directory)
    {
        var sources = LoadSources(directory);
        var nodes = LoadNodes(directory);
        var edges = LoadEdges(directory, nodes, sources);
        return new GraphSeed(sources, nodes, edges);
    }

    private static List<SourceDocument> LoadSources(string directory)
    {
        var file = SourcesFile;
        var result = new List<SourceDocument>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (record, element) in ReadArray(directory, file))
        {
            var id = RequiredId(file, record, element);
            var where = id;
            if (!seen.Add(id))
            {
                throw new SeedValidationException(file, where, "id", $"duplicate id '{id}'");
            }

            var title = RequiredString(file, where, element, "title");
            var textFile = RequiredString(file, where, element, "file");
            var kind = OptionalString(element, "kind") ?? "document";
            var description = OptionalString(element, "description") ?? "";
            var fullPath = Path.GetFullPath(Path.Combine(directory, textFile));
            if (!fullPath.StartsWith(Path.GetFullPath(directory), StringComparison.Ordinal) || !File.Exists(fullPath))
            {
                throw new SeedValidationException(file, where, "file", $"source text '{textFile}' not found in {directory}");
            }

            result.Add(new SourceDocument(id, title, kind, description, File.ReadAllText(fullPath)));
        }

        return result;
    }

    private static List<Node> LoadNodes(string directory)
    {
        var file = NodesFile;
        var result = new List<Node>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (record, element) in ReadArray(directory, file))
        {
            var id = RequiredId(file, record, element);
            if (!ids.Add(id))
            {
                throw new SeedValidationException(file, id, "id", $"duplicate id '{id}'");
            }

            var kindText = RequiredString(file, id, element, "kind");
            if (!Vocabulary.TryParseKind(kindText, out var kind))
            {
                throw new SeedValidationException(file, id, "kind", $"unknown kind '{kindText}' (expected one of {string.Join(", ", Enum.GetNames<NodeKind>())})");
            }

            var name = RequiredString(file, id, element, "name");
            var aliases = OptionalStringArray(file, id, element, "aliases");
            var description = OptionalString(element, "description") ?? "";
            var (validFrom, validTo) = Dates(file, id, element);
            var node = new Node(id, kind, name, aliases, description, validFrom, validTo);

            foreach (var (field, value) in NamesOf(node))
            {
                var key = TextNormalizer.Normalize(value);
                if (key.Length == 0)
                {
                    throw new SeedValidationException(file, id, field, $"'{value}' has no letters or digits");
                }

                if (keys.TryGetValue(key, out var owner) && owner != id)
                {
                    throw new SeedValidationException(file, id, field, $"'{value}' also names node '{owner}'");
                }

                keys[key] = id;
            }

            result.Add(node);
        }

        return result;
    }

    private static IEnumerable<(string Field, string Value)> NamesOf(Node node)
    {
        yield return ("id", node.Id);
        yield return ("name", node.Name);
        foreach (var alias in node.Aliases)
        {
            yield return ("aliases", alias);
        }
    }

    private static List<Edge> LoadEdges(string directory, List<Node> nodes, List<SourceDocument> sources)
    {
        var file = EdgesFile;
        var kinds = nodes.ToDictionary(n => n.Id, n => n.Kind, StringComparer.Ordinal);
        var texts = sources.ToDictionary(s => s.Id, s => s.Text, StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Edge>();
        foreach (var (record, element) in ReadArray(directory, file))
        {
            var id = RequiredId(file, record, element);
            if (!ids.Add(id))
            {
                throw new SeedValidationException(file, id, "id", $"duplicate id '{id}'");
            }

            var type = RequiredString(file, id, element, "type");
            if (!Vocabulary.IsEdgeType(type))
            {
                throw new SeedValidationException(file, id, "type", $"unknown type '{type}' (expected one of {Vocabulary.TypeNames})");
            }

            var source = RequiredString(file, id, element, "source");
            var target = RequiredString(file, id, element, "target");
            if (!kinds.TryGetValue(source, out var sourceKind))
            {
                throw new SeedValidationException(file, id, "source", $"no node with id '{source}'");
            }

            if (!kinds.TryGetValue(target, out var targetKind))
            {
                throw new SeedValidationException(file, id, "target", $"no node with id '{target}'");
            }

            if (Vocabulary.EdgeTypes[type].CheckEnds(sourceKind, targetKind) is { } wrongEnd)
            {
                throw new SeedValidationException(file, id, wrongEnd.Field, wrongEnd.Message);
            }

            if (!element.TryGetProperty("evidence", out var evidenceElement) || evidenceElement.ValueKind != JsonValueKind.Array || evidenceElement.GetArrayLength() == 0)
            {
                throw new SeedValidationException(file, id, "evidence", "at least one {sourceId, quote} is required");
            }

            var evidence = new List<Evidence>();
            var index = 0;
            foreach (var item in evidenceElement.EnumerateArray())
            {
                var field = $"evidence[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new SeedValidationException(file, id, field, "expected an object {sourceId, quote}");
                }

                var sourceId = RequiredString(file, id, item, "sourceId", field + ".sourceId");
                var quote = RequiredString(file, id, item, "quote", field + ".quote");
                if (!texts.TryGetValue(sourceId, out var text))
                {
                    throw new SeedValidationException(file, id, field + ".sourceId", $"no source with id '{sourceId}'");
                }

                if (!text.Contains(quote, StringComparison.Ordinal))
                {
                    throw new SeedValidationException(file, id, field + ".quote", $"quote does not occur verbatim in source '{sourceId}': \"{quote}\"");
                }

                evidence.Add(new Evidence(sourceId, quote));
            }

            var (validFrom, validTo) = Dates(file, id, element);
            var suspensions = Suspensions(file, id, element);
            if (Validity.Check(validFrom, validTo, suspensions) is [var (badField, problem), ..])
            {
                throw new SeedValidationException(file, id, badField, problem);
            }

            result.Add(new Edge(id, type, source, target, evidence, validFrom, validTo, suspensions));
        }

        return result;
    }

    /// <summary>Reads <c>validFrom</c> and <c>validTo</c> (optional strings) and checks them.</summary>
    private static (string? From, string? To) Dates(string file, string record, JsonElement element)
    {
        var from = OptionalDate(file, record, element, "validFrom");
        var to = OptionalDate(file, record, element, "validTo");
        if (Validity.Check(from, to) is [var (field, problem), ..])
        {
            throw new SeedValidationException(file, record, field, problem);
        }

        return (from, to);
    }

    private static string? OptionalDate(string file, string record, JsonElement element, string name, string? field = null)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new SeedValidationException(file, record, field ?? name, "expected a date string (YYYY, YYYY-MM or YYYY-MM-DD)");
        }

        return value.GetString();
    }

    /// <summary>Reads <c>suspensions</c>: an optional array of <c>{from, to}</c> objects (<c>to</c> optional).</summary>
    private static List<Suspension> Suspensions(string file, string record, JsonElement element)
    {
        var result = new List<Suspension>();
        if (!element.TryGetProperty("suspensions", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SeedValidationException(file, record, "suspensions", "expected an array of {from, to} objects");
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var field = $"suspensions[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new SeedValidationException(file, record, field, "expected an object {from, to}");
            }

            var from = OptionalDate(file, record, item, "from", field + ".from")
                ?? throw new SeedValidationException(file, record, field + ".from", "a start date is required");
            result.Add(new Suspension(from, OptionalDate(file, record, item, "to", field + ".to")));
        }

        return result;
    }

    private static IEnumerable<(string Record, JsonElement Element)> ReadArray(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw new SeedValidationException(file, null, null, $"file not found in {directory}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw new SeedValidationException(file, ex.LineNumber is { } line ? $"at line {line + 1}" : null, null, $"invalid JSON: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new SeedValidationException(file, null, null, "expected a JSON array of records");
            }

            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var record = $"#{index++}";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new SeedValidationException(file, record, null, "expected an object");
                }

                yield return (record, element.Clone());
            }
        }
    }

    private static string RequiredId(string file, string record, JsonElement element)
    {
        var id = RequiredString(file, record, element, "id");
        if (!IsValidId(id))
        {
            throw new SeedValidationException(file, record, "id", $"'{id}' is not a URL-safe id (lowercase letters, digits and single dashes)");
        }

        return id;
    }

    private static string RequiredString(string file, string record, JsonElement element, string name, string? field = null)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new SeedValidationException(file, record, field ?? name, "a non-empty string is required");
        }

        return value.GetString()!;
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> OptionalStringArray(string file, string record, JsonElement element, string name)
    {
        var result = new List<string>();
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SeedValidationException(file, record, name, "expected an array of strings");
        }

        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                throw new SeedValidationException(file, record, name, "expected an array of non-empty strings");
            }

            result.Add(item.GetString()!);
        }

        return result;
    }
}
