using Explorer.Graph;

namespace Explorer.Neo4j;

/// <summary>
/// Analysts' writes to nodes, edges and sources in Neo4j, with the embedded store's semantics: each is one
/// <see cref="WriteAsync"/> statement that takes the change-log lock, checks the expected version (and that
/// nothing depends on a record it deletes) in its WHERE, and writes the record, a <c>:History</c> node and the
/// change together; when a check fails nothing is written and a read tells which refusal it was. A cascade (a
/// node's edges) or a force (a source's citations) is one statement too, with a history entry and a change per
/// edge (Neo4jGraphStore.Batch.cs): all of it commits or none of it does.
/// </summary>
internal sealed partial class Neo4jGraphStore
{
    /// <summary>At most this many dependent edges (a node's, a source's citing ones) are read for a refusal, cascade or force.</summary>
    private const int DependentLimit = 10_000;

    public async Task<RecordWrite> CreateNodeAsync(Node node, string by, CancellationToken cancellationToken = default)
    {
        var written = node with { Version = await NextVersionAsync(RecordKind.Node, node.Id, cancellationToken) };
        var parameters = RecordParameters(RecordKind.Node, node.Id, written.Version, RecordAction.Created, by, RecordWrites.AllFields(RecordKind.Node), null, RecordWrites.Snapshot(written));
        parameters["props"] = NodeProperties(written);
        return await WriteAsync(Cypher.CreateNode[node.Kind], parameters, ChangeKind.NodeUpserted, node.Id, DateTimeOffset.UtcNow, cancellationToken) is { } change
            ? new RecordWrite.Written(written.Version, [change])
            : RecordWrite.Exists;
    }

    public async Task<RecordWrite> UpdateNodeAsync(Node node, long expectedVersion, string by, CancellationToken cancellationToken = default)
    {
        var current = (await GetNodeAsync(node.Id, cancellationToken))?.Node;
        if (Refusal(current?.Version, expectedVersion) is { } refusal)
        {
            return refusal;
        }

        var written = node with { Version = expectedVersion + 1 };
        var parameters = RecordParameters(RecordKind.Node, node.Id, written.Version, RecordAction.Updated, by, written.ChangedFrom(current!), null, RecordWrites.Snapshot(written));
        parameters["props"] = NodeProperties(written);
        parameters["expected"] = expectedVersion;
        return await WriteAsync(Cypher.UpdateNode[node.Kind], parameters, ChangeKind.NodeUpserted, node.Id, DateTimeOffset.UtcNow, cancellationToken) is { } change
            ? new RecordWrite.Written(written.Version, [change])
            : Refusal((await GetNodeAsync(node.Id, cancellationToken))?.Node.Version, expectedVersion) ?? new RecordWrite.VersionConflict(expectedVersion);
    }

    public async Task<RecordWrite> DeleteNodeAsync(string id, long expectedVersion, string by, bool cascade, CancellationToken cancellationToken = default)
    {
        var current = (await GetNodeAsync(id, cancellationToken))?.Node;
        if (Refusal(current?.Version, expectedVersion) is { } refusal)
        {
            return refusal;
        }

        var edges = await EdgesOfNodeAsync(id, cancellationToken);
        if (edges.Count > 0 && !cascade)
        {
            return new RecordWrite.InUse([.. edges.Take(RecordWrites.MaxListedEdges).Select(e => e.Id)], edges.Count);
        }

        return edges.Count > 0
            ? await CascadeDeleteAsync(current!, expectedVersion, edges, by, cancellationToken)
            : await DeleteLoneNodeAsync(current!, expectedVersion, by, cancellationToken);
    }

    /// <summary>Deletes a node that had no edges when read; InUse when one appeared meanwhile.</summary>
    private async Task<RecordWrite> DeleteLoneNodeAsync(Node current, long expectedVersion, string by, CancellationToken cancellationToken)
    {
        var id = current.Id;
        var gone = current with { Version = expectedVersion + 1 };
        var parameters = RecordParameters(RecordKind.Node, id, gone.Version, RecordAction.Deleted, by, RecordWrites.DeletionFields, null, RecordWrites.Snapshot(gone));
        parameters["expected"] = expectedVersion;
        if (await WriteAsync(Cypher.DeleteNode, parameters, ChangeKind.NodeRemoved, id, DateTimeOffset.UtcNow, cancellationToken) is { } change)
        {
            return new RecordWrite.Written(gone.Version, [change]);
        }

        return Refusal((await GetNodeAsync(id, cancellationToken))?.Node.Version, expectedVersion)
            ?? new RecordWrite.InUse([.. (await ReadAsync(Cypher.EdgesOfNode, Params(("id", id), ("limit", RecordWrites.MaxListedEdges)), cancellationToken)).Records.Select(r => r.String("id"))], 1);
    }

    public async Task<RecordWrite> CreateEdgeAsync(Edge edge, string by, CancellationToken cancellationToken = default)
    {
        var written = edge with { Version = await NextVersionAsync(RecordKind.Edge, edge.Id, cancellationToken) };
        var parameters = EdgeParameters(written, RecordAction.Created, by, RecordWrites.AllFields(RecordKind.Edge), null);
        if (await WriteAsync(Cypher.CreateEdge[edge.Type], parameters, ChangeKind.EdgeUpserted, edge.Id, DateTimeOffset.UtcNow, cancellationToken) is { } change)
        {
            return new RecordWrite.Written(written.Version, [change]);
        }

        return await MissingEndAsync(edge, cancellationToken) is { } missing ? new RecordWrite.MissingNode(missing) : RecordWrite.Exists;
    }

    public async Task<RecordWrite> UpdateEdgeAsync(Edge edge, long expectedVersion, string by, CancellationToken cancellationToken = default)
    {
        var current = await GetEdgeAsync(edge.Id, cancellationToken);
        if (Refusal(current?.Version, expectedVersion) is { } refusal)
        {
            return refusal;
        }

        var written = edge with { Version = expectedVersion + 1 };
        return await UpdateEdgeAsync(written, current!, by, null, cancellationToken);
    }

    public async Task<RecordWrite> DeleteEdgeAsync(string id, long expectedVersion, string by, CancellationToken cancellationToken = default)
    {
        var current = await GetEdgeAsync(id, cancellationToken);
        if (Refusal(current?.Version, expectedVersion) is { } refusal)
        {
            return refusal;
        }

        return await DeleteEdgeAsync(current!, by, null, cancellationToken);
    }

    public async Task<RecordWrite> CreateSourceAsync(SourceDocument source, string by, CancellationToken cancellationToken = default)
    {
        var written = source with { Version = await NextVersionAsync(RecordKind.Source, source.Id, cancellationToken) };
        var parameters = SourceParameters(written, RecordAction.Created, by, RecordWrites.AllFields(RecordKind.Source), null);
        return await WriteAsync(Cypher.CreateSource, parameters, ChangeKind.SourceUpserted, source.Id, DateTimeOffset.UtcNow, cancellationToken) is { } change
            ? new RecordWrite.Written(written.Version, [change])
            : RecordWrite.Exists;
    }

    public async Task<RecordWrite> UpdateSourceAsync(SourceDocument source, long expectedVersion, string by, CancellationToken cancellationToken = default)
    {
        var current = await GetSourceAsync(source.Id, cancellationToken);
        if (Refusal(current?.Version, expectedVersion) is { } refusal)
        {
            return refusal;
        }

        if (current!.Text != source.Text)
        {
            var broken = (await CitingEdgesAsync(source.Id, cancellationToken))
                .Where(e => e.Evidence.Any(ev => ev.SourceId == source.Id && !source.Text.Contains(ev.Quote, StringComparison.Ordinal)))
                .Select(e => e.Id).ToList();
            if (broken.Count > 0)
            {
                return new RecordWrite.InUse([.. broken.Take(RecordWrites.MaxListedEdges)], broken.Count);
            }
        }

        var written = source with { Version = expectedVersion + 1 };
        var parameters = SourceParameters(written, RecordAction.Updated, by, written.ChangedFrom(current), null);
        parameters["expected"] = expectedVersion;
        return await WriteAsync(Cypher.UpdateSource, parameters, ChangeKind.SourceUpserted, source.Id, DateTimeOffset.UtcNow, cancellationToken) is { } change
            ? new RecordWrite.Written(written.Version, [change])
            : Refusal((await GetSourceAsync(source.Id, cancellationToken))?.Version, expectedVersion) ?? new RecordWrite.VersionConflict(expectedVersion);
    }

    public async Task<RecordWrite> DeleteSourceAsync(string id, long expectedVersion, string by, bool force, CancellationToken cancellationToken = default)
    {
        var current = await GetSourceAsync(id, cancellationToken);
        if (Refusal(current?.Version, expectedVersion) is { } refusal)
        {
            return refusal;
        }

        var citing = await CitingEdgesAsync(id, cancellationToken);
        if (citing.Count > 0 && !force)
        {
            return new RecordWrite.InUse([.. citing.Take(RecordWrites.MaxListedEdges).Select(e => e.Id)], citing.Count);
        }

        if (citing.Count > 0)
        {
            return await ForceDeleteSourceAsync(current!, expectedVersion, citing, by, cancellationToken);
        }

        var gone = current! with { Version = expectedVersion + 1 };
        var parameters = SourceParameters(gone, RecordAction.Deleted, by, RecordWrites.DeletionFields, null);
        parameters["expected"] = expectedVersion;
        parameters["needle"] = Needle(id);
        if (await WriteAsync(Cypher.DeleteSource, parameters, ChangeKind.SourceRemoved, id, DateTimeOffset.UtcNow, cancellationToken) is { } change)
        {
            return new RecordWrite.Written(gone.Version, [change]);
        }

        var still = await CitingEdgesAsync(id, cancellationToken);
        return Refusal((await GetSourceAsync(id, cancellationToken))?.Version, expectedVersion)
            ?? new RecordWrite.InUse([.. still.Take(RecordWrites.MaxListedEdges).Select(e => e.Id)], still.Count);
    }

    public async Task<IReadOnlyList<RecordVersion>?> GetHistoryAsync(RecordKind kind, string id, CancellationToken cancellationToken = default)
    {
        var rows = (await ReadAsync(Cypher.History, Params(("recordKind", kind.ToString()), ("id", id)), cancellationToken)).Records;
        List<RecordVersion> versions = [.. rows.Select(r => new RecordVersion(
            r.Long("version"),
            ParseTime(r.String("at")),
            r.String("actor"),
            Enum.Parse<RecordAction>(r.String("action")),
            r.Strings("changedFields"),
            r.Long("seq"),
            r.StringOrNull("note"),
            RecordWrites.Parse(r.String("state"))))];
        if (versions.Count > 0)
        {
            return versions;
        }

        var live = kind switch
        {
            RecordKind.Node => await GetNodeAsync(id, cancellationToken) is not null,
            RecordKind.Edge => await GetEdgeAsync(id, cancellationToken) is not null,
            _ => await GetSourceAsync(id, cancellationToken) is not null,
        };
        return live ? versions : null;
    }

    // ---- Steps and parameters ----------------------------------------------------------------------------

    private async Task<RecordWrite> UpdateEdgeAsync(Edge written, Edge current, string by, string? note, CancellationToken cancellationToken)
    {
        var parameters = EdgeParameters(written, RecordAction.Updated, by, written.ChangedFrom(current), note);
        parameters["expected"] = current.Version;
        if (await WriteAsync(Cypher.UpdateEdge[written.Type], parameters, ChangeKind.EdgeUpserted, written.Id, DateTimeOffset.UtcNow, cancellationToken) is { } change)
        {
            return new RecordWrite.Written(written.Version, [change]);
        }

        return await MissingEndAsync(written, cancellationToken) is { } missing
            ? new RecordWrite.MissingNode(missing)
            : Refusal((await GetEdgeAsync(written.Id, cancellationToken))?.Version, current.Version) ?? new RecordWrite.VersionConflict(current.Version);
    }

    private async Task<RecordWrite> DeleteEdgeAsync(Edge current, string by, string? note, CancellationToken cancellationToken)
    {
        var gone = current with { Version = current.Version + 1 };
        var parameters = RecordParameters(RecordKind.Edge, current.Id, gone.Version, RecordAction.Deleted, by, RecordWrites.DeletionFields, note, RecordWrites.Snapshot(gone));
        parameters["expected"] = current.Version;
        return await WriteAsync(Cypher.DeleteEdge, parameters, ChangeKind.EdgeRemoved, current.Id, DateTimeOffset.UtcNow, cancellationToken) is { } change
            ? new RecordWrite.Written(gone.Version, [change])
            : Refusal((await GetEdgeAsync(current.Id, cancellationToken))?.Version, current.Version) ?? new RecordWrite.VersionConflict(current.Version);
    }

    private async Task<List<Edge>> CitingEdgesAsync(string sourceId, CancellationToken cancellationToken) =>
        [.. (await ReadAsync(Cypher.CitingEdges, Params(("needle", Needle(sourceId)), ("limit", DependentLimit)), cancellationToken)).Records.Select(ReadEdge)
            .Where(e => e.Evidence.Any(ev => ev.SourceId == sourceId))];

    private async Task<string?> MissingEndAsync(Edge edge, CancellationToken cancellationToken)
    {
        var ends = (await ReadAsync(Cypher.EndpointsExist, Params(("source", edge.Source), ("target", edge.Target)), cancellationToken)).Single();
        return !ends.Bool("source") ? edge.Source : !ends.Bool("target") ? edge.Target : null;
    }

    private async Task<long> NextVersionAsync(RecordKind kind, string id, CancellationToken cancellationToken) =>
        (await ReadAsync(Cypher.LastHistoryVersion, Params(("recordKind", kind.ToString()), ("id", id)), cancellationToken)).Single().Long("version") + 1;

    /// <summary>How a citation of the source appears in an edge's evidence JSON.</summary>
    private static string Needle(string sourceId) => $"\"sourceId\":\"{sourceId}\"";

    private static RecordWrite? Refusal(long? currentVersion, long expectedVersion) => currentVersion switch
    {
        null => RecordWrite.Missing,
        { } version when version != expectedVersion => new RecordWrite.VersionConflict(version),
        _ => null,
    };

    private static Dictionary<string, object?> RecordParameters(RecordKind kind, string id, long version, RecordAction action, string by, IReadOnlyList<string> changed, string? note, string state) =>
        Params(("recordKind", kind.ToString()), ("id", id), ("version", version), ("action", action.ToString()), ("actor", by),
            ("changed", changed.ToList()), ("note", note), ("state", state));

    private static Dictionary<string, object?> EdgeParameters(Edge edge, RecordAction action, string by, IReadOnlyList<string> changed, string? note)
    {
        var parameters = RecordParameters(RecordKind.Edge, edge.Id, edge.Version, action, by, changed, note, RecordWrites.Snapshot(edge));
        parameters["source"] = edge.Source;
        parameters["target"] = edge.Target;
        parameters["props"] = EdgeProperties(edge);
        parameters["status"] = edge.Status.ToString();
        return parameters;
    }

    private static Dictionary<string, object?> SourceParameters(SourceDocument source, RecordAction action, string by, IReadOnlyList<string> changed, string? note)
    {
        var parameters = RecordParameters(RecordKind.Source, source.Id, source.Version, action, by, changed, note, RecordWrites.Snapshot(source));
        parameters["title"] = source.Title;
        parameters["sourceKind"] = source.Kind; // $kind is the change kind
        parameters["description"] = source.Description;
        parameters["text"] = source.Text;
        parameters["url"] = source.Url;
        return parameters;
    }
}
