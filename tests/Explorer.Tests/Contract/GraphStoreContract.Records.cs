using Explorer.Graph;

namespace Explorer.Tests.Contract;

/// <summary>Analysts' writes to nodes, edges and sources: versions, refusals, dependents, history and the change log.</summary>
public abstract partial class GraphStoreContract
{
    private const string EssayId = "military-engagement-in-global-diplomacy";
    private const string EssayQuote = "Military presence can deter aggression and ensure compliance with international norms";

    private static Node Theme(string id, string name) => new(id, NodeKind.Theme, name, [], "");

    private static Edge Leads(string id, string source, string target, EdgeStatus status = EdgeStatus.Proposed) =>
        new(id, "LEADS_TO", source, target, [new Evidence(EssayId, EssayQuote)]) { Status = status };

    private async Task<long> CreateAsync(Node node) =>
        Assert.IsType<RecordWrite.Written>(await Store.CreateNodeAsync(node, "ana")).Version;

    [Fact]
    public async Task SeededEdgesAreConfirmedAtVersionOne()
    {
        var edge = (await Store.GetEdgeAsync(AnnotatedEdge))!;

        Assert.Equal(EdgeStatus.Confirmed, edge.Status);
        Assert.Equal(1, edge.Version);
        Assert.Equal(1, (await Store.GetNodeAsync("nato"))!.Node.Version);
        Assert.Empty((await Store.GetHistoryAsync(RecordKind.Edge, AnnotatedEdge))!);
        Assert.Null(await Store.GetHistoryAsync(RecordKind.Edge, "no-such-edge"));
    }

    [Fact]
    public async Task ANodeIsCreatedOnceWithItsHistoryAndChange()
    {
        var before = await Store.GetLastSeqAsync();
        var write = Assert.IsType<RecordWrite.Written>(await Store.CreateNodeAsync(Theme("x-trust", "Trust"), "ana"));

        Assert.Equal(1, write.Version);
        var change = Assert.Single(write.Changes);
        Assert.Equal((ChangeKind.NodeUpserted, "x-trust"), (change.Kind, change.EntityId));
        Assert.True(change.Seq > before);
        Assert.Equal("Trust", (await Store.GetNodeAsync("x-trust"))!.Node.Name);
        Assert.Contains(await Store.SearchAsync(new SearchQuery("x-trust")), h => h.Id == "x-trust");
        var history = Assert.Single((await Store.GetHistoryAsync(RecordKind.Node, "x-trust"))!);
        Assert.Equal((1L, RecordAction.Created, "ana", change.Seq), (history.Version, history.Action, history.By, history.Seq));
        Assert.Equal("Trust", history.State.GetProperty("name").GetString());

        Assert.IsType<RecordWrite.AlreadyExists>(await Store.CreateNodeAsync(Theme("x-trust", "Other"), "bo"));
        Assert.Equal(change.Seq, await Store.GetLastSeqAsync());
    }

    [Fact]
    public async Task AnUpdateAtAStaleVersionIsRefusedAndWritesNothing()
    {
        await CreateAsync(Theme("x-trust", "Trust"));
        var updated = Assert.IsType<RecordWrite.Written>(await Store.UpdateNodeAsync(Theme("x-trust", "Mutual trust") with { Aliases = ["confidence"] }, 1, "bo"));
        Assert.Equal(2, updated.Version);
        var seq = await Store.GetLastSeqAsync();

        var stale = Assert.IsType<RecordWrite.VersionConflict>(await Store.UpdateNodeAsync(Theme("x-trust", "Lost"), 1, "ana"));

        Assert.Equal(2, stale.Current);
        Assert.Equal(seq, await Store.GetLastSeqAsync());
        var node = (await Store.GetNodeAsync("x-trust"))!.Node;
        Assert.Equal(("Mutual trust", 2L), (node.Name, node.Version));
        var history = (await Store.GetHistoryAsync(RecordKind.Node, "x-trust"))!;
        Assert.Equal([RecordAction.Created, RecordAction.Updated], history.Select(h => h.Action));
        Assert.Equal(["name", "aliases"], history[1].Changed);
        Assert.Equal("bo", history[1].By);
        Assert.IsType<RecordWrite.NotFound>(await Store.UpdateNodeAsync(Theme("nobody", "Nobody"), 1, "ana"));
    }

    [Fact]
    public async Task ANodeWithEdgesIsDeletedOnlyWithCascadeAndHistoryKeepsAll()
    {
        await CreateAsync(Theme("x-trust", "Trust"));
        await CreateAsync(Theme("x-stability", "Stability"));
        Assert.IsType<RecordWrite.Written>(await Store.CreateEdgeAsync(Leads("x-trust-leads-to-stability", "x-trust", "x-stability"), "ana"));
        var seq = await Store.GetLastSeqAsync();

        var refused = Assert.IsType<RecordWrite.InUse>(await Store.DeleteNodeAsync("x-trust", 1, "ana", cascade: false));
        Assert.Equal(["x-trust-leads-to-stability"], refused.EdgeIds);
        Assert.Equal(seq, await Store.GetLastSeqAsync());

        var deleted = Assert.IsType<RecordWrite.Written>(await Store.DeleteNodeAsync("x-trust", 1, "ana", cascade: true));
        Assert.Equal([ChangeKind.EdgeRemoved, ChangeKind.NodeRemoved], deleted.Changes.Select(c => c.Kind));
        Assert.Null(await Store.GetNodeAsync("x-trust"));
        Assert.Null(await Store.GetEdgeAsync("x-trust-leads-to-stability"));
        Assert.Equal(0, (await Store.GetNodeAsync("x-stability"))!.Degree);
        var edgeHistory = (await Store.GetHistoryAsync(RecordKind.Edge, "x-trust-leads-to-stability"))!;
        Assert.Equal(RecordAction.Deleted, edgeHistory[^1].Action);
        Assert.Contains("x-trust", edgeHistory[^1].Note);
        Assert.Equal("Trust", (await Store.GetHistoryAsync(RecordKind.Node, "x-trust"))![^1].State.GetProperty("name").GetString());

        // Created again, its versions go on from its history.
        Assert.Equal(3, await CreateAsync(Theme("x-trust", "Trust again")));
    }

    [Fact]
    public async Task AnUpsertWritesTheStatusOfANewEdgeAndKeepsTheReviewOfOneThatExists()
    {
        // The single write and the batch (as an import sends them) follow the same rule in every store.
        await CreateAsync(Theme("x-trust", "Trust"));
        await CreateAsync(Theme("x-stability", "Stability"));
        await Store.UpsertEdgeAsync(Leads("x-single", "x-trust", "x-stability", EdgeStatus.Disputed));
        await Store.ApplyBatchAsync([new GraphWrite.UpsertEdge(Leads("x-batch", "x-stability", "x-trust", EdgeStatus.Proposed))]);
        Assert.Equal(EdgeStatus.Disputed, (await Store.GetEdgeAsync("x-single"))!.Status);
        Assert.Equal(EdgeStatus.Proposed, (await Store.GetEdgeAsync("x-batch"))!.Status);

        await Store.UpsertEdgeAsync(Leads("x-single", "x-trust", "x-stability", EdgeStatus.Confirmed) with { ValidFrom = "2001" });
        await Store.ApplyBatchAsync([new GraphWrite.UpsertEdge(Leads("x-batch", "x-stability", "x-trust", EdgeStatus.Confirmed) with { ValidFrom = "2001" })]);
        var single = (await Store.GetEdgeAsync("x-single"))!;
        var batch = (await Store.GetEdgeAsync("x-batch"))!;
        Assert.Equal(("2001", EdgeStatus.Disputed, 2L), (single.ValidFrom, single.Status, single.Version));
        Assert.Equal(("2001", EdgeStatus.Proposed, 2L), (batch.ValidFrom, batch.Status, batch.Version));
    }

    [Fact]
    public async Task EdgesKeepTheirStatusAndEndsAreChecked()
    {
        await CreateAsync(Theme("x-trust", "Trust"));
        Assert.IsType<RecordWrite.MissingNode>(await Store.CreateEdgeAsync(Leads("x-trust-leads-to-nothing", "x-trust", "nothing"), "ana"));

        await CreateAsync(Theme("x-stability", "Stability"));
        Assert.IsType<RecordWrite.Written>(await Store.CreateEdgeAsync(Leads("e1", "x-trust", "x-stability"), "ana"));
        Assert.Equal(EdgeStatus.Proposed, (await Store.GetEdgeAsync("e1"))!.Status);

        var disputed = (await Store.GetEdgeAsync("e1"))! with { Status = EdgeStatus.Disputed };
        Assert.Equal(2, Assert.IsType<RecordWrite.Written>(await Store.UpdateEdgeAsync(disputed, 1, "bo")).Version);
        var edge = (await Store.GetEdgeAsync("e1"))!;
        Assert.Equal((EdgeStatus.Disputed, 2L), (edge.Status, edge.Version));
        Assert.Equal(["status"], (await Store.GetHistoryAsync(RecordKind.Edge, "e1"))![^1].Changed);
        Assert.IsType<RecordWrite.VersionConflict>(await Store.DeleteEdgeAsync("e1", 1, "ana"));
        Assert.IsType<RecordWrite.Written>(await Store.DeleteEdgeAsync("e1", 2, "ana"));
        Assert.Null(await Store.GetEdgeAsync("e1"));
    }

    [Fact]
    public async Task ACitedSourceIsDeletedOnlyByForceWhichRemovesItsCitations()
    {
        await CreateAsync(Theme("x-trust", "Trust"));
        await CreateAsync(Theme("x-stability", "Stability"));
        Assert.IsType<RecordWrite.Written>(await Store.CreateSourceAsync(new SourceDocument("memo", "Memo", "memo", "", "Trust leads to stability."), "ana"));
        Assert.IsType<RecordWrite.Written>(await Store.CreateEdgeAsync(
            new Edge("only-memo", "LEADS_TO", "x-trust", "x-stability", [new Evidence("memo", "Trust leads to stability.")]) { Status = EdgeStatus.Proposed }, "ana"));
        Assert.IsType<RecordWrite.Written>(await Store.CreateEdgeAsync(
            new Edge("both", "LEADS_TO", "x-stability", "x-trust", [new Evidence("memo", "Trust leads"), new Evidence(EssayId, EssayQuote)]) { Status = EdgeStatus.Proposed }, "ana"));

        var refused = Assert.IsType<RecordWrite.InUse>(await Store.DeleteSourceAsync("memo", 1, "ana", force: false));
        Assert.Equal(["both", "only-memo"], refused.EdgeIds);
        var broken = Assert.IsType<RecordWrite.InUse>(await Store.UpdateSourceAsync(new SourceDocument("memo", "Memo", "memo", "", "Rewritten."), 1, "ana"));
        Assert.Equal(2, broken.Count);

        var deleted = Assert.IsType<RecordWrite.Written>(await Store.DeleteSourceAsync("memo", 1, "bo", force: true));
        Assert.Equal(ChangeKind.SourceRemoved, deleted.Changes[^1].Kind);
        Assert.Null(await Store.GetSourceAsync("memo"));
        Assert.Null(await Store.GetEdgeAsync("only-memo"));
        var both = (await Store.GetEdgeAsync("both"))!;
        Assert.Equal([new Evidence(EssayId, EssayQuote)], both.Evidence);
        var note = (await Store.GetHistoryAsync(RecordKind.Edge, "both"))![^1];
        Assert.Equal((RecordAction.Updated, "bo"), (note.Action, note.By));
        Assert.Equal(["evidence"], note.Changed);
        Assert.Contains("memo", note.Note);
        Assert.Equal(RecordAction.Deleted, (await Store.GetHistoryAsync(RecordKind.Edge, "only-memo"))![^1].Action);
        Assert.Equal(RecordAction.Deleted, (await Store.GetHistoryAsync(RecordKind.Source, "memo"))![^1].Action);
    }

    [Fact]
    public async Task SourcesCarryTheirUrlAndVersion()
    {
        var source = new SourceDocument("memo", "Memo", "memo", "About it", "Text.") { Url = "https://example.org/memo" };
        Assert.IsType<RecordWrite.Written>(await Store.CreateSourceAsync(source, "ana"));
        Assert.IsType<RecordWrite.AlreadyExists>(await Store.CreateSourceAsync(source, "bo"));

        var stored = (await Store.GetSourceAsync("memo"))!;
        Assert.Equal(("https://example.org/memo", 1L, "Text."), (stored.Url, stored.Version, stored.Text));
        Assert.Equal(2, Assert.IsType<RecordWrite.Written>(await Store.UpdateSourceAsync(stored with { Title = "The memo", Text = "More text." }, 1, "bo")).Version);
        Assert.Equal(["title", "text"], (await Store.GetHistoryAsync(RecordKind.Source, "memo"))![^1].Changed);
        Assert.Contains(await Store.ListSourcesAsync(), s => s is { Id: "memo", Title: "The memo", Version: 2 });
    }
    [Fact]
    public async Task SeedingAgainLeavesWhatAnalystsChangedOrDeletedAlone()
    {
        var edge = (await Store.GetEdgeAsync(AnnotatedEdge))!;
        Assert.IsType<RecordWrite.Written>(await Store.UpdateEdgeAsync(edge with { Status = EdgeStatus.Disputed }, edge.Version, "bo"));
        var nato = (await Store.GetNodeAsync("nato"))!.Node;
        Assert.IsType<RecordWrite.Written>(await Store.UpdateNodeAsync(nato with { Description = "Edited by an analyst" }, nato.Version, "ana"));
        var other = (await Store.GetEdgeAsync(Dataset.Edges.First(e => e.Id != AnnotatedEdge).Id))!;
        Assert.IsType<RecordWrite.Written>(await Store.DeleteEdgeAsync(other.Id, other.Version, "admin"));

        var report = await Store.SeedAsync(Dataset);

        Assert.Equal(EdgeStatus.Disputed, (await Store.GetEdgeAsync(AnnotatedEdge))!.Status);
        Assert.Equal("Edited by an analyst", (await Store.GetNodeAsync("nato"))!.Node.Description);
        Assert.Null(await Store.GetEdgeAsync(other.Id));
        Assert.Equal((0, 0), (report.Edges.Added, report.Edges.Updated));
    }
}
