using System.Runtime.CompilerServices;

namespace Explorer.Algorithms;

/// <summary>
/// Topology in compressed sparse row form over dense integer node ordinals. Every edge appears in the
/// adjacency of both endpoints (entry = neighbor ordinal plus edge ordinal with a direction bit), so one scan
/// serves "any", "out" and "in" traversals. Node ordinals are laid out in breadth-first order from the
/// highest-degree node, which keeps neighbors close in memory.
/// </summary>
/// <remarks>
/// A built graph is immutable. Writes go to a <see cref="GraphDelta"/> over it (added nodes and edges,
/// removal stamps), and each write publishes a new <see cref="CsrGraph"/> view at the delta's version: a
/// view sees exactly the changes stamped at or below its version, so a reader never waits and never sees
/// half a write. Traversals enumerate a node's adjacency with <see cref="Adjacency"/>, which merges the
/// immutable rows, the added entries and the removal stamps.
/// </remarks>
internal sealed class CsrGraph
{
    private readonly int[]? _edgeRemovedAt;
    private readonly int[]? _nodeRemovedAt;
    private readonly int[]? _builtRowChangedAt;
    private readonly int[]? _head;
    private readonly int[]? _next;
    private readonly int[]? _chainNode;
    private readonly int[]? _chainEntry;
    private readonly int[]? _chainVersion;
    private readonly int[]? _union;

    private CsrGraph(int nodeCount, int[] offsets, int[] adjacentNode, int[] adjacentEdge, int[] edgeSource, int[] edgeTarget, byte[] edgeType, byte[] nodeKind, int[] component)
    {
        NodeCount = nodeCount;
        BaseNodeCount = nodeCount;
        EdgeCount = edgeSource.Length;
        LiveNodeCount = nodeCount;
        LiveEdgeCount = edgeSource.Length;
        Offsets = offsets;
        AdjacentNode = adjacentNode;
        AdjacentEdge = adjacentEdge;
        EdgeSource = edgeSource;
        EdgeTarget = edgeTarget;
        EdgeType = edgeType;
        NodeKind = nodeKind;
        Component = component;
    }

    /// <summary>
    /// A built graph from its arrays (as an index snapshot stored them), checked for shape: offsets ascending
    /// over the adjacency, every entry naming a node and an edge that exist.
    /// </summary>
    internal static CsrGraph FromParts(int nodeCount, int[] offsets, int[] adjacentNode, int[] adjacentEdge, int[] edgeSource, int[] edgeTarget, byte[] edgeType, byte[] nodeKind, int[] component)
    {
        var edgeCount = edgeSource.Length;
        if (offsets.Length != nodeCount + 1 || offsets[0] != 0 || offsets[nodeCount] != adjacentNode.Length || adjacentEdge.Length != adjacentNode.Length
            || adjacentNode.Length != 2L * edgeCount || edgeTarget.Length != edgeCount || edgeType.Length != edgeCount || nodeKind.Length != nodeCount || component.Length != nodeCount)
        {
            throw new InvalidDataException("the topology's arrays do not fit together");
        }

        for (var u = 0; u < nodeCount; u++)
        {
            if (offsets[u] > offsets[u + 1] || (uint)component[u] >= (uint)nodeCount)
            {
                throw new InvalidDataException("the topology's rows are out of order");
            }
        }

        for (var i = 0; i < adjacentNode.Length; i++)
        {
            if ((uint)adjacentNode[i] >= (uint)nodeCount || (uint)(adjacentEdge[i] >>> 1) >= (uint)edgeCount)
            {
                throw new InvalidDataException("an adjacency entry names no node or edge");
            }
        }

        for (var e = 0; e < edgeCount; e++)
        {
            if ((uint)edgeSource[e] >= (uint)nodeCount || (uint)edgeTarget[e] >= (uint)nodeCount)
            {
                throw new InvalidDataException("an edge names no node");
            }
        }

        return new CsrGraph(nodeCount, offsets, adjacentNode, adjacentEdge, edgeSource, edgeTarget, edgeType, nodeKind, component);
    }

    /// <summary>A view of <paramref name="delta"/> at its current version.</summary>
    internal CsrGraph(GraphDelta delta)
    {
        var root = delta.Base;
        Offsets = root.Offsets;
        AdjacentNode = root.AdjacentNode;
        AdjacentEdge = root.AdjacentEdge;
        BaseNodeCount = root.BaseNodeCount;
        Version = delta.Version;
        NodeCount = delta.NodeCount;
        EdgeCount = delta.EdgeCount;
        LiveNodeCount = delta.NodeCount - delta.RemovedNodes;
        LiveEdgeCount = delta.EdgeCount - delta.RemovedEdges;
        EdgeSource = delta.EdgeSource;
        EdgeTarget = delta.EdgeTarget;
        EdgeType = delta.EdgeType;
        NodeKind = delta.NodeKind;
        Component = delta.Component;
        _edgeRemovedAt = delta.EdgeRemovedAt;
        _nodeRemovedAt = delta.NodeRemovedAt;
        _builtRowChangedAt = delta.BuiltRowChangedAt;
        _head = delta.Head;
        _next = delta.Next;
        _chainNode = delta.ChainNode;
        _chainEntry = delta.ChainEntry;
        _chainVersion = delta.ChainVersion;
        _union = delta.Union;
        HasRemovals = delta.RemovedEdges > 0 || delta.RemovedNodes > 0;
    }

    /// <summary>Node ordinals are 0..NodeCount-1 (removed ones included: see <see cref="IsNodeRemoved"/>).</summary>
    public int NodeCount { get; }

    /// <summary>Edge ordinals are 0..EdgeCount-1 (removed ones included: see <see cref="IsEdgeRemoved"/>).</summary>
    public int EdgeCount { get; }

    public int LiveNodeCount { get; }

    public int LiveEdgeCount { get; }

    /// <summary>Nodes with rows in <see cref="Offsets"/>; later ones only have added entries.</summary>
    public int BaseNodeCount { get; }

    /// <summary>The delta version this view sees (0 for a built graph).</summary>
    public int Version { get; }

    /// <summary>Whether an edge or node of this view was removed after the build (components may have split).</summary>
    public bool HasRemovals { get; }

    /// <summary>Whether entries were added after the build (see <see cref="FirstAdded"/>).</summary>
    public bool HasAdded => _head is not null;

    /// <summary>Immutable adjacency of base node u is entries Offsets[u] .. Offsets[u+1]-1.</summary>
    public int[] Offsets { get; }

    public int[] AdjacentNode { get; }

    /// <summary>Edge ordinal shifted left by one; low bit 1 when the edge points into the node (incoming).</summary>
    public int[] AdjacentEdge { get; }

    /// <summary>By edge ordinal (at least <see cref="EdgeCount"/> long; never changes for an ordinal).</summary>
    public int[] EdgeSource { get; }

    public int[] EdgeTarget { get; }

    public byte[] EdgeType { get; }

    public byte[] NodeKind { get; }

    /// <summary>Component label of each node at build time (added nodes: their own ordinal); see <see cref="MayConnect"/>.</summary>
    public int[] Component { get; }

    public bool IsEdgeRemoved(int edge) => _edgeRemovedAt is { } stamps && stamps[edge] is var at && at != 0 && at <= Version;

    public bool IsNodeRemoved(int node) => _nodeRemovedAt is { } stamps && stamps[node] is var at && at != 0 && at <= Version;

    /// <summary>The adjacency of <paramref name="node"/>: its built row, then the entries added since, without removed edges.</summary>
    public Adjacency Neighbors(int node) => new(this, node);

    /// <summary>The neighbor at an adjacency index (see <see cref="Adjacency.Index"/>).</summary>
    public int EntryNode(int index) => index >= 0 ? AdjacentNode[index] : _chainNode![~index];

    /// <summary>The edge entry (edge ordinal &lt;&lt; 1 | incoming) at an adjacency index.</summary>
    public int EntryEdge(int index) => index >= 0 ? AdjacentEdge[index] : _chainEntry![~index];

    /// <summary>Number of live edge ends at the node (a self-loop counts twice).</summary>
    public int Degree(int node)
    {
        if (_head is null && !HasRemovals && node < BaseNodeCount)
        {
            return Offsets[node + 1] - Offsets[node];
        }

        // The built row still counts whole unless one of its edges was removed at or before this version:
        // then only the entries added since are walked (a hub's row is never walked one entry at a time).
        if (node < BaseNodeCount && (_builtRowChangedAt is not { } changed || node >= changed.Length || changed[node] == 0 || changed[node] > Version))
        {
            var added = 0;
            if (_head is not null)
            {
                for (var chain = FirstAdded(node); chain >= 0; chain = NextAdded(chain))
                {
                    if (!IsEdgeRemoved(_chainEntry![chain] >> 1))
                    {
                        added++;
                    }
                }
            }

            return Offsets[node + 1] - Offsets[node] + added;
        }

        var degree = 0;
        for (var adjacency = Neighbors(node); adjacency.MoveNext();)
        {
            degree++;
        }

        return degree;
    }

    /// <summary>
    /// False only when no path can join the two nodes. Exact for a built graph and after additions; after
    /// removals (<see cref="HasRemovals"/>) "true" may be a former connection.
    /// </summary>
    public bool MayConnect(int a, int b) => Label(a) == Label(b);

    private int Label(int node)
    {
        var label = Component[node];
        if (_union is { } union)
        {
            while (label < union.Length && union[label] != label)
            {
                label = union[label];
            }
        }

        return label;
    }

    /// <summary>Added entry after <paramref name="chain"/> (or the first one of a node) visible at this view's version; -1 at the end.</summary>
    internal int Visible(int chain)
    {
        while (chain >= 0 && _chainVersion![chain] > Version)
        {
            chain = _next![chain];
        }

        return chain;
    }

    internal int FirstAdded(int node) => _head is { } head && node < head.Length ? Visible(Volatile.Read(ref head[node])) : -1;

    internal int NextAdded(int chain) => Visible(_next![chain]);

    public long MemoryBytes =>
        (4L * (Offsets.Length + AdjacentNode.Length + AdjacentEdge.Length + EdgeSource.Length + EdgeTarget.Length + Component.Length))
        + EdgeType.Length + NodeKind.Length
        + (4L * ((_edgeRemovedAt?.Length ?? 0) + (_nodeRemovedAt?.Length ?? 0) + (_head?.Length ?? 0) + (_union?.Length ?? 0)))
        + (16L * (_next?.Length ?? 0));

    /// <summary>Enumerates one node's adjacency (see <see cref="Neighbors"/>): <see cref="Index"/>, <see cref="Node"/>, <see cref="Entry"/>.</summary>
    /// <remarks>
    /// Every traversal's inner loop runs through <see cref="MoveNext"/>, so its common case (the next entry of a built
    /// row, nothing removed) is a few instructions that inline into the caller; removals and added entries take the
    /// out-of-line path. Without that split the enumerator cost the 1M shortest path about 1.7x its raw-array loop.
    /// </remarks>
    internal struct Adjacency
    {
        private readonly CsrGraph _graph;
        private readonly int[] _nodes;
        private readonly int[] _entries;
        private readonly int _end;
        private readonly bool _removals;
        private int _at;
        private int _chain;

        public Adjacency(CsrGraph graph, int node)
        {
            _graph = graph;
            _nodes = graph.AdjacentNode;
            _entries = graph.AdjacentEdge;
            _removals = graph.HasRemovals;
            (_at, _end) = node < graph.BaseNodeCount ? (graph.Offsets[node], graph.Offsets[node + 1]) : (0, 0);
            _chain = graph._head is null ? -1 : graph.FirstAdded(node);
            Index = 0;
            Node = 0;
            Entry = 0;
        }

        /// <summary>Where the entry is: its position in the built rows, or the bitwise complement of an added entry.</summary>
        public int Index;

        public int Node;

        /// <summary>Edge ordinal shifted left by one; low bit 1 when the edge points into the node.</summary>
        public int Entry;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool MoveNext()
        {
            var i = _at;
            if (i < _end && !_removals)
            {
                _at = i + 1;
                Index = i;
                Entry = _entries[i];
                Node = _nodes[i];
                return true;
            }

            return MoveNextSlow();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private bool MoveNextSlow()
        {
            while (_at < _end)
            {
                var i = _at++;
                var entry = _entries[i];
                if (_removals && _graph.IsEdgeRemoved(entry >> 1))
                {
                    continue;
                }

                Index = i;
                Node = _nodes[i];
                Entry = entry;
                return true;
            }

            while (_chain >= 0)
            {
                var chain = _chain;
                _chain = _graph.NextAdded(chain);
                var entry = _graph._chainEntry![chain];
                if (_removals && _graph.IsEdgeRemoved(entry >> 1))
                {
                    continue;
                }

                Index = ~chain;
                Node = _graph._chainNode![chain];
                Entry = entry;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// Builds the graph. Edges are given over input node numbers 0..nodeCount-1; the result renumbers nodes
    /// (see <paramref name="order"/>: order[newOrdinal] = input number). Edge ordinals keep the input order.
    /// </summary>
    public static CsrGraph Build(int nodeCount, ReadOnlySpan<int> sources, ReadOnlySpan<int> targets, ReadOnlySpan<byte> types, ReadOnlySpan<byte> kinds, bool relabel, out int[] order)
    {
        var edgeCount = sources.Length;
        var degree = new int[nodeCount + 1];
        for (var e = 0; e < edgeCount; e++)
        {
            degree[sources[e]]++;
            degree[targets[e]]++;
        }

        // Adjacency over input numbers first (needed to compute the layout).
        var inputOffsets = PrefixSums(degree, nodeCount);
        var inputAdjacency = new int[inputOffsets[nodeCount]];
        var cursor = (int[])inputOffsets.Clone();
        for (var e = 0; e < edgeCount; e++)
        {
            inputAdjacency[cursor[sources[e]]++] = targets[e];
            inputAdjacency[cursor[targets[e]]++] = sources[e];
        }

        order = relabel ? BreadthFirstOrder(nodeCount, inputOffsets, inputAdjacency) : Identity(nodeCount);
        var rank = new int[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            rank[order[i]] = i;
        }

        var edgeSource = new int[edgeCount];
        var edgeTarget = new int[edgeCount];
        var newDegree = new int[nodeCount + 1];
        for (var e = 0; e < edgeCount; e++)
        {
            edgeSource[e] = rank[sources[e]];
            edgeTarget[e] = rank[targets[e]];
            newDegree[edgeSource[e]]++;
            newDegree[edgeTarget[e]]++;
        }

        var offsets = PrefixSums(newDegree, nodeCount);
        var adjacentNode = new int[offsets[nodeCount]];
        var adjacentEdge = new int[offsets[nodeCount]];
        cursor = (int[])offsets.Clone();
        for (var e = 0; e < edgeCount; e++)
        {
            var s = edgeSource[e];
            var t = edgeTarget[e];
            adjacentNode[cursor[s]] = t;
            adjacentEdge[cursor[s]++] = e << 1;
            adjacentNode[cursor[t]] = s;
            adjacentEdge[cursor[t]++] = (e << 1) | 1;
        }

        var nodeKind = new byte[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            nodeKind[i] = kinds.IsEmpty ? (byte)0 : kinds[order[i]];
        }

        return new CsrGraph(nodeCount, offsets, adjacentNode, adjacentEdge, edgeSource, edgeTarget, types.IsEmpty ? new byte[edgeCount] : types.ToArray(), nodeKind, Components(nodeCount, edgeSource, edgeTarget));
    }

    private static int[] PrefixSums(int[] counts, int nodeCount)
    {
        var offsets = new int[nodeCount + 1];
        long total = 0;
        for (var i = 0; i < nodeCount; i++)
        {
            offsets[i] = (int)total;
            total += counts[i];
        }

        if (total > int.MaxValue)
        {
            throw new InvalidOperationException("Graph too large for 32-bit adjacency offsets.");
        }

        offsets[nodeCount] = (int)total;
        return offsets;
    }

    private static int[] Identity(int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        return order;
    }

    /// <summary>Breadth-first order starting from the highest-degree node of each component, components by size of their start degree.</summary>
    private static int[] BreadthFirstOrder(int nodeCount, int[] offsets, int[] adjacency)
    {
        var starts = Identity(nodeCount);
        var degrees = new int[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            degrees[i] = -(offsets[i + 1] - offsets[i]);
        }

        Array.Sort(degrees, starts);
        var seen = new bool[nodeCount];
        var order = new int[nodeCount];
        var head = 0;
        var tail = 0;
        foreach (var start in starts)
        {
            if (seen[start])
            {
                continue;
            }

            seen[start] = true;
            order[tail++] = start;
            while (head < tail)
            {
                var u = order[head++];
                for (var i = offsets[u]; i < offsets[u + 1]; i++)
                {
                    var v = adjacency[i];
                    if (!seen[v])
                    {
                        seen[v] = true;
                        order[tail++] = v;
                    }
                }
            }
        }

        return order;
    }

    private static int[] Components(int nodeCount, int[] sources, int[] targets)
    {
        var parent = Identity(nodeCount);
        int Find(int x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }

            return x;
        }

        for (var e = 0; e < sources.Length; e++)
        {
            var a = Find(sources[e]);
            var b = Find(targets[e]);
            if (a != b)
            {
                parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }

        for (var i = 0; i < nodeCount; i++)
        {
            parent[i] = Find(i);
        }

        return parent;
    }
}
