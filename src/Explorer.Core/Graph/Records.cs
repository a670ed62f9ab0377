using System.Text.RegularExpressions;
using Explorer.Query;
using Explorer.Search;

namespace Explorer.Graph;

/// <summary>
/// A node as someone supplies it (a dataset record, an import line, a request body): every field may be
/// missing or wrong. <see cref="ToNode"/> holds the rules every node obeys, wherever it comes from.
/// </summary>
public sealed record NodeRecord(
    string? Id,
    string? Kind,
    string? Name,
    IReadOnlyList<string?>? Aliases = null,
    string? Description = null,
    string? ValidFrom = null,
    string? ValidTo = null)
{
    /// <summary>The node this record describes, or null with every problem added to <paramref name="errors"/> by field.</summary>
    public Node? ToNode(RecordErrors errors)
    {
        RecordRules.CheckId(errors, Id);

        var kind = default(NodeKind);
        if (string.IsNullOrWhiteSpace(Kind))
        {
            errors.Add("kind", $"a kind is required (one of {RecordRules.KindNames})");
        }
        else if (!Vocabulary.TryParseKind(Kind, out kind))
        {
            errors.Add("kind", $"unknown kind '{Kind}' (expected one of {RecordRules.KindNames})");
        }

        RecordRules.CheckName(errors, "name", Name, RecordLimits.MaxNameLength);

        var aliases = new List<string>();
        if (Aliases is { } given)
        {
            if (given.Count > RecordLimits.MaxAliases)
            {
                errors.Add("aliases", $"at most {RecordLimits.MaxAliases} aliases");
            }

            for (var i = 0; i < given.Count && i < RecordLimits.MaxAliases; i++)
            {
                if (RecordRules.CheckName(errors, $"aliases[{i}]", given[i], RecordLimits.MaxAliasLength))
                {
                    aliases.Add(given[i]!);
                }
            }
        }

        if (Description is { Length: > RecordLimits.MaxDescriptionLength })
        {
            errors.Add("description", $"at most {RecordLimits.MaxDescriptionLength} characters");
        }

        foreach (var (field, message) in Validity.Check(ValidFrom, ValidTo))
        {
            errors.Add(field, message);
        }

        return errors.Any ? null : new Node(Id!, kind, Name!, aliases, Description ?? "", ValidFrom, ValidTo);
    }
}

/// <summary>An edge as someone supplies it; see <see cref="NodeRecord"/>.</summary>
public sealed record EdgeRecord(
    string? Id,
    string? Type,
    string? Source,
    string? Target,
    IReadOnlyList<EvidenceRecord?>? Evidence,
    string? ValidFrom = null,
    string? ValidTo = null,
    IReadOnlyList<Suspension?>? Suspensions = null)
{
    /// <summary>
    /// The edge this record describes, or null with every problem added to <paramref name="errors"/> by field.
    /// <paramref name="nodeKind"/> gives a node's kind (null for an unknown id): the ends must exist and be of
    /// the kinds the type allows. <paramref name="sourceText"/> gives a source document's text (null for an
    /// unknown source), in which every quote must occur verbatim. Dates obey <see cref="Validity"/>.
    /// </summary>
    public Edge? ToEdge(RecordErrors errors, Func<string, NodeKind?> nodeKind, Func<string, string?> sourceText) =>
        ToEdge(errors, nodeKind, sourceText, EdgeStatus.Confirmed, null);

    /// <summary>
    /// As <see cref="ToEdge(RecordErrors, Func{string, NodeKind?}, Func{string, string?})"/>, with the review
    /// <paramref name="status"/>, and <paramref name="cited"/>: evidence already checked that a record without
    /// evidence of its own takes (an import's cited source, checked once and shared by millions of edges).
    /// </summary>
    internal Edge? ToEdge(RecordErrors errors, Func<string, NodeKind?> nodeKind, Func<string, string?> sourceText, EdgeStatus status, IReadOnlyList<Evidence>? cited)
    {
        RecordRules.CheckId(errors, Id);

        if (string.IsNullOrWhiteSpace(Type))
        {
            errors.Add("type", $"a type is required (one of {RecordRules.TypeNames})");
        }
        else if (!Vocabulary.IsEdgeType(Type))
        {
            errors.Add("type", $"unknown type '{Type}' (expected one of {RecordRules.TypeNames})");
        }

        var sourceKind = End(errors, "source", Source, nodeKind);
        var targetKind = End(errors, "target", Target, nodeKind);
        if (Type is not null && Vocabulary.EdgeTypes.TryGetValue(Type, out var typeInfo)
            && sourceKind is { } fromKind && targetKind is { } toKind
            && typeInfo.CheckEnds(fromKind, toKind) is { } wrongEnd)
        {
            errors.Add(wrongEnd.Field, wrongEnd.Message);
        }

        if (Suspensions is { Count: > RecordLimits.MaxSuspensions })
        {
            errors.Add("suspensions", $"at most {RecordLimits.MaxSuspensions} suspensions");
        }

        if (ValidFrom is not null || ValidTo is not null || Suspensions is { Count: > 0 })
        {
            foreach (var (field, message) in Validity.Check(ValidFrom, ValidTo, Suspensions is { Count: > 0 } ? Suspensions.Take(RecordLimits.MaxSuspensions).ToList() : null))
            {
                errors.Add(field, message);
            }
        }

        if (Evidence is not { Count: > 0 } && cited is { Count: > 0 })
        {
            return errors.Any ? null : Make(cited, status);
        }

        var evidence = new List<Evidence>(Evidence?.Count ?? 0);
        if (Evidence is not { Count: > 0 })
        {
            errors.Add("evidence", "at least one {sourceId, quote} is required");
        }
        else if (Evidence.Count > RecordLimits.MaxEvidence)
        {
            errors.Add("evidence", $"at most {RecordLimits.MaxEvidence} pieces of evidence");
        }
        else
        {
            for (var i = 0; i < Evidence.Count; i++)
            {
                if (EvidenceRecord.Check(errors, i, Evidence[i], sourceText) is { } item)
                {
                    evidence.Add(item);
                }
            }
        }

        return errors.Any ? null : Make(evidence, status);
    }

    private Edge Make(IReadOnlyList<Evidence> evidence, EdgeStatus status) =>
        new(Id!, Type!, Source!, Target!, evidence, ValidFrom, ValidTo, Suspensions is { Count: > 0 } ? [.. Suspensions.OfType<Suspension>()] : [])
        {
            Status = status,
        };

    /// <summary>The kind of the node an end names, or null with the problem added (an import checks millions of edges: no allocation here).</summary>
    private static NodeKind? End(RecordErrors errors, string field, string? id, Func<string, NodeKind?> nodeKind)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(field, "a node id is required");
            return null;
        }

        if (nodeKind(id) is not { } kind)
        {
            errors.Add(field, $"no node with id '{id}'");
            return null;
        }

        return kind;
    }
}

public sealed record EvidenceRecord(string? SourceId, string? Quote)
{
    /// <summary>The field names of the evidence items an edge may hold (made once: an import checks millions of edges).</summary>
    private static readonly string[] s_fields = [.. Enumerable.Range(0, RecordLimits.MaxEvidence).Select(i => $"evidence[{i}]")];
    private static readonly string[] s_quoteFields = [.. s_fields.Select(f => f + ".quote")];
    private static readonly string[] s_sourceIdFields = [.. s_fields.Select(f => f + ".sourceId")];

    /// <summary>The evidence item at <paramref name="index"/> (below <see cref="RecordLimits.MaxEvidence"/>) of an edge record, or null with its problems added.</summary>
    internal static Evidence? Check(RecordErrors errors, int index, EvidenceRecord? item, Func<string, string?> sourceText)
    {
        if (item is null)
        {
            errors.Add(s_fields[index], "expected an object {sourceId, quote}");
            return null;
        }

        var quoteOk = RecordRules.CheckText(errors, s_quoteFields[index], item.Quote, RecordLimits.MaxQuoteLength);
        if (string.IsNullOrWhiteSpace(item.SourceId))
        {
            errors.Add(s_sourceIdFields[index], "a source id is required");
            return null;
        }

        if (sourceText(item.SourceId) is not { } text)
        {
            errors.Add(s_sourceIdFields[index], $"no source with id '{item.SourceId}'");
            return null;
        }

        if (!quoteOk)
        {
            return null;
        }

        if (!text.Contains(item.Quote!, StringComparison.Ordinal))
        {
            errors.Add(s_quoteFields[index], QuoteText.FindLoosely(text, item.Quote!) is { } exact
                ? $"the quote does not occur verbatim in source '{item.SourceId}', only with other spaces or quotation marks; the source reads: \"{RecordRules.Clip(exact)}\""
                : $"the quote does not occur verbatim in source '{item.SourceId}': \"{RecordRules.Clip(item.Quote!)}\"");
            return null;
        }

        return new Evidence(item.SourceId, item.Quote!);
    }
}

/// <summary>Bounds every node and edge keeps, whoever writes it.</summary>
public static class RecordLimits
{
    public const int MaxIdLength = 200;
    public const int MaxNameLength = 200;
    public const int MaxAliases = 50;
    public const int MaxAliasLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MaxEvidence = 50;
    public const int MaxQuoteLength = 2000;
    public const int MaxSuspensions = 50;
}

/// <summary>Problems with a record, by field, in the order found.</summary>
public sealed class RecordErrors
{
    private static readonly Dictionary<string, List<string>> s_none = [];

    /// <summary>Made on the first problem (most records have none, and an import checks millions).</summary>
    private Dictionary<string, List<string>> _byField = s_none;

    public bool Any => _byField.Count > 0;

    /// <summary>The first problem found (the dataset loader reports one at a time).</summary>
    public (string Field, string Message) First => _byField.Select(p => (p.Key, p.Value[0])).First();

    /// <summary>Every problem, by field in the order the fields were first found.</summary>
    public IEnumerable<(string Field, string Message)> All => _byField.SelectMany(p => p.Value.Select(m => (p.Key, m)));

    public void Add(string field, string message)
    {
        if (ReferenceEquals(_byField, s_none))
        {
            _byField = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        }

        if (!_byField.TryGetValue(field, out var messages))
        {
            _byField[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Every problem as one 400 problem whose <c>errors</c> extension maps fields to messages (as ASP.NET Core validation problems do).</summary>
    public QueryProblem ToProblem(string record) => new(
        400,
        "Invalid record",
        $"invalid {record}: " + string.Join("; ", _byField.SelectMany(p => p.Value.Select(m => $"{p.Key}: {m}"))),
        new Dictionary<string, object?>
        {
            ["errors"] = _byField.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal),
        });
}

/// <summary>The field rules <see cref="NodeRecord"/> and <see cref="EdgeRecord"/> share.</summary>
public static partial class RecordRules
{
    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    /// <summary>URL-safe: lowercase letters and digits in dash-separated runs, at most <see cref="RecordLimits.MaxIdLength"/> characters.</summary>
    public static bool IsValidId(string id) => id.Length <= RecordLimits.MaxIdLength && IdPattern().IsMatch(id);

    internal static string KindNames => string.Join(", ", Enum.GetNames<NodeKind>());

    internal static string TypeNames => Vocabulary.TypeNames;

    internal static void CheckId(RecordErrors errors, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add("id", "an id is required");
        }
        else if (!IsValidId(id))
        {
            errors.Add("id", $"'{Clip(id)}' is not a URL-safe id (lowercase letters, digits and single dashes, at most {RecordLimits.MaxIdLength} characters)");
        }
    }

    /// <summary>A name or alias: required text within its bound, with a letter or digit so that it can be searched for.</summary>
    internal static bool CheckName(RecordErrors errors, string field, string? value, int maxLength)
    {
        if (!CheckText(errors, field, value, maxLength))
        {
            return false;
        }

        if (TextNormalizer.Normalize(value!).Length == 0)
        {
            errors.Add(field, $"'{Clip(value!)}' has no letters or digits");
            return false;
        }

        return true;
    }

    internal static bool CheckText(RecordErrors errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "a non-empty string is required");
            return false;
        }

        if (value.Length > maxLength)
        {
            errors.Add(field, $"at most {maxLength} characters");
            return false;
        }

        return true;
    }

    internal static string Clip(string value) => value.Length <= 60 ? value : value[..57] + "...";
}
