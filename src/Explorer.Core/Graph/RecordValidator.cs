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
