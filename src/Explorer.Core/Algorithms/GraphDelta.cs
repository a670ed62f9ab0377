namespace Explorer.Algorithms;

/// <summary>
/// The writable side of a <see cref="CsrGraph"/>: nodes and edges added since the graph was built, and
/// removal stamps. One writer at a time (the store's write lock). Every change is stamped with
/// <see cref="Version"/>; <see cref="Advance"/> opens the next version and <see cref="View"/> publishes what
/// has been written so far. Arrays only grow (by copy) and entries are only appended or stamped, so a view
/// taken earlier keeps reading its own version while the writer goes on.
/// </summary>
internal sealed class GraphDelta
{
    public GraphDelta(CsrGraph built)
    {
        if (built.Version != 0)
        {
            throw new ArgumentException("a delta starts from a built graph", nameof(built));
        }

        Base = built;
        NodeCount = built.NodeCount;
        EdgeCount = built.EdgeCount;
        EdgeSource = built.EdgeSource;
        EdgeTarget = built.EdgeTarget;
        EdgeType = built.EdgeType;
        NodeKind = built.NodeKind;
        Component = built.Component;
    }

    public CsrGraph Base { get; }

    public int Version { get; private set; }

    public int NodeCount { get; private set; }

    public int EdgeCount { get; private set; }

    public int RemovedNodes { get; private set; }

    public int RemovedEdges { get; private set; }

    /// <summary>How much the delta holds: added adjacency entries plus removed edges and nodes (compaction looks at it).</summary>
    public int Size => ChainCount + RemovedEdges + RemovedNodes;

    public int[] EdgeSource { get; private set; }

    public int[] EdgeTarget { get; private set; }

    public byte[] EdgeType { get; private set; }

    public byte[] NodeKind { get; private set; }

    public int[] Component { get; private set; }

    public int[]? EdgeRemovedAt { get; private set; }

    public int[]? NodeRemovedAt { get; private set; }

    /// <summary>
    /// By built node: the version at which one of the edges in its built adjacency row was first removed (0:
    /// never), so <see cref="CsrGraph.Degree"/> can count an untouched row by its length.
    /// </summary>
    public int[]? BuiltRowChangedAt { get; private set; }

    /// <summary>Newest added adjacency entry of each node (-1: none); entries chain through <see cref="Next"/>.</summary>
    public int[]? Head { get; private set; }

    public int[]? Next { get; private set; }

    public int[]? ChainNode { get; private set; }

    public int[]? ChainEntry { get; private set; }

    public int[]? ChainVersion { get; private set; }

    public int ChainCount { get; private set; }

    /// <summary>Union-find over component labels, for components joined by added edges (null until one is).</summary>
    public int[]? Union { get; private set; }

    /// <summary>Opens the next version: changes made until the next call become visible together.</summary>
    public void Advance() => Version++;

    /// <summary>A read-only view of everything written so far.</summary>
    public CsrGraph View() => new(this);

    public int AddNode(byte kind)
    {
        var node = NodeCount;
        EnsureNodes(node + 1);
        NodeKind[node] = kind;
        Component[node] = node;
        NodeCount++;
        return node;
    }

    /// <summary>Changes a node's kind in place (a reader may see the new kind a moment early; it is committed).</summary>
    public void SetKind(int node, byte kind)
    {
        if (NodeKind[node] != kind)
        {
            if (ReferenceEquals(NodeKind, Base.NodeKind))
            {
                NodeKind = (byte[])NodeKind.Clone();
            }

            NodeKind[node] = kind;
        }
    }

    public int AddEdge(int source, int target, byte type)
    {
        var edge = EdgeCount;
        EnsureEdges(edge + 1);
        EdgeSource[edge] = source;
        EdgeTarget[edge] = target;
        EdgeType[edge] = type;
        EdgeCount++;
        Append(source, target, edge << 1);
        Append(target, source, (edge << 1) | 1);
        var a = Find(Component[source]);
        var b = Find(Component[target]);
        if (a != b)
        {
            EnsureUnion(NodeCount);
            Union![Math.Max(a, b)] = Math.Min(a, b);
        }

        return edge;
    }

    public bool IsEdgeRemoved(int edge) => EdgeRemovedAt is { } stamps && stamps[edge] != 0;

    public bool IsNodeRemoved(int node) => NodeRemovedAt is { } stamps && stamps[node] != 0;

    public void RemoveEdge(int edge)
    {
        if (IsEdgeRemoved(edge))
        {
            return;
        }

        EdgeRemovedAt ??= new int[EdgeSource.Length];
        EdgeRemovedAt[edge] = Version;
        RemovedEdges++;
        if (edge < Base.EdgeCount)
        {
            BuiltRowChangedAt ??= new int[Base.NodeCount];
            foreach (var end in new[] { EdgeSource[edge], EdgeTarget[edge] })
            {
                if (BuiltRowChangedAt[end] == 0)
                {
                    BuiltRowChangedAt[end] = Version;
                }
            }
        }
    }

    /// <summary>Removes the node and every edge it has.</summary>
    public void RemoveNode(int node)
    {
        if (IsNodeRemoved(node))
        {
            return;
        }

        var edges = new List<int>();
        for (var adjacency = View().Neighbors(node); adjacency.MoveNext();)
        {
            edges.Add(adjacency.Entry >> 1);
        }

        foreach (var edge in edges)
        {
            RemoveEdge(edge);
        }

        NodeRemovedAt ??= new int[NodeKind.Length];
        NodeRemovedAt[node] = Version;
        RemovedNodes++;
    }

    private void Append(int node, int neighbor, int entry)
    {
        if (Head is null || node >= Head.Length)
        {
            Head = Grow(Head, Math.Max(NodeKind.Length, node + 1), -1);
        }

        if (Next is null || ChainCount == Next.Length)
        {
            // Each growth copies the heads (below), as long as the nodes: growing by at least a quarter of them keeps
            // that at a few copied heads per added entry. Grown by a quarter of the entries alone (from 16), a delta over
            // a million nodes copied its 4 MB of heads ~50 times on its way to a million entries: at 1M, 4 % of a bulk
            // load's CPU, most of it in the rebase after each compaction, under the write lock.
            var capacity = ChainCount + Math.Max(1, Head.Length / 4);
            Next = Grow(Next, capacity, 0);
            ChainNode = Grow(ChainNode, capacity, 0);
            ChainEntry = Grow(ChainEntry, capacity, 0);
            ChainVersion = Grow(ChainVersion, capacity, 0);

            // A published view keeps the chain arrays it was made with, and must keep the heads that point into them
            // only: the new heads go to a copy (else a reader of an earlier view, while a write is applied and not yet
            // published, follows a head to an entry past its arrays: IndexOutOfRangeException in CsrGraph.Visible).
            Head = (int[])Head.Clone();
        }

        var chain = ChainCount++;
        ChainNode![chain] = neighbor;
        ChainEntry![chain] = entry;
        ChainVersion![chain] = Version;
        Next[chain] = Head[node];
        Volatile.Write(ref Head[node], chain);
    }

    private int Find(int label)
    {
        if (Union is not { } union)
        {
            return label;
        }

        while (label < union.Length && union[label] != label)
        {
            label = union[label];
        }

        return label;
    }

    private void EnsureNodes(int count)
    {
        if (count <= NodeKind.Length)
        {
            return;
        }

        NodeKind = Grow(NodeKind, count, (byte)0);
        Component = Grow(Component, count, 0);
        if (NodeRemovedAt is not null)
        {
            NodeRemovedAt = Grow(NodeRemovedAt, count, 0);
        }

        if (Head is not null)
        {
            Head = Grow(Head, count, -1);
        }

        if (Union is not null)
        {
            EnsureUnion(count);
        }
    }

    private void EnsureUnion(int count)
    {
        var old = Union;
        var length = Math.Max(count, NodeKind.Length);
        if (old is not null && old.Length >= length)
        {
            return;
        }

        var union = new int[length];
        var from = 0;
        if (old is not null)
        {
            Array.Copy(old, union, old.Length);
            from = old.Length;
        }

        for (var i = from; i < union.Length; i++)
        {
            union[i] = i;
        }

        Union = union;
    }

    private void EnsureEdges(int count)
    {
        if (count <= EdgeSource.Length)
        {
            return;
        }

        EdgeSource = Grow(EdgeSource, count, 0);
        EdgeTarget = Grow(EdgeTarget, count, 0);
        EdgeType = Grow(EdgeType, count, (byte)0);
        if (EdgeRemovedAt is not null)
        {
            EdgeRemovedAt = Grow(EdgeRemovedAt, count, 0);
        }
    }

    /// <summary>A copy at least <paramref name="count"/> long (a quarter more, so appends are amortized), new slots filled.</summary>
    private static T[] Grow<T>(T[]? array, int count, T fill)
    {
        var length = array?.Length ?? 0;
        if (count <= length && array is not null)
        {
            return array;
        }

        var grown = new T[Math.Max(count, Math.Max(16, length + (length / 4)))];
        if (array is not null)
        {
            Array.Copy(array, grown, length);
        }

        if (!EqualityComparer<T>.Default.Equals(fill, default))
        {
            Array.Fill(grown, fill, length, grown.Length - length);
        }

        return grown;
    }
}
