using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>
/// The path bar's "As of" slider: it spans the data's dates, asks the server for the graph as of the chosen year
/// (through the generated client), the canvas and the paths change with it, and a link restores it.
/// </summary>
public sealed class TimeSliderTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static async Task AskAsync(ExplorerPage explorer, string phrase)
    {
        var before = await explorer.Page.EvaluateAsync<int>("window.__explorer.loadsDone()");
        await explorer.SearchBox.FillAsync(phrase);
        await explorer.SearchBox.PressAsync("Enter");
        await explorer.WaitAsync($"window.__explorer.loadsDone() > {before}");
    }

    private static async Task SlideAsync(ExplorerPage explorer, ILocator slider, string value)
    {
        var before = await explorer.Page.EvaluateAsync<int>("window.__explorer.loadsDone()");
        await slider.FillAsync(value);
        await explorer.WaitAsync($"window.__explorer.loadsDone() > {before}");
    }

    /// <summary>The intermediate nodes of the server's ranked paths from NATO to the Balkans, as of a date (or all dates).</summary>
    private async Task<string[]> ServerPathNodesAsync(string? asOf)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        var answer = await http.GetFromJsonAsync<JsonElement>("/api/paths?from=nato&to=balkans" + (asOf is null ? "" : $"&asOf={asOf}"), TestContext.Current.CancellationToken);
        return [.. answer.GetProperty("paths").EnumerateArray().SelectMany(p => p.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!)).Distinct().Order()];
    }

    private static async Task<string[]> HighlightedNodesAsync(ExplorerPage explorer)
    {
        var nodes = await explorer.NodesAsync();
        return [.. (await explorer.HighlightedAsync()).Where(nodes.Contains).Order()];
    }

    [Fact]
    public async Task APathThroughTodaysMembersGivesWayToOneThatHeldThenWhenTheSliderMovesTo1995()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        var timeline = await http.GetFromJsonAsync<JsonElement>("/api/timeline", TestContext.Current.CancellationToken);
        var today = await ServerPathNodesAsync(null);
        var then = await ServerPathNodesAsync("1995");
        // The data: a path today runs through a nation that joined NATO after 1995 (Albania, 2009).
        Assert.Contains("albania", today);
        Assert.DoesNotContain("albania", then);

        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        var slider = explorer.Page.GetByRole(AriaRole.Slider, new() { Name = "As of" });
        await Expect(slider).ToBeVisibleAsync();
        // It spans the data's years, with a last stop for all dates.
        await Expect(slider).ToHaveAttributeAsync("min", timeline.GetProperty("earliest").GetString()![..4]);
        await Expect(slider).ToHaveAttributeAsync("max", (int.Parse(timeline.GetProperty("latest").GetString()![..4], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(explorer.Page.Locator("#path-asof-value")).ToHaveTextAsync("All dates");

        await AskAsync(explorer, "NATO to Balkans");
        Assert.Equal(today, await HighlightedNodesAsync(explorer));
        Assert.Contains("albania", await explorer.NodesAsync());

        await SlideAsync(explorer, slider, "1995");

        await Expect(explorer.Page.Locator("#path-asof-value")).ToHaveTextAsync("1995");
        Assert.Equal("1995", await explorer.Page.EvaluateAsync<string>("window.__explorer.asOf()"));
        Assert.Equal(then, await HighlightedNodesAsync(explorer));
        Assert.DoesNotContain("albania", await explorer.NodesAsync());
        Assert.Contains("asof=1995", explorer.Page.Url);
        await Expect(explorer.Panel.GetByRole(AriaRole.Listitem, new() { Name = "Path 1" })).ToBeVisibleAsync();
        await explorer.ScreenshotAsync("11-time-slider-1995");

        // The link restores the date: the slider, its label and the same paths in a fresh browser context.
        await using (var other = await ExplorerPage.OpenAsync(fixture, new Uri(explorer.Page.Url).PathAndQuery))
        {
            await other.WaitAsync("window.__explorer.pathCount() > 0");
            var otherSlider = other.Page.GetByRole(AriaRole.Slider, new() { Name = "As of" });
            await Expect(otherSlider).ToHaveValueAsync("1995");
            await Expect(other.Page.Locator("#path-asof-value")).ToHaveTextAsync("1995");
            Assert.Equal(then, await HighlightedNodesAsync(other));
        }

        // Back to all dates: today's paths again.
        await SlideAsync(explorer, slider, await slider.GetAttributeAsync("max") ?? "");
        await Expect(explorer.Page.Locator("#path-asof-value")).ToHaveTextAsync("All dates");
        Assert.Equal(today, await HighlightedNodesAsync(explorer));
        Assert.DoesNotContain("asof=", explorer.Page.Url);
    }

    [Fact]
    public async Task APhrasesOwnDateMovesTheSliderAndTheSliderThenReplacesIt()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        var slider = explorer.Page.GetByRole(AriaRole.Slider, new() { Name = "As of" });
        await Expect(slider).ToBeVisibleAsync();

        await AskAsync(explorer, "NATO to Balkans as of 1995");
        await Expect(slider).ToHaveValueAsync("1995");
        Assert.Equal(await ServerPathNodesAsync("1995"), await HighlightedNodesAsync(explorer));

        await SlideAsync(explorer, slider, "2010");

        // No "disagrees with the phrase's date" error: the slider's date replaced the phrase's.
        await Expect(explorer.Page.Locator("#canvas-message")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("error"));
        Assert.Equal(await ServerPathNodesAsync("2010"), await HighlightedNodesAsync(explorer));
        Assert.Contains("asof=2010", explorer.Page.Url);
    }

    [Fact]
    public async Task TheNodePanelCountsTheRelationsThatHeldAsOfTheSlidersDate()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        var today = await http.GetFromJsonAsync<JsonElement>("/api/nodes/sco", TestContext.Current.CancellationToken);
        var in2010 = await http.GetFromJsonAsync<JsonElement>("/api/nodes/sco?asOf=2010", TestContext.Current.CancellationToken);
        static int Members(JsonElement node) => node.GetProperty("countsByType").GetProperty("MEMBER_OF").GetInt32();
        static string Degree(JsonElement node) => node.GetProperty("degree").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The data: India and Pakistan joined the SCO in 2017.
        Assert.True(Members(in2010) <= Members(today) - 2, $"{Members(in2010)} members in 2010, {Members(today)} today");

        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        var slider = explorer.Page.GetByRole(AriaRole.Slider, new() { Name = "As of" });
        await AskAsync(explorer, "members of the SCO");
        await explorer.Page.EvaluateAsync("window.__explorer.select('sco')");
        var details = explorer.Panel.GetByRole(AriaRole.Region, new() { Name = "Node details" });
        var degree = details.Locator("dt:text-is('Degree') + dd");
        await Expect(degree).ToHaveTextAsync(Degree(today));
        await Expect(details.GetByText($"MEMBER_OF ({Members(today)})")).ToBeVisibleAsync();

        await SlideAsync(explorer, slider, "2010");

        await Expect(details.GetByText($"MEMBER_OF ({Members(in2010)})")).ToBeVisibleAsync();
        await Expect(degree).ToHaveTextAsync(Degree(in2010));
    }
}
