using Explorer.Graph;

namespace Explorer.Tests.Contract;

/// <summary>Import batches (<see cref="IGraphStore.ApplyBatchAsync"/>): all of a batch commits, in order, or none of it.</summary>
public abstract partial class GraphStoreContract
{
    [Fact]
    public async Task ABatchCommitsInOrderWithAChangePerWriteThatDidSomething()
    {
        var before = await Store.GetLastSeqAsync();
        GraphWrite[] writes =
        [
            new GraphWrite.UpsertNode(Theme("x-batch-a", "Batch A")),
            new GraphWrite.UpsertNode(Theme("x-batch-b", "Batch B")),
            new GraphWrite.UpsertEdge(Leads("x-batch-ab", "x-batch-a", "x-batch-b")),
            new GraphWrite.RemoveEdge("x-no-such-edge"),
            new GraphWrite.UpsertEdge(Leads("x-batch-ba", "x-batch-b", "x-batch-a")),
            new GraphWrite.RemoveNode("x-batch-b"),
        ];

        var changes = await Store.ApplyBatchAsync(writes);

        Assert.Equal([before + 1, before + 2, before + 3, null, before + 4, before + 5], changes.Select(c => c?.Seq));
        Assert.Equal(["x-batch-a", "x-batch-b", "x-batch-ab", "x-batch-ba", "x-batch-b"], (await Store.GetChangesAsync(before, 10)).Select(c => c.EntityId));
        Assert.NotNull(await Store.GetNodeAsync("x-batch-a"));
        Assert.Null(await Store.GetNodeAsync("x-batch-b"));
        Assert.Null(await Store.GetEdgeAsync("x-batch-ab")); // went with its end
        Assert.Null(await Store.GetEdgeAsync("x-batch-ba"));
    }

    [Fact]
    public async Task ABatchWithARefusedWriteWritesNothingAtAll()
    {
        var before = await Store.GetLastSeqAsync();
        var counts = await Store.CountAsync();
        GraphWrite[] writes =
        [
            new GraphWrite.UpsertNode(Theme("x-batch-c", "Batch C")),
            new GraphWrite.RemoveEdge(AnnotatedEdge),
            new GraphWrite.UpsertEdge(Leads("x-batch-cz", "x-batch-c", "x-no-such-node")),
        ];

        var error = await Assert.ThrowsAsync<GraphWriteException>(() => Store.ApplyBatchAsync(writes));

        Assert.Contains("x-no-such-node", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Store.GetLastSeqAsync());
        Assert.Equal(counts, await Store.CountAsync());
        Assert.Null(await Store.GetNodeAsync("x-batch-c"));
        Assert.NotNull(await Store.GetEdgeAsync(AnnotatedEdge));
    }
}
