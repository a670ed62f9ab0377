namespace Explorer.Graph;

/// <summary>One node or edge write, as a bulk import hands a batch of them to <see cref="IGraphStore.ApplyBatchAsync"/>.</summary>
public abstract record GraphWrite
{
    /// <summary>How many writes, all upserts, make a batch a bulk batch (see <see cref="IsBulkBatch"/>).</summary>
    public const int BulkBatchMinimum = 1000;

    /// <summary>The entity id of a bulk batch's one change (<see cref="ChangeKind.GraphReloaded"/>).</summary>
    public const string BulkChangeEntity = "import";

    private GraphWrite()
    {
    }

    /// <summary>
    /// Whether a batch is a bulk batch: at least <see cref="BulkBatchMinimum"/> writes, all upserts. Every store logs
    /// such a batch as one <see cref="ChangeKind.GraphReloaded"/> change of entity <see cref="BulkChangeEntity"/>,
    /// not one change per record, so a million-record import writes and pushes hundreds of changes, not millions;
    /// each write that did something gets that change's sequence (with its own kind and id) as its result.
    /// </summary>
    public static bool IsBulkBatch(IReadOnlyList<GraphWrite> writes)
    {
        if (writes.Count < BulkBatchMinimum)
        {
            return false;
        }

        foreach (var write in writes)
        {
            if (write is not (UpsertNode or UpsertEdge))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The id of the node or edge written.</summary>
    public abstract string Id { get; }

    public sealed record UpsertNode(Node Node) : GraphWrite
    {
        public override string Id => Node.Id;
    }

    /// <summary>Both endpoints must exist once the writes before it in the batch are applied.</summary>
    public sealed record UpsertEdge(Edge Edge) : GraphWrite
    {
        public override string Id => Edge.Id;

        /// <summary>
        /// Where the store found the ends when an import checked this edge (see <see cref="EndsFound"/>), so that writing
        /// it need not look the ids up again; not part of the write's value (equality).
        /// </summary>
        internal EndsFound Ends { get; init; }

        public bool Equals(UpsertEdge? other) => other is not null && Edge == other.Edge;

        public override int GetHashCode() => Edge.GetHashCode();
    }

    /// <summary>Removes a node and its edges (nothing, and no change, when there is no such node).</summary>
    public sealed record RemoveNode(string NodeId) : GraphWrite
    {
        public override string Id => NodeId;
    }

    /// <summary>Removes an edge (nothing, and no change, when there is no such edge).</summary>
    public sealed record RemoveEdge(string EdgeId) : GraphWrite
    {
        public override string Id => EdgeId;
    }
}

/// <summary>
/// A store's answer of where it found an edge's ends: its node table (an opaque token) and each end's ordinal in it
/// (-1: not found there). The store that gave it uses it only while it still has that table, and otherwise looks
/// the ids up again; default: nothing found.
/// </summary>
internal readonly record struct EndsFound(object? Table, int Source, int Target);

/// <summary>
/// Node kinds by id (<see cref="IGraphStore.GetNodeKindsAsync"/>) from a store that also says where it found each node:
/// its node table (an opaque token) and the node's ordinal there, for <see cref="GraphWrite.UpsertEdge.Ends"/>.
/// </summary>
internal sealed class NodeKindsFound(object table, int capacity) : Dictionary<string, NodeKind>(capacity, StringComparer.Ordinal)
{
    public object Table { get; } = table;

    public Dictionary<string, int> Ordinals { get; } = new(capacity, StringComparer.Ordinal);

    /// <summary>Where this answer found an edge's two ends.</summary>
    public EndsFound Ends(string source, string target) =>
        new(Table, Ordinals.TryGetValue(source, out var s) ? s : -1, Ordinals.TryGetValue(target, out var t) ? t : -1);
}
