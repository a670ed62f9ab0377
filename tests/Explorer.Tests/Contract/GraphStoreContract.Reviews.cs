using Explorer.Graph;
using Explorer.Suggestions;

namespace Explorer.Tests.Contract;

/// <summary>Review statuses in traversals, the edges citing a source, and analysts' verdicts on suggested relations.</summary>
public abstract partial class GraphStoreContract
{
    private static Edge Aid(string id, EdgeStatus status) =>
        new(id, "PROVIDED_AID_TO", "nato", "somalia", [new Evidence(EssayId, EssayQuote)]) { Status = status };

    [Fact]
    public async Task PathsKeptToSomeReviewStatusesLeaveTheOtherEdgesOut()
    {
        Assert.IsType<RecordWrite.Written>(await Store.CreateEdgeAsync(Aid("x-nato-aid-somalia", EdgeStatus.Proposed), "ana"));
        PathQuery Query(params EdgeStatus[] statuses) =>
            new("nato", "somalia", PathMode.Shortest, MaxHops: 6, Statuses: statuses.Length == 0 ? null : statuses.ToHashSet());

        var any = await Store.FindPathsAsync(Query());
        Assert.Equal(["x-nato-aid-somalia"], Assert.Single(any.Paths).Edges);

        var confirmed = await Store.FindPathsAsync(Query(EdgeStatus.Confirmed));
        var path = Assert.Single(confirmed.Paths);
        Assert.True(path.Length > 1);
        Assert.All(confirmed.Edges, e => Assert.Equal(EdgeStatus.Confirmed, e.Status));

        var proposed = await Store.FindPathsAsync(Query(EdgeStatus.Confirmed, EdgeStatus.Proposed));
        Assert.Equal(["x-nato-aid-somalia"], Assert.Single(proposed.Paths).Edges);

        var none = await Store.FindPathsAsync(Query(EdgeStatus.Disputed) with { MaxHops = 3 });
        Assert.Empty(none.Paths);
        Assert.Equal("'NATO' and 'Somalia' are not connected within 10 hops, using only disputed edges.", none.Reason);

        var ranked = await Store.FindPathsAsync(Query(EdgeStatus.Confirmed) with { Mode = PathMode.Ranked, K = 3 });
        Assert.NotEmpty(ranked.Paths);
        Assert.DoesNotContain(ranked.Paths, p => p.Edges.Contains("x-nato-aid-somalia"));
        var all = await Store.FindPathsAsync(Query(EdgeStatus.Confirmed) with { Mode = PathMode.All });
        Assert.DoesNotContain(all.Paths, p => p.Edges.Contains("x-nato-aid-somalia"));
    }

    [Fact]
    public async Task ANeighborhoodKeptToConfirmedEdgesLeavesProposedOnesOutOfItsEdgesAndItsCounts()
    {
        Assert.IsType<RecordWrite.Written>(await Store.CreateEdgeAsync(Aid("x-nato-aid-somalia", EdgeStatus.Proposed), "ana"));

        var all = (await Store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", Limit: 2000)))!;
        var confirmed = (await Store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", Limit: 2000, Statuses: new HashSet<EdgeStatus> { EdgeStatus.Confirmed })))!;

        Assert.Contains(all.Edges, e => e.Id == "x-nato-aid-somalia");
        Assert.DoesNotContain(confirmed.Edges, e => e.Id == "x-nato-aid-somalia");
        Assert.DoesNotContain(confirmed.Nodes, n => n.Id == "somalia");
        Assert.Equal(all.Edges.Count - 1, confirmed.Edges.Count);

        // "N more" counts what the view follows: the proposed edge is not one of NATO's relations under "confirmed only".
        Assert.Equal(all.CountsByType["PROVIDED_AID_TO"] - 1, confirmed.CountsByType.GetValueOrDefault("PROVIDED_AID_TO"));
        Assert.Equal(all.CountsByType.Where(c => c.Key != "PROVIDED_AID_TO"), confirmed.CountsByType.Where(c => c.Key != "PROVIDED_AID_TO" && c.Value > 0));
        var proposed = (await Store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", Limit: 1, Statuses: new HashSet<EdgeStatus> { EdgeStatus.Proposed })))!;
        Assert.Equal(new Dictionary<string, int> { ["PROVIDED_AID_TO"] = 1 }, proposed.CountsByType.Where(c => c.Value > 0).ToDictionary());

        // With a date too: both apply.
        var dated = (await Store.GetNeighborhoodAsync(new NeighborhoodQuery("nato", Limit: 1, AsOf: PartialDate.Parse("2020"), Statuses: new HashSet<EdgeStatus> { EdgeStatus.Proposed })))!;
        Assert.Equal(new Dictionary<string, int> { ["PROVIDED_AID_TO"] = 1 }, dated.CountsByType.Where(c => c.Value > 0).ToDictionary());
    }

    [Fact]
    public async Task TheEdgesCitingASourceAreListedWithTheirQuotes()
    {
        Assert.IsType<RecordWrite.Written>(await Store.CreateSourceAsync(new SourceDocument("memo", "Memo", "memo", "", "NATO aided Somalia. Nothing else."), "ana"));
        Assert.Empty(await Store.GetCitingEdgesAsync("memo", 10));
        Assert.IsType<RecordWrite.Written>(await Store.CreateEdgeAsync(
            new Edge("x-aid", "PROVIDED_AID_TO", "nato", "somalia", [new Evidence(EssayId, EssayQuote), new Evidence("memo", "NATO aided Somalia.")]) { Status = EdgeStatus.Proposed }, "ana"));

        var citing = Assert.Single(await Store.GetCitingEdgesAsync("memo", 10));
        Assert.Equal("x-aid", citing.Id);
        Assert.Contains(new Evidence("memo", "NATO aided Somalia."), citing.Evidence);

        var essay = await Store.GetCitingEdgesAsync(EssayId, 5000);
        Assert.Contains(essay, e => e.Id == "x-aid");
        Assert.Contains(essay, e => e.Id == AnnotatedEdge);
        Assert.All(essay, e => Assert.Contains(e.Evidence, v => v.SourceId == EssayId));
        Assert.Equal(essay.Select(e => e.Id).Order(StringComparer.Ordinal), essay.Select(e => e.Id));
        Assert.Equal(3, (await Store.GetCitingEdgesAsync(EssayId, 3)).Count);
    }

    [Fact]
    public async Task ADismissalIsRecordedOnceAsAChangeOfItsSourceAndChangesNothingInTheGraph()
    {
        var seq = await Store.GetLastSeqAsync();
        var counts = await Store.CountAsync();

        var dismissed = Assert.IsType<ReviewWrite.Written>(await Store.ReviewSuggestionAsync(EssayId, "s1", SuggestionVerdict.Dismissed, null, "ana"));

        Assert.Null(dismissed.Edge);
        Assert.Equal((EssayId, "s1", SuggestionVerdict.Dismissed, "ana", (string?)null), (dismissed.Review.SourceId, dismissed.Review.SuggestionId, dismissed.Review.Verdict, dismissed.Review.By, dismissed.Review.EdgeId));
        Assert.Equal(counts, await Store.CountAsync());

        // One numbered change, so open views (the source's suggestion list) learn of it live and after a drop.
        var change = Assert.Single(await Store.GetChangesAsync(seq, 10));
        Assert.Equal((seq + 1, ChangeKind.SuggestionDismissed, EssayId), (change.Seq, change.Kind, change.EntityId));
        var again = Assert.IsType<ReviewWrite.AlreadyReviewed>(await Store.ReviewSuggestionAsync(EssayId, "s1", SuggestionVerdict.Dismissed, null, "bo"));
        Assert.Equal("ana", again.Existing.By);
        Assert.Equal(seq + 1, await Store.GetLastSeqAsync());
        var listed = Assert.Single(await Store.ListSuggestionReviewsAsync(EssayId));
        Assert.Equal(("s1", SuggestionVerdict.Dismissed, "ana"), (listed.SuggestionId, listed.Verdict, listed.By));
        Assert.True(Math.Abs((listed.At - dismissed.Review.At).TotalSeconds) < 1);
        Assert.Empty(await Store.ListSuggestionReviewsAsync("public-record"));
    }

    [Fact]
    public async Task AnAcceptanceCreatesItsEdgeAndVerdictTogetherOrNeither()
    {
        var seq = await Store.GetLastSeqAsync();

        var accepted = Assert.IsType<ReviewWrite.Written>(await Store.ReviewSuggestionAsync(EssayId, "s2", SuggestionVerdict.Accepted, Aid("x-accepted", EdgeStatus.Proposed), "ana"));

        var change = Assert.Single(accepted.Edge!.Changes);
        Assert.Equal((ChangeKind.EdgeUpserted, "x-accepted"), (change.Kind, change.EntityId));
        Assert.True(change.Seq > seq);
        Assert.Equal("x-accepted", accepted.Review.EdgeId);
        Assert.Equal(EdgeStatus.Proposed, (await Store.GetEdgeAsync("x-accepted"))!.Status);
        var history = Assert.Single((await Store.GetHistoryAsync(RecordKind.Edge, "x-accepted"))!);
        Assert.Equal((RecordAction.Created, "ana"), (history.Action, history.By));
        Assert.Contains(EssayId, history.Note);
        var review = Assert.Single(await Store.ListSuggestionReviewsAsync(EssayId));
        Assert.Equal(("s2", SuggestionVerdict.Accepted, (string?)"x-accepted"), (review.SuggestionId, review.Verdict, review.EdgeId));

        // Reviewed already: neither the edge nor a verdict is written.
        Assert.IsType<ReviewWrite.AlreadyReviewed>(await Store.ReviewSuggestionAsync(EssayId, "s2", SuggestionVerdict.Accepted, Aid("x-other", EdgeStatus.Proposed), "bo"));
        Assert.Null(await Store.GetEdgeAsync("x-other"));

        // The edge refused (its id taken, an end missing): no verdict is written.
        var taken = Assert.IsType<ReviewWrite.EdgeRefused>(await Store.ReviewSuggestionAsync(EssayId, "s3", SuggestionVerdict.Accepted, Aid("x-accepted", EdgeStatus.Proposed), "bo"));
        Assert.IsType<RecordWrite.AlreadyExists>(taken.Refusal);
        var missing = Assert.IsType<ReviewWrite.EdgeRefused>(await Store.ReviewSuggestionAsync(EssayId, "s3", SuggestionVerdict.Accepted,
            Aid("x-nowhere", EdgeStatus.Proposed) with { Target = "nowhere" }, "bo"));
        Assert.Equal("nowhere", Assert.IsType<RecordWrite.MissingNode>(missing.Refusal).NodeId);
        Assert.Single(await Store.ListSuggestionReviewsAsync(EssayId));
        Assert.Equal(change.Seq, await Store.GetLastSeqAsync());
    }

    [Fact]
    public async Task OfTwoConcurrentReviewsOfOneSuggestionExactlyOneIsWritten()
    {
        var writes = await Task.WhenAll(
            Store.ReviewSuggestionAsync(EssayId, "s4", SuggestionVerdict.Accepted, Aid("x-race-a", EdgeStatus.Proposed), "ana"),
            Store.ReviewSuggestionAsync(EssayId, "s4", SuggestionVerdict.Dismissed, null, "bo"),
            Store.ReviewSuggestionAsync(EssayId, "s4", SuggestionVerdict.Accepted, Aid("x-race-b", EdgeStatus.Proposed), "vic"));

        Assert.Single(writes, w => w is ReviewWrite.Written);
        Assert.Equal(2, writes.Count(w => w is ReviewWrite.AlreadyReviewed));
        var review = Assert.Single(await Store.ListSuggestionReviewsAsync(EssayId));
        var edges = new List<string>();
        foreach (var id in new[] { "x-race-a", "x-race-b" })
        {
            if (await Store.GetEdgeAsync(id) is not null)
            {
                edges.Add(id);
            }
        }

        Assert.Equal(review.EdgeId is null ? [] : [review.EdgeId], edges);
    }
}
