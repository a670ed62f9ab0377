using Explorer.Graph;

namespace Explorer.Algorithms;

/// <summary>Which edges and nodes a traversal may use. Endpoints of a path are always allowed.</summary>
internal sealed class TraversalFilter
{
    public static readonly TraversalFilter None = new(ulong.MaxValue, uint.MaxValue, Direction.Any, new HashSet<int>());

    public TraversalFilter(ulong typeMask, uint kindMask, Direction direction, IReadOnlySet<int> avoid, IReadOnlySet<int>? blockedEdges = null)
    {
        TypeMask = typeMask;
        KindMask = kindMask;
        Direction = direction;
        Avoid = avoid;
        BlockedEdges = blockedEdges ?? new HashSet<int>();
    }

    public ulong TypeMask { get; }

    public uint KindMask { get; }

    public Direction Direction { get; }

    public IReadOnlySet<int> Avoid { get; }

    /// <summary>Edge ordinals a traversal may not use (facts that did not hold at the query's date).</summary>
    public IReadOnlySet<int> BlockedEdges { get; }

    public bool AllTypes => TypeMask == ulong.MaxValue;

    public bool AllKinds => KindMask == uint.MaxValue;
}

/// <summary>
/// Per-thread reusable buffers: visit marks are generation stamps, so a traversal never clears arrays.
/// </summary>
internal sealed class TraversalScratch
{
    [ThreadStatic]
    private static TraversalScratch? s_current;

    private TraversalScratch(int size)
    {
        Size = size;
        MarkForward = new int[size];
        MarkBackward = new int[size];
        Blocked = new int[size];
        ParentForward = new int[size];
        ParentBackward = new int[size];
        UpForward = new int[size];
        UpBackward = new int[size];
        QueueForward = new int[size];
        QueueBackward = new int[size];
        Seen = new byte[size];
    }

    public int Size { get; }

    public int Generation { get; private set; }

    public int[] MarkForward { get; }

    public int[] MarkBackward { get; }

    public int[] Blocked { get; }

    /// <summary>Adjacency entry index through which a node was reached (indexed by node, or by queue position).</summary>
    public int[] ParentForward { get; }

    public int[] ParentBackward { get; }

    /// <summary>By queue position: the queue position of the node whose adjacency reached that one.</summary>
    public int[] UpForward { get; }

    public int[] UpBackward { get; }

    public int[] QueueForward { get; }

    public int[] QueueBackward { get; }

    /// <summary>
    /// Visit marks one byte per node, stamped by <see cref="NextSeenStamps"/>: at 1M nodes the array is a quarter
    /// of an int[]'s and stays in the CPU's near caches, where a search probes it once per adjacency entry.
    /// </summary>
    public byte[] Seen { get; }

    private int _seenGeneration;

    /// <summary>Two byte stamps never written to <see cref="Seen"/> before (clears it once every 127 calls).</summary>
    public (byte First, byte Second) NextSeenStamps()
    {
        if (_seenGeneration > byte.MaxValue - 2)
        {
            Array.Clear(Seen);
            _seenGeneration = 0;
        }

        _seenGeneration += 2;
        return ((byte)(_seenGeneration - 1), (byte)_seenGeneration);
    }

    /// <summary>
    /// The thread's scratch with <paramref name="generations"/> fresh stamps: Generation and the
    /// generations - 1 values below it were never written before.
    /// </summary>
    public static TraversalScratch For(int nodeCount, int generations = 1)
    {
        var scratch = s_current;
        if (scratch is null || scratch.Size < nodeCount)
        {
            s_current = scratch = new TraversalScratch(Math.Max(nodeCount, 16));
        }

        scratch.NextGeneration(generations);
        return scratch;
    }

    private void NextGeneration(int count)
    {
        if (Generation > int.MaxValue - count)
        {
            Array.Clear(MarkForward);
            Array.Clear(MarkBackward);
            Array.Clear(Blocked);
            Generation = 0;
        }

        Generation += count;
    }
}
