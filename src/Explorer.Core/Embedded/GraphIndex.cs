using Explorer.Algorithms;
using Explorer.Graph;
using Explorer.Search;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Explorer.Embedded;

/// <summary>One edge row as the index needs it: the store's row key, its type and its endpoints (by node load position).</summary>
internal readonly record struct EdgeRow(long RowId, byte Type, int Source, int Target);

/// <summary>
/// The in-memory index of the embedded store as one reader sees it: nodes (a packed <see cref="NodeTable"/>
/// and the records written since), the topology as a
/// <see cref="CsrGraph"/> view, and name search. Immutable for its reader: each committed write publishes a
/// new view (see <see cref="IndexWriter"/>), which shares the built index and sees the changes since through
/// the graph delta and a small name overlay, so a write costs microseconds, not a rebuild, and readers never
/// lock. <see cref="Compact"/> rebuilds a fresh one from a view (in the background, see the store).
/// </summary>
internal sealed class GraphIndex
{
    /// <summary>Edge-type codes: the vocabulary in a fixed order (a byte in the topology).</summary>
    public static readonly string[] TypeNames = [.. Vocabulary.EdgeTypes.Keys.Order(StringComparer.Ordinal)];

    private static readonly Dictionary<string, byte> s_typeCodes = TypeNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => (byte)p.i, StringComparer.Ordinal);

    private static readonly double[] s_typeCosts = [.. TypeNames.Select(Vocabulary.Cost)];

    internal GraphIndex(BuiltParts built, CsrGraph graph, Node?[]? changedNodes, long[] edgeRowIds, NameOverlay names)
    {
        Built = built;
        Graph = graph;
        Nodes = new NodeView(built.Nodes, changedNodes);
        EdgeRowIds = edgeRowIds;
        Overlay = names;
    }

    /// <summary>What every view of one build shares: the built name index and node records (with the id map), and the ids added since.</summary>
    internal sealed class BuiltParts(NameIndex names, NodeTable nodes, int nodeCount, int edgeCount)
    {
        public NameIndex Names { get; } = names;

        /// <summary>The node records as built, by ordinal (they also find an ordinal by id).</summary>
        public NodeTable Nodes { get; } = nodes;

        public int NodeCount { get; } = nodeCount;

        public int EdgeCount { get; } = edgeCount;

        /// <summary>Ids of nodes added since the build (written by the one writer; read by anyone).</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<string, int> AddedIds { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// Name search over the nodes added or renamed since the build (<see cref="Ordinals"/>, searched with an index
    /// of their own, built on first use), and the stamps of built ordinals whose names no longer hold.
    /// </summary>
    internal sealed class NameOverlay
    {
        public static readonly NameOverlay Empty = new([], null, 0, default);

        private readonly Lazy<NameIndex> _index;

        public NameOverlay(int[] ordinals, int[]? staleAt, int staleCount, NodeView nodes)
        {
            Ordinals = ordinals;
            StaleAt = staleAt;
            StaleCount = staleCount;
            _index = new(() => NameIndex.Build(
                ordinals.Length,
                i => [nodes.Id(ordinals[i]), nodes.Name(ordinals[i]), .. nodes[ordinals[i]].Aliases],
                i => nodes.Kind(ordinals[i]),
                i => nodes.Name(ordinals[i])));
        }

        public int[] Ordinals { get; }

        public int[]? StaleAt { get; }

        public int StaleCount { get; }

        public bool IsEmpty => Ordinals.Length == 0 && StaleCount == 0;

        public NameIndex Index => _index.Value;
    }

    internal BuiltParts Built { get; }

    internal NameOverlay Overlay { get; }

    public CsrGraph Graph { get; }

    /// <summary>Nodes by ordinal (the topology's layout order); removed ones stay (see <see cref="Ordinal"/>).</summary>
    public NodeView Nodes { get; }

    /// <summary>SQLite row id of each edge, by edge ordinal (ascending over the built edges).</summary>
    public long[] EdgeRowIds { get; }

    public int NodeCount => Graph.LiveNodeCount;

    public int EdgeCount => Graph.LiveEdgeCount;

    public static byte TypeCode(string type) =>
        s_typeCodes.TryGetValue(type, out var code) ? code : throw new GraphWriteException($"unknown edge type '{type}'");

    public static bool TryTypeCode(string type, out byte code) => s_typeCodes.TryGetValue(type, out code);

    /// <summary>
    /// Starts the order-independent part of the name index (most of its cost) for nodes by load position on
    /// the thread pool, so that it overlaps reading the edges and building the topology.
    /// </summary>
    public static Task<PreparedNames> PrepareNames(NodeTable nodes) =>
        Task.Run(() => NameIndex.Prepare(nodes.Count, position => [nodes.Id(position), nodes.Name(position), .. nodes.Aliases(position)]));

    public static GraphIndex Build(NodeTable nodes, EdgeRow[] edges) => Build(nodes, edges, PrepareNames(nodes));

    /// <summary>Builds an index from nodes by load position and edges over those positions (edge ordinals keep their order).</summary>
    public static GraphIndex Build(NodeTable nodes, EdgeRow[] edges, Task<PreparedNames> names)
    {
        var sources = new int[edges.Length];
        var targets = new int[edges.Length];
        var types = new byte[edges.Length];
        var rowIds = new long[edges.Length];
        for (var i = 0; i < edges.Length; i++)
        {
            sources[i] = edges[i].Source;
            targets[i] = edges[i].Target;
            types[i] = edges[i].Type;
            rowIds[i] = edges[i].RowId;
        }

        var kinds = new byte[nodes.Count];
        for (var i = 0; i < kinds.Length; i++)
        {
            kinds[i] = (byte)nodes.Kind(i);
        }

        var graph = CsrGraph.Build(nodes.Count, sources, targets, types, kinds, relabel: true, out var order);
        var byOrdinal = nodes.Permute(order);
        var nameIndex = NameIndex.Build(names.GetAwaiter().GetResult(), order, byOrdinal.Kind, byOrdinal.Name);
        return new GraphIndex(new BuiltParts(nameIndex, byOrdinal, nodes.Count, edges.Length), graph, null, rowIds, NameOverlay.Empty);
    }

    /// <summary>
    /// A freshly built index with the same content as <paramref name="view"/>: live nodes in ordinal order,
    /// live edges by row id. Pure: safe to run beside the writer.
    /// </summary>
    public static GraphIndex Compact(GraphIndex view)
    {
        var graph = view.Graph;
        var position = new int[graph.NodeCount];
        var nodes = new NodeTable.Builder(view.NodeCount);
        var (built, records) = (view.Nodes.Built, view.Nodes);
        for (var o = 0; o < graph.NodeCount; o++)
        {
            if (graph.IsNodeRemoved(o))
            {
                position[o] = -1;
                continue;
            }

            position[o] = nodes.Count;
            if (o < built.Count && !records.IsChanged(o))
            {
                nodes.Add(built, o);
            }
            else
            {
                nodes.Add(records[o]);
            }
        }

        var edges = new List<EdgeRow>(view.EdgeCount);
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            if (!graph.IsEdgeRemoved(e))
            {
                edges.Add(new EdgeRow(view.EdgeRowIds[e], graph.EdgeType[e], position[graph.EdgeSource[e]], position[graph.EdgeTarget[e]]));
            }
        }

        edges.Sort((a, b) => a.RowId.CompareTo(b.RowId));
        return Build(nodes.Build(findable: false), [.. edges]);
    }

    /// <summary>A table's row count, to size the arrays a native read fills (the query is a constant).</summary>
    private static int RowCount(SqliteConnection connection, SqliteTransaction? transaction, string countQuery)
    {
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = countQuery;
        return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every row of the nodes table, by row id, packed as it is read (no string but the name per node), with
    /// each one's row id. Reads through SQLite's own API, like <see cref="ReadEdges"/>; the same records as
    /// reading them through Microsoft.Data.Sqlite (an unknown kind throws as <see cref="Enum.Parse{TEnum}(string)"/> does).
    /// </summary>
    public static (NodeTable Nodes, long[] RowIds) ReadNodes(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var capacity = RowCount(connection, transaction, "SELECT count(*) FROM nodes");

        var db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(db, "SELECT nid, id, kind, name, aliases, description, valid_from, valid_to, version FROM nodes ORDER BY nid", out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        using (statement)
        {
            var nodes = new NodeTable.Builder(capacity);
            var rowIds = new List<long>(capacity);
            var kinds = new List<(byte[] Utf8, NodeKind Kind)>();
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var kindText = raw.sqlite3_column_blob(statement, 2);
                NodeKind? kind = null;
                foreach (var (utf8, known) in kinds)
                {
                    if (kindText.SequenceEqual(utf8))
                    {
                        kind = known;
                        break;
                    }
                }

                if (kind is null)
                {
                    kind = Enum.Parse<NodeKind>(System.Text.Encoding.UTF8.GetString(kindText));
                    kinds.Add((kindText.ToArray(), kind.Value));
                }

                rowIds.Add(raw.sqlite3_column_int64(statement, 0));
                nodes.Add(
                    raw.sqlite3_column_blob(statement, 1),
                    kind.Value,
                    Text(statement, 3)!,
                    raw.sqlite3_column_blob(statement, 4),
                    raw.sqlite3_column_blob(statement, 5),
                    Text(statement, 6),
                    Text(statement, 7),
                    raw.sqlite3_column_int64(statement, 8));
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return (nodes.Build(findable: false), [.. rowIds]);
        }

        static string? Text(sqlite3_stmt statement, int column) =>
            raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : System.Text.Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, column));
    }

    /// <summary>
    /// Every row of the edges table, by row id, with its endpoints as load positions
    /// (<paramref name="nodeRowIds"/>[position] = node row id, ascending). Reads through SQLite's own API:
    /// Microsoft.Data.Sqlite's reader costs about a microsecond per row, most of a million-node start-up.
    /// Same rows, order and failures as the SqliteDataReader loop it replaces (an unknown type throws
    /// <see cref="GraphWriteException"/>, an endpoint that is not a node <see cref="KeyNotFoundException"/>).
    /// </summary>
    public static EdgeRow[] ReadEdges(SqliteConnection connection, SqliteTransaction? transaction, long[] nodeRowIds)
    {
        var positionOf = new RowPositions(nodeRowIds);
        var capacity = RowCount(connection, transaction, "SELECT count(*) FROM edges");

        var db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(db, "SELECT eid, type, source_nid, target_nid FROM edges ORDER BY eid", out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        using (statement)
        {
            var edges = new EdgeRow[capacity];
            var types = new List<(byte[] Utf8, byte Code)>();
            var n = 0;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var typeText = raw.sqlite3_column_blob(statement, 1);
                byte type = 0;
                var known = false;
                foreach (var (utf8, code) in types)
                {
                    if (typeText.SequenceEqual(utf8))
                    {
                        (type, known) = (code, true);
                        break;
                    }
                }

                if (!known)
                {
                    type = TypeCode(System.Text.Encoding.UTF8.GetString(typeText));
                    types.Add((typeText.ToArray(), type));
                }

                if (n == edges.Length)
                {
                    Array.Resize(ref edges, Math.Max(16, edges.Length * 2));
                }

                edges[n++] = new EdgeRow(
                    raw.sqlite3_column_int64(statement, 0),
                    type,
                    positionOf[raw.sqlite3_column_int64(statement, 2)],
                    positionOf[raw.sqlite3_column_int64(statement, 3)]);
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return n == edges.Length ? edges : edges[..n];
        }
    }

    /// <summary>The live node with this id, or null.</summary>
    public int? Ordinal(string id)
    {
        if ((Built.AddedIds.IsEmpty || !Built.AddedIds.TryGetValue(id, out var ordinal)) && (ordinal = Built.Nodes.Find(id)) < 0)
        {
            return null;
        }

        return ordinal < Graph.NodeCount && !Graph.IsNodeRemoved(ordinal) ? ordinal : null;
    }

    public string TypeName(int edgeOrdinal) => TypeNames[Graph.EdgeType[edgeOrdinal]];

    /// <summary>The hop cost of an edge in <c>mode=k</c> (<see cref="Vocabulary.Cost"/> of its type), without a name look-up.</summary>
    public double TypeCost(int edgeOrdinal) => s_typeCosts[Graph.EdgeType[edgeOrdinal]];

    /// <param name="blocked">Edge ordinals not to count (facts that did not hold at an as-of query's date).</param>
    public IReadOnlyDictionary<string, int> CountsByType(int ordinal, IReadOnlySet<int>? blocked = null)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var adjacency = Graph.Neighbors(ordinal); adjacency.MoveNext();)
        {
            if (blocked is not null && blocked.Contains(adjacency.Entry >> 1))
            {
                continue;
            }

            var type = TypeName(adjacency.Entry >> 1);
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        return counts;
    }

    /// <summary>Node ordinals whose id, name or alias equals the term after normalization.</summary>
    public IReadOnlyList<int> Resolve(string term)
    {
        var overlay = Overlay;
        var found = Built.Names.Resolve(term);
        if (overlay.IsEmpty)
        {
            return found;
        }

        return [.. found.Where(o => !IsStale(overlay, o)), .. overlay.Index.Resolve(term).Select(i => overlay.Ordinals[i])];
    }

    /// <summary>
    /// Ranked name search: the built index and the overlay searched alike and merged. The same answers as one
    /// index over every node (up to the order of hits equal in score and name): tiers never overlap in score,
    /// so a tier one side skips because the other already filled the limit could not have reached the top.
    /// </summary>
    public IReadOnlyList<(int Node, double Score, MatchKind Match)> Search(string text, IReadOnlySet<NodeKind>? kinds, int limit)
    {
        var overlay = Overlay;
        if (overlay.IsEmpty)
        {
            return Built.Names.Search(text, kinds, limit);
        }

        // Stale built hits still count towards the built index's own tier cut-offs: ask for that many more.
        var hits = Built.Names.Search(text, kinds, limit + overlay.StaleCount).Where(h => !IsStale(overlay, h.Node)).ToList();
        hits.AddRange(overlay.Index.Search(text, kinds, limit).Select(h => (overlay.Ordinals[h.Node], h.Score, h.Match)));
        hits.Sort((a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var (nameA, nameB) = (Nodes.Name(a.Item1), Nodes.Name(b.Item1));
            var byLength = nameA.Length.CompareTo(nameB.Length);
            if (byLength != 0)
            {
                return byLength;
            }

            var byName = string.CompareOrdinal(nameA, nameB);
            return byName != 0 ? byName : a.Item1.CompareTo(b.Item1);
        });
        return hits.Count > limit ? hits.GetRange(0, limit) : hits;
    }

    private bool IsStale(NameOverlay overlay, int ordinal) =>
        overlay.StaleAt is { } stamps && ordinal < stamps.Length && stamps[ordinal] is var at && at != 0 && at <= Graph.Version;

    /// <summary>Load position of a node row id: a dense table when row ids are compact (the usual case), else a dictionary.</summary>
    private sealed class RowPositions
    {
        private readonly int[]? _dense;
        private readonly Dictionary<long, int>? _sparse;

        public RowPositions(long[] rowIds)
        {
            var ascending = true;
            for (var i = 1; i < rowIds.Length && ascending; i++)
            {
                ascending = rowIds[i] > rowIds[i - 1];
            }

            if (ascending && (rowIds.Length == 0 || (rowIds[0] >= 0 && rowIds[^1] < (4L * rowIds.Length) + 1024)))
            {
                _dense = new int[rowIds.Length == 0 ? 0 : rowIds[^1] + 1];
                Array.Fill(_dense, -1);
                for (var i = 0; i < rowIds.Length; i++)
                {
                    _dense[rowIds[i]] = i;
                }
            }
            else
            {
                _sparse = new Dictionary<long, int>(rowIds.Length);
                for (var i = 0; i < rowIds.Length; i++)
                {
                    _sparse[rowIds[i]] = i;
                }
            }
        }

        public int this[long rowId]
        {
            get
            {
                if (_dense is not null)
                {
                    return rowId >= 0 && rowId < _dense.Length && _dense[rowId] >= 0
                        ? _dense[rowId]
                        : throw new KeyNotFoundException($"The given key '{rowId}' was not present in the dictionary.");
                }

                return _sparse![rowId];
            }
        }
    }
}
