using Explorer.Algorithms;
using Explorer.Graph;
using Explorer.Search;

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

    private GraphIndex(Node[] loadOrderNodes, long[] nodeRowIds, EdgeRow[] edges, CsrGraph graph, int[] order)
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

        Names = NameIndex.Build(
            Nodes.Length,
            ordinal => [Nodes[ordinal].Id, Nodes[ordinal].Name, .. Nodes[ordinal].Aliases],
            ordinal => Nodes[ordinal].Kind,
            ordinal => Nodes[ordinal].Name);
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

    public static GraphIndex Build(Node[] nodes, long[] nodeRowIds, EdgeRow[] edges)
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
        return new GraphIndex(nodes, nodeRowIds, edges, graph, order);
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
}
