using Explorer.Graph;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>
/// The source view in the real page against the real server: its suggested relations, accepted (a proposed edge
/// that appears live in another browser) or dismissed (gone from every open view of the document) by analysts and
/// offered to no one else; its list of the quotes the graph takes, each opening its edge; and the path bar's Review
/// select, which keeps a path off proposed edges. Each test writes its own nodes and document.
/// </summary>
public sealed class SourceReviewTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>A passage of the essay (the seed's source).</summary>
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string EssayPassage = "One notable case is NATO’s intervention in the Balkans during the 1990s.";

    /// <summary>
    /// A document naming four new nodes: one typed suggestion (Ruritania MEMBER_OF the Pact, by the cue "member of")
    /// and one untyped (Freedonia and Sylvania "met").
    /// </summary>
    private sealed record Memo(string Id, string Text, string FirstSentence, string Nation, string NationName, string Org, string OrgName, string Other, string OtherName, string Third, string ThirdName);

    private async Task<Memo> MemoAsync()
    {
        if (fixture.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var u = new string([.. Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + (c % 26)))]);
        var memo = new Memo($"memo-{u}", "", $"Ruritania {u} became a member of the Pact {u} in 2030.",
            $"ruritania-{u}", $"Ruritania {u}", $"pact-{u}", $"Pact {u}", $"freedonia-{u}", $"Freedonia {u}", $"sylvania-{u}", $"Sylvania {u}");
        memo = memo with { Text = $"{memo.FirstSentence} Freedonia {u} and Sylvania {u} met in Nairobi." };
        foreach (var (id, kind, name) in new[] { (memo.Nation, NodeKind.Nation, memo.NationName), (memo.Org, NodeKind.Organization, memo.OrgName), (memo.Other, NodeKind.Nation, memo.OtherName), (memo.Third, NodeKind.Nation, memo.ThirdName) })
        {
            Assert.IsType<RecordWrite.Written>(await fixture.Store.CreateNodeAsync(new Node(id, kind, name, [], ""), "ana"));
        }

        Assert.IsType<RecordWrite.Written>(await fixture.Store.CreateSourceAsync(new SourceDocument(memo.Id, $"Memo {u}", "memo", "A test memo", memo.Text), "ana"));
        return memo;
    }

    private static ILocator Suggestion(IPage page, string a, string b) =>
        page.GetByRole(AriaRole.List, new() { Name = "Suggested relations" }).GetByRole(AriaRole.Listitem, new() { Name = $"{a} and {b}", Exact = true });

    [Fact]
    public async Task AnAnalystAcceptsASuggestionAndItsEdgeAppearsLiveInAnotherBrowser()
    {
        var memo = await MemoAsync();

        // Bo watches Ruritania, which has no relations yet.
        await using var watcher = await ExplorerPage.OpenAsync(fixture, $"/?x={memo.Nation}");
        await watcher.WaitForNodeAsync(memo.Nation);
        Assert.Empty(await watcher.EdgesAsync());

        // Ana reviews the memo: the typed suggestion reads as the relation it proposes, with its sentence.
        await using var reader = await ExplorerPage.OpenSourceViewAsync(fixture, memo.Id, "ana");
        var page = reader.Page;
        var typed = Suggestion(page, memo.NationName, memo.OrgName);
        await Expect(typed.Locator(".suggestion-relation")).ToHaveTextAsync($"{memo.NationName} —MEMBER_OF→ {memo.OrgName}");
        await Expect(typed.GetByRole(AriaRole.Button, new() { Name = $"“{memo.FirstSentence}”" })).ToBeVisibleAsync();
        await Expect(typed.GetByRole(AriaRole.Combobox, new() { Name = "Type" })).ToHaveValueAsync("MEMBER_OF");
        await Expect(page.Locator("#suggestions-summary")).ToHaveTextAsync("2 to review.");

        await typed.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();

        await Expect(typed).ToContainTextAsync("Accepted by ana");
        var edge = (await fixture.Store.GetCitingEdgesAsync(memo.Id, 10)).Single();
        Assert.Equal(("MEMBER_OF", memo.Nation, memo.Org, EdgeStatus.Proposed), (edge.Type, edge.Source, edge.Target, edge.Status));
        await Expect(typed.GetByRole(AriaRole.Link, new() { Name = "open the edge" })).ToHaveAttributeAsync("href", $"/?x={memo.Nation}&sel=e%3A{edge.Id}");
        await Expect(page.Locator("#suggestions-summary")).ToHaveTextAsync("1 to review · 1 accepted.");

        // The quote list has it too, and Bo's canvas draws it without a reload.
        var quotes = page.GetByRole(AriaRole.List, new() { Name = "Quotes in the graph" });
        await Expect(quotes.GetByRole(AriaRole.Link, new() { Name = $"{memo.NationName} —MEMBER_OF→ {memo.OrgName}" })).ToBeVisibleAsync();
        await watcher.WaitAsync($"window.__explorer.edges().includes(\"{edge.Id}\")");
        Assert.Contains(memo.Org, await watcher.NodesAsync());

        // The untyped one: the analyst picks a type from the vocabulary first.
        var untyped = Suggestion(page, memo.OtherName, memo.ThirdName);
        await Expect(untyped.Locator(".suggestion-relation")).ToHaveTextAsync($"{memo.OtherName} —?→ {memo.ThirdName} (pick a type)");
        await untyped.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(untyped.GetByRole(AriaRole.Status)).ToHaveTextAsync("Pick a type first: no cue in this sentence states one.");
        await Expect(untyped.GetByRole(AriaRole.Combobox, new() { Name = "Type" })).ToBeFocusedAsync();
        await untyped.GetByRole(AriaRole.Combobox, new() { Name = "Type" }).SelectOptionAsync("PARTNERED_WITH");
        await Expect(untyped.Locator(".suggestion-relation")).ToHaveTextAsync($"{memo.OtherName} —PARTNERED_WITH→ {memo.ThirdName}");
        await untyped.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(untyped).ToContainTextAsync("Accepted by ana");
        Assert.Contains(await fixture.Store.GetCitingEdgesAsync(memo.Id, 10), e => e.Type == "PARTNERED_WITH" && e.Source == memo.Other && e.Target == memo.Third);

        await page.Locator("#suggestions").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("30-source-review") });

        // The essay as an analyst sees it (for a look at a long document with many quotes and suggestions).
        await page.GotoAsync($"{fixture.BaseUrl}/source?id={Essay}&quote={Uri.EscapeDataString(EssayPassage)}");
        await Expect(page.Locator("#suggestions-summary")).Not.ToHaveTextAsync("Loading…");
        await Expect(page.Locator("#citation-list .citation-current .quote-link")).ToHaveTextAsync($"“{EssayPassage}”");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("31-source-essay") });
        Assert.Empty(reader.Errors);
        Assert.Empty(watcher.Errors);
    }

    [Fact]
    public async Task ADismissedSuggestionLeavesTheListInEveryOpenView()
    {
        var memo = await MemoAsync();
        await using var ana = await ExplorerPage.OpenSourceViewAsync(fixture, memo.Id, "ana");
        await using var bo = await ExplorerPage.OpenSourceViewAsync(fixture, memo.Id, "bo");
        var mine = Suggestion(ana.Page, memo.OtherName, memo.ThirdName);
        var theirs = Suggestion(bo.Page, memo.OtherName, memo.ThirdName);
        await Expect(theirs).ToBeVisibleAsync();

        await mine.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();

        await Expect(mine).ToHaveCountAsync(0);
        await Expect(theirs).ToHaveCountAsync(0);
        await Expect(bo.Page.Locator("#suggestions-summary")).ToHaveTextAsync("1 to review · 1 dismissed.");
        await Expect(Suggestion(bo.Page, memo.NationName, memo.OrgName)).ToBeVisibleAsync();
        Assert.Empty(await fixture.Store.GetCitingEdgesAsync(memo.Id, 10));
        Assert.Empty(ana.Errors);
        Assert.Empty(bo.Errors);
    }

    [Fact]
    public async Task AViewerAndAnAnonymousReaderSeeSuggestionsButNoAcceptOrDismiss()
    {
        var memo = await MemoAsync();
        foreach (var user in new[] { "vic", null })
        {
            await using var reader = await ExplorerPage.OpenSourceViewAsync(fixture, memo.Id, user);
            var suggestion = Suggestion(reader.Page, memo.NationName, memo.OrgName);
            await Expect(suggestion.Locator(".suggestion-relation")).ToHaveTextAsync($"{memo.NationName} —MEMBER_OF→ {memo.OrgName}");
            await Expect(reader.Page.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(0);
            await Expect(reader.Page.GetByRole(AriaRole.Button, new() { Name = "Dismiss" })).ToHaveCountAsync(0);
            await Expect(reader.Page.GetByRole(AriaRole.Combobox, new() { Name = "Type" })).ToHaveCountAsync(0);
            await Expect(reader.Page.Locator("#suggestions-role")).ToHaveTextAsync(user is null
                ? "Analysts and admins accept or dismiss suggestions: sign in on the explorer page."
                : "Analysts and admins accept or dismiss suggestions; you may read them.");
            await Expect(reader.Page.GetByRole(AriaRole.Button, new() { Name = "Add relation" })).ToHaveCountAsync(0);
        }

        // An analyst is offered both on the same document.
        await using var analyst = await ExplorerPage.OpenSourceViewAsync(fixture, memo.Id, "bo");
        await Expect(analyst.Page.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(2);
        await Expect(analyst.Page.Locator("#suggestions-role")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task EachQuoteTheGraphTakesLinksBackToItsEdge()
    {
        var memo = await MemoAsync();
        var edgeId = $"{memo.Nation}-member-of";
        Assert.IsType<RecordWrite.Written>(await fixture.Store.CreateEdgeAsync(
            new Edge(edgeId, "MEMBER_OF", memo.Nation, memo.Org, [new Evidence(memo.Id, memo.FirstSentence)]), "ana"));
        await using var reader = await ExplorerPage.OpenSourceViewAsync(fixture, memo.Id, null);
        var page = reader.Page;
        await Expect(page.Locator("#citations-summary")).ToHaveTextAsync("1 quote, cited by 1 edge.");
        var quotes = page.GetByRole(AriaRole.List, new() { Name = "Quotes in the graph" });

        // The quote shows where it stands in the text.
        await quotes.GetByRole(AriaRole.Button, new() { Name = $"“{memo.FirstSentence}”" }).ClickAsync();
        await Expect(page.Locator("#source-text mark")).ToHaveTextAsync(memo.FirstSentence);

        // Its edge opens in the explorer, selected, with its panel.
        await quotes.GetByRole(AriaRole.Link, new() { Name = $"{memo.NationName} —MEMBER_OF→ {memo.OrgName}" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/source", StringComparison.Ordinal));
        await reader.WaitAsync("window.__explorer && window.__explorer.ready");
        await reader.WaitAsync($"window.__explorer.selected() === \"e:{edgeId}\"");
        Assert.Contains(edgeId, await reader.EdgesAsync());
        var details = reader.Panel.GetByRole(AriaRole.Region, new() { Name = "Edge details" });
        await Expect(details).ToContainTextAsync(memo.FirstSentence);
        await Expect(details.GetByRole(AriaRole.Heading, new() { Name = "MEMBER_OF" })).ToBeVisibleAsync();
        Assert.Empty(reader.Errors);
    }

    [Fact]
    public async Task TheReviewSelectSetToConfirmedOnlyKeepsThePathOffAProposedShortcut()
    {
        if (fixture.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        // NATO has no relation with Somalia in the seed; a proposed one is a one-hop shortcut.
        const string shortcut = "review-select-nato-aid-somalia";
        Assert.IsType<RecordWrite.Written>(await fixture.Store.CreateEdgeAsync(
            new Edge(shortcut, "PROVIDED_AID_TO", "nato", "somalia", [new Evidence(Essay, EssayPassage)]) { Status = EdgeStatus.Proposed }, "ana"));
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?from=nato&to=somalia&mode=shortest");
        await explorer.WaitAsync("window.__explorer.pathCount() > 0");
        Assert.Contains(shortcut, await explorer.HighlightedAsync());

        var before = await explorer.Page.EvaluateAsync<int>("window.__explorer.loadsDone()");
        await explorer.Page.GetByRole(AriaRole.Combobox, new() { Name = "Review status" }).SelectOptionAsync("confirmed");
        await explorer.WaitAsync($"window.__explorer.loadsDone() > {before}");

        Assert.True(await explorer.Page.EvaluateAsync<int>("window.__explorer.pathCount()") > 0);
        var highlighted = await explorer.HighlightedAsync();
        Assert.DoesNotContain(shortcut, highlighted);
        Assert.DoesNotContain(shortcut, await explorer.EdgesAsync());
        Assert.Contains("nato", highlighted);
        Assert.Contains("somalia", highlighted);
        Assert.Contains("status=confirmed", explorer.Page.Url);

        // And back: all edges again take the shortcut.
        before = await explorer.Page.EvaluateAsync<int>("window.__explorer.loadsDone()");
        await explorer.Page.GetByRole(AriaRole.Combobox, new() { Name = "Review status" }).SelectOptionAsync("");
        await explorer.WaitAsync($"window.__explorer.loadsDone() > {before}");
        Assert.Contains(shortcut, await explorer.HighlightedAsync());
        Assert.Empty(explorer.Errors);
    }
}
