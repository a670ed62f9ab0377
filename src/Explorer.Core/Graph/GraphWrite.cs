namespace Explorer.Graph;

/// <summary>One node or edge write, as a bulk import hands a batch of them to <see cref="IGraphStore.ApplyBatchAsync"/>.</summary>
public abstract record GraphWrite
{
    private GraphWrite()
    {
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
