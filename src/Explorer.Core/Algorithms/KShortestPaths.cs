namespace Explorer.Algorithms;

/// <summary>
/// The k cheapest simple paths of at most a hop bound, in the order (cost, hops, node ordinals compared one by
/// one, a path before its own extensions), where parallel edges between the same pair count once, through their
/// cheapest edge (lowest ordinal on ties). Two searches, neither of which touches more of the graph than the
/// answer needs:
/// <list type="number">
/// <item><b>Backward labels.</b> From the target, layer by layer over hops (Bellman-Ford), each node's
/// Pareto-optimal (cost, hops) pairs of a route to the target: layer j labels every node whose cheapest route
/// within j hops got cheaper with the j-th hop. Layers go on while their adjacency scans fit a budget (and up to
/// maxHops - 1), so every node within the labelled <i>depth</i> of the target has exact labels, and any other
/// route needs more hops than the depth, costing at least that many times the cheapest edge. For a node and
/// the hops a partial path has left, that gives the cheapest way on, or proves there is none.</item>
/// <item><b>Forward best-first search over partial paths</b> (A*) from the source, keyed by a lower bound of
/// every completion in the full order: (cost so far + cheapest way on, hops so far + that way's hops, the
/// partial path's nodes). A completion never sorts before its partial path's key, so complete paths come off the
/// queue in exactly the final order, and the search stops after k of them. Ties of cost and hops go to the
/// smallest node sequence, so among equally cheap routes the search walks straight down the first one.</item>
/// </list>
/// The bound ignores simplicity and is exact otherwise, and deep in a partial path (fewer hops left than the
/// depth) it also prunes every node that cannot reach the target in time, so the forward search expands little
/// beyond the paths it returns; the budget keeps the label search from sweeping a hub's neighborhood at a
/// million nodes (1M nodes / 4.7M edges, k=5 within 6 hops: median 2 ms, against 12 ms for a budget ten times as large).
/// Answers do not depend on the budget, only the work does. Costs must be positive; sums are exact when they
/// are small integers (as <see cref="Graph.Vocabulary.Cost"/> gives), which the tie order relies on.
/// </summary>
internal static class KShortestPaths
{
    /// <summary>Adjacency entries the backward label search may scan; it stops before a layer that would pass it (the first layer always runs).</summary>
    public const int BackwardBudget = 20_000;

    /// <summary>Most partial paths one search may create; past it the search returns the paths found so far (each in its right place).</summary>
    public const int EntryBudget = 2_000_000;

    /// <param name="edgeCost">Cost of a hop along an edge ordinal (positive).</param>
    /// <param name="minEdgeCost">A lower bound of every edge's cost (0 is always safe, only slower).</param>
    public static List<(OrdinalPath Path, double Cost)> Find(
        CsrGraph graph, int source, int target, int k, int maxHops, TraversalFilter filter, Func<int, double> edgeCost, double minEdgeCost,
        int backwardBudget = BackwardBudget, int entryBudget = EntryBudget)
    {
        if (source == target)
        {
            return [(new OrdinalPath([source], []), 0)];
        }

        if (k <= 0 || maxHops <= 0 || ShortestPath.Find(graph, source, target, maxHops, filter) is null)
        {
            return [];
        }

        var search = Search.Rent(graph.NodeCount);
        try
        {
            search.Begin(graph, source, target, maxHops, filter, edgeCost, minEdgeCost);
            search.Backward(backwardBudget);
            return search.Forward(k, entryBudget);
        }
        finally
        {
            t_lastWork = search.Work;
            Search.Return(search);
        }
    }

    [ThreadStatic]
    private static (int Labels, int Depth, int Entries, int Expansions) t_lastWork;

    /// <summary>What the calling thread's last search did: labels, labelled depth, partial paths, expansions (for the benchmark).</summary>
    internal static (int Labels, int Depth, int Entries, int Expansions) LastWork => t_lastWork;

    /// <summary>
    /// One search's state, pooled (a few kept, so memory follows concurrent k-path queries, not every thread
    /// that ever ran one); node-sized arrays are generation-stamped so a query never clears them.
    /// </summary>
    private sealed class Search
    {
        private const int Pooled = 4;

        /// <summary>Partial-path arrays beyond this many entries are not kept for the next query.</summary>
        private const int KeptEntries = 1 << 16;

        private static readonly System.Collections.Concurrent.ConcurrentBag<Search> s_pool = [];

        // Per node (stamped): its newest settled label, the expansion slot of a child, membership in the path being expanded.
        private readonly int[] _labelStamp;
        private readonly int[] _labelHead;
        private readonly int[] _slotStamp;
        private readonly int[] _slot;
        private readonly int[] _pathStamp;
        private readonly KeyComparer _comparer;
        private int _generation;
        private int _slotGeneration;
        private int _pathGeneration;

        // Settled labels: cost and hops to the target, and the node's previous (cheaper, more hops) label.
        private double[] _labelCost = new double[256];
        private int[] _labelHops = new int[256];
        private int[] _labelNext = new int[256];
        private int _labels;

        // Partial paths: last node, the edge into it, the partial path it extends, hops and cost.
        private int[] _node = new int[1024];
        private int[] _edge = new int[1024];
        private int[] _parent = new int[1024];
        private int[] _hops = new int[1024];
        private double[] _cost = new double[1024];
        private int _entries;

        private readonly PriorityQueue<int, Key> _queue;
        private readonly List<(int Node, int Edge, double Cost)> _children = [];

        private CsrGraph _graph = null!;
        private TraversalFilter _filter = null!;
        private Func<int, double> _edgeCost = null!;
        private int _source;
        private int _target;
        private int _maxHops;
        private int _forwardSkip;
        private int _backwardSkip;
        private bool _checkTypes;
        private bool _checkKinds;
        private bool _checkAvoid;
        private bool _checkEdges;

        private readonly List<int> _active = [];
        private readonly List<int> _touched = [];
        private readonly int[] _layerStamp;
        private readonly double[] _layerValue;
        private int _layerGeneration;
        private double _minEdgeCost;

        /// <summary>Every node within this many hops of the target has all its labels of at most that many hops.</summary>
        private int _depth;

        /// <summary>The label search ran out: every node's labels are all there are, of any number of hops.</summary>
        private bool _exhausted;

        private Search(int size)
        {
            Size = size;
            _labelStamp = new int[size];
            _labelHead = new int[size];
            _slotStamp = new int[size];
            _slot = new int[size];
            _pathStamp = new int[size];
            _layerStamp = new int[size];
            _layerValue = new double[size];
            _comparer = new KeyComparer(this);
            _queue = new PriorityQueue<int, Key>(_comparer);
        }

        private int _expansions;

        private int Size { get; }

        public (int Labels, int Depth, int Entries, int Expansions) Work => (_labels, _depth, _entries, _expansions);

        public static Search Rent(int nodeCount)
        {
            while (s_pool.TryTake(out var pooled))
            {
                if (pooled.Size >= nodeCount)
                {
                    return pooled;
                }
            }

            return new Search(Math.Max(nodeCount, 16));
        }

        public static void Return(Search search)
        {
            search._graph = null!;
            search._filter = null!;
            search._edgeCost = null!;
            if (search._node.Length > KeptEntries)
            {
                search._node = new int[1024];
                search._edge = new int[1024];
                search._parent = new int[1024];
                search._hops = new int[1024];
                search._cost = new double[1024];
                search._queue.Clear();
                search._queue.TrimExcess();
            }

            if (s_pool.Count < Pooled)
            {
                s_pool.Add(search);
            }
        }

        public void Begin(CsrGraph graph, int source, int target, int maxHops, TraversalFilter filter, Func<int, double> edgeCost, double minEdgeCost)
        {
            _minEdgeCost = minEdgeCost;
            _graph = graph;
            _source = source;
            _target = target;
            _maxHops = maxHops;
            _filter = filter;
            _edgeCost = edgeCost;
            _forwardSkip = filter.Direction switch { Graph.Direction.Out => 1, Graph.Direction.In => 0, _ => -1 };
            _backwardSkip = filter.Direction switch { Graph.Direction.Out => 0, Graph.Direction.In => 1, _ => -1 };
            _checkTypes = !filter.AllTypes;
            _checkKinds = !filter.AllKinds;
            _checkAvoid = filter.Avoid.Count > 0;
            _checkEdges = filter.BlockedEdges.Count > 0;
            _labels = 0;
            _entries = 0;
            _expansions = 0;
            _queue.Clear();
            if (_generation == int.MaxValue)
            {
                Array.Clear(_labelStamp);
                _generation = 0;
            }

            _generation++;
        }

        /// <summary>Whether a step along an adjacency entry to <paramref name="v"/> is allowed (the two ends pass every node filter).</summary>
        private bool Allows(int entry, int v, int skipBit)
        {
            if ((entry & 1) == skipBit)
            {
                return false;
            }

            var edge = entry >> 1;
            if ((_checkTypes && (_filter.TypeMask & (1UL << _graph.EdgeType[edge])) == 0)
                || (_checkEdges && _filter.BlockedEdges.Contains(edge)))
            {
                return false;
            }

            return v == _source || v == _target
                || ((!_checkKinds || (_filter.KindMask & (1u << _graph.NodeKind[v])) != 0) && (!_checkAvoid || !_filter.Avoid.Contains(v)));
        }

        /// <summary>The newest settled label of a node (fewest hops), or -1.</summary>
        private int Head(int v) => _labelStamp[v] == _generation ? _labelHead[v] : -1;

        /// <summary>
        /// Labels layer by layer (Bellman-Ford over hops): layer j gives every node whose cheapest route to the
        /// target within j hops got cheaper with the j-th hop a label (that cost, j). Only nodes that got a label
        /// in layer j-1 are scanned for layer j. Stops before a layer whose scan would pass the budget, or at
        /// maxHops - 1 layers; every node within <see cref="_depth"/> hops of the target then has all its labels.
        /// </summary>
        public void Backward(int budget)
        {
            AddLabel(_target, 0, 0);
            _active.Clear();
            _active.Add(_target);
            _depth = 0;
            _exhausted = false;
            long scanned = 0;
            for (var layer = 1; layer < _maxHops; layer++)
            {
                long work = 0;
                foreach (var u in _active)
                {
                    work += u == _source ? 0 : _graph.Degree(u);
                }

                if (layer > 1 && scanned + work > budget)
                {
                    return;
                }

                scanned += work;
                if (_layerGeneration == int.MaxValue)
                {
                    Array.Clear(_layerStamp);
                    _layerGeneration = 0;
                }

                var token = ++_layerGeneration;
                _touched.Clear();
                foreach (var u in _active)
                {
                    // Paths do not pass through the source.
                    if (u == _source)
                    {
                        continue;
                    }

                    var cost = _labelCost[_labelHead[u]];
                    for (var adjacency = _graph.Neighbors(u); adjacency.MoveNext();)
                    {
                        var v = adjacency.Node;
                        if (v == _target || !Allows(adjacency.Entry, v, _backwardSkip))
                        {
                            continue;
                        }

                        var candidate = cost + _edgeCost(adjacency.Entry >> 1);
                        var head = Head(v);
                        if (head >= 0 && _labelCost[head] <= candidate)
                        {
                            continue;
                        }

                        if (_layerStamp[v] != token)
                        {
                            _layerStamp[v] = token;
                            _layerValue[v] = candidate;
                            _touched.Add(v);
                        }
                        else if (candidate < _layerValue[v])
                        {
                            _layerValue[v] = candidate;
                        }
                    }
                }

                _active.Clear();
                foreach (var v in _touched)
                {
                    AddLabel(v, _layerValue[v], layer);
                    _active.Add(v);
                }

                _depth = layer;
                if (_active.Count == 0)
                {
                    _exhausted = true;
                    return;
                }
            }
        }

        private void AddLabel(int v, double cost, int hops)
        {
            var previous = Head(v);
            if (_labels == _labelCost.Length)
            {
                Array.Resize(ref _labelCost, _labels * 2);
                Array.Resize(ref _labelHops, _labels * 2);
                Array.Resize(ref _labelNext, _labels * 2);
            }

            _labelCost[_labels] = cost;
            _labelHops[_labels] = hops;
            _labelNext[_labels] = previous;
            _labelStamp[v] = _generation;
            _labelHead[v] = _labels++;
        }

        /// <summary>
        /// A lower bound of (cost, hops) of the way on from <paramref name="v"/> (not the target) to the target
        /// within <paramref name="hopsLeft"/> hops; false when there is provably none. Within the labelled depth a
        /// node's labels are exact; a way of more hops costs at least that many times the cheapest edge.
        /// </summary>
        private bool WayOn(int v, int hopsLeft, out double cost, out int hops)
        {
            // Newest to oldest: hops fall and cost grows; the first one within the hops left is the cheapest.
            var label = Head(v);
            while (label >= 0 && _labelHops[label] > hopsLeft)
            {
                label = _labelNext[label];
            }

            var beyond = _exhausted || hopsLeft <= _depth ? double.PositiveInfinity : (_depth + 1) * _minEdgeCost;
            if (label >= 0 && _labelCost[label] <= beyond)
            {
                cost = _labelCost[label];
                hops = _labelHops[label];
                return true;
            }

            cost = beyond;
            hops = _depth + 1;
            return !double.IsPositiveInfinity(beyond);
        }

        public List<(OrdinalPath Path, double Cost)> Forward(int k, int entryBudget)
        {
            var found = new List<(OrdinalPath Path, double Cost)>();
            if (!WayOn(_source, _maxHops, out var rootCost, out var rootHops))
            {
                return found;
            }

            var root = AddEntry(_source, -1, -1, 0, 0);
            _queue.Enqueue(root, new Key(rootCost, rootHops, root));
            while (found.Count < k && _queue.TryDequeue(out var entry, out _))
            {
                var u = _node[entry];
                if (u == _target)
                {
                    found.Add((PathOf(entry), _cost[entry]));
                    continue;
                }

                if (_entries >= entryBudget)
                {
                    break;
                }

                _expansions++;
                Expand(entry, u);
            }

            return found;
        }

        private void Expand(int entry, int u)
        {
            var hops = _hops[entry] + 1;
            var hopsLeft = _maxHops - hops;

            // The nodes already on this partial path (a child may not repeat one).
            if (_pathGeneration == int.MaxValue)
            {
                Array.Clear(_pathStamp);
                _pathGeneration = 0;
            }

            var onPath = ++_pathGeneration;
            for (var e = entry; e >= 0; e = _parent[e])
            {
                _pathStamp[_node[e]] = onPath;
            }

            // One child per neighbor, through its cheapest edge (lowest ordinal on ties).
            if (_slotGeneration == int.MaxValue)
            {
                Array.Clear(_slotStamp);
                _slotGeneration = 0;
            }

            var slots = ++_slotGeneration;
            _children.Clear();
            for (var adjacency = _graph.Neighbors(u); adjacency.MoveNext();)
            {
                var w = adjacency.Node;
                if (_pathStamp[w] == onPath || (hopsLeft == 0 && w != _target) || !Allows(adjacency.Entry, w, _forwardSkip))
                {
                    continue;
                }

                var edge = adjacency.Entry >> 1;
                var cost = _edgeCost(edge);
                if (_slotStamp[w] != slots)
                {
                    _slotStamp[w] = slots;
                    _slot[w] = _children.Count;
                    _children.Add((w, edge, cost));
                }
                else if (_children[_slot[w]] is var current && (cost < current.Cost || (cost == current.Cost && edge < current.Edge)))
                {
                    _children[_slot[w]] = (w, edge, cost);
                }
            }

            foreach (var (w, edge, cost) in _children)
            {
                var g = _cost[entry] + cost;
                double bound;
                int boundHops;
                if (w == _target)
                {
                    (bound, boundHops) = (0, 0);
                }
                else if (!WayOn(w, hopsLeft, out bound, out boundHops))
                {
                    continue;
                }

                var child = AddEntry(w, edge, entry, hops, g);
                _queue.Enqueue(child, new Key(g + bound, hops + boundHops, child));
            }
        }

        private int AddEntry(int node, int edge, int parent, int hops, double cost)
        {
            if (_entries == _node.Length)
            {
                var size = _entries * 2;
                Array.Resize(ref _node, size);
                Array.Resize(ref _edge, size);
                Array.Resize(ref _parent, size);
                Array.Resize(ref _hops, size);
                Array.Resize(ref _cost, size);
            }

            _node[_entries] = node;
            _edge[_entries] = edge;
            _parent[_entries] = parent;
            _hops[_entries] = hops;
            _cost[_entries] = cost;
            return _entries++;
        }

        private OrdinalPath PathOf(int entry)
        {
            var length = _hops[entry];
            var nodes = new int[length + 1];
            var edges = new int[length];
            for (var e = entry; e >= 0; e = _parent[e])
            {
                nodes[_hops[e]] = _node[e];
                if (_hops[e] > 0)
                {
                    edges[_hops[e] - 1] = _edge[e];
                }
            }

            return new OrdinalPath(nodes, edges);
        }

        /// <summary>Node sequences of two partial paths compared one node at a time; a path sorts before its extensions.</summary>
        private int CompareSequences(int a, int b)
        {
            if (a == b)
            {
                return 0;
            }

            int x = a, y = b;
            while (_hops[x] > _hops[y])
            {
                x = _parent[x];
            }

            while (_hops[y] > _hops[x])
            {
                y = _parent[y];
            }

            if (x == y)
            {
                return _hops[a].CompareTo(_hops[b]);
            }

            while (_parent[x] != _parent[y])
            {
                x = _parent[x];
                y = _parent[y];
            }

            return _node[x].CompareTo(_node[y]);
        }

        private readonly record struct Key(double Cost, int Hops, int Entry);

        private sealed class KeyComparer(Search search) : IComparer<Key>
        {
            public int Compare(Key x, Key y)
            {
                var byCost = x.Cost.CompareTo(y.Cost);
                if (byCost != 0)
                {
                    return byCost;
                }

                return x.Hops != y.Hops ? x.Hops.CompareTo(y.Hops) : search.CompareSequences(x.Entry, y.Entry);
            }
        }
    }
}
