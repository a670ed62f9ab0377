using Explorer.Graph;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Operations;

/// <summary>Path and neighborhood answers keep edge records in memory; a committed write is never answered from a stale copy.</summary>
public sealed class EdgeRecordCacheTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEdgeRewrittenAfterBeingServedIsServedAsRewritten()
    {
        var (store, directory) = await Seeded.EmbeddedStoreAsync();
        await using var _ = store;
        using var __ = directory;
        var query = new PathQuery("nato", "balkans", PathMode.Shortest);
        var first = await store.FindPathsAsync(query, Cancellation);
        var edge = first.Edges.First();

        var evidence = new Evidence(edge.Evidence[0].SourceId, edge.Evidence[0].Quote);
        await store.UpsertEdgeAsync(edge with { Evidence = [evidence, evidence with { Quote = edge.Evidence[0].Quote + " " }] }, Cancellation);
        var second = await store.FindPathsAsync(query, Cancellation);

        Assert.Equal(2, second.Edges.Single(e => e.Id == edge.Id).Evidence.Count);
        Assert.Equal(2, (await store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", 1, null, null, 500, 0), Cancellation))!.Edges.Single(e => e.Id == edge.Id).Evidence.Count);
    }

    [Fact]
    public async Task AnEdgeRemovedAfterBeingServedIsNotServedAgain()
    {
        var (store, directory) = await Seeded.EmbeddedStoreAsync();
        await using var _ = store;
        using var __ = directory;
        var around = await store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", 1, null, null, 500, 0), Cancellation);
        var edge = around!.Edges.First();

        await store.RemoveEdgeAsync(edge.Id, Cancellation);
        await store.UpsertEdgeAsync(edge with { Id = edge.Id + "-again" }, Cancellation);
        var after = await store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", 1, null, null, 500, 0), Cancellation);

        Assert.DoesNotContain(after!.Edges, e => e.Id == edge.Id);
        Assert.Contains(after.Edges, e => e.Id == edge.Id + "-again");
    }
}
