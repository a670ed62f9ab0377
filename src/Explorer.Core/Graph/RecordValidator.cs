using Explorer.Query;

namespace Explorer.Graph;

/// <summary>
/// Checks records someone supplies against a store before they are written (the CLI's import today; the
/// HTTP writes next): the record rules (<see cref="NodeRecord.ToNode"/>, <see cref="EdgeRecord.ToEdge"/>, the
/// same the dataset obeys) with the store answering which nodes (of which kinds) and sources exist. Every problem is reported
/// at once as a 400 problem whose <c>errors</c> extension maps fields to messages. Source texts are cached per
/// instance: use one validator per request or per import run.
/// </summary>
public sealed class RecordValidator(IGraphStore store)
{
    private readonly Dictionary<string, string?> _sourceTexts = new(StringComparer.Ordinal);

    /// <summary>Validates a node; needs no store lookups.</summary>
    public static Outcome<Node> ValidateNode(NodeRecord? record)
    {
        var errors = new RecordErrors();
        if (record is null)
        {
            errors.Add("node", "a node object is required");
            return errors.ToProblem("node");
        }

        return record.ToNode(errors) is { } node ? node : errors.ToProblem("node");
    }

    /// <summary>
    /// The record with each quote as its source has it, where the quote differs only in whitespace runs or in
    /// typographic quotation marks (<see cref="QuoteText.FindLoosely"/>): what an analyst copies from a page
    /// or a PDF keeps its words but not always its line breaks or quote marks. API writes accept that and
    /// store the source's own words, so every stored quote still occurs verbatim. Other quotes are left as
    /// given, for <see cref="ValidateEdgeAsync"/> to refuse naming them.
    /// </summary>
    public async Task<EdgeRecord> WithSourceWordingAsync(EdgeRecord record, CancellationToken cancellationToken = default)
    {
        if (record.Evidence is not { Count: > 0 } evidence)
        {
            return record;
        }

        var worded = new List<EvidenceRecord?>(evidence.Count);
        foreach (var item in evidence)
        {
            if (item is { SourceId: { Length: > 0 } sourceId, Quote: { Length: > 0 } quote } && quote.Length <= RecordLimits.MaxQuoteLength
                && await SourceTextAsync(sourceId, cancellationToken) is { } text && !text.Contains(quote, StringComparison.Ordinal)
                && QuoteText.FindLoosely(text, quote) is { } exact)
            {
                worded.Add(item with { Quote = exact });
            }
            else
            {
                worded.Add(item);
            }
        }

        return record with { Evidence = worded };
    }

    private async Task<string?> SourceTextAsync(string sourceId, CancellationToken cancellationToken)
    {
        if (!_sourceTexts.TryGetValue(sourceId, out var text))
        {
            _sourceTexts[sourceId] = text = (await store.GetSourceAsync(sourceId, cancellationToken))?.Text;
        }

        return text;
    }

    /// <summary>Validates an edge against the store: its endpoints and evidence sources must exist.</summary>
    public async Task<Outcome<Edge>> ValidateEdgeAsync(EdgeRecord? record, CancellationToken cancellationToken = default)
    {
        var errors = new RecordErrors();
        if (record is null)
        {
            errors.Add("edge", "an edge object is required");
            return errors.ToProblem("edge");
        }

        var kinds = new Dictionary<string, NodeKind>(StringComparer.Ordinal);
        foreach (var id in new[] { record.Source, record.Target })
        {
            if (!string.IsNullOrWhiteSpace(id) && await store.GetNodeAsync(id, cancellationToken) is { } node)
            {
                kinds[id] = node.Node.Kind;
            }
        }

        foreach (var item in (record.Evidence ?? []).Take(RecordLimits.MaxEvidence))
        {
            if (item?.SourceId is { Length: > 0 } sourceId && !_sourceTexts.ContainsKey(sourceId))
            {
                _sourceTexts[sourceId] = (await store.GetSourceAsync(sourceId, cancellationToken))?.Text;
            }
        }

        return record.ToEdge(errors, id => kinds.TryGetValue(id, out var kind) ? kind : null, id => _sourceTexts.GetValueOrDefault(id)) is { } edge
            ? edge
            : errors.ToProblem("edge");
    }
}
