using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>The panel and canvas follow the question: each answer replaces the last, errors included.</summary>
public sealed class PanelTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static async Task AskAsync(ExplorerPage explorer, string phrase)
    {
        var before = await explorer.Page.EvaluateAsync<int>("window.__explorer.loadsDone()");
        await explorer.SearchBox.FillAsync(phrase);
        await explorer.SearchBox.PressAsync("Enter");
        await explorer.WaitAsync($"window.__explorer.loadsDone() > {before}");
    }

    [Fact]
    public async Task AnAmbiguousNameClearsTheLastAnswerAndItsCandidatesCanBeClicked()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        await AskAsync(explorer, "NATO to Balkans");
        Assert.NotEmpty(await explorer.HighlightedAsync());

        // "United" starts United States, United Kingdom and United Nations: ambiguous.
        await AskAsync(explorer, "United to Mali");

        Assert.Empty(await explorer.HighlightedAsync());
        Assert.Empty(await explorer.NodesAsync());
        await Expect(explorer.Panel.GetByRole(AriaRole.Heading, new() { Name = "Which one did you mean?" })).ToBeVisibleAsync();
        await Expect(explorer.Panel.GetByRole(AriaRole.Region, new() { Name = "Paths" })).ToHaveCountAsync(0);
        await explorer.ScreenshotAsync("12-ambiguous-name");
        var candidate = explorer.Panel.GetByRole(AriaRole.List, new() { Name = "Suggestions" }).GetByRole(AriaRole.Button, new() { Name = "United States", Exact = true });
        await candidate.ClickAsync();
        await explorer.WaitForNodeAsync("united-states");
        await Expect(explorer.Panel.GetByRole(AriaRole.Heading, new() { Name = "United States", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task NoPathWithinOneHopSaysWhyAndTriesSixHopsInOneClick()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        await explorer.Page.Locator("#path-hops").FillAsync("1");
        await AskAsync(explorer, "NATO to Balkans");

        var paths = explorer.Panel.GetByRole(AriaRole.Region, new() { Name = "Paths" });
        await Expect(paths).ToContainTextAsync("Searched within 1 hop");
        Assert.Contains("hops=1", explorer.Page.Url);
        await explorer.ScreenshotAsync("13-no-path");

        var before = await explorer.Page.EvaluateAsync<int>("window.__explorer.loadsDone()");
        await paths.GetByRole(AriaRole.Button, new() { Name = "Try 6 hops" }).ClickAsync();
        await explorer.WaitAsync($"window.__explorer.loadsDone() > {before}");
        Assert.Contains("balkans", await explorer.HighlightedAsync());
        await Expect(explorer.Page.Locator("#path-hops")).ToHaveValueAsync("6");
    }

    [Fact]
    public async Task NeighborsOfANodeArePagedAndReplaceTheLastView()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        Assert.Contains("nato", await explorer.NodesAsync());

        await AskAsync(explorer, "neighbors of African Union");

        var nodes = await explorer.NodesAsync();
        Assert.Contains("african-union", nodes);
        Assert.InRange(nodes.Length, 2, 26);
        await Expect(explorer.Panel.GetByRole(AriaRole.Heading, new() { Name = "African Union", Exact = true })).ToBeVisibleAsync();
        await Expect(explorer.Panel.GetByRole(AriaRole.Button, new() { NameRegex = new("^Show \\d+ more of \\d+ hidden neighbors$") })).ToBeVisibleAsync();
    }
}
