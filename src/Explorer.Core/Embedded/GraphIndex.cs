using Explorer.Algorithms;
using Explorer.Graph;
using Explorer.Search;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Explorer.Embedded;

/// <summary>One edge row as the index needs it: the store's row key, its type and its endpoints (by node load position).</summary>
internal readonly record struct EdgeRow(long RowId, byte Type, int Source, int Target);

/// <summary>
/// Edge rows as columns by edge ordinal: the store's row key, the type code, and the endpoints (node row ids
/// as read, load positions after <see cref="ToPositions"/>). Endpoints are kept as ints while they fit (the
/// usual case), else as longs (<c>wide</c>).
/// </summary>
internal sealed class EdgeColumns
{
    private readonly bool _wide;
    private long[] _rowIds;
    private byte[] _types;
    private int[] _sources;
    private int[] _targets;
    private long[] _wideSources;
    private long[] _wideTargets;

    public EdgeColumns(int capacity, bool wide = false)
    {
        _wide = wide;
        // Huge pages for the millions of rows a rebuild reads (fewer page faults; see HugePages.Allocate).
        _rowIds = HugePages.Allocate<long>(capacity, uninitialized: false);
        _types = HugePages.Allocate<byte>(capacity, uninitialized: false);
        (_sources, _targets) = wide ? ([], []) : (HugePages.Allocate<int>(capacity, uninitialized: false), HugePages.Allocate<int>(capacity, uninitialized: false));
        (_wideSources, _wideTargets) = wide ? (HugePages.Allocate<long>(capacity, uninitialized: false), HugePages.Allocate<long>(capacity, uninitialized: false)) : ([], []);
    }

    /// <summary>Edges from rows (endpoints as load positions already).</summary>
    public EdgeColumns(ReadOnlySpan<EdgeRow> rows)
        : this(rows.Length)
    {
        foreach (var row in rows)
        {
            Add(row.RowId, row.Type, row.Source, row.Target);
        }
    }

    public int Count { get; private set; }

    public long[] RowIds => _rowIds;

    public byte[] Types => _types;

    /// <summary>Sources as load positions (after <see cref="ToPositions"/>, or when built from rows).</summary>
    public int[] Sources => _sources;

    public int[] Targets => _targets;

    /// <summary>Appends an edge; false (nothing added) when an endpoint does not fit an int in a narrow table.</summary>
    public bool Add(long rowId, byte type, long source, long target)
    {
        if (!_wide && ((ulong)source > int.MaxValue || (ulong)target > int.MaxValue))
        {
            return false;
        }

        if (Count == _rowIds.Length)
        {
            Resize(Math.Max(16, Count * 2));
        }

        _rowIds[Count] = rowId;
        _types[Count] = type;
        if (_wide)
        {
            (_wideSources[Count], _wideTargets[Count]) = (source, target);
        }
        else
        {
            (_sources[Count], _targets[Count]) = ((int)source, (int)target);
        }

        Count++;
        return true;
    }

    /// <summary>The same edges in arrays of exactly <see cref="Count"/>.</summary>
    public EdgeColumns Trimmed()
    {
        if (Count != _rowIds.Length)
        {
            Resize(Count);
        }

        return this;
    }

    /// <summary>Every column to <paramref name="size"/> entries (the endpoint columns in use: narrow or wide).</summary>
    private void Resize(int size)
    {
        Array.Resize(ref _rowIds, size);
        Array.Resize(ref _types, size);
        if (_wide)
        {
            Array.Resize(ref _wideSources, size);
            Array.Resize(ref _wideTargets, size);
        }
        else
        {
            Array.Resize(ref _sources, size);
            Array.Resize(ref _targets, size);
        }
    }

    /// <summary>
    /// Endpoints from node row ids to load positions (<paramref name="nodeRowIds"/>[position] = row id), in
    /// place; an endpoint that is not a node throws <see cref="KeyNotFoundException"/>.
    /// </summary>
    public EdgeColumns ToPositions(long[] nodeRowIds)
    {
        var positionOf = new GraphIndex.RowPositions(nodeRowIds);
        if (_wide)
        {
            (_sources, _targets) = (new int[Count], new int[Count]);
        }

        for (var e = 0; e < Count; e++)
        {
            _sources[e] = positionOf[_wide ? _wideSources[e] : _sources[e]];
            _targets[e] = positionOf[_wide ? _wideTargets[e] : _targets[e]];
        }

        (_wideSources, _wideTargets) = ([], []);
        return this;
    }
}

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

    public static GraphIndex Build(NodeTable nodes, EdgeRow[] edges) => Build(nodes, new EdgeColumns(edges), PrepareNames(nodes));

    /// <summary>Builds an index from nodes by load position and edges over those positions (edge ordinals keep their order).</summary>
    public static GraphIndex Build(NodeTable nodes, EdgeColumns edges, Task<PreparedNames> names)
    {
        var kinds = new byte[nodes.Count];
        for (var i = 0; i < kinds.Length; i++)
        {
            kinds[i] = (byte)nodes.Kind(i);
        }

        var graph = CsrGraph.Build(nodes.Count, edges.Sources, edges.Targets, edges.Types, kinds, relabel: true, out var order);

        // The node table in ordinal order and the name index over ordinals need only the order: built side by side.
        var permuting = Task.Run(() => nodes.Permute(order));
        var byOrdinal = new OrdinalNodes(nodes, order);
        NameIndex nameIndex;
        try
        {
            nameIndex = NameIndex.Build(names.GetAwaiter().GetResult(), order, byOrdinal.Kind, byOrdinal.Name);
        }
        finally
        {
            ((IAsyncResult)permuting).AsyncWaitHandle.WaitOne();
        }

        var permuted = permuting.GetAwaiter().GetResult();
        byOrdinal.Permuted(permuted);
        return new GraphIndex(new BuiltParts(nameIndex, permuted, nodes.Count, edges.Count), graph, null, edges.RowIds, NameOverlay.Empty);
    }

    /// <summary>
    /// The nodes by ordinal for the name index's kind and name look-ups while the permuted table is being built
    /// (through the order, over the table by load position), then the permuted table alone: the one by load
    /// position is not kept alive by the index.
    /// </summary>
    private sealed class OrdinalNodes(NodeTable byPosition, int[] order)
    {
        private volatile NodeTable? _permuted;
        private NodeTable? _byPosition = byPosition;
        private int[]? _order = order;

        public void Permuted(NodeTable table)
        {
            _permuted = table;
            (_byPosition, _order) = (null, null);
        }

        public NodeKind Kind(int ordinal) => _permuted is { } table ? table.Kind(ordinal) : _byPosition!.Kind(_order![ordinal]);

        public string Name(int ordinal) => _permuted is { } table ? table.Name(ordinal) : _byPosition!.Name(_order![ordinal]);
    }

    /// <summary>
    /// A freshly built index with the same content as <paramref name="view"/>: live nodes in ordinal order,
    /// live edges by row id. Pure: safe to run beside the writer.
    /// </summary>
    public static GraphIndex Compact(GraphIndex view) => Compact(view, null);

    /// <summary>
    /// <see cref="Compact(GraphIndex)"/>, with the name index's order-independent part (<see cref="PrepareNames"/>) of
    /// <paramref name="view"/>'s build node table prepared already (a bulk load of edges prepares it while it runs, for
    /// the relayout at its end), used when the view's nodes are exactly its build's (then the compacted table holds them
    /// at the same positions), else prepared again.
    /// </summary>
    public static GraphIndex Compact(GraphIndex view, Task<PreparedNames>? builtNames)
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
        var table = nodes.Build(findable: false);
        return Build(table, new EdgeColumns([.. edges]), builtNames is not null && NodesAreTheBuilds(view) ? builtNames : PrepareNames(table));
    }

    /// <summary>Whether a view's nodes are exactly its build's: none added, removed or rewritten, no name overlay.</summary>
    private static bool NodesAreTheBuilds(GraphIndex view)
    {
        var graph = view.Graph;
        if (graph.NodeCount != view.Built.NodeCount || !view.Overlay.IsEmpty)
        {
            return false;
        }

        for (var o = 0; o < graph.NodeCount; o++)
        {
            if (graph.IsNodeRemoved(o) || view.Nodes.IsChanged(o))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <see cref="Compact"/> for a view whose nodes are exactly its build's (none added, removed or rewritten,
    /// no name overlay), as during a bulk load of edges: only the topology is rebuilt, with the nodes kept in the
    /// build's order, so the built node table and name index (immutable, over the same ordinals) are kept instead
    /// of built again. Null when a node changed. The same answers as <see cref="Compact"/>; only the node order
    /// is the last full build's instead of one laid out for the new edges.
    /// </summary>
    public static GraphIndex? CompactEdges(GraphIndex view)
    {
        var (graph, built) = (view.Graph, view.Built);
        if (!NodesAreTheBuilds(view))
        {
            return null;
        }

        var kinds = new byte[graph.NodeCount];
        for (var o = 0; o < kinds.Length; o++)
        {
            kinds[o] = (byte)built.Nodes.Kind(o);
        }

        var edges = new EdgeColumns(view.EdgeCount);
        var sorted = true;
        for (var e = 0; e < graph.EdgeCount; e++)
        {
            if (!graph.IsEdgeRemoved(e))
            {
                sorted &= edges.Count == 0 || edges.RowIds[edges.Count - 1] < view.EdgeRowIds[e];
                edges.Add(view.EdgeRowIds[e], graph.EdgeType[e], graph.EdgeSource[e], graph.EdgeTarget[e]);
            }
        }

        if (!sorted)
        {
            // Edge ordinals ascend by row id, as a build from the file has them.
            var rows = new EdgeRow[edges.Count];
            for (var e = 0; e < rows.Length; e++)
            {
                rows[e] = new EdgeRow(edges.RowIds[e], edges.Types[e], edges.Sources[e], edges.Targets[e]);
            }

            Array.Sort(rows, (a, b) => a.RowId.CompareTo(b.RowId));
            edges = new EdgeColumns(rows);
        }

        var topology = CsrGraph.Build(graph.NodeCount, edges.Sources, edges.Targets, edges.Types, kinds, relabel: false, out _);
        return new GraphIndex(new BuiltParts(built.Names, built.Nodes, built.NodeCount, edges.Count), topology, null, edges.RowIds, NameOverlay.Empty);
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
    /// each one's row id. Reads through SQLite's own API (<see cref="SqliteRows"/>); the same records as
    /// reading them through Microsoft.Data.Sqlite (an unknown kind throws as <see cref="Enum.Parse{TEnum}(string)"/> does).
    /// </summary>
    public static (NodeTable Nodes, long[] RowIds) ReadNodes(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var capacity = RowCount(connection, transaction, "SELECT count(*) FROM nodes");
        using var mapped = SqliteRows.Mapped(connection, transaction);
        using var rows = new SqliteRows(connection, "SELECT nid, id, kind, name, aliases, description, valid_from, valid_to, version FROM nodes ORDER BY nid", 9);
        var nodes = new NodeTable.Builder(capacity);
        var rowIds = new List<long>(capacity);
        var kinds = new List<(byte[] Utf8, NodeKind Kind)>();
        while (rows.Step())
        {
            var kindText = rows.Bytes(2);
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

            rowIds.Add(rows.Int64(0));
            nodes.Add(rows.Bytes(1), kind.Value, rows.Text(3)!, rows.Bytes(4), rows.Bytes(5), rows.Text(6), rows.Text(7), rows.Int64(8));
        }

        return (nodes.Build(findable: false), [.. rowIds]);
    }

    /// <summary>
    /// Every row of the edges table, by row id, with its endpoints as load positions
    /// (<paramref name="nodeRowIds"/>[position] = node row id, ascending). Same rows, order and failures as the
    /// SqliteDataReader loop it replaced (an unknown type throws <see cref="GraphWriteException"/>, an endpoint
    /// that is not a node <see cref="KeyNotFoundException"/>).
    /// </summary>
    public static EdgeColumns ReadEdges(SqliteConnection connection, SqliteTransaction? transaction, long[] nodeRowIds) =>
        (ReadEdgeRows(connection, transaction) ?? ReadEdgeRows(connection, transaction, wide: true)!).ToPositions(nodeRowIds);

    /// <summary>
    /// The edges table's rows with their endpoints as node row ids (<paramref name="wide"/> false: null when
    /// one does not fit an int; then read again wide). Needs no node: it can run beside <see cref="ReadNodes"/>.
    /// </summary>
    private static EdgeColumns? ReadEdgeRows(SqliteConnection connection, SqliteTransaction? transaction, bool wide = false)
    {
        var capacity = RowCount(connection, transaction, "SELECT count(*) FROM edges");
        using var mapped = SqliteRows.Mapped(connection, transaction);
        using var rows = new SqliteRows(connection, "SELECT eid, type, source_nid, target_nid FROM edges ORDER BY eid", 4);
        var edges = new EdgeColumns(capacity, wide);
        var types = new List<(byte[] Utf8, byte Code)>();
        while (rows.Step())
        {
            var typeText = rows.Bytes(1);
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

            if (!edges.Add(rows.Int64(0), type, rows.Int64(2), rows.Int64(3)))
            {
                return null;
            }
        }

        return edges.Trimmed();
    }

    /// <summary>
    /// Builds the index from the database state <paramref name="transaction"/> sees (a read transaction that
    /// has read already). The edges are read on a second connection from <paramref name="openSecond"/> while
    /// the nodes are read, pinned to that very state through SQLite's WAL snapshots (when it cannot be pinned:
    /// a write transaction, not WAL, no second connection, one after the other on this connection); the name
    /// preparation starts as soon as the nodes are in.
    /// </summary>
    public static GraphIndex Load(SqliteConnection connection, SqliteTransaction? transaction, Func<SqliteConnection>? openSecond)
    {
        var second = openSecond is null ? null : PinnedSecond(connection, transaction, openSecond);
        if (second is null)
        {
            var (nodes, rowIds) = ReadNodes(connection, transaction);
            var prepared = PrepareNames(nodes);
            return Build(nodes, ReadEdges(connection, transaction, rowIds), prepared);
        }

        (NodeTable Nodes, long[] RowIds) read;
        Task<PreparedNames> names;
        EdgeColumns? edges;
        try
        {
            var edgeRows = Task.Factory.StartNew(() => ReadEdgeRows(second.Value.Connection, second.Value.Transaction), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                read = ReadNodes(connection, transaction);
                names = PrepareNames(read.Nodes);
            }
            finally
            {
                // The edge read owns the second connection until it ends, whatever happened here.
                ((IAsyncResult)edgeRows).AsyncWaitHandle.WaitOne();
            }

            edges = edgeRows.GetAwaiter().GetResult();
        }
        finally
        {
            second.Value.Transaction.Dispose();
            second.Value.Connection.Dispose();
        }

        edges ??= ReadEdgeRows(connection, transaction, wide: true)!;
        return Build(read.Nodes, edges.ToPositions(read.RowIds), names);
    }

    /// <summary>
    /// A second connection in a read transaction that sees the same database state as <paramref name="connection"/>'s
    /// (which must have read already), or null. Pinned to the same WAL snapshot when SQLite can take one (not
    /// before a transaction was written to the current WAL file, e.g. right after a clean open); else accepted
    /// only if both see the same newest change-log sequence (every committed node or edge write appends to
    /// the log, which is what other processes' catch-up relies on too) and the first is not writing (its own
    /// uncommitted rows would be invisible to the second).
    /// </summary>
    internal static (SqliteConnection Connection, SqliteTransaction Transaction)? PinnedSecond(SqliteConnection connection, SqliteTransaction? transaction, Func<SqliteConnection> open)
    {
        sqlite3_snapshot? snapshot = null;
        SqliteConnection? second = null;
        SqliteTransaction? secondTransaction = null;
        try
        {
            var pinned = raw.sqlite3_snapshot_get(connection.Handle!, "main", out snapshot) == raw.SQLITE_OK;
            if (!pinned && (transaction is null || SqliteRows.IsWriting(connection) != false))
            {
                return null;
            }

            second = open();
            secondTransaction = second.BeginTransaction(deferred: true);
            if (pinned
                ? raw.sqlite3_snapshot_open(second.Handle!, "main", snapshot) == raw.SQLITE_OK
                : NewestSeq(connection, transaction) == NewestSeq(second, secondTransaction))
            {
                (SqliteConnection, SqliteTransaction) kept = (second, secondTransaction);
                (second, secondTransaction) = (null, null);
                return kept;
            }

            return null;
        }
        catch (SqliteException)
        {
            return null;
        }
        finally
        {
            snapshot?.Dispose();
            secondTransaction?.Dispose();
            second?.Dispose();
        }

        static long NewestSeq(SqliteConnection connection, SqliteTransaction? transaction)
        {
            using var newest = connection.CreateCommand();
            newest.Transaction = transaction;
            newest.CommandText = "SELECT coalesce(max(seq), 0) FROM changes";
            return Convert.ToInt64(newest.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
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
        var built = Built.Names.Search(text, kinds, limit + overlay.StaleCount);
        var hits = built.Where(h => !IsStale(overlay, h.Node)).ToList();
        var overlaid = overlay.Index.Search(text, kinds, limit, fuzzyBesideExact: true);

        // One index over every node leaves the typos out when the query is some live node's exact id, name or
        // alias. The built side ruled on its own nodes: when its only exact hits are stale (renamed or removed
        // since the build) and the overlay has none, its typos count after all; when the overlay has a new exact
        // hit, the built side's typos do not.
        var exact = hits.Exists(h => h.Match == MatchKind.Exact) || overlaid.Any(h => h.Match == MatchKind.Exact);
        if (!exact && built.Any(h => h.Match == MatchKind.Exact))
        {
            hits = [.. Built.Names.Search(text, kinds, limit + overlay.StaleCount, fuzzyBesideExact: true).Where(h => !IsStale(overlay, h.Node))];
        }

        hits.AddRange(overlaid.Select(h => (overlay.Ordinals[h.Node], h.Score, h.Match)));
        if (exact)
        {
            hits.RemoveAll(h => h.Match == MatchKind.Fuzzy);
        }
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
    internal sealed class RowPositions
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
