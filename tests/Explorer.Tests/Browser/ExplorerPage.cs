using System.Text.Json;
using Microsoft.Playwright;

namespace Explorer.Tests.Browser;

/// <summary>
/// One browser tab on Explorer, with helpers over the page's test hook (window.__explorer). Disposing it closes
/// its browser context (a browser of its own), or only the tab when it was opened with <see cref="OpenTabAsync"/>.
/// </summary>
public sealed class ExplorerPage(IBrowserContext context, IPage page, bool ownsContext = true) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    /// <summary>Every JavaScript dialog the page tried to open (alert, confirm ...): dismissed and recorded.</summary>
    public List<string> Dialogs { get; } = [];

    public List<string> Errors { get; } = [];

    public static async Task<ExplorerPage> OpenAsync(BrowserFixture fixture, string path = "/", int width = 1280, int height = 800, Func<IPage, Task>? beforeNavigate = null)
    {
        if (fixture.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var explorer = new ExplorerPage(context, page);
        page.Dialog += async (_, dialog) =>
        {
            explorer.Dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        page.PageError += (_, error) => explorer.Errors.Add(error);
        if (beforeNavigate is not null)
        {
            await beforeNavigate(page);
        }

        await page.GotoAsync(fixture.BaseUrl + path);
        await explorer.WaitAsync("window.__explorer && window.__explorer.ready");
        return explorer;
    }

    /// <summary>A browser of its own, signed in (or not), on a document's source view once it is live and its lists are read.</summary>
    public static async Task<ExplorerPage> OpenSourceViewAsync(BrowserFixture fixture, string sourceId, string? user)
    {
        var explorer = await OpenAsync(fixture, "/");
        if (user is not null)
        {
            await explorer.SignInAsync(user);
        }

        await explorer.Page.GotoAsync($"{fixture.BaseUrl}/source?id={sourceId}");
        await SourceViewReadyAsync(explorer.Page);
        return explorer;
    }

    /// <summary>Waits until a source view is live and has read its lists of quotes and suggestions.</summary>
    public static async Task SourceViewReadyAsync(IPage page)
    {
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live");
        await Assertions.Expect(page.Locator("#suggestions-summary")).Not.ToHaveTextAsync("Loading…");
        await Assertions.Expect(page.Locator("#citations-summary")).Not.ToHaveTextAsync("Loading…");
    }

    /// <summary>Another tab of the same browser (same localStorage and cookies), on <paramref name="path"/>.</summary>
    public async Task<ExplorerPage> OpenTabAsync(BrowserFixture fixture, string path = "/")
    {
        var tab = new ExplorerPage(context, await context.NewPageAsync(), ownsContext: false);
        tab.Page.PageError += (_, error) => tab.Errors.Add(error);
        await tab.Page.GotoAsync(fixture.BaseUrl + path);
        await tab.WaitAsync("window.__explorer && window.__explorer.ready");
        return tab;
    }

    /// <summary>
    /// Polls a condition in the page. Passed as a function, so Playwright calls it rather than evaluating a string
    /// (the page's Content-Security-Policy forbids eval, and that stays on in tests).
    /// </summary>
    public Task WaitAsync(string condition) =>
        Page.WaitForFunctionAsync($"() => {condition}", null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 50 });

    /// <summary>Runs <paramref name="action"/> (a search, Find path) and waits until the view it asks for has loaded.</summary>
    public async Task LoadAsync(Func<Task> action)
    {
        var before = await Page.EvaluateAsync<int>("window.__explorer.loadsDone()");
        await action();
        await WaitAsync($"window.__explorer.loadsDone() > {before}");
    }

    /// <summary>Clicks Find path and waits for the paths.</summary>
    public Task FindPathAsync() => LoadAsync(() => Page.GetByRole(AriaRole.Button, new() { Name = "Find path" }).ClickAsync());

    public async Task<string[]> NodesAsync() => await Page.EvaluateAsync<string[]>("window.__explorer.nodes()");

    public async Task<string[]> EdgesAsync() => await Page.EvaluateAsync<string[]>("window.__explorer.edges()");

    public async Task<string[]> HighlightedAsync() => await Page.EvaluateAsync<string[]>("window.__explorer.highlighted()");

    public async Task<string[]> CspViolationsAsync() => await Page.EvaluateAsync<string[]>("window.__explorer.cspViolations()");

    /// <summary>Waits until the canvas holds (or no longer holds) a node.</summary>
    public Task WaitForNodeAsync(string id, bool present = true) =>
        WaitAsync($"window.__explorer.nodes().includes({JsonSerializer.Serialize(id)}) === {(present ? "true" : "false")}");

    public ILocator Panel => Page.Locator("#panel-content");

    public ILocator SearchBox => Page.GetByRole(AriaRole.Combobox, new() { Name = "Search nodes" });

    /// <summary>Signs in through the page's own form and waits until the page says so.</summary>
    public async Task SignInAsync(string user)
    {
        var form = Page.GetByRole(AriaRole.Form, new() { Name = "Sign in" });
        await form.GetByRole(AriaRole.Textbox, new() { Name = "User name" }).FillAsync(user);
        await form.GetByLabel("Password").FillAsync(BrowserFixture.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#account")).ToContainTextAsync($"Signed in as {user}");
    }

    public async Task ScreenshotAsync(string name)
    {
        // Let the layout settle first (bounded), so the picture shows the final drawing.
        await WaitAsync("!window.__explorer.layoutRunning()");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath(name), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (ownsContext)
        {
            await context.CloseAsync();
        }
        else
        {
            await Page.CloseAsync();
        }
    }
}
