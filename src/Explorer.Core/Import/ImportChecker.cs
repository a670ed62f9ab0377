using System.IO.Hashing;
using System.Runtime.InteropServices;
using Explorer.Graph;
using Explorer.Search;

namespace Explorer.Import;

/// <summary>What becomes of one record.</summary>
internal abstract record Outcome
{
    public sealed record Failed(ImportError Error) : Outcome;

    public sealed record Write(GraphWrite GraphWrite) : Outcome;

    public sealed record WriteSource(SourceDocument Source) : Outcome;

    public sealed record Unchanged : Outcome
    {
        public static readonly Unchanged Instance = new();
    }
}

/// <summary>New, changed, unchanged and removed, as they are counted.</summary>
internal sealed class CountsBuilder
{
    public long New { get; set; }

    public long Changed { get; set; }

    public long Unchanged { get; set; }

    public long Removed { get; set; }

    public ImportCounts Counts => new(New, Changed, Unchanged, Removed);
}

/// <summary>
/// Checks records in file order against the record rules, the store and what the import itself has done so
/// far (a node it added, an edge it removed), and decides each one's outcome: an error (with where), a write,
/// or nothing because the store already holds exactly that. Ids may appear once per import (a removal after
/// an upsert aside). Records are checked a chunk at a time, so the store is asked about a chunk's ids at once.
/// </summary>
internal sealed class ImportChecker(IGraphStore store, ImportOptions options)
{
    /// <summary>Nodes the import has written so far: their kind, or null once removed; and where they were.</summary>
    private readonly Dictionary<string, (NodeKind? Kind, string File, long Line)> _nodes = new(StringComparer.Ordinal);

    /// <summary>Edges the import has written so far, by a 128-bit hash of the id (millions of ids, no strings kept): removed or not, and the line.</summary>
    private readonly Dictionary<UInt128, (bool Removed, long Line)> _edges = [];

    /// <summary>Source texts by id (null: no such source), from the import and the store.</summary>
    private readonly Dictionary<string, string?> _sourceTexts = new(StringComparer.Ordinal);

    private readonly Dictionary<string, string> _sourceOrigins = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removedByImport = new(StringComparer.Ordinal);
    private string? _evidenceQuote;

    /// <summary>The evidence an edge without its own cites (one list for the whole import, read only).</summary>
    private IReadOnlyList<EvidenceRecord?>? _evidenceCited;

    /// <summary>That evidence checked, once (null: it does not pass, and each edge reports why).</summary>
    private IReadOnlyList<Evidence>? _citation;
    private string? _citationText;

    /// <summary>The store's answers for the chunk being checked, and the lookups over them (made once per chunk, not per record).</summary>
    private IReadOnlyDictionary<string, Node> _storeNodes = new Dictionary<string, Node>();
    private IReadOnlyDictionary<string, NodeKind> _storeKinds = s_noKinds;
    private Func<string, NodeKind?>? _kindOf;
    private Func<string, string?>? _sourceTextOf;

    public CountsBuilder Sources { get; } = new();

    /// <summary>Edge records that came without evidence of their own (they cite the evidence source, or fail without one).</summary>
    public long EdgesWithoutEvidence { get; private set; }

    public CountsBuilder Nodes { get; } = new();

    public CountsBuilder Edges { get; } = new();

    /// <summary>Whether the store may hold edges this import has not written (null: not asked yet).</summary>
    private bool? _storeHasEdges;

    public async Task<Outcome[]> CheckAsync(List<ImportItem> chunk, CancellationToken cancellationToken)
    {
        // A store that held no edges as the import started holds none but those the import wrote (another
        // writer's edge with an id this import also brings would be counted new and upserted over).
        _storeHasEdges ??= !options.LeanChecks || (await store.CountAsync(cancellationToken)).Edges > 0;

        // What the store holds for the ids this chunk touches (those the import has not already decided): whole
        // nodes for node records (compared with them), only the kinds of edges' ends and of removed nodes.
        var nodeIds = new HashSet<string>(StringComparer.Ordinal);
        var kindIds = options.LeanChecks ? new HashSet<string>(StringComparer.Ordinal) : nodeIds;
        var edgeIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in chunk)
        {
            switch (item.Kind)
            {
                case RecordKind.Node when item.Node?.Id is { } id:
                    AddNode(nodeIds, id);
                    break;
                case RecordKind.Edge when item.Edge is { } edge:
                    AddNode(kindIds, edge.Source);
                    AddNode(kindIds, edge.Target);
                    if (edge.Id is { } edgeId && _storeHasEdges.Value && !_edges.ContainsKey(Hash(edgeId)))
                    {
                        edgeIds.Add(edgeId);
                    }

                    foreach (var evidence in edge.Evidence ?? [])
                    {
                        await SourceTextAsync(evidence?.SourceId, cancellationToken);
                    }

                    break;
                case RecordKind.RemoveNode when item.Id is { } id:
                    AddNode(kindIds, id);
                    break;
                case RecordKind.RemoveEdge when item.Id is { } id && _storeHasEdges.Value && !_edges.ContainsKey(Hash(id)):
                    edgeIds.Add(id);
                    break;
            }
        }

        if (options.EvidenceSource is { } evidenceSource && _evidenceQuote is null)
        {
            _evidenceQuote = FirstLine(await SourceTextAsync(evidenceSource, cancellationToken));
        }

        var storeNodes = nodeIds.Count == 0 ? new Dictionary<string, Node>() : await store.GetNodesAsync(nodeIds, cancellationToken);
        if (!ReferenceEquals(kindIds, nodeIds))
        {
            kindIds.ExceptWith(storeNodes.Keys);
        }

        var storeKinds = ReferenceEquals(kindIds, nodeIds) || kindIds.Count == 0 ? s_noKinds : await store.GetNodeKindsAsync(kindIds, cancellationToken);
        var storeEdges = edgeIds.Count == 0 ? new Dictionary<string, Edge>() : await store.GetEdgesAsync(edgeIds, cancellationToken);

        (_storeNodes, _storeKinds) = (storeNodes, storeKinds);
        _kindOf ??= id => KindOf(id, _storeNodes, _storeKinds);
        _sourceTextOf ??= id => _sourceTexts.GetValueOrDefault(id);
        var outcomes = new Outcome[chunk.Count];
        for (var i = 0; i < chunk.Count; i++)
        {
            var item = chunk[i];
            outcomes[i] = item.Error is { } error
                ? new Outcome.Failed(item.ToError(error))
                : item.Kind switch
                {
                    RecordKind.Source => await CheckSourceAsync(item, cancellationToken),
                    RecordKind.Node => CheckNode(item, storeNodes),
                    RecordKind.Edge => CheckEdge(item, storeNodes, storeKinds, storeEdges),
                    RecordKind.RemoveNode => RemoveNode(item, storeNodes, storeKinds),
                    _ => RemoveEdge(item, storeEdges),
                };
        }

        return outcomes;
    }

    private void AddNode(HashSet<string> ids, string? id)
    {
        if (!string.IsNullOrWhiteSpace(id) && !_nodes.ContainsKey(id))
        {
            ids.Add(id);
        }
    }

    private async Task<Outcome> CheckSourceAsync(ImportItem item, CancellationToken cancellationToken)
    {
        var record = item.Source!;
        var problems = new List<(string Field, string Message)>();
        if (string.IsNullOrWhiteSpace(record.Id) || !RecordRules.IsValidId(record.Id))
        {
            problems.Add(("id", string.IsNullOrWhiteSpace(record.Id) ? "an id is required" : $"'{record.Id}' is not a URL-safe id (lowercase letters, digits and single dashes)"));
        }

        if (string.IsNullOrWhiteSpace(record.Title))
        {
            problems.Add(("title", "a non-empty string is required"));
        }

        if (string.IsNullOrWhiteSpace(record.Text))
        {
            problems.Add(("text", "the source needs its text ('text', or 'file' next to sources.json)"));
        }

        if (problems.Count > 0)
        {
            return Fail(item, problems[0].Field, $"invalid source: {string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}"))}");
        }

        if (_sourceOrigins.TryGetValue(record.Id!, out var first))
        {
            return Fail(item, "id", $"source '{record.Id}' appears twice in this import (first at {first})");
        }

        _sourceOrigins[record.Id!] = $"{item.File} line {item.At.Line}";
        var source = new SourceDocument(record.Id!, record.Title!, record.Kind ?? "document", record.Description ?? "", record.Text!) { Url = record.Url };
        var existing = await store.GetSourceAsync(source.Id, cancellationToken);
        _sourceTexts[source.Id] = source.Text;
        if (existing is not null && existing.SameAs(source))
        {
            Sources.Unchanged++;
            return Outcome.Unchanged.Instance;
        }

        _ = existing is null ? Sources.New++ : Sources.Changed++;
        return new Outcome.WriteSource(source);
    }

    private Outcome CheckNode(ImportItem item, IReadOnlyDictionary<string, Node> storeNodes)
    {
        var errors = new RecordErrors();
        if (item.Node!.ToNode(errors) is not { } node)
        {
            return Invalid(item, "node", errors);
        }

        if (_nodes.TryGetValue(node.Id, out var seen) && seen.Kind is not null)
        {
            return Fail(item, "id", $"node '{node.Id}' appears twice in this import (first at {seen.File} line {seen.Line})");
        }

        // Removed earlier in this import: new again. Otherwise compared with the store.
        var existing = seen.File is null && storeNodes.TryGetValue(node.Id, out var stored) ? stored : null;
        _nodes[node.Id] = (node.Kind, item.File, item.At.Line);
        if (existing is not null && existing.SameAs(node))
        {
            Nodes.Unchanged++;
            return Outcome.Unchanged.Instance;
        }

        _ = existing is null ? Nodes.New++ : Nodes.Changed++;
        return new Outcome.Write(new GraphWrite.UpsertNode(node));
    }

    private Outcome CheckEdge(ImportItem item, IReadOnlyDictionary<string, Node> storeNodes, IReadOnlyDictionary<string, NodeKind> storeKinds, IReadOnlyDictionary<string, Edge> storeEdges)
    {
        var record = item.Edge!;
        if (record.Evidence is not { Count: > 0 })
        {
            EdgesWithoutEvidence++;
        }

        // An edge without evidence cites the import's source: checked once, then one list shared by every such edge
        // (when that check fails, each edge carries the cited record and reports it as its own).
        IReadOnlyList<Evidence>? cited = null;
        if (options.EvidenceSource is { } evidenceSource && record.Evidence is not { Count: > 0 } && _evidenceQuote is { } quote)
        {
            _evidenceCited ??= [new EvidenceRecord(evidenceSource, quote)];
            cited = CheckedCitation();
            if (cited is null)
            {
                record = record with { Evidence = _evidenceCited };
            }
        }

        var errors = new RecordErrors();
        var status = EdgeStatus.Confirmed;
        if (item.Status is { } given && !Enum.TryParse(given, ignoreCase: true, out status) || !Enum.IsDefined(status))
        {
            errors.Add("status", $"unknown status '{item.Status}' (expected one of {string.Join(", ", Enum.GetNames<EdgeStatus>())})");
            status = EdgeStatus.Confirmed;
        }

        var edge = record.ToEdge(errors, _kindOf!, _sourceTextOf!, status, cited) is { } valid && !errors.Any
            ? valid
            : null;
        if (edge is null)
        {
            if (record.Evidence is not { Count: > 0 } && options.EvidenceSource is null)
            {
                errors.Add("evidence", "(an import may cite one source document for edges without evidence: --evidence-source <source id>)");
            }

            return Invalid(item, "edge", errors);
        }

        // One look-up of the id's hash (millions of entries: each a cache miss or two) finds it or makes its entry.
        ref var seen = ref CollectionsMarshal.GetValueRefOrAddDefault(_edges, Hash(edge.Id), out var known);
        if (known && !seen.Removed)
        {
            return Fail(item, "id", $"edge '{edge.Id}' appears twice in this import (first at line {seen.Line})");
        }

        var existing = !known && storeEdges.TryGetValue(edge.Id, out var stored) && !_removedByImport.Contains(stored.Source) && !_removedByImport.Contains(stored.Target) ? stored : null;
        seen = (false, item.At.Line);
        if (existing is not null && existing.SameAs(edge))
        {
            Edges.Unchanged++;
            return Outcome.Unchanged.Instance;
        }

        // Where the store found the ends goes with the write, which then looks neither id up again (a million-node
        // table: a cache miss or two per look-up).
        _ = existing is null ? Edges.New++ : Edges.Changed++;
        return new Outcome.Write(new GraphWrite.UpsertEdge(edge) { Ends = storeKinds is NodeKindsFound found ? found.Ends(edge.Source, edge.Target) : default });
    }

    /// <summary>
    /// The cited evidence checked (its source's text holds its quote), or null when it does not pass. Checked again
    /// only when the source's text is another (a source record later in the import).
    /// </summary>
    private IReadOnlyList<Evidence>? CheckedCitation()
    {
        var cited = _evidenceCited![0]!;
        var text = _sourceTextOf!(cited.SourceId!);
        if (!ReferenceEquals(text, _citationText) || _citationText is null)
        {
            var errors = new RecordErrors();
            _citation = EvidenceRecord.Check(errors, 0, cited, _sourceTextOf!) is { } checkedEvidence && !errors.Any ? [checkedEvidence] : null;
            _citationText = text;
        }

        return _citation;
    }

    private Outcome RemoveNode(ImportItem item, IReadOnlyDictionary<string, Node> storeNodes, IReadOnlyDictionary<string, NodeKind> storeKinds)
    {
        var id = item.Id!;
        if (KindOf(id, storeNodes, storeKinds) is null)
        {
            return Fail(item, null, $"removeNode: no node with id '{id}'");
        }

        _nodes[id] = (null, item.File, item.At.Line);
        _removedByImport.Add(id);
        Nodes.Removed++;
        return new Outcome.Write(new GraphWrite.RemoveNode(id));
    }

    private Outcome RemoveEdge(ImportItem item, IReadOnlyDictionary<string, Edge> storeEdges)
    {
        var id = item.Id!;
        var hash = Hash(id);
        var exists = _edges.TryGetValue(hash, out var seen)
            ? !seen.Removed
            : storeEdges.TryGetValue(id, out var stored) && !_removedByImport.Contains(stored.Source) && !_removedByImport.Contains(stored.Target);
        if (!exists)
        {
            return Fail(item, null, $"removeEdge: no edge with id '{id}'");
        }

        _edges[hash] = (true, item.At.Line);
        Edges.Removed++;
        return new Outcome.Write(new GraphWrite.RemoveEdge(id));
    }

    private NodeKind? KindOf(string id, IReadOnlyDictionary<string, Node> storeNodes, IReadOnlyDictionary<string, NodeKind> storeKinds) =>
        _nodes.TryGetValue(id, out var seen) ? seen.Kind
        : storeNodes.TryGetValue(id, out var node) ? node.Kind
        : storeKinds.TryGetValue(id, out var kind) ? kind
        : null;

    private static readonly IReadOnlyDictionary<string, NodeKind> s_noKinds = new Dictionary<string, NodeKind>();

    private async Task<string?> SourceTextAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        if (!_sourceTexts.TryGetValue(id, out var text))
        {
            _sourceTexts[id] = text = (await store.GetSourceAsync(id, cancellationToken))?.Text;
        }

        return text;
    }

    /// <summary>The first non-blank line of a source's text (at most a quote's length): what an edge without evidence cites.</summary>
    private static string? FirstLine(string? text) =>
        text?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) is { } line
            ? line[..Math.Min(line.Length, RecordLimits.MaxQuoteLength)]
            : null;

    private static Outcome.Failed Invalid(ImportItem item, string kind, RecordErrors errors) =>
        new Outcome.Failed(item.ToError(errors.ToProblem(kind).Detail!, errors.First.Field));

    private static Outcome.Failed Fail(ImportItem item, string? field, string reason) => new Outcome.Failed(item.ToError(reason, field));

    private static UInt128 Hash(string id) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(id.AsSpan()));
}
