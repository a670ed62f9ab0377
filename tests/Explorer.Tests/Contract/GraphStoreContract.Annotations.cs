using Explorer.Annotations;
using Explorer.Graph;

namespace Explorer.Tests.Contract;

/// <summary>Annotations: versions, optimistic concurrency, soft delete, history, the feed and the change log.</summary>
public abstract partial class GraphStoreContract
{
    private const string AnnotatedEdge = "nato-conducted-nato-balkans-intervention";

    private static NewAnnotation Note(string text, string author = "ana", string target = AnnotatedEdge, AnnotationTargetKind kind = AnnotationTargetKind.Edge, string[]? tags = null, AnnotationStatus status = AnnotationStatus.Proposed) =>
        new(kind, target, text, tags ?? [], Confidence.Medium, null, status, author);

    private async Task<Annotation> AddAsync(NewAnnotation note) =>
        Assert.IsType<AnnotationWrite.Written>(await Store.AddAnnotationAsync(note)).Annotation;

    [Fact]
    public async Task AnAnnotationIsCreatedAtVersionOneWithItsChangeAndHistory()
    {
        var before = await Store.GetLastSeqAsync();
        var write = Assert.IsType<AnnotationWrite.Written>(await Store.AddAnnotationAsync(
            new NewAnnotation(AnnotationTargetKind.Edge, AnnotatedEdge, "mandate renewed 2013,\nsee S/RES/2100", ["mandate", "un"], Confidence.High, "S/RES/2100", AnnotationStatus.Confirmed, "ana")));

        var annotation = write.Annotation;
        Assert.Equal(1, annotation.Version);
        Assert.False(annotation.Deleted);
        Assert.Equal("mandate renewed 2013,\nsee S/RES/2100", annotation.Text);
        Assert.Equal(annotation.CreatedAt, annotation.UpdatedAt);
        Assert.True(write.Change.Seq > before);
        Assert.Equal(ChangeKind.AnnotationAdded, write.Change.Kind);
        Assert.Equal(annotation.Id, write.Change.EntityId);

        Assert.Equal(annotation, await Store.GetAnnotationAsync(annotation.Id), AnnotationComparer.Instance);
        var history = Assert.Single((await Store.GetAnnotationHistoryAsync(annotation.Id))!);
        Assert.Equal((1L, AnnotationAction.Created, "ana", write.Change.Seq), (history.Version, history.Action, history.By, history.Seq));
        Assert.Equal(annotation, history.Annotation, AnnotationComparer.Instance);
    }

    [Fact]
    public async Task AnnotationsOnUnknownTargetsAreRefusedAndNothingIsWritten()
    {
        var before = await Store.GetLastSeqAsync();

        Assert.IsType<AnnotationWrite.NotFound>(await Store.AddAnnotationAsync(Note("x", target: "no-such-edge")));
        Assert.IsType<AnnotationWrite.NotFound>(await Store.AddAnnotationAsync(Note("x", target: "nato")));
        Assert.IsType<AnnotationWrite.NotFound>(await Store.AddAnnotationAsync(Note("x", target: AnnotatedEdge, kind: AnnotationTargetKind.Node)));

        Assert.Equal(before, await Store.GetLastSeqAsync());
        Assert.Empty(await Store.QueryAnnotationsAsync(new AnnotationQuery(IncludeDeleted: true)));
    }

    [Fact]
    public async Task NodesCanBeAnnotatedToo()
    {
        var annotation = await AddAsync(Note("founded 1949", target: "nato", kind: AnnotationTargetKind.Node));

        Assert.Equal([annotation.Id], (await Store.ListAnnotationsAsync(AnnotationTargetKind.Node, "nato")).Select(a => a.Id));
        Assert.Empty(await Store.ListAnnotationsAsync(AnnotationTargetKind.Edge, "nato"));
    }

    [Fact]
    public async Task AnUpdateAtTheCurrentVersionWritesTheNextVersionAndRecordsWhatChanged()
    {
        var created = await AddAsync(Note("first", tags: ["a"]));

        var write = Assert.IsType<AnnotationWrite.Written>(await Store.UpdateAnnotationAsync(
            created.Id, 1, AnnotationEdit.Of(created) with { Text = "second", Status = AnnotationStatus.Disputed }, "admin"));

        Assert.Equal(2, write.Annotation.Version);
        Assert.Equal("second", write.Annotation.Text);
        Assert.Equal("ana", write.Annotation.Author);
        Assert.Equal(created.CreatedAt, write.Annotation.CreatedAt);
        Assert.True(write.Annotation.UpdatedAt >= created.UpdatedAt);
        Assert.Equal(ChangeKind.AnnotationChanged, write.Change.Kind);

        var history = (await Store.GetAnnotationHistoryAsync(created.Id))!;
        Assert.Equal([1L, 2L], history.Select(v => v.Version));
        Assert.Equal(["text", "status"], history[1].Changed);
        Assert.Equal("admin", history[1].By);
        Assert.Equal("first", history[0].Annotation.Text);
        Assert.Equal("second", history[1].Annotation.Text);
    }

    [Fact]
    public async Task AStaleVersionIsAConflictThatWritesNothing()
    {
        var created = await AddAsync(Note("original"));
        Assert.IsType<AnnotationWrite.Written>(await Store.UpdateAnnotationAsync(created.Id, 1, AnnotationEdit.Of(created) with { Text = "winner" }, "ana"));
        var seq = await Store.GetLastSeqAsync();

        var conflict = Assert.IsType<AnnotationWrite.VersionConflict>(await Store.UpdateAnnotationAsync(created.Id, 1, AnnotationEdit.Of(created) with { Text = "loser" }, "ana"));
        Assert.IsType<AnnotationWrite.VersionConflict>(await Store.DeleteAnnotationAsync(created.Id, 1, "ana"));

        Assert.Equal(2, conflict.Current.Version);
        Assert.Equal("winner", conflict.Current.Text);
        Assert.Equal(seq, await Store.GetLastSeqAsync());
        Assert.Equal(2, (await Store.GetAnnotationHistoryAsync(created.Id))!.Count);
    }

    [Fact]
    public async Task ConcurrentUpdatesAtTheSameVersionLetExactlyOneWin()
    {
        var created = await AddAsync(Note("contested"));

        var writes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            Store.UpdateAnnotationAsync(created.Id, 1, AnnotationEdit.Of(created) with { Text = $"edit {i}" }, "ana"))));

        var winner = Assert.Single(writes.OfType<AnnotationWrite.Written>());
        Assert.Equal(7, writes.OfType<AnnotationWrite.VersionConflict>().Count());
        var history = (await Store.GetAnnotationHistoryAsync(created.Id))!;
        Assert.Equal([1L, 2L], history.Select(v => v.Version));
        Assert.Equal(winner.Annotation.Text, history[1].Annotation.Text);
    }

    [Fact]
    public async Task ManyConcurrentWritesEachGetTheirOwnOutcomeAndOnlySuccessesAreKept()
    {
        var before = await Store.GetLastSeqAsync();

        var writes = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() =>
            Store.AddAnnotationAsync(Note($"concurrent {i}", target: i % 3 == 0 ? "no-such-edge" : AnnotatedEdge)))));

        for (var i = 0; i < writes.Length; i++)
        {
            if (i % 3 == 0)
            {
                Assert.IsType<AnnotationWrite.NotFound>(writes[i]);
            }
            else
            {
                Assert.Equal($"concurrent {i}", Assert.IsType<AnnotationWrite.Written>(writes[i]).Annotation.Text);
            }
        }

        var written = writes.OfType<AnnotationWrite.Written>().ToList();
        Assert.Equal(40, written.Select(w => w.Change.Seq).Distinct().Count());
        Assert.All(written, w => Assert.True(w.Change.Seq > before));
        Assert.Equal(40, (await Store.GetChangesAsync(before, 1000)).Count);
        Assert.Equal(40, (await Store.ListAnnotationsAsync(AnnotationTargetKind.Edge, AnnotatedEdge)).Count);
    }

    [Fact]
    public async Task ADeleteIsSoftAndVisibleInHistory()
    {
        var created = await AddAsync(Note("to be removed"));
        var kept = await AddAsync(Note("kept"));

        var write = Assert.IsType<AnnotationWrite.Written>(await Store.DeleteAnnotationAsync(created.Id, 1, "admin"));

        Assert.True(write.Annotation.Deleted);
        Assert.Equal(2, write.Annotation.Version);
        Assert.Equal(ChangeKind.AnnotationRemoved, write.Change.Kind);
        var stored = (await Store.GetAnnotationAsync(created.Id))!;
        Assert.True(stored.Deleted);
        Assert.Equal("to be removed", stored.Text);
        Assert.Equal([kept.Id], (await Store.ListAnnotationsAsync(AnnotationTargetKind.Edge, AnnotatedEdge)).Select(a => a.Id));
        var history = (await Store.GetAnnotationHistoryAsync(created.Id))!;
        Assert.Equal([AnnotationAction.Created, AnnotationAction.Deleted], history.Select(v => v.Action));
        Assert.Equal("admin", history[1].By);

        // A deleted annotation can be neither edited nor deleted again.
        Assert.IsType<AnnotationWrite.NotFound>(await Store.UpdateAnnotationAsync(created.Id, 2, AnnotationEdit.Of(created), "admin"));
        Assert.IsType<AnnotationWrite.NotFound>(await Store.DeleteAnnotationAsync(created.Id, 2, "admin"));
        Assert.Equal(1, (await Store.CountAnnotationsAsync([AnnotatedEdge]))[AnnotatedEdge]);
    }

    [Fact]
    public async Task UnknownAnnotationsReadAsNullAndWriteAsNotFound()
    {
        Assert.Null(await Store.GetAnnotationAsync("no-such-annotation"));
        Assert.Null(await Store.GetAnnotationHistoryAsync("no-such-annotation"));
        Assert.IsType<AnnotationWrite.NotFound>(await Store.UpdateAnnotationAsync("no-such-annotation", 1, new AnnotationEdit("x", [], Confidence.Low, null, AnnotationStatus.Proposed), "ana"));
        Assert.IsType<AnnotationWrite.NotFound>(await Store.DeleteAnnotationAsync("no-such-annotation", 1, "ana"));
    }

    [Fact]
    public async Task TheFeedIsNewestFirstAndFiltersByAuthorTagStatusAndTime()
    {
        var a = await AddAsync(Note("a", author: "ana", tags: ["mandate"]));
        var b = await AddAsync(Note("b", author: "bo", tags: ["Mandate", "un"], status: AnnotationStatus.Confirmed));
        var c = await AddAsync(Note("c", author: "ana", status: AnnotationStatus.Disputed));
        var edited = Assert.IsType<AnnotationWrite.Written>(await Store.UpdateAnnotationAsync(a.Id, 1, AnnotationEdit.Of(a) with { Text = "a2" }, "ana")).Annotation;
        var d = await AddAsync(Note("d", author: "bo"));
        Assert.IsType<AnnotationWrite.Written>(await Store.DeleteAnnotationAsync(d.Id, 1, "bo"));

        Assert.Equal([a.Id, c.Id, b.Id], (await Store.QueryAnnotationsAsync(new AnnotationQuery())).Select(x => x.Id));
        Assert.Equal([d.Id, a.Id, c.Id, b.Id], (await Store.QueryAnnotationsAsync(new AnnotationQuery(IncludeDeleted: true))).Select(x => x.Id));
        Assert.Equal([a.Id, c.Id], (await Store.QueryAnnotationsAsync(new AnnotationQuery(Author: "ANA"))).Select(x => x.Id));
        Assert.Equal([a.Id, b.Id], (await Store.QueryAnnotationsAsync(new AnnotationQuery(Tag: "mandate"))).Select(x => x.Id));
        Assert.Equal([b.Id], (await Store.QueryAnnotationsAsync(new AnnotationQuery(Status: AnnotationStatus.Confirmed))).Select(x => x.Id));
        Assert.Equal([a.Id], (await Store.QueryAnnotationsAsync(new AnnotationQuery(Since: c.UpdatedAt))).Select(x => x.Id));
        Assert.Equal([a.Id, c.Id], (await Store.QueryAnnotationsAsync(new AnnotationQuery(Limit: 2))).Select(x => x.Id));
        Assert.Equal("a2", (await Store.QueryAnnotationsAsync(new AnnotationQuery(Limit: 1)))[0].Text);
        Assert.Equal(edited.Version, (await Store.QueryAnnotationsAsync(new AnnotationQuery(Limit: 1)))[0].Version);
    }

    [Fact]
    public async Task CountsCoverEveryRequestedTargetAndOnlyLiveAnnotations()
    {
        const string other = "un-conducted-minusma";
        await AddAsync(Note("one"));
        await AddAsync(Note("two"));
        var gone = await AddAsync(Note("three"));
        await Store.DeleteAnnotationAsync(gone.Id, 1, "ana");
        await AddAsync(Note("node", target: "nato", kind: AnnotationTargetKind.Node));

        var counts = await Store.CountAnnotationsAsync([AnnotatedEdge, other, "nato", "nothing-here"]);

        Assert.Equal(2, counts[AnnotatedEdge]);
        Assert.Equal(0, counts[other]);
        Assert.Equal(1, counts["nato"]);
        Assert.Equal(0, counts["nothing-here"]);
        Assert.Equal(0, (await Store.CountAnnotationsAsync(["nato"], AnnotationTargetKind.Edge))["nato"]);
    }

    [Fact]
    public async Task AnnotationWritesTakeTheNextSequenceNumbersInTheChangeLog()
    {
        var start = await Store.GetLastSeqAsync();
        var created = Assert.IsType<AnnotationWrite.Written>(await Store.AddAnnotationAsync(Note("seq")));
        var node = await Store.UpsertNodeAsync(new Node("seq-node", NodeKind.Theme, "Seq", [], ""));
        var updated = Assert.IsType<AnnotationWrite.Written>(await Store.UpdateAnnotationAsync(created.Annotation.Id, 1, AnnotationEdit.Of(created.Annotation) with { Text = "seq 2" }, "ana"));
        var removed = Assert.IsType<AnnotationWrite.Written>(await Store.DeleteAnnotationAsync(created.Annotation.Id, 2, "ana"));

        var log = await Store.GetChangesAsync(start, 100);
        Assert.Equal([created.Change.Seq, node.Seq, updated.Change.Seq, removed.Change.Seq], log.Select(c => c.Seq));
        Assert.Equal([ChangeKind.AnnotationAdded, ChangeKind.NodeUpserted, ChangeKind.AnnotationChanged, ChangeKind.AnnotationRemoved], log.Select(c => c.Kind));
        Assert.Equal([created.Change.Seq, updated.Change.Seq, removed.Change.Seq], (await Store.GetAnnotationHistoryAsync(created.Annotation.Id))!.Select(v => v.Seq));
    }

    [Fact]
    public async Task TextIsStoredVerbatim()
    {
        string[] texts =
        [
            "<script>alert('x')</script>",
            "'; DROP TABLE annotations;--",
            "\" OR 1=1 --",
            "line one\r\nline two\n\ttabbed",
            "北大西洋公约组织 🙂 e\u0301",
        ];

        foreach (var text in texts)
        {
            var created = await AddAsync(Note(text, tags: [text.Length > 50 ? text[..50] : text]));
            var stored = (await Store.GetAnnotationAsync(created.Id))!;
            Assert.Equal(text, stored.Text);
        }

        Assert.Equal(texts.Length, (await Store.ListAnnotationsAsync(AnnotationTargetKind.Edge, AnnotatedEdge)).Count);
        Assert.NotNull(await Store.GetEdgeAsync(AnnotatedEdge));
    }

    /// <summary>Compares annotations by value (records compare lists by reference).</summary>
    private sealed class AnnotationComparer : IEqualityComparer<Annotation>
    {
        public static readonly AnnotationComparer Instance = new();

        private static readonly string[] s_noTags = [];

        public bool Equals(Annotation? x, Annotation? y) =>
            x is not null && y is not null && x with { Tags = s_noTags } == y with { Tags = s_noTags } && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(Annotation obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
