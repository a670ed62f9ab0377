using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>
/// A copied link restores the view exactly, for someone else (a second browser context): the same nodes, the same
/// highlighted paths, the same selection, and controls that show the state that produced it.
/// </summary>
public sealed class LinkRestoreTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private sealed record View(string[] Nodes, string[] Highlighted, string Selected, int Paths, string Mode, string K, string From, string To);

    private static async Task<View> ReadAsync(ExplorerPage page)
    {
        var nodes = (await page.NodesAsync()).Order().ToArray();
        var highlighted = (await page.HighlightedAsync()).Order().ToArray();
        var selected = await page.Page.EvaluateAsync<string>("window.__explorer.selected()");
        var paths = await page.Page.EvaluateAsync<int>("window.__explorer.pathCount()");
        return new View(nodes, highlighted, selected, paths,
            await page.Page.Locator("#path-mode").InputValueAsync(), await page.Page.Locator("#path-k").InputValueAsync(),
            await page.Page.Locator("#path-from").InputValueAsync(), await page.Page.Locator("#path-to").InputValueAsync());
    }

    private static Task AskAsync(ExplorerPage explorer, string phrase) => explorer.LoadAsync(async () =>
    {
        await explorer.SearchBox.FillAsync(phrase);
        await explorer.SearchBox.PressAsync("Enter");
    });

    /// <summary>The link opened in a fresh browser context shows the same view.</summary>
    private async Task<View> RestoreAsync(string url)
    {
        var path = new Uri(url).PathAndQuery;
        await using var other = await ExplorerPage.OpenAsync(fixture, path);
        return await ReadAsync(other);
    }

    [Fact]
    public async Task TheHaitiPhraseLinkRestoresThreeRankedPathsTheModeAndTheSelectedHop()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        await AskAsync(explorer, "how is the United States related to Haiti");

        // "how is X related to Y" asks for ranked paths, up to the server's default k (3).
        Assert.Equal(3, await explorer.Page.EvaluateAsync<int>("window.__explorer.pathCount()"));
        await Expect(explorer.Page.Locator("#path-mode")).ToHaveValueAsync("ranked");
        await Expect(explorer.Page.Locator("#path-k")).ToHaveValueAsync("3");

        // Select a hop that only the third path goes through.
        var third = explorer.Panel.GetByRole(AriaRole.Listitem, new() { Name = "Path 3" });
        var firstPath = await explorer.Panel.GetByRole(AriaRole.Listitem, new() { Name = "Path 1" }).Locator(".hop-node button").AllInnerTextsAsync();
        var hops = await third.Locator(".hop-node button").AllInnerTextsAsync();
        var hop = hops.First(name => !firstPath.Contains(name));
        await third.Locator(".hop-node button", new() { HasTextString = hop }).First.ClickAsync();
        await Expect(explorer.Panel.GetByRole(AriaRole.Heading, new() { Name = hop, Exact = true })).ToBeVisibleAsync();
        var original = await ReadAsync(explorer);
        Assert.StartsWith("n:", original.Selected);

        var restored = await RestoreAsync(explorer.Page.Url);
        Assert.Equal(3, restored.Paths);
        Assert.Equal(JsonSerializer.Serialize(original), JsonSerializer.Serialize(restored));

        // Find path from the restored controls asks the same question again: still three paths.
        await using var again = await ExplorerPage.OpenAsync(fixture, new Uri(explorer.Page.Url).PathAndQuery);
        await again.FindPathAsync();
        Assert.Equal(3, await again.Page.EvaluateAsync<int>("window.__explorer.pathCount()"));
        await again.ScreenshotAsync("11-haiti-link-restored");
    }

    /// <summary>From and To show the ends' names (not "united-states"), and ask for the ends' ids, swapped or not.</summary>
    [Fact]
    public async Task ThePathBarShowsTheEndsByNameAndAsksForTheirIds()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        await AskAsync(explorer, "how is the United States related to Haiti");
        var from = explorer.Page.Locator("#path-from");
        var to = explorer.Page.Locator("#path-to");
        await Expect(from).ToHaveValueAsync("United States");
        await Expect(to).ToHaveValueAsync("Haiti");

        await explorer.Page.Locator("#path-swap").ClickAsync();
        await Expect(from).ToHaveValueAsync("Haiti");
        await explorer.FindPathAsync();

        var query = System.Web.HttpUtility.ParseQueryString(new Uri(explorer.Page.Url).Query);
        Assert.Equal(("haiti", "united-states"), (query["from"], query["to"]));
        Assert.True(await explorer.Page.EvaluateAsync<int>("window.__explorer.pathCount()") >= 1);
        await Expect(from).ToHaveValueAsync("Haiti");
        await Expect(to).ToHaveValueAsync("United States");

        // A node's "Path to here" puts its name in To, and asks for its id.
        await explorer.Page.EvaluateAsync("window.__explorer.select('haiti')");
        await explorer.Panel.GetByRole(AriaRole.Button, new() { Name = "Path to here" }).ClickAsync();
        await Expect(to).ToHaveValueAsync("Haiti");
        await from.FillAsync("United States");
        await explorer.FindPathAsync();
        query = System.Web.HttpUtility.ParseQueryString(new Uri(explorer.Page.Url).Query);
        Assert.Equal(("united-states", "haiti"), (query["from"], query["to"]));
        Assert.Empty(explorer.Errors);
    }

    [Theory]
    [InlineData("NATO to Balkans")]
    [InlineData("path from NATO to Balkans")]
    [InlineData("between NATO and Balkans")]
    [InlineData("how is NATO related to Balkans")]
    [InlineData("neighbors of Mali")]
    [InlineData("Somalia")]
    public async Task EachPhraseFormRestoresFromItsLink(string phrase)
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        await AskAsync(explorer, phrase);
        var original = await ReadAsync(explorer);
        Assert.NotEmpty(original.Nodes);

        var restored = await RestoreAsync(explorer.Page.Url);

        Assert.Equal(JsonSerializer.Serialize(original), JsonSerializer.Serialize(restored));
        Assert.Empty(explorer.Errors);
    }

    [Theory]
    [InlineData("ranked", 2)]
    [InlineData("shortest", 1)]
    [InlineData("all", 1)]
    [InlineData("k", 4)]
    public async Task EachPathModeRestoresFromItsLink(string mode, int k)
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        await explorer.Page.Locator("#path-from").FillAsync("un");
        await explorer.Page.Locator("#path-to").FillAsync("mali");
        await explorer.Page.Locator("#path-mode").SelectOptionAsync(mode);
        if (mode is "k" or "ranked")
        {
            await explorer.Page.Locator("#path-k").FillAsync(k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await explorer.FindPathAsync();
        var original = await ReadAsync(explorer);
        Assert.Equal(mode, original.Mode);
        Assert.True(original.Paths >= 1);
        if (mode is "k" or "ranked")
        {
            Assert.InRange(original.Paths, 1, k);
        }

        var restored = await RestoreAsync(explorer.Page.Url);

        Assert.Equal(JsonSerializer.Serialize(original), JsonSerializer.Serialize(restored));
    }
}
