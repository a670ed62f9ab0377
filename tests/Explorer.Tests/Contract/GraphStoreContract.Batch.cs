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
    [Fact]
    public async Task ABulkBatchOfUpsertsIsOneChangeWhoseSequenceEveryWriteGets()
    {
        var before = await Store.GetLastSeqAsync();
        var writes = new List<GraphWrite>();
        for (var i = 0; i < GraphWrite.BulkBatchMinimum - 1; i++)
        {
            writes.Add(new GraphWrite.UpsertNode(Theme($"x-bulk-{i}", $"Bulk {i}")));
        }

        writes.Add(new GraphWrite.UpsertEdge(Leads("x-bulk-edge", "x-bulk-0", "x-bulk-1")));

        var changes = await Store.ApplyBatchAsync(writes);

        var logged = Assert.Single(await Store.GetChangesAsync(before, 10));
        Assert.Equal((before + 1, ChangeKind.GraphReloaded, GraphWrite.BulkChangeEntity), (logged.Seq, logged.Kind, logged.EntityId));
        Assert.All(changes, change => Assert.Equal(logged.Seq, change!.Seq));
        Assert.Equal(writes.Select(w => w.Id), changes.Select(c => c!.EntityId));
        Assert.Equal([ChangeKind.NodeUpserted, ChangeKind.EdgeUpserted], changes.Select(c => c!.Kind).Distinct());
        Assert.Equal(ChangeKind.EdgeUpserted, changes[^1]!.Kind);
        Assert.NotNull(await Store.GetNodeAsync($"x-bulk-{GraphWrite.BulkBatchMinimum - 2}"));
        Assert.NotNull(await Store.GetEdgeAsync("x-bulk-edge"));
    }

    [Fact]
    public async Task ALargeBatchWithARemovalKeepsAChangePerWrite()
    {
        var before = await Store.GetLastSeqAsync();
        var writes = new List<GraphWrite>();
        for (var i = 0; i < GraphWrite.BulkBatchMinimum; i++)
        {
            writes.Add(new GraphWrite.UpsertNode(Theme($"x-bulk-{i}", $"Bulk {i}")));
        }

        writes.Add(new GraphWrite.RemoveNode("x-bulk-0"));

        var changes = await Store.ApplyBatchAsync(writes);

        var logged = await Store.GetChangesAsync(before, 2 * GraphWrite.BulkBatchMinimum);
        Assert.Equal(writes.Count, logged.Count);
        Assert.DoesNotContain(logged, c => c.Kind == ChangeKind.GraphReloaded);
        Assert.Equal(changes.Select(c => c!.Seq), logged.Select(c => c.Seq));
        Assert.Equal((ChangeKind.NodeRemoved, "x-bulk-0"), (logged[^1].Kind, logged[^1].EntityId));
    }
}
