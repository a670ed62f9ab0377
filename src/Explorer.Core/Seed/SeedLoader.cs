using System.Text.Json;
using Explorer.Graph;
using Explorer.Search;

namespace Explorer.Seed;

/// <summary>
/// Loads <c>graph-seed/</c> (sources.json, nodes.json, edges.json and the source texts) and validates it.
/// Each node and edge obeys the record rules every write obeys (<see cref="NodeRecord.ToNode"/>,
/// <see cref="EdgeRecord.ToEdge"/>: URL-safe ids, known kinds and types, bounded text, edge ends that exist
/// and are of the kinds the type allows, dates that obey <see cref="Validity"/>, evidence quoted verbatim from
/// a known source); the dataset as a whole has unique ids, and names and aliases that identify one node only.
/// The first problem found is thrown with the file, record and field it concerns.
/// </summary>
public static class SeedLoader
{
    public const string SourcesFile = "sources.json";
    public const string NodesFile = "nodes.json";
    public const string EdgesFile = "edges.json";

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

    public static GraphSeed Load(string directory) => Read(directory, problems: null);

    /// <summary>
    /// Reads the dataset. With <paramref name="problems"/> null the first problem is thrown; otherwise every
    /// problem is added to it, a record with problems is left out, and reading goes on (what <c>seed --check</c> uses).
    /// </summary>
    internal static GraphSeed Read(string directory, List<SeedValidationException>? problems)
    {
        var sources = LoadSources(directory, problems);
        var nodes = LoadNodes(directory, problems, out var kinds);
        var broken = kinds.Keys.Except(nodes.Select(n => n.Id), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var edges = LoadEdges(directory, kinds, broken, sources, problems);
        return new GraphSeed(sources, nodes, edges);
    }

    /// <summary>Runs <paramref name="read"/> over a file's records; a problem is thrown, or with a list collected (a whole-file problem ends the file).</summary>
    private static void EachRecord(string directory, string file, List<SeedValidationException>? problems, Action<string, JsonElement> read)
    {
        try
        {
            foreach (var (record, element) in ReadArray(directory, file))
            {
                try
                {
                    read(record, element);
                }
                catch (SeedValidationException ex) when (problems is not null)
                {
                    problems.Add(ex);
                }
            }
        }
        catch (SeedValidationException ex) when (problems is not null)
        {
            problems.Add(ex);
        }
    }

    private static List<SourceDocument> LoadSources(string directory, List<SeedValidationException>? problems)
    {
        var file = SourcesFile;
        var result = new List<SourceDocument>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        EachRecord(directory, file, problems, (record, element) =>
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
        });

        return result;
    }

    private static List<Node> LoadNodes(string directory, List<SeedValidationException>? problems, out Dictionary<string, NodeKind?> kinds)
    {
        var file = NodesFile;
        var result = new List<Node>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var kindsById = kinds = new Dictionary<string, NodeKind?>(StringComparer.Ordinal);
        EachRecord(directory, file, problems, (record, element) =>
        {
            var where = RecordName(record, element);
            var errors = new RecordErrors();
            var candidate = new NodeRecord(
                OptionalString(element, "id"),
                OptionalString(element, "kind"),
                OptionalString(element, "name"),
                OptionalStringArray(file, where, element, "aliases"),
                OptionalString(element, "description"),
                OptionalDate(file, where, element, "validFrom"),
                OptionalDate(file, where, element, "validTo"));
            if (candidate.Id is { } givenId && RecordRules.IsValidId(givenId))
            {
                // Known even when the record has problems (its kind too, when that is right), so that its edges
                // are not reported as dangling as well.
                kindsById.TryAdd(givenId, candidate.Kind is { } givenKind && Vocabulary.TryParseKind(givenKind, out var kind) ? kind : null);
            }

            var node = candidate.ToNode(errors) ?? throw Invalid(file, where, errors, problems);
            if (!ids.Add(node.Id))
            {
                throw new SeedValidationException(file, where, "id", $"duplicate id '{node.Id}'");
            }

            foreach (var (field, value) in NamesOf(node))
            {
                var key = TextNormalizer.Normalize(value);
                if (keys.TryGetValue(key, out var owner) && owner != node.Id)
                {
                    throw new SeedValidationException(file, where, field, $"'{value}' also names node '{owner}'");
                }

                keys[key] = node.Id;
            }

            result.Add(node);
        });

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

    /// <param name="broken">Ids of node records that have problems (reported there): an edge's problems at such an end are not reported again.</param>
    private static List<Edge> LoadEdges(string directory, Dictionary<string, NodeKind?> kinds, HashSet<string> broken, List<SourceDocument> sources, List<SeedValidationException>? problems)
    {
        var file = EdgesFile;
        var texts = sources.ToDictionary(s => s.Id, s => s.Text, StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Edge>();
        EachRecord(directory, file, problems, (record, element) =>
        {
            var where = RecordName(record, element);
            var errors = new RecordErrors();
            var candidate = new EdgeRecord(
                OptionalString(element, "id"),
                OptionalString(element, "type"),
                OptionalString(element, "source"),
                OptionalString(element, "target"),
                OptionalEvidence(file, where, element),
                OptionalDate(file, where, element, "validFrom"),
                OptionalDate(file, where, element, "validTo"),
                OptionalSuspensions(file, where, element));
            var edge = candidate.ToEdge(errors, id => kinds.GetValueOrDefault(id), texts.GetValueOrDefault);
            if (edge is null)
            {
                var own = errors.All
                    .Where(e => !(e.Field == "source" && broken.Contains(candidate.Source ?? "")) && !(e.Field == "target" && broken.Contains(candidate.Target ?? "")))
                    .ToList();
                if (own.Count > 0)
                {
                    throw Invalid(file, where, own, problems);
                }

                return;
            }

            if (!ids.Add(edge.Id))
            {
                throw new SeedValidationException(file, where, "id", $"duplicate id '{edge.Id}'");
            }

            result.Add(edge);
        });

        return result;
    }

    /// <summary>A record is named by its id when it has a valid one, else by its position ("#3").</summary>
    private static string RecordName(string position, JsonElement element) =>
        OptionalString(element, "id") is { } id && RecordRules.IsValidId(id) ? id : position;

    /// <summary>The record's first problem, to throw; when collecting, the others are added to <paramref name="problems"/> first.</summary>
    private static SeedValidationException Invalid(string file, string record, RecordErrors errors, List<SeedValidationException>? problems) =>
        Invalid(file, record, errors.All.ToList(), problems);

    private static SeedValidationException Invalid(string file, string record, List<(string Field, string Message)> all, List<SeedValidationException>? problems)
    {
        if (problems is not null)
        {
            problems.AddRange(all.Skip(1).Select(p => new SeedValidationException(file, record, p.Field, p.Message)));
        }

        return new SeedValidationException(file, record, all[0].Field, all[0].Message);
    }

    /// <summary>The evidence array; an item that is not an object is kept as null, for the record rules to name.</summary>
    private static List<EvidenceRecord?>? OptionalEvidence(string file, string record, JsonElement element)
    {
        if (!element.TryGetProperty("evidence", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SeedValidationException(file, record, "evidence", "expected an array of {sourceId, quote}");
        }

        return [.. value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Object
            ? new EvidenceRecord(OptionalString(item, "sourceId"), OptionalString(item, "quote"))
            : null)];
    }

    /// <summary>The suspensions array of <c>{from, to}</c>; an item that is not an object is kept as null, for the rules to name.</summary>
    private static List<Suspension?>? OptionalSuspensions(string file, string record, JsonElement element)
    {
        if (!element.TryGetProperty("suspensions", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SeedValidationException(file, record, "suspensions", "expected an array of {from, to} objects");
        }

        return [.. value.EnumerateArray().Select((item, index) => item.ValueKind == JsonValueKind.Object
            ? new Suspension(
                OptionalDate(file, record, item, "from", $"suspensions[{index}].from")!,
                OptionalDate(file, record, item, "to", $"suspensions[{index}].to"))
            : null)];
    }

    /// <summary>An optional date: a string (its format is the record rules' to check), or absent.</summary>
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
        if (!RecordRules.IsValidId(id))
        {
            throw new SeedValidationException(file, record, "id", $"'{id}' is not a URL-safe id (lowercase letters, digits and single dashes)");
        }

        return id;
    }

    private static string RequiredString(string file, string record, JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new SeedValidationException(file, record, name, "a non-empty string is required");
        }

        return value.GetString()!;
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An array of strings; an item that is not a string is kept as null, for the record rules to name.</summary>
    private static List<string?>? OptionalStringArray(string file, string record, JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SeedValidationException(file, record, name, "expected an array of strings");
        }

        return [.. value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() : null)];
    }
}
