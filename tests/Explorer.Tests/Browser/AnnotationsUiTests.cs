using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>
/// The annotations UI against the server's contract, with Playwright routes standing in for a signed-in analyst
/// and for conflicts that are hard to time against the real server (ExplorerPageTests covers the real one).
/// </summary>
public sealed class AnnotationsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Edge = "nato-conducted-nato-balkans-intervention";

    private static object Annotation(int version, string text) => new
    {
        id = "a1", targetKind = "edge", targetId = Edge, text, tags = new[] { "check" }, confidence = "high", citation = (string?)null,
        status = "proposed", author = "alice", createdAt = "2026-11-01T10:00:00Z", updatedAt = "2026-11-01T10:00:00Z", version, deleted = false,
    };

    [Fact]
    public async Task AnAnnotatedEdgeListsItsAnnotationsAsTextAndSendsEditsWithTheContractsHeaders()
    {
        var requests = new ConcurrentQueue<(string Method, string Url, string? Body, IReadOnlyDictionary<string, string> Headers)>();
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?from=nato&to=balkans&types=CONDUCTED,DEPLOYED_TO", beforeNavigate: async page =>
        {
            await page.RouteAsync("**/api/auth/me", route => route.FulfillAsync(new() { Json = new { authenticated = true, userName = "alice", role = "analyst" } }));
            await page.RouteAsync("**/api/auth/antiforgery", route => route.FulfillAsync(new() { Json = new { token = "tok", headerName = "X-XSRF-TOKEN" } }));
            await page.RouteAsync("**/api/annotations/counts**", route => route.FulfillAsync(new() { Json = new { counts = new Dictionary<string, int> { [Edge] = 1 } } }));
            await page.RouteAsync("**/api/annotations/a1/history", route => route.FulfillAsync(new()
            {
                Json = new { versions = new[] { new { version = 1, action = "created", actor = "alice", at = "2026-11-01T10:00:00Z", annotation = Annotation(1, "Line one\n<b>line two</b>"), changedFields = Array.Empty<string>() } } },
            }));
            await page.RouteAsync("**/api/annotations/a1", async route =>
            {
                requests.Enqueue((route.Request.Method, route.Request.Url, route.Request.PostData, await route.Request.AllHeadersAsync()));
                await route.FulfillAsync(new() { Status = 412, ContentType = "application/problem+json", Body = "{\"title\":\"Precondition failed\",\"status\":412}" });
            });
            await page.RouteAsync($"**/api/edges/{Edge}/annotations", async route =>
            {
                if (route.Request.Method == "POST")
                {
                    requests.Enqueue((route.Request.Method, route.Request.Url, route.Request.PostData, await route.Request.AllHeadersAsync()));
                    await route.FulfillAsync(new() { Status = 201, Headers = new Dictionary<string, string> { ["ETag"] = "\"1\"" }, Json = Annotation(1, "new") });
                    return;
                }

                await route.FulfillAsync(new() { Json = new { annotations = new[] { Annotation(1, "Line one\n<b>line two</b>") } } });
            });
        });
        await explorer.WaitAsync("window.__explorer.highlighted().length === 5");
        await Expect(explorer.Page.Locator("#account")).ToContainTextAsync("Signed in as alice");
        await explorer.WaitAsync($"window.__explorer.annotationCount('{Edge}') === 1");

        await explorer.Panel.GetByRole(AriaRole.Button, new() { Name = "Edge CONDUCTED details" }).ClickAsync();
        var section = explorer.Page.Locator("#annotations");
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Annotations (1)" })).ToBeVisibleAsync();
        var card = section.GetByRole(AriaRole.Article, new() { Name = "Annotation by alice" });
        Assert.Equal("Line one\n<b>line two</b>", await card.Locator(".pre").First.InnerTextAsync());
        Assert.Equal(0, await section.Locator("b").CountAsync());
        await card.GetByRole(AriaRole.Button, new() { Name = "History of the annotation by alice" }).ClickAsync();
        await Expect(card).ToContainTextAsync("v1 created by alice");
        await explorer.ScreenshotAsync("08-edge-annotations");

        // Add: POST with the antiforgery header and the contract's body.
        var form = section.GetByRole(AriaRole.Form, new() { Name = "Add annotation" });
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Annotation text" }).FillAsync("Checked against the\nmission mandate.");
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Tags (comma-separated)" }).FillAsync("mandate, verified");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Poll(() => requests.Any(r => r.Method == "POST"));
        var post = requests.First(r => r.Method == "POST");
        Assert.Equal("tok", post.Headers["x-xsrf-token"]);
        using (var body = JsonDocument.Parse(post.Body!))
        {
            Assert.Equal("Checked against the\nmission mandate.", body.RootElement.GetProperty("text").GetString());
            Assert.Equal(["mandate", "verified"], body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal("proposed", body.RootElement.GetProperty("status").GetString());
            Assert.Equal("medium", body.RootElement.GetProperty("confidence").GetString());
        }

        // Edit: PUT with If-Match of the version; a 412 says someone else changed it and shows the current one.
        await section.GetByRole(AriaRole.Article, new() { Name = "Annotation by alice" }).GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var edit = section.GetByRole(AriaRole.Form, new() { Name = "Edit annotation" });
        await edit.GetByRole(AriaRole.Textbox, new() { Name = "Annotation text" }).FillAsync("Edited");
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(section.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Someone else changed this annotation" })).ToBeVisibleAsync();
        var put = requests.First(r => r.Method == "PUT");
        Assert.Equal("\"1\"", put.Headers["if-match"]);
        Assert.Empty(explorer.Errors);
    }

    private static async Task Poll(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
