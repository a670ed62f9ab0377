using System.Diagnostics;
using Explorer.Algorithms;
using Explorer.Graph;

namespace Explorer.Embedded;

/// <summary>
/// Applies committed writes to the in-memory index incrementally: a node or edge upsert or removal costs
/// microseconds (a delta over the built topology and a name overlay), and <see cref="Publish"/> hands readers
/// a new immutable <see cref="GraphIndex"/> view. One writer at a time (the store's write lock). It keeps the
/// writes since the build, so a compacted index built meanwhile in the background can catch up
/// (<see cref="Rebase"/>).
/// </summary>
internal sealed class IndexWriter
{
    /// <summary>Compaction starts once the delta holds this many changes (or an eighth of the built edges, if more).</summary>
    public const int CompactionFloor = 8192;

    /// <summary>Compaction starts once this many nodes are searched through the name overlay.</summary>
    public const int NameOverlayLimit = 2048;

    private readonly GraphIndex _built;
    private readonly int _compactionFloor;
    private readonly int _nameOverlayLimit;
    private readonly GraphDelta _delta;
    /// <summary>Edge ordinals by row id of the edges added since the build, once they stop being in row-id order (see <see cref="_addedInOrder"/>).</summary>
    private readonly Dictionary<long, int> _addedEdgeRows = [];

    /// <summary>
    /// Whether every edge added since the build has a row id above all built ones and above the one added before it,
    /// as an import's edges have (SQLite numbers new rows upwards): the added edges' row ids (<see cref="_edgeRowIds"/>
    /// from the build's edge count on) are then sorted, found by a binary search, and no dictionary entry is made
    /// per edge. The first edge out of that order moves them all into <see cref="_addedEdgeRows"/>.
    /// </summary>
    private bool _addedInOrder = true;

    /// <summary>The largest row id of a built or added edge (0: none): a larger one is a new edge, with nothing to look up.</summary>
    private long _largestEdgeRow;
    private readonly List<int> _overlay = [];
    private readonly HashSet<int> _inOverlay = [];
    private readonly List<(int Version, Op Op)> _log = [];
    private Node?[]? _nodes;
    private long[] _edgeRowIds;
    private int[]? _staleAt;
    private int _staleCount;
    private GraphIndex.NameOverlay _names = GraphIndex.NameOverlay.Empty;
    private bool _namesChanged;

    public IndexWriter(GraphIndex built, int compactionFloor = CompactionFloor, int nameOverlayLimit = NameOverlayLimit)
    {
        _compactionFloor = compactionFloor;
        _nameOverlayLimit = nameOverlayLimit;
        if (built.Graph.Version != 0)
        {
            throw new ArgumentException("a writer starts from a built index", nameof(built));
        }

        _built = built;
        _delta = new GraphDelta(built.Graph);
        _edgeRowIds = built.EdgeRowIds;
        _largestEdgeRow = built.Graph.EdgeCount > 0 ? built.EdgeRowIds[built.Graph.EdgeCount - 1] : 0;
        Current = built;
    }

    /// <summary>The newest published view.</summary>
    public GraphIndex Current { get; private set; }

    /// <summary>Index changes applied since the build (what a start-up from the build's snapshot would replay).</summary>
    public int Changes => _log.Count;

    /// <summary>The version of the writes made so far (0: none since the build).</summary>
    public int Version => _delta.Version;

    public bool NeedsCompaction =>
        _delta.Size > Math.Max(_compactionFloor, _built.Graph.EdgeCount / 8) || _overlay.Count + _staleCount > _nameOverlayLimit;

    /// <summary>
    /// During a bulk load of edges: compaction once the delta outgrows the built edges (not an eighth of them), so
    /// a load compacts a few times in all, each topology twice the last, instead of every eighth; name search
    /// still compacts as <see cref="NeedsCompaction"/> says.
    /// </summary>
    public bool NeedsBulkCompaction =>
        _delta.Size > Math.Max(_compactionFloor, _built.Graph.EdgeCount) || _overlay.Count + _staleCount > _nameOverlayLimit;

    /// <summary>Opens the next version: what is applied until <see cref="Publish"/> becomes visible at once.</summary>
    public void Begin() => _delta.Advance();

    /// <summary>Makes everything applied so far visible to new readers.</summary>
    public GraphIndex Publish()
    {
        if (_namesChanged)
        {
            _names = new GraphIndex.NameOverlay([.. _overlay], _staleAt, _staleCount, new NodeView(_built.Built.Nodes, _nodes));
            _namesChanged = false;
        }

        Current = new GraphIndex(_built.Built, _delta.View(), _nodes, _edgeRowIds, _names);
        return Current;
    }

    /// <summary>
    /// A writer over <paramref name="compacted"/> (built from the view at <paramref name="version"/>) with the
    /// writes applied since replayed onto it, published.
    /// </summary>
    public IndexWriter Rebase(GraphIndex compacted, int version)
    {
        var writer = new IndexWriter(compacted, _compactionFloor, _nameOverlayLimit);
        var last = -1;
        foreach (var (at, op) in _log)
        {
            if (at <= version)
            {
                continue;
            }

            if (at != last)
            {
                writer.Begin();
                last = at;
            }

            writer.Apply(op);
        }

        writer.Publish();
        return writer;
    }

    public void UpsertNode(Node node) => Apply(new Op.UpsertNode(node));

    /// <summary>Adds or replaces the edge stored under <paramref name="rowId"/>; both endpoints must be live nodes.</summary>
    public void UpsertEdge(long rowId, string type, string source, string target) => Apply(new Op.UpsertEdge(rowId, GraphIndex.TypeCode(type), source, target));

    /// <summary>
    /// <see cref="UpsertEdge(long, string, string, string)"/> with the ends' ordinals already found by <see cref="NodeOrdinal"/>
    /// on this writer with no write applied since but node upserts (-1: not found then; looked up now).
    /// </summary>
    public void UpsertEdge(long rowId, string type, string source, string target, int sourceOrdinal, int targetOrdinal)
    {
        var op = new Op.UpsertEdge(rowId, GraphIndex.TypeCode(type), source, target);
        ApplyEdge(rowId, op.Type, source, target, sourceOrdinal, targetOrdinal);
        _log.Add((_delta.Version, op));
    }

    public void RemoveEdge(long rowId) => Apply(new Op.RemoveEdge(rowId));

    /// <summary>The ordinal of the live node with this id as the writes so far left it, or -1.</summary>
    public int NodeOrdinal(string id) => Ordinal(id) ?? -1;

    /// <summary>The node table of the build this writer started from (its ordinals below <see cref="BuiltNodeCount"/>).</summary>
    public NodeTable BuiltNodes => _built.Built.Nodes;

    public int BuiltNodeCount => _built.Built.NodeCount;

    /// <summary>
    /// Whether a built ordinal names a live node (the one <see cref="BuiltNodes"/> holds there): not removed since the build
    /// (a node added again after its removal gets an ordinal past the build, so a live built ordinal is its node's).
    /// </summary>
    public bool IsLiveBuilt(int ordinal) => ordinal < BuiltNodeCount && !_delta.IsNodeRemoved(ordinal);

    public void RemoveNode(string id) => Apply(new Op.RemoveNode(id));

    /// <summary>Whether a live node has this id (as the writes so far left it).</summary>
    public bool HasNode(string id) => Ordinal(id) is not null;

    private void Apply(Op op)
    {
        switch (op)
        {
            case Op.UpsertNode(var node):
                ApplyNode(node);
                break;
            case Op.UpsertEdge(var rowId, var type, var source, var target):
                ApplyEdge(rowId, type, source, target);
                break;
            case Op.RemoveEdge(var rowId):
                if (EdgeOrdinal(rowId) is { } edge)
                {
                    _delta.RemoveEdge(edge);
                }

                break;
            case Op.RemoveNode(var id):
                if (Ordinal(id) is { } ordinal)
                {
                    _delta.RemoveNode(ordinal);
                    NamesGone(ordinal);
                    _built.Built.AddedIds.TryRemove(id, out _);
                }

                break;
        }

        _log.Add((_delta.Version, op));
    }

    private void ApplyNode(Node node)
    {
        if (Ordinal(node.Id) is { } ordinal)
        {
            var old = new NodeView(_built.Built.Nodes, _nodes)[ordinal];
            Grow(ordinal);
            _nodes![ordinal] = node;
            _delta.SetKind(ordinal, (byte)node.Kind);
            if (old.Kind != node.Kind || old.Name != node.Name || !old.Aliases.SequenceEqual(node.Aliases))
            {
                NamesGone(ordinal);
                _overlay.Add(ordinal);
                _inOverlay.Add(ordinal);
            }

            return;
        }

        var added = _delta.AddNode((byte)node.Kind);
        Grow(added);
        _nodes![added] = node;
        _built.Built.AddedIds[node.Id] = added;
        _overlay.Add(added);
        _inOverlay.Add(added);
        _namesChanged = true;
    }

    private void ApplyEdge(long rowId, byte type, string sourceId, string targetId, int sourceOrdinal = -1, int targetOrdinal = -1)
    {
        Debug.Assert(sourceOrdinal < 0 || Ordinal(sourceId) == sourceOrdinal, "a given source ordinal is the id's");
        Debug.Assert(targetOrdinal < 0 || Ordinal(targetId) == targetOrdinal, "a given target ordinal is the id's");
        var source = sourceOrdinal >= 0 ? sourceOrdinal : Ordinal(sourceId) ?? throw new GraphWriteException($"no node with id '{sourceId}'");
        var target = targetOrdinal >= 0 ? targetOrdinal : Ordinal(targetId) ?? throw new GraphWriteException($"no node with id '{targetId}'");
        if (rowId <= _largestEdgeRow && EdgeOrdinal(rowId) is { } existing)
        {
            if (_delta.EdgeSource[existing] == source && _delta.EdgeTarget[existing] == target && _delta.EdgeType[existing] == type)
            {
                return;
            }

            _delta.RemoveEdge(existing);
        }

        var edge = _delta.AddEdge(source, target, type);
        if (edge >= _edgeRowIds.Length)
        {
            Array.Resize(ref _edgeRowIds, Math.Max(edge + 1, _edgeRowIds.Length + (_edgeRowIds.Length / 4) + 16));
        }

        _edgeRowIds[edge] = rowId;
        if (_addedInOrder && rowId <= _largestEdgeRow)
        {
            _addedInOrder = false;
            for (var e = _built.Graph.EdgeCount; e < edge; e++)
            {
                _addedEdgeRows[_edgeRowIds[e]] = e;
            }
        }

        if (!_addedInOrder)
        {
            _addedEdgeRows[rowId] = edge;
        }

        _largestEdgeRow = Math.Max(_largestEdgeRow, rowId);
    }

    /// <summary>
    /// Makes room for a written node record at <paramref name="ordinal"/>: allocated on the first write (most
    /// starts never write), grown by a quarter, so views published before keep the array they saw.
    /// </summary>
    private void Grow(int ordinal)
    {
        if (_nodes is null || ordinal >= _nodes.Length)
        {
            var length = Math.Max(ordinal + 1, ((_nodes?.Length ?? _built.Graph.NodeCount) * 5L / 4) + 16);
            Array.Resize(ref _nodes, (int)Math.Min(length, Array.MaxLength));
        }
    }

    /// <summary>The node's names no longer come from where they were served (built index or overlay).</summary>
    private void NamesGone(int ordinal)
    {
        _namesChanged = true;
        if (_inOverlay.Remove(ordinal))
        {
            _overlay.Remove(ordinal);
            return;
        }

        if (ordinal < _built.Graph.NodeCount)
        {
            _staleAt ??= new int[_built.Graph.NodeCount];
            if (_staleAt[ordinal] == 0)
            {
                _staleAt[ordinal] = _delta.Version;
                _staleCount++;
            }
        }
    }

    private int? Ordinal(string id)
    {
        if (!_built.Built.AddedIds.TryGetValue(id, out var ordinal) && (ordinal = _built.Built.Nodes.Find(id)) < 0)
        {
            return null;
        }

        return _delta.IsNodeRemoved(ordinal) ? null : ordinal;
    }

    private int? EdgeOrdinal(long rowId)
    {
        int edge;
        var builtEdges = _built.Graph.EdgeCount;
        if (_addedInOrder)
        {
            // Added edges hold row ids above the built ones, ascending: one binary search on the side it falls.
            var above = builtEdges == 0 || rowId > _built.EdgeRowIds[builtEdges - 1];
            edge = above
                ? Array.BinarySearch(_edgeRowIds, builtEdges, _delta.EdgeCount - builtEdges, rowId)
                : Array.BinarySearch(_built.EdgeRowIds, 0, builtEdges, rowId);
            if (edge < 0)
            {
                return null;
            }
        }
        else if (!_addedEdgeRows.TryGetValue(rowId, out edge))
        {
            edge = Array.BinarySearch(_built.EdgeRowIds, 0, builtEdges, rowId);
            if (edge < 0)
            {
                return null;
            }
        }

        return _delta.IsEdgeRemoved(edge) ? null : edge;
    }

    /// <summary>One write as applied to the index (kept for replay onto a compacted index).</summary>
    private abstract record Op
    {
        public sealed record UpsertNode(Node Node) : Op;

        public sealed record UpsertEdge(long RowId, byte Type, string Source, string Target) : Op;

        public sealed record RemoveEdge(long RowId) : Op;

        public sealed record RemoveNode(string Id) : Op;
    }
}
