using Explorer.Graph;

namespace Explorer.Neo4j;

/// <summary>
/// Writes of several changes that commit together, each as one auto-commit statement built on Cypher's
/// ManyHead/ManyTail: an import batch, a cascading node deletion, a forced source deletion. The caller reads, plans
/// every change (and its history entry), and sends the plan; the statement checks under the change-log lock that
/// what the plan relied on still holds, and otherwise writes nothing, so the caller reads and plans again.
/// </summary>
internal sealed partial class Neo4jGraphStore
{
    /// <summary>How many times a plan is made again when the records it read changed before it was written.</summary>
    private const int PlanAttempts = 5;

    public async Task<IReadOnlyDictionary<string, Node>> GetNodesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, Node>(ids.Count, StringComparer.Ordinal);
        foreach (var batch in ids.Distinct(StringComparer.Ordinal).Chunk(ReadBatch))
        {
            foreach (var node in (await ReadAsync(Cypher.NodesByIds, Params(("ids", batch.ToList())), cancellationToken)).Records.Select(ReadNode))
            {
                found[node.Id] = node;
            }
        }

        return found;
    }

    public async Task<IReadOnlyDictionary<string, Edge>> GetEdgesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, Edge>(ids.Count, StringComparer.Ordinal);
        foreach (var batch in ids.Distinct(StringComparer.Ordinal).Chunk(ReadBatch))
        {
            foreach (var edge in await EdgesAsync([.. batch], cancellationToken))
            {
                found[edge.Id] = edge;
            }
        }

        return found;
    }

    /// <summary>
    /// The batch in one statement, so it commits whole or not at all as in the embedded store: the records it
    /// touches are read, the writes are planned in order (which take effect, which are refused:
    /// <see cref="GraphWriteException"/> before anything is sent), grouped into runs (<see cref="Neo4jBatchPlan"/>)
    /// and sent with what the plan read as the statement's guard.
    /// </summary>
    public async Task<IReadOnlyList<Change?>> ApplyBatchAsync(IReadOnlyList<GraphWrite> writes, CancellationToken cancellationToken = default)
    {
        foreach (var write in writes)
        {
            if (write is GraphWrite.UpsertEdge(var edge) && !Vocabulary.IsEdgeType(edge.Type))
            {
                throw new GraphWriteException($"edge '{edge.Id}': unknown edge type '{edge.Type}'");
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var nodes = await GetNodesAsync(Neo4jBatchPlan.NodeIds(writes), cancellationToken);
            var edges = await GetEdgesAsync(Neo4jBatchPlan.EdgeIds(writes), cancellationToken);
            var plan = Neo4jBatchPlan.Make(writes, nodes, edges);
            var result = new Change?[writes.Count];
            if (plan.Effective.Count == 0)
            {
                return result;
            }

            var parameters = Params(
                ("runs", plan.Runs.Select(run => run.Rows.Select(write => BatchRow(writes[write])).ToList()).ToList()),
                ("nodesPresent", plan.NodesPresent), ("nodesAbsent", plan.NodesAbsent),
                ("edgesPresent", plan.EdgesPresent.Select(e => Params(("id", e.Id), ("source", e.Source), ("target", e.Target))).ToList()),
                ("edgesAbsent", plan.EdgesAbsent));
            // A bulk batch is logged as one change, as in the embedded store; each write gets its sequence.
            var bulk = GraphWrite.IsBulkBatch(writes);
            List<(ChangeKind Kind, string EntityId, Dictionary<string, object?>? History)> planned = bulk
                ? [(ChangeKind.GraphReloaded, GraphWrite.BulkChangeEntity, null)]
                : plan.Effective.Select(i => (Kind: BatchKind(writes[i]), EntityId: writes[i].Id, History: (Dictionary<string, object?>?)null)).ToList();
            if (await WriteManyAsync(Cypher.Batch([.. plan.Runs.Select(r => r.Op)]), parameters, planned, cancellationToken) is { } changes)
            {
                for (var k = 0; k < plan.Effective.Count; k++)
                {
                    var write = writes[plan.Effective[k]];
                    result[plan.Effective[k]] = bulk ? changes[0] with { Kind = BatchKind(write), EntityId = write.Id } : changes[k];
                }

                return result;
            }

            if (attempt == PlanAttempts)
            {
                throw new Neo4jException(Neo4jErrorKind.Transient, $"the records a batch of {writes.Count} writes touches changed before it could be written, {PlanAttempts} times; nothing of it was written");
            }
        }
    }

    /// <summary>
    /// Deletes a node and every edge it has in one statement: the edges as read (each with its history entry and
    /// change), then the node. When an edge came or went meanwhile, reads and tries again.
    /// </summary>
    private async Task<RecordWrite> CascadeDeleteAsync(Node current, long expectedVersion, List<Edge> edges, string by, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var note = $"its end '{current.Id}' was deleted";
            var planned = edges.Select(edge => (ChangeKind.EdgeRemoved, edge.Id, (Dictionary<string, object?>?)History(RecordKind.Edge, edge.Version + 1, RecordAction.Deleted, by,
                RecordWrites.DeletionFields, note, RecordWrites.Snapshot(edge with { Version = edge.Version + 1 })))).ToList();
            var gone = current with { Version = expectedVersion + 1 };
            planned.Add((ChangeKind.NodeRemoved, current.Id, History(RecordKind.Node, gone.Version, RecordAction.Deleted, by, RecordWrites.DeletionFields,
                $"deleted with its {edges.Count} edge(s)", RecordWrites.Snapshot(gone))));
            var parameters = Params(("id", current.Id), ("expected", expectedVersion),
                ("edges", edges.Select(e => Params(("id", e.Id), ("version", e.Version))).ToList()));
            if (await WriteManyAsync(Cypher.CascadeDeleteNode, parameters, planned, cancellationToken) is { } changes)
            {
                return new RecordWrite.Written(gone.Version, changes);
            }

            if (Refusal((await GetNodeAsync(current.Id, cancellationToken))?.Node.Version, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            edges = await EdgesOfNodeAsync(current.Id, cancellationToken);
            if (attempt == PlanAttempts || edges.Count >= DependentLimit)
            {
                return new RecordWrite.InUse([.. edges.Take(RecordWrites.MaxListedEdges).Select(e => e.Id)], edges.Count);
            }

            if (edges.Count == 0)
            {
                return await DeleteLoneNodeAsync(current, expectedVersion, by, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Deletes a source and removes its citations in one statement: each citing edge loses them (or, left with no
    /// evidence, is deleted), with its history entry and change, then the source goes. Reads and tries again when
    /// the citing edges changed meanwhile.
    /// </summary>
    private async Task<RecordWrite> ForceDeleteSourceAsync(SourceDocument current, long expectedVersion, List<Edge> citing, string by, CancellationToken cancellationToken)
    {
        var id = current.Id;
        for (var attempt = 1; ; attempt++)
        {
            var note = $"source '{id}' was deleted";
            var planned = new List<(ChangeKind Kind, string EntityId, Dictionary<string, object?>? History)>();
            var rows = new List<Dictionary<string, object?>>();
            foreach (var edge in citing)
            {
                var remaining = edge.WithoutSource(id) with { Version = edge.Version + 1 };
                if (remaining.Evidence.Count == 0)
                {
                    planned.Add((ChangeKind.EdgeRemoved, edge.Id, History(RecordKind.Edge, remaining.Version, RecordAction.Deleted, by, RecordWrites.DeletionFields,
                        note + ": it was the edge's only evidence", RecordWrites.Snapshot(edge with { Version = remaining.Version }))));
                    rows.Add(Params(("id", edge.Id), ("version", edge.Version), ("evidence", null)));
                }
                else
                {
                    planned.Add((ChangeKind.EdgeUpserted, edge.Id, History(RecordKind.Edge, remaining.Version, RecordAction.Updated, by, remaining.ChangedFrom(edge),
                        note + ": its citations removed", RecordWrites.Snapshot(remaining))));
                    rows.Add(Params(("id", edge.Id), ("version", edge.Version), ("evidence", EdgeProperties(remaining)["evidence"])));
                }
            }

            var gone = current with { Version = expectedVersion + 1 };
            planned.Add((ChangeKind.SourceRemoved, id, History(RecordKind.Source, gone.Version, RecordAction.Deleted, by, RecordWrites.DeletionFields,
                $"its citations removed from {citing.Count} edge(s)", RecordWrites.Snapshot(gone))));
            var parameters = Params(("id", id), ("expected", expectedVersion), ("needle", Needle(id)), ("edges", rows));
            if (await WriteManyAsync(Cypher.ForceDeleteSource, parameters, planned, cancellationToken) is { } changes)
            {
                return new RecordWrite.Written(gone.Version, changes);
            }

            if (Refusal((await GetSourceAsync(id, cancellationToken))?.Version, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            citing = await CitingEdgesAsync(id, cancellationToken);
            if (attempt == PlanAttempts || citing.Count >= DependentLimit)
            {
                return new RecordWrite.InUse([.. citing.Take(RecordWrites.MaxListedEdges).Select(e => e.Id)], citing.Count);
            }
        }
    }

    /// <summary>
    /// Sends a statement built on ManyHead/ManyTail with its planned changes (in order); the committed changes, or
    /// null when its guard found the records changed. A retry of a statement whose first attempt committed finds
    /// the first change id taken and answers no row: the committed numbers are read back by that id.
    /// </summary>
    private async Task<List<Change>?> WriteManyAsync(string statement, Dictionary<string, object?> parameters, IReadOnlyList<(ChangeKind Kind, string EntityId, Dictionary<string, object?>? History)> planned, CancellationToken cancellationToken)
    {
        var at = DateTimeOffset.UtcNow;
        var planId = Guid.CreateVersion7().ToString("N");
        parameters["log"] = Cypher.ChangeLogId;
        parameters["at"] = Iso(at);
        parameters["changes"] = planned.Select((c, k) => Params(("kind", c.Kind.ToString()), ("entityId", c.EntityId), ("changeId", $"{planId}-{k}"), ("history", c.History))).ToList();
        var result = await _client.RunAsync(statement, parameters, QueryAccess.IdempotentWrite, cancellationToken);
        long first;
        if (result.Records.Count > 0)
        {
            first = result.Records[0].Long("base") + 1;
        }
        else if (First((await ReadAsync(Cypher.ChangeById, Params(("changeId", $"{planId}-0")), cancellationToken)).Records) is { } committed)
        {
            first = committed.Long("seq");
        }
        else
        {
            return null;
        }

        return [.. planned.Select((c, k) => new Change(first + k, at, c.Kind, c.EntityId))];
    }

    private async Task<List<Edge>> EdgesOfNodeAsync(string id, CancellationToken cancellationToken) =>
        [.. (await ReadAsync(Cypher.EdgesOfNode, Params(("id", id), ("limit", DependentLimit)), cancellationToken)).Records.Select(ReadEdge).DistinctBy(e => e.Id)];

    private static Dictionary<string, object?> History(RecordKind kind, long version, RecordAction action, string by, IReadOnlyList<string> changed, string? note, string state) =>
        Params(("recordKind", kind.ToString()), ("version", version), ("action", action.ToString()), ("actor", by), ("changed", changed.ToList()), ("note", note), ("state", state));

    private static ChangeKind BatchKind(GraphWrite write) => write switch
    {
        GraphWrite.UpsertNode => ChangeKind.NodeUpserted,
        GraphWrite.UpsertEdge => ChangeKind.EdgeUpserted,
        GraphWrite.RemoveNode => ChangeKind.NodeRemoved,
        _ => ChangeKind.EdgeRemoved,
    };

    /// <summary>What a run's row carries for one write (see Cypher.BatchRun).</summary>
    private static Dictionary<string, object?> BatchRow(GraphWrite write) => write switch
    {
        GraphWrite.UpsertNode(var node) => Params(("id", node.Id), ("kind", node.Kind.ToString()), ("props", NodeProperties(node))),
        GraphWrite.UpsertEdge(var edge) => Params(("id", edge.Id), ("source", edge.Source), ("target", edge.Target), ("type", edge.Type),
            ("props", EdgeProperties(edge)), ("status", edge.Status.ToString())),
        _ => Params(("id", write.Id)),
    };
}
