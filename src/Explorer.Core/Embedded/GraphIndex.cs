using Explorer.Algorithms;
using Explorer.Graph;
using Explorer.Search;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Explorer.Embedded;

/// <summary>One edge row as the index needs it: the store's row key, its type and its endpoints (by node load position).</summary>
internal readonly record struct EdgeRow(long RowId, byte Type, int Source, int Target);

/// <summary>
/// Immutable in-memory index of the embedded store: nodes (full records), the topology as a
/// <see cref="CsrGraph"/>, and name search. Rebuilt and swapped after each committed topology write, so
/// readers never lock.
/// </summary>
internal sealed class GraphIndex
{
    /// <summary>Edge-type codes: the vocabulary in a fixed order (a byte in the topology).</summary>
    public static readonly string[] TypeNames = [.. Vocabulary.EdgeTypes.Keys.Order(StringComparer.Ordinal)];

    private static readonly Dictionary<string, byte> s_typeCodes = TypeNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => (byte)p.i, StringComparer.Ordinal);

    private GraphIndex(Node[] loadOrderNodes, long[] nodeRowIds, EdgeRow[] edges, CsrGraph graph, int[] order, PreparedNames names)
    {
        LoadOrderNodes = loadOrderNodes;
        NodeRowIds = nodeRowIds;
        Edges = edges;
        Graph = graph;
        Order = order;
        Nodes = new Node[order.Length];
        OrdinalById = new Dictionary<string, int>(order.Length, StringComparer.Ordinal);
        for (var ordinal = 0; ordinal < order.Length; ordinal++)
        {
            var node = loadOrderNodes[order[ordinal]];
            Nodes[ordinal] = node;
            OrdinalById[node.Id] = ordinal;
        }

        Names = NameIndex.Build(names, order, ordinal => Nodes[ordinal].Kind, ordinal => Nodes[ordinal].Name);
    }

    /// <summary>Nodes in the order they were loaded (rebuilds start from here).</summary>
    public Node[] LoadOrderNodes { get; }

    /// <summary>SQLite row id of each node, by load position.</summary>
    public long[] NodeRowIds { get; }

    /// <summary>Edges by edge ordinal (the topology's edge ordinals are positions in this array).</summary>
    public EdgeRow[] Edges { get; }

    public CsrGraph Graph { get; }

    /// <summary>Order[ordinal] = load position of that node.</summary>
    public int[] Order { get; }

    /// <summary>Nodes by ordinal (the topology's layout order).</summary>
    public Node[] Nodes { get; }

    public Dictionary<string, int> OrdinalById { get; }

    public NameIndex Names { get; }

    public static byte TypeCode(string type) =>
        s_typeCodes.TryGetValue(type, out var code) ? code : throw new GraphWriteException($"unknown edge type '{type}'");

    public static bool TryTypeCode(string type, out byte code) => s_typeCodes.TryGetValue(type, out code);

    public static GraphIndex Build(Node[] nodes, long[] nodeRowIds, EdgeRow[] edges) => Build(nodes, nodeRowIds, edges, PrepareNames(nodes));

    /// <summary>
    /// Starts the order-independent part of the name index (most of its cost) for nodes by load position on
    /// the thread pool, so that it overlaps reading the edges and building the topology.
    /// </summary>
    public static Task<PreparedNames> PrepareNames(Node[] nodes) =>
        Task.Run(() => NameIndex.Prepare(nodes.Length, position => [nodes[position].Id, nodes[position].Name, .. nodes[position].Aliases]));

    public static GraphIndex Build(Node[] nodes, long[] nodeRowIds, EdgeRow[] edges, Task<PreparedNames> names)
    {
        var sources = new int[edges.Length];
        var targets = new int[edges.Length];
        var types = new byte[edges.Length];
        for (var i = 0; i < edges.Length; i++)
        {
            sources[i] = edges[i].Source;
            targets[i] = edges[i].Target;
            types[i] = edges[i].Type;
        }

        var kinds = nodes.Select(n => (byte)n.Kind).ToArray();
        var graph = CsrGraph.Build(nodes.Length, sources, targets, types, kinds, relabel: true, out var order);
        return new GraphIndex(nodes, nodeRowIds, edges, graph, order, names.GetAwaiter().GetResult());
    }

    /// <summary>
    /// Every row of the edges table, by row id, with its endpoints as load positions
    /// (<paramref name="nodeRowIds"/>[position] = node row id, ascending). Reads through SQLite's own API:
    /// Microsoft.Data.Sqlite's reader costs about a microsecond per row, most of a million-node start-up.
    /// Same rows, order and failures as the SqliteDataReader loop it replaces (an unknown type throws
    /// <see cref="GraphWriteException"/>, an endpoint that is not a node <see cref="KeyNotFoundException"/>).
    /// </summary>
    public static EdgeRow[] ReadEdges(SqliteConnection connection, long[] nodeRowIds)
    {
        var positionOf = new RowPositions(nodeRowIds);
        int capacity;
        using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT count(*) FROM edges";
            capacity = Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

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

    public int? Ordinal(string id) => OrdinalById.TryGetValue(id, out var ordinal) ? ordinal : null;

    public string TypeName(int edgeOrdinal) => TypeNames[Graph.EdgeType[edgeOrdinal]];

    public IReadOnlyDictionary<string, int> CountsByType(int ordinal)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var i = Graph.Offsets[ordinal]; i < Graph.Offsets[ordinal + 1]; i++)
        {
            var type = TypeName(Graph.AdjacentEdge[i] >> 1);
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        return counts;
    }

    /// <summary>A new index with the node added (at the end) or replaced (same position).</summary>
    public GraphIndex WithNode(Node node, long rowId)
    {
        if (Ordinal(node.Id) is { } ordinal)
        {
            var nodes = (Node[])LoadOrderNodes.Clone();
            nodes[Order[ordinal]] = node;
            return Build(nodes, NodeRowIds, Edges);
        }

        return Build([.. LoadOrderNodes, node], [.. NodeRowIds, rowId], Edges);
    }

    /// <summary>A new index with the edge (by row id) added or replaced.</summary>
    public GraphIndex WithEdge(long rowId, string type, string source, string target)
    {
        var row = new EdgeRow(rowId, TypeCode(type), Order[OrdinalById[source]], Order[OrdinalById[target]]);
        var position = Array.FindIndex(Edges, e => e.RowId == rowId);
        if (position >= 0)
        {
            var edges = (EdgeRow[])Edges.Clone();
            edges[position] = row;
            return Build(LoadOrderNodes, NodeRowIds, edges);
        }

        return Build(LoadOrderNodes, NodeRowIds, [.. Edges, row]);
    }

    public GraphIndex WithoutEdge(long rowId) =>
        Build(LoadOrderNodes, NodeRowIds, [.. Edges.Where(e => e.RowId != rowId)]);

    public GraphIndex WithoutNode(string id)
    {
        if (Ordinal(id) is not { } ordinal)
        {
            return this;
        }

        var position = Order[ordinal];
        var nodes = LoadOrderNodes.Where((_, i) => i != position).ToArray();
        var rowIds = NodeRowIds.Where((_, i) => i != position).ToArray();
        var edges = Edges
            .Where(e => e.Source != position && e.Target != position)
            .Select(e => e with { Source = e.Source > position ? e.Source - 1 : e.Source, Target = e.Target > position ? e.Target - 1 : e.Target })
            .ToArray();
        return Build(nodes, rowIds, edges);
    }

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
