using QuikGraph;
using QuikGraph.Algorithms.Observers;
using QuikGraph.Algorithms.Search;

namespace Explorer.Benchmarks;

/// <summary>
/// The reference baseline: a plain CSR over the input node numbers (no relabeling), and a bidirectional BFS
/// that alternates sides level by level (no frontier balancing) with bool visit arrays cleared per query.
/// </summary>
internal sealed class NaiveCsr
{
    private readonly int[] _offsets;
    private readonly int[] _adjacency;
    private readonly bool[] _seenF;
    private readonly bool[] _seenB;
    private readonly int[] _parentF;
    private readonly int[] _parentB;
    private readonly int[] _queueF;
    private readonly int[] _queueB;

    public NaiveCsr(int nodeCount, int[] sources, int[] targets)
    {
        _offsets = new int[nodeCount + 1];
        foreach (var s in sources)
        {
            _offsets[s + 1]++;
        }

        foreach (var t in targets)
        {
            _offsets[t + 1]++;
        }

        for (var i = 0; i < nodeCount; i++)
        {
            _offsets[i + 1] += _offsets[i];
        }

        _adjacency = new int[_offsets[nodeCount]];
        var cursor = (int[])_offsets.Clone();
        for (var e = 0; e < sources.Length; e++)
        {
            _adjacency[cursor[sources[e]]++] = targets[e];
            _adjacency[cursor[targets[e]]++] = sources[e];
        }

        _seenF = new bool[nodeCount];
        _seenB = new bool[nodeCount];
        _parentF = new int[nodeCount];
        _parentB = new int[nodeCount];
        _queueF = new int[nodeCount];
        _queueB = new int[nodeCount];
    }

    /// <summary>Topology bytes (offsets + adjacency); the per-query buffers are reported separately.</summary>
    public long MemoryBytes => 4L * (_offsets.Length + _adjacency.Length);

    public long ScratchBytes => (2L * _seenF.Length) + (4L * 4 * _parentF.Length);

    /// <summary>Nodes of a shortest path from s to t with at most maxHops edges, or null.</summary>
    public int[]? Find(int s, int t, int maxHops)
    {
        if (s == t)
        {
            return [s];
        }

        Array.Clear(_seenF);
        Array.Clear(_seenB);
        _seenF[s] = true;
        _seenB[t] = true;
        _queueF[0] = s;
        _queueB[0] = t;
        int headF = 0, tailF = 1, headB = 0, tailB = 1, depth = 0;
        var forward = true;
        while (headF < tailF && headB < tailB && depth < maxHops)
        {
            var queue = forward ? _queueF : _queueB;
            var seen = forward ? _seenF : _seenB;
            var other = forward ? _seenB : _seenF;
            var parent = forward ? _parentF : _parentB;
            var head = forward ? headF : headB;
            var levelEnd = forward ? tailF : tailB;
            var tail = levelEnd;
            for (; head < levelEnd; head++)
            {
                var u = queue[head];
                for (var i = _offsets[u]; i < _offsets[u + 1]; i++)
                {
                    var v = _adjacency[i];
                    if (seen[v])
                    {
                        continue;
                    }

                    seen[v] = true;
                    parent[v] = u;
                    if (other[v])
                    {
                        return Path(s, t, v);
                    }

                    queue[tail++] = v;
                }
            }

            if (forward)
            {
                headF = head;
                tailF = tail;
            }
            else
            {
                headB = head;
                tailB = tail;
            }

            depth++;
            forward = !forward;
        }

        return null;
    }

    private int[] Path(int s, int t, int meet)
    {
        var nodes = new List<int>();
        for (var v = meet; v != s; v = _parentF[v])
        {
            nodes.Add(v);
        }

        nodes.Add(s);
        nodes.Reverse();
        for (var v = meet; v != t;)
        {
            v = _parentB[v];
            nodes.Add(v);
        }

        return [.. nodes];
    }
}

/// <summary>
/// Stock QuikGraph: an <see cref="UndirectedGraph{TVertex,TEdge}"/> and its breadth-first search from the
/// source with a predecessor recorder, aborted as soon as the target is discovered.
/// </summary>
internal sealed class QuikGraphBaseline
{
    public QuikGraphBaseline(int nodeCount, int[] sources, int[] targets)
    {
        // Parallel edges allowed: the generator makes none, and checking would make each insert O(degree).
        Graph = new UndirectedGraph<int, Edge<int>>(allowParallelEdges: true);
        Graph.AddVertexRange(Enumerable.Range(0, nodeCount));
        for (var e = 0; e < sources.Length; e++)
        {
            Graph.AddEdge(new Edge<int>(sources[e], targets[e]));
        }
    }

    public UndirectedGraph<int, Edge<int>> Graph { get; }

    /// <summary>Hop count of the path BFS finds, or null when the target is unreachable or beyond maxHops.</summary>
    public int? Find(int s, int t, int maxHops)
    {
        if (s == t)
        {
            return 0;
        }

        var bfs = new UndirectedBreadthFirstSearchAlgorithm<int, Edge<int>>(Graph);
        var predecessors = new UndirectedVertexPredecessorRecorderObserver<int, Edge<int>>();
        using (predecessors.Attach(bfs))
        {
            bfs.DiscoverVertex += v =>
            {
                if (v == t)
                {
                    bfs.Abort();
                }
            };
            bfs.Compute(s);
        }

        if (!predecessors.TryGetPath(t, out var path))
        {
            return null;
        }

        var hops = path.Count();
        return hops <= maxHops ? hops : null;
    }
}
