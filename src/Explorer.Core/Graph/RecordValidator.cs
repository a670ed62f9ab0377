using Explorer.Query;
using Explorer.Seed;

namespace Explorer.Graph;

/// <summary>A node as a user supplies it (import line, request body): every field may be missing or wrong.</summary>
public sealed record NodeRecord(string? Id, string? Kind, string? Name, IReadOnlyList<string?>? Aliases = null, string? Description = null, string? ValidFrom = null, string? ValidTo = null);

/// <summary>An edge as a user supplies it; see <see cref="NodeRecord"/>.</summary>
public sealed record EdgeRecord(
    string? Id,
    string? Type,
    string? Source,
    string? Target,
    IReadOnlyList<EvidenceRecord?>? Evidence,
    string? ValidFrom = null,
    string? ValidTo = null,
    IReadOnlyList<Suspension?>? Suspensions = null);

public sealed record EvidenceRecord(string? SourceId, string? Quote);

/// <summary>
/// Checks user-supplied nodes and edges before they are written, with the same rules as the dataset
/// (<see cref="SeedLoader"/>): URL-safe ids, known kinds and types, bounded text, endpoints that exist and are
/// of the kinds the type allows, dates that obey <see cref="Validity"/>'s rules, and evidence quoted verbatim
/// from a stored source. Every problem is reported at once as a 400 problem whose
/// <c>errors</c> extension maps field names to messages (the shape of ASP.NET Core validation problems).
/// Source texts are cached per instance: use one validator per request or per import run.
/// </summary>
public sealed class RecordValidator(IGraphStore store)
{
    public const int MaxNameLength = 200;
    public const int MaxAliases = 50;
    public const int MaxAliasLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MaxEvidence = 50;
    public const int MaxQuoteLength = 2000;
    public const int MaxSuspensions = 50;

    private readonly Dictionary<string, string?> _sourceTexts = new(StringComparer.Ordinal);

    /// <summary>Validates a node; needs no store lookups.</summary>
    public static Outcome<Node> ValidateNode(NodeRecord? record)
    {
        var errors = new Errors();
        if (record is null)
        {
            errors.Add("node", "a node object is required");
            return errors.ToProblem("node");
        }

        CheckId(errors, record.Id);

        var kind = default(NodeKind);
        if (string.IsNullOrWhiteSpace(record.Kind))
        {
            errors.Add("kind", $"a kind is required (one of {KindNames})");
        }
        else if (!Vocabulary.TryParseKind(record.Kind, out kind))
        {
            errors.Add("kind", $"unknown kind '{record.Kind}' (expected one of {KindNames})");
        }

        CheckText(errors, "name", record.Name, MaxNameLength, required: true);

        var aliases = new List<string>();
        if (record.Aliases is { } given)
        {
            if (given.Count > MaxAliases)
            {
                errors.Add("aliases", $"at most {MaxAliases} aliases");
            }

            for (var i = 0; i < given.Count && i < MaxAliases; i++)
            {
                if (CheckText(errors, $"aliases[{i}]", given[i], MaxAliasLength, required: true))
                {
                    aliases.Add(given[i]!);
                }
            }
        }

        if (record.Description is { Length: > MaxDescriptionLength })
        {
            errors.Add("description", $"at most {MaxDescriptionLength} characters");
        }

        foreach (var (field, message) in Validity.Check(record.ValidFrom, record.ValidTo))
        {
            errors.Add(field, message);
        }

        return errors.Any
            ? errors.ToProblem("node")
            : new Node(record.Id!, kind, record.Name!, aliases, record.Description ?? "", record.ValidFrom, record.ValidTo);
    }

    /// <summary>Validates an edge against the store: its endpoints and evidence sources must exist.</summary>
    public async Task<Outcome<Edge>> ValidateEdgeAsync(EdgeRecord? record, CancellationToken cancellationToken = default)
    {
        var errors = new Errors();
        if (record is null)
        {
            errors.Add("edge", "an edge object is required");
            return errors.ToProblem("edge");
        }

        CheckId(errors, record.Id);

        if (string.IsNullOrWhiteSpace(record.Type))
        {
            errors.Add("type", $"a type is required (one of {TypeNames})");
        }
        else if (!Vocabulary.IsEdgeType(record.Type))
        {
            errors.Add("type", $"unknown type '{record.Type}' (expected one of {TypeNames})");
        }

        var ends = new Dictionary<string, NodeKind>(StringComparer.Ordinal);
        foreach (var (field, id) in new[] { ("source", record.Source), ("target", record.Target) })
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add(field, "a node id is required");
            }
            else if (await store.GetNodeAsync(id, cancellationToken) is not { } node)
            {
                errors.Add(field, $"no node with id '{id}'");
            }
            else
            {
                ends[field] = node.Node.Kind;
            }
        }

        if (record.Type is not null && Vocabulary.EdgeTypes.TryGetValue(record.Type, out var typeInfo)
            && ends.TryGetValue("source", out var sourceKind) && ends.TryGetValue("target", out var targetKind)
            && typeInfo.CheckEnds(sourceKind, targetKind) is { } wrongEnd)
        {
            errors.Add(wrongEnd.Field, wrongEnd.Message);
        }

        if (record.Suspensions is { Count: > MaxSuspensions })
        {
            errors.Add("suspensions", $"at most {MaxSuspensions} suspensions");
        }

        foreach (var (field, message) in Validity.Check(record.ValidFrom, record.ValidTo, record.Suspensions?.Take(MaxSuspensions).ToList()))
        {
            errors.Add(field, message);
        }

        var evidence = new List<Evidence>();
        if (record.Evidence is not { Count: > 0 })
        {
            errors.Add("evidence", "at least one {sourceId, quote} is required");
        }
        else if (record.Evidence.Count > MaxEvidence)
        {
            errors.Add("evidence", $"at most {MaxEvidence} pieces of evidence");
        }
        else
        {
            for (var i = 0; i < record.Evidence.Count; i++)
            {
                if (await CheckEvidenceAsync(errors, $"evidence[{i}]", record.Evidence[i], cancellationToken) is { } item)
                {
                    evidence.Add(item);
                }
            }
        }

        return errors.Any
            ? errors.ToProblem("edge")
            : new Edge(record.Id!, record.Type!, record.Source!, record.Target!, evidence, record.ValidFrom, record.ValidTo, [.. record.Suspensions?.OfType<Suspension>() ?? []]);
    }

    private async Task<Evidence?> CheckEvidenceAsync(Errors errors, string field, EvidenceRecord? item, CancellationToken cancellationToken)
    {
        if (item is null)
        {
            errors.Add(field, "expected an object {sourceId, quote}");
            return null;
        }

        var quoteOk = CheckText(errors, field + ".quote", item.Quote, MaxQuoteLength, required: true);
        if (string.IsNullOrWhiteSpace(item.SourceId))
        {
            errors.Add(field + ".sourceId", "a source id is required");
            return null;
        }

        var text = await SourceTextAsync(item.SourceId, cancellationToken);
        if (text is null)
        {
            errors.Add(field + ".sourceId", $"no source with id '{item.SourceId}'");
            return null;
        }

        if (!quoteOk)
        {
            return null;
        }

        if (!text.Contains(item.Quote!, StringComparison.Ordinal))
        {
            errors.Add(field + ".quote", $"the quote does not occur verbatim in source '{item.SourceId}'");
            return null;
        }

        return new Evidence(item.SourceId, item.Quote!);
    }

    private async Task<string?> SourceTextAsync(string sourceId, CancellationToken cancellationToken)
    {
        if (!_sourceTexts.TryGetValue(sourceId, out var text))
        {
            text = (await store.GetSourceAsync(sourceId, cancellationToken))?.Text;
            _sourceTexts[sourceId] = text;
        }

        return text;
    }

    private static void CheckId(Errors errors, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add("id", "an id is required");
        }
        else if (!SeedLoader.IsValidId(id))
        {
            errors.Add("id", $"'{Clip(id)}' is not a URL-safe id (lowercase letters, digits and single dashes, at most 200 characters)");
        }
    }

    private static bool CheckText(Errors errors, string field, string? value, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add(field, "a non-empty string is required");
            }

            return false;
        }

        if (value.Length > maxLength)
        {
            errors.Add(field, $"at most {maxLength} characters");
            return false;
        }

        return true;
    }

    private static string Clip(string value) => value.Length <= 60 ? value : value[..57] + "...";

    private static string KindNames => string.Join(", ", Enum.GetNames<NodeKind>());

    private static string TypeNames => Vocabulary.TypeNames;

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

        public bool Any => _byField.Count > 0;

        public void Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var messages))
            {
                _byField[field] = messages = [];
            }

            messages.Add(message);
        }

        public QueryProblem ToProblem(string record) => new(
            400,
            "Invalid record",
            $"invalid {record}: " + string.Join("; ", _byField.SelectMany(p => p.Value.Select(m => $"{p.Key}: {m}"))),
            new Dictionary<string, object?>
            {
                ["errors"] = _byField.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal),
            });
    }
}
