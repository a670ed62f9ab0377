using System.Globalization;
using System.Text.Json;
using Explorer.Graph;
using Explorer.Telemetry;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>
/// Analysts' writes to nodes, edges and sources: each checks the version and dependents, writes the records,
/// one change row and one history row per record touched, all in one transaction under the write lock, then
/// applies what it did to the index.
/// </summary>
internal sealed partial class EmbeddedGraphStore
{
    /// <summary>One record a write touched: its change, its index update (none for sources and evidence-only edits) and its history entry.</summary>
    private sealed record Touched(ChangeKind Kind, string EntityId, long? RowId, Action<IndexWriter>? Apply, HistoryEntry? History);

    private sealed record HistoryEntry(RecordKind Kind, string Id, long Version, RecordAction Action, IReadOnlyList<string> Changed, string? Note, string State);

    /// <summary>What a write's body decided: a refusal, or the version written and every record touched.</summary>
    private sealed record Decision(RecordWrite? Refusal, long Version = 0, List<Touched>? Touched = null)
    {
        public static implicit operator Decision(RecordWrite refusal) => new(refusal);
    }

    public Task<RecordWrite> CreateNodeAsync(Node node, string by, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) =>
        {
            if (Exists(connection, transaction, "nodes", node.Id))
            {
                return RecordWrite.Exists;
            }

            var written = node with { Version = NextVersion(connection, transaction, RecordKind.Node, node.Id) };
            using var insert = Command(connection, transaction, """
                INSERT INTO nodes (id, kind, name, aliases, description, valid_from, valid_to, version)
                VALUES ($id, $kind, $name, $aliases, $description, $validFrom, $validTo, $version) RETURNING nid
                """);
            BindNode(insert, written);
            insert.Parameters.AddWithValue("$version", written.Version);
            var rowId = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
            return new Decision(null, written.Version, [new Touched(ChangeKind.NodeUpserted, node.Id, rowId, w => w.UpsertNode(written),
                new HistoryEntry(RecordKind.Node, node.Id, written.Version, RecordAction.Created, RecordWrites.AllFields(RecordKind.Node), null, RecordWrites.Snapshot(written)))]);
        }, cancellationToken);

    public Task<RecordWrite> UpdateNodeAsync(Node node, long expectedVersion, string by, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) =>
        {
            var current = ReadNodeRow(connection, transaction, node.Id);
            if (Refusal(current?.Node.Version, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            var written = node with { Version = current!.Node.Version + 1 };
            using var update = Command(connection, transaction, """
                UPDATE nodes SET kind = $kind, name = $name, aliases = $aliases, description = $description,
                    valid_from = $validFrom, valid_to = $validTo, version = $version
                WHERE id = $id
                """);
            BindNode(update, written);
            update.Parameters.AddWithValue("$version", written.Version);
            update.ExecuteNonQuery();
            return new Decision(null, written.Version, [new Touched(ChangeKind.NodeUpserted, node.Id, current.RowId, w => w.UpsertNode(written),
                new HistoryEntry(RecordKind.Node, node.Id, written.Version, RecordAction.Updated, written.ChangedFrom(current.Node), null, RecordWrites.Snapshot(written)))]);
        }, cancellationToken);

    public Task<RecordWrite> DeleteNodeAsync(string id, long expectedVersion, string by, bool cascade, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) =>
        {
            var current = ReadNodeRow(connection, transaction, id);
            if (Refusal(current?.Node.Version, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            EnsureEdgeIndexes(connection, transaction);
            var edges = ReadEdgeRows(connection, transaction, "WHERE e.source_nid = $nid OR e.target_nid = $nid ORDER BY e.id", ("$nid", current!.RowId));
            if (edges.Count > 0 && !cascade)
            {
                return new RecordWrite.InUse([.. edges.Take(RecordWrites.MaxListedEdges).Select(e => e.Edge.Id)], edges.Count);
            }

            var touched = new List<Touched>();
            foreach (var (edge, rowId) in edges)
            {
                touched.Add(RemoveEdgeRow(connection, transaction, edge, rowId, $"its end '{id}' was deleted"));
            }

            using (var delete = Command(connection, transaction, "DELETE FROM nodes WHERE nid = $nid"))
            {
                Bind(delete, ("$nid", current.RowId));
                delete.ExecuteNonQuery();
            }

            var gone = current.Node with { Version = current.Node.Version + 1 };
            touched.Add(new Touched(ChangeKind.NodeRemoved, id, current.RowId, w => w.RemoveNode(id),
                new HistoryEntry(RecordKind.Node, id, gone.Version, RecordAction.Deleted, RecordWrites.DeletionFields,
                    edges.Count > 0 ? $"deleted with its {edges.Count} edge(s)" : null, RecordWrites.Snapshot(gone))));
            return new Decision(null, gone.Version, touched);
        }, cancellationToken);

    public Task<RecordWrite> CreateEdgeAsync(Edge edge, string by, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) => CreateEdgeRow(connection, transaction, edge), cancellationToken);

    private static Decision CreateEdgeRow(SqliteConnection connection, SqliteTransaction transaction, Edge edge, string? note = null)
    {
        if (Exists(connection, transaction, "edges", edge.Id))
        {
            return RecordWrite.Exists;
        }

        if (MissingEnd(connection, transaction, edge) is { } missing)
        {
            return new RecordWrite.MissingNode(missing);
        }

        var written = edge with { Version = NextVersion(connection, transaction, RecordKind.Edge, edge.Id) };
        using var insert = Command(connection, transaction, """
            INSERT INTO edges (id, type, source_nid, target_nid, evidence, valid_from, valid_to, suspensions, status, version)
            SELECT $id, $type, s.nid, t.nid, $evidence, $validFrom, $validTo, $suspensions, $status, $version
            FROM nodes s, nodes t WHERE s.id = $source AND t.id = $target
            RETURNING eid
            """);
        BindEdge(insert, written);
        insert.Parameters.AddWithValue("$version", written.Version);
        var rowId = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
        return new Decision(null, written.Version, [new Touched(ChangeKind.EdgeUpserted, edge.Id, rowId, w => w.UpsertEdge(rowId, written.Type, written.Source, written.Target),
            new HistoryEntry(RecordKind.Edge, edge.Id, written.Version, RecordAction.Created, RecordWrites.AllFields(RecordKind.Edge), note, RecordWrites.Snapshot(written)))]);
    }

    public Task<RecordWrite> UpdateEdgeAsync(Edge edge, long expectedVersion, string by, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) =>
        {
            var current = ReadEdgeRows(connection, transaction, "WHERE e.id = $id", ("$id", edge.Id)).FirstOrDefault();
            if (Refusal(current?.Edge.Version, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            if (MissingEnd(connection, transaction, edge) is { } missing)
            {
                return new RecordWrite.MissingNode(missing);
            }

            var written = edge with { Version = current!.Edge.Version + 1 };
            var rowId = current.RowId;
            WriteEdgeRow(connection, transaction, written);
            return new Decision(null, written.Version, [new Touched(ChangeKind.EdgeUpserted, edge.Id, rowId, w => w.UpsertEdge(rowId, written.Type, written.Source, written.Target),
                new HistoryEntry(RecordKind.Edge, edge.Id, written.Version, RecordAction.Updated, written.ChangedFrom(current.Edge), null, RecordWrites.Snapshot(written)))]);
        }, cancellationToken);

    public Task<RecordWrite> DeleteEdgeAsync(string id, long expectedVersion, string by, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) =>
        {
            var current = ReadEdgeRows(connection, transaction, "WHERE e.id = $id", ("$id", id)).FirstOrDefault();
            if (Refusal(current?.Edge.Version, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            var touched = RemoveEdgeRow(connection, transaction, current!.Edge, current.RowId, null);
            return new Decision(null, touched.History!.Version, [touched]);
        }, cancellationToken);

    public Task<RecordWrite> CreateSourceAsync(SourceDocument source, string by, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) =>
        {
            if (Exists(connection, transaction, "sources", source.Id))
            {
                return RecordWrite.Exists;
            }

            var written = source with { Version = NextVersion(connection, transaction, RecordKind.Source, source.Id) };
            using var insert = Command(connection, transaction, """
                INSERT INTO sources (id, title, kind, description, text, url, version) VALUES ($id, $title, $kind, $description, $text, $url, $version)
                """);
            BindSource(insert, written);
            insert.Parameters.AddWithValue("$version", written.Version);
            insert.ExecuteNonQuery();
            return new Decision(null, written.Version, [new Touched(ChangeKind.SourceUpserted, source.Id, null, null,
                new HistoryEntry(RecordKind.Source, source.Id, written.Version, RecordAction.Created, RecordWrites.AllFields(RecordKind.Source), null, RecordWrites.Snapshot(written)))]);
        }, cancellationToken);

    public Task<RecordWrite> UpdateSourceAsync(SourceDocument source, long expectedVersion, string by, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) =>
        {
            SourceDocument? current;
            using (var read = Command(connection, transaction, SourceSelectSql + " WHERE id = $id"))
            {
                Bind(read, ("$id", source.Id));
                using var reader = read.ExecuteReader();
                current = reader.Read() ? ReadSource(reader) : null;
            }

            if (Refusal(current?.Version, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            // A new text must still hold every quote the graph takes from the document.
            if (current!.Text != source.Text)
            {
                var broken = CitingEdges(connection, transaction, source.Id)
                    .Where(e => e.Edge.Evidence.Any(ev => ev.SourceId == source.Id && !source.Text.Contains(ev.Quote, StringComparison.Ordinal)))
                    .Select(e => e.Edge.Id).ToList();
                if (broken.Count > 0)
                {
                    return new RecordWrite.InUse([.. broken.Take(RecordWrites.MaxListedEdges)], broken.Count);
                }
            }

            var written = source with { Version = current.Version + 1 };
            using var update = Command(connection, transaction, """
                UPDATE sources SET title = $title, kind = $kind, description = $description, text = $text, url = $url, version = $version WHERE id = $id
                """);
            BindSource(update, written);
            update.Parameters.AddWithValue("$version", written.Version);
            update.ExecuteNonQuery();
            return new Decision(null, written.Version, [new Touched(ChangeKind.SourceUpserted, source.Id, null, null,
                new HistoryEntry(RecordKind.Source, source.Id, written.Version, RecordAction.Updated, written.ChangedFrom(current), null, RecordWrites.Snapshot(written)))]);
        }, cancellationToken);

    public Task<RecordWrite> DeleteSourceAsync(string id, long expectedVersion, string by, bool force, CancellationToken cancellationToken = default) =>
        RecordWriteAsync(by, (connection, transaction) =>
        {
            SourceDocument? current;
            using (var read = Command(connection, transaction, SourceSelectSql + " WHERE id = $id"))
            {
                Bind(read, ("$id", id));
                using var reader = read.ExecuteReader();
                current = reader.Read() ? ReadSource(reader) : null;
            }

            if (Refusal(current?.Version, expectedVersion) is { } refusal)
            {
                return refusal;
            }

            var citing = CitingEdges(connection, transaction, id);
            if (citing.Count > 0 && !force)
            {
                return new RecordWrite.InUse([.. citing.Take(RecordWrites.MaxListedEdges).Select(e => e.Edge.Id)], citing.Count);
            }

            var touched = new List<Touched>();
            var note = $"source '{id}' was deleted";
            foreach (var (edge, rowId) in citing)
            {
                var remaining = edge.WithoutSource(id);
                if (remaining.Evidence.Count == 0)
                {
                    touched.Add(RemoveEdgeRow(connection, transaction, edge, rowId, note + ": it was the edge's only evidence"));
                    continue;
                }

                var written = remaining with { Version = edge.Version + 1 };
                WriteEdgeRow(connection, transaction, written);
                touched.Add(new Touched(ChangeKind.EdgeUpserted, edge.Id, rowId, null,
                    new HistoryEntry(RecordKind.Edge, edge.Id, written.Version, RecordAction.Updated, written.ChangedFrom(edge), note + ": its citations removed", RecordWrites.Snapshot(written))));
            }

            using (var delete = Command(connection, transaction, "DELETE FROM sources WHERE id = $id"))
            {
                Bind(delete, ("$id", id));
                delete.ExecuteNonQuery();
            }

            var gone = current! with { Version = current.Version + 1 };
            touched.Add(new Touched(ChangeKind.SourceRemoved, id, null, null,
                new HistoryEntry(RecordKind.Source, id, gone.Version, RecordAction.Deleted, RecordWrites.DeletionFields,
                    citing.Count > 0 ? $"its citations removed from {citing.Count} edge(s)" : null, RecordWrites.Snapshot(gone))));
            return new Decision(null, gone.Version, touched);
        }, cancellationToken);

    public Task<IReadOnlyList<RecordVersion>?> GetHistoryAsync(RecordKind kind, string id, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        var result = new List<RecordVersion>();
        using (var command = Command(connection, null, """
            SELECT version, at, by, action, changed, seq, note, state FROM history WHERE record_kind = $kind AND id = $id ORDER BY version
            """))
        {
            Bind(command, ("$kind", kind.ToString()), ("$id", id));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(new RecordVersion(
                    reader.GetInt64(0),
                    DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                    reader.GetString(2),
                    Enum.Parse<RecordAction>(reader.GetString(3)),
                    JsonSerializer.Deserialize<List<string>>(reader.GetString(4), s_json) ?? [],
                    reader.GetInt64(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    RecordWrites.Parse(reader.GetString(7))));
            }
        }

        if (result.Count == 0 && !Exists(connection, null, kind switch { RecordKind.Node => "nodes", RecordKind.Edge => "edges", _ => "sources" }, id))
        {
            return Task.FromResult<IReadOnlyList<RecordVersion>?>(null);
        }

        return Task.FromResult<IReadOnlyList<RecordVersion>?>(result);
    }

    /// <summary>
    /// Runs an analyst's write in one transaction (after catching up with other processes): the body decides
    /// and writes the records; then one change row and one history row per record touched, the commit, and
    /// the index update, published at once.
    /// </summary>
    private async Task<RecordWrite> RecordWriteAsync(string by, Func<SqliteConnection, SqliteTransaction, Decision> write, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _ = Index;
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            CatchUp(connection, transaction);
            var decision = write(connection, transaction);
            if (decision.Refusal is { } refusal)
            {
                return refusal;
            }

            var changes = new List<Change>();
            using (var history = Command(connection, transaction, """
                INSERT INTO history (record_kind, id, version, at, by, action, changed, note, state, seq)
                VALUES ($kind, $id, $version, $at, $by, $action, $changed, $note, $state, $seq)
                """))
            {
                foreach (var touched in decision.Touched!)
                {
                    var change = AppendChange(connection, transaction, touched.Kind, touched.EntityId, touched.RowId);
                    changes.Add(change);
                    if (touched.History is not { } entry)
                    {
                        continue; // a change with no record history (a dismissed suggestion)
                    }

                    Bind(history,
                        ("$kind", entry.Kind.ToString()), ("$id", entry.Id), ("$version", entry.Version),
                        ("$at", change.At.ToString("O", CultureInfo.InvariantCulture)), ("$by", by), ("$action", entry.Action.ToString()),
                        ("$changed", JsonSerializer.Serialize(entry.Changed, s_json)), ("$note", (object?)entry.Note ?? DBNull.Value),
                        ("$state", entry.State), ("$seq", change.Seq));
                    history.ExecuteNonQuery();
                }
            }

            transaction.Commit();
            ExplorerMetrics.CommitDuration.RecordSince(started, new("explorer.write", "record"));
            if (changes.Count == 0)
            {
                return new RecordWrite.Written(decision.Version, changes);
            }

            ApplyCommitted(changes[^1].Seq, writer =>
            {
                foreach (var touched in decision.Touched!)
                {
                    touched.Apply?.Invoke(writer);
                }
            });
            foreach (var change in changes)
            {
                _edgeRecords.Apply(change);
            }

            return new RecordWrite.Written(decision.Version, changes);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The records analysts have written (they have history): seeding leaves them alone.</summary>
    private static HashSet<(RecordKind Kind, string Id)> TakenOver(SqliteConnection connection, SqliteTransaction transaction)
    {
        var taken = new HashSet<(RecordKind, string)>();
        using var command = Command(connection, transaction, "SELECT DISTINCT record_kind, id FROM history");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            taken.Add((Enum.Parse<RecordKind>(reader.GetString(0)), reader.GetString(1)));
        }

        return taken;
    }

    private static RecordWrite? Refusal(long? currentVersion, long expectedVersion) => currentVersion switch
    {
        null => RecordWrite.Missing,
        { } version when version != expectedVersion => new RecordWrite.VersionConflict(version),
        _ => null,
    };

    private static bool Exists(SqliteConnection connection, SqliteTransaction? transaction, string table, string id)
    {
        // table is one of three constants, never input.
        using var command = Command(connection, transaction, $"SELECT 1 FROM {table} WHERE id = $id");
        Bind(command, ("$id", id));
        return command.ExecuteScalar() is not null;
    }

    private static long NextVersion(SqliteConnection connection, SqliteTransaction transaction, RecordKind kind, string id)
    {
        using var command = Command(connection, transaction, "SELECT coalesce(max(version), 0) + 1 FROM history WHERE record_kind = $kind AND id = $id");
        Bind(command, ("$kind", kind.ToString()), ("$id", id));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private sealed record NodeRow(Node Node, long RowId);

    private sealed record EdgeRow(Edge Edge, long RowId);

    private static NodeRow? ReadNodeRow(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var command = Command(connection, transaction, "SELECT id, kind, name, aliases, description, valid_from, valid_to, version, nid FROM nodes WHERE id = $id");
        Bind(command, ("$id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new NodeRow(ReadNode(reader, 0), reader.GetInt64(8)) : null;
    }

    private static List<EdgeRow> ReadEdgeRows(SqliteConnection connection, SqliteTransaction? transaction, string where, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, EdgeSelectSql + " " + where);
        Bind(command, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<EdgeRow>();
        while (reader.Read())
        {
            rows.Add(new EdgeRow(ReadEdge(reader), reader.GetInt64(5)));
        }

        return rows;
    }

    /// <summary>Edges with evidence from a source (a scan of the edges' evidence: deleting or re-texting a source is rare).</summary>
    private static List<EdgeRow> CitingEdges(SqliteConnection connection, SqliteTransaction? transaction, string sourceId) =>
        ReadEdgeRows(connection, transaction,
            "WHERE EXISTS (SELECT 1 FROM json_each(e.evidence) WHERE json_extract(value, '$.sourceId') = $source) ORDER BY e.id",
            ("$source", sourceId));

    private static string? MissingEnd(SqliteConnection connection, SqliteTransaction transaction, Edge edge) =>
        new[] { edge.Source, edge.Target }.FirstOrDefault(id => !Exists(connection, transaction, "nodes", id));

    private static void WriteEdgeRow(SqliteConnection connection, SqliteTransaction transaction, Edge edge)
    {
        using var update = Command(connection, transaction, """
            UPDATE edges SET type = $type,
                source_nid = (SELECT nid FROM nodes WHERE id = $source), target_nid = (SELECT nid FROM nodes WHERE id = $target),
                evidence = $evidence, valid_from = $validFrom, valid_to = $validTo, suspensions = $suspensions, status = $status, version = $version
            WHERE id = $id
            """);
        BindEdge(update, edge);
        update.Parameters.AddWithValue("$version", edge.Version);
        update.ExecuteNonQuery();
    }

    private static Touched RemoveEdgeRow(SqliteConnection connection, SqliteTransaction transaction, Edge edge, long rowId, string? note)
    {
        using (var delete = Command(connection, transaction, "DELETE FROM edges WHERE eid = $eid"))
        {
            Bind(delete, ("$eid", rowId));
            delete.ExecuteNonQuery();
        }

        var gone = edge with { Version = edge.Version + 1 };
        return new Touched(ChangeKind.EdgeRemoved, edge.Id, rowId, w => w.RemoveEdge(rowId),
            new HistoryEntry(RecordKind.Edge, edge.Id, gone.Version, RecordAction.Deleted, RecordWrites.DeletionFields, note, RecordWrites.Snapshot(gone)));
    }
}
