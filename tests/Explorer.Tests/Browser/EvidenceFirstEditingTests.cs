using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>
/// Evidence-first editing in the real page against the real server: an analyst selects a passage in the source
/// view, chooses "Add relation", picks the ends by name and a type, and saves; the edge appears live on another
/// analyst's canvas, drawn as proposed, and its panel shows the review status and the quote.
/// </summary>
public sealed class EvidenceFirstEditingTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string Passage = "One notable case is NATO’s intervention in the Balkans during the 1990s.";
    private const string NewEdge = "nato-authorized-nato-balkans-intervention";

    [Fact]
    public async Task ARelationAddedFromASelectedPassageAppearsLiveInAnotherBrowser()
    {
        // Bo watches NATO and its intervention in the Balkans, with the type Ana will add among his view's types
        // (a live edge outside a view's type filter is not drawn: sync.test.ts).
        var watcher = await ExplorerPage.OpenAsync(fixture, "/?from=nato&to=balkans&mode=shortest&types=CONDUCTED,DEPLOYED_TO,AUTHORIZED");
        await using var _ = watcher;
        await watcher.SignInAsync("bo");
        await watcher.WaitForNodeAsync("nato-balkans-intervention");
        Assert.DoesNotContain(NewEdge, await watcher.EdgesAsync());

        // Ana reads the essay and selects the passage.
        var reader = await ExplorerPage.OpenAsync(fixture, "/");
        await using var __ = reader;
        await reader.SignInAsync("ana");
        var page = reader.Page;
        await page.GotoAsync($"{fixture.BaseUrl}/source?id={Essay}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 })).Not.ToHaveTextAsync("Loading…");
        Assert.True(await page.EvaluateAsync<bool>("""
            (quote) => {
              const walker = document.createTreeWalker(document.getElementById("source-text"), NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(quote);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + quote.length);
                const selection = document.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return true;
              }
              return false;
            }
            """, Passage));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add relation" }).ClickAsync();

        var form = page.GetByRole(AriaRole.Form, new() { Name = "Add relation" });
        await Expect(form.Locator("blockquote")).ToHaveTextAsync(Passage);
        await form.GetByRole(AriaRole.Searchbox, new() { Name = "From" }).FillAsync("NATO");
        await form.GetByRole(AriaRole.Button, new() { Name = "NATO (Organization)", Exact = true }).ClickAsync();
        await form.GetByRole(AriaRole.Combobox, new() { Name = "Type" }).SelectOptionAsync("AUTHORIZED");
        await form.GetByRole(AriaRole.Searchbox, new() { Name = "To" }).FillAsync("NATO intervention in the Balkans");
        await form.GetByRole(AriaRole.Button, new() { Name = "NATO intervention in the Balkans (Mission)" }).ClickAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Save relation" }).ClickAsync();
        await Expect(form.GetByRole(AriaRole.Status)).ToHaveTextAsync("Added: NATO AUTHORIZED NATO intervention in the Balkans (proposed).");

        // It arrives on Bo's canvas without a reload, drawn as proposed; its panel shows the status and the quote.
        await watcher.WaitAsync($"window.__explorer.edges().includes(\"{NewEdge}\")");
        await watcher.Page.EvaluateAsync($"() => window.__explorer.selectEdge(\"{NewEdge}\")");
        var details = watcher.Panel.GetByRole(AriaRole.Region, new() { Name = "Edge details" });
        await Expect(details).ToContainTextAsync("Review: Proposed");
        await Expect(details).ToContainTextAsync(Passage);

        // Bo reviews it: confirmed.
        await details.GetByRole(AriaRole.Combobox, new() { Name = "Review status" }).SelectOptionAsync("Confirmed");
        await Expect(details).ToContainTextAsync("Saved: Confirmed.");
        Assert.Empty(reader.Errors);
        Assert.Empty(watcher.Errors);
    }
}
