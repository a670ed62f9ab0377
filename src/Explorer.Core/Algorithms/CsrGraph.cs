namespace Explorer.Algorithms;

/// <summary>
/// Immutable topology in compressed sparse row form over dense integer node ordinals. Every edge appears
/// in the adjacency of both endpoints (entry = neighbor ordinal plus edge ordinal with a direction bit),
/// so one scan serves "any", "out" and "in" traversals. Node ordinals are laid out in breadth-first order
/// from the highest-degree node, which keeps neighbors close in memory.
/// </summary>
internal sealed class CsrGraph
{
    private CsrGraph(int nodeCount, int[] offsets, int[] adjacentNode, int[] adjacentEdge, int[] edgeSource, int[] edgeTarget, byte[] edgeType, byte[] nodeKind, int[] component)
    {
        NodeCount = nodeCount;
        Offsets = offsets;
        AdjacentNode = adjacentNode;
        AdjacentEdge = adjacentEdge;
        EdgeSource = edgeSource;
        EdgeTarget = edgeTarget;
        EdgeType = edgeType;
        NodeKind = nodeKind;
        Component = component;
    }

    public int NodeCount { get; }

    public int EdgeCount => EdgeSource.Length;

    /// <summary>Adjacency of node u is entries Offsets[u] .. Offsets[u+1]-1.</summary>
    public int[] Offsets { get; }

    public int[] AdjacentNode { get; }

    /// <summary>Edge ordinal shifted left by one; low bit 1 when the edge points into the node (incoming).</summary>
    public int[] AdjacentEdge { get; }

    public int[] EdgeSource { get; }

    public int[] EdgeTarget { get; }

    public byte[] EdgeType { get; }

    public byte[] NodeKind { get; }

    /// <summary>Connected component of each node, ignoring direction and filters.</summary>
    public int[] Component { get; }

    public int Degree(int node) => Offsets[node + 1] - Offsets[node];

    public long MemoryBytes =>
        (4L * (Offsets.Length + AdjacentNode.Length + AdjacentEdge.Length + EdgeSource.Length + EdgeTarget.Length + Component.Length))
        + EdgeType.Length + NodeKind.Length;

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
