using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>
/// Annotating together, in two browsers against the real server: history, drafts that survive a concurrent post
/// and a reload, an edit form that stays open when someone else changes the same annotation (seen live, or as a
/// 412 when the live channel is down), and a viewer who is offered no form. Each test uses its own edge.
/// </summary>
public sealed class AnnotationsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>Opens an edge's panel (by URL, as a copied link would) signed in as <paramref name="user"/>.</summary>
    private async Task<(ExplorerPage Page, ILocator Section)> OpenEdgeAsync(string user, string edge, string from, string to, Func<IPage, Task>? beforeNavigate = null)
    {
        var explorer = await ExplorerPage.OpenAsync(fixture, $"/?from={from}&to={to}&mode=shortest&types=CONDUCTED,DEPLOYED_TO&sel=e:{edge}", beforeNavigate: beforeNavigate);
        await explorer.SignInAsync(user);
        var section = explorer.Page.Locator("#annotations");
        await Expect(section.GetByRole(AriaRole.Heading, new() { NameRegex = new("^Annotations \\(") })).ToBeVisibleAsync();
        return (explorer, section);
    }

    private static ILocator Text(ILocator form) => form.GetByRole(AriaRole.Textbox, new() { Name = "Annotation text" });

    private static ILocator Tags(ILocator form) => form.GetByRole(AriaRole.Textbox, new() { Name = "Tags (comma-separated)" });

    [Fact]
    public async Task HistoryListsEachVersionWithWhoChangedWhichFields()
    {
        const string edge = "nato-conducted-nato-balkans-intervention";
        var (explorer, section) = await OpenEdgeAsync("ana", edge, "nato", "balkans");
        await using var _ = explorer;

        var add = section.GetByRole(AriaRole.Form, new() { Name = "Add annotation" });
        await Text(add).FillAsync("Line one\n<b>line two</b>");
        await Tags(add).FillAsync("check");
        await add.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        var card = section.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" });
        await Expect(card.Locator(".pre").First).ToHaveTextAsync("Line one\n<b>line two</b>");
        Assert.Equal(0, await section.Locator("b").CountAsync());

        await card.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var edit = section.GetByRole(AriaRole.Form, new() { Name = "Edit annotation" });
        await Text(edit).FillAsync("Checked against the mandate.");
        await Tags(edit).FillAsync("check, mandate");
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(card).ToContainTextAsync("v2");

        await card.GetByRole(AriaRole.Button, new() { Name = "History of the annotation by ana" }).ClickAsync();
        var history = card.GetByRole(AriaRole.List, new() { Name = "History" });
        await Expect(history.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Expect(history.GetByRole(AriaRole.Listitem).Nth(0)).ToContainTextAsync("v1 created by ana");
        await Expect(history.GetByRole(AriaRole.Listitem).Nth(1)).ToContainTextAsync("v2 updated by ana");
        await Expect(history.GetByRole(AriaRole.Listitem).Nth(1)).ToContainTextAsync("(text, tags)");
        await explorer.ScreenshotAsync("08-annotation-history");
        Assert.Empty(explorer.Errors);
    }

    [Fact]
    public async Task ADraftIsKeptWhileSomeoneElsePostsOnTheSameEdgeAndAfterAReload()
    {
        const string edge = "nato-balkans-intervention-deployed-to-balkans";
        var (alice, aliceSection) = await OpenEdgeAsync("ana", edge, "nato", "balkans");
        await using var _ = alice;
        var (bob, bobSection) = await OpenEdgeAsync("bo", edge, "nato", "balkans");
        await using var __ = bob;

        var draft = Text(aliceSection.GetByRole(AriaRole.Form, new() { Name = "Add annotation" }));
        await draft.PressSequentiallyAsync("Deployed under UN mandate");

        var bobForm = bobSection.GetByRole(AriaRole.Form, new() { Name = "Add annotation" });
        await Text(bobForm).FillAsync("Bob's note");
        await bobForm.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();

        // Bob's annotation arrives live in Alice's panel; her form, its text and her focus stay.
        await Expect(aliceSection.GetByRole(AriaRole.Heading, new() { Name = "Annotations (1)" })).ToBeVisibleAsync();
        await Expect(aliceSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by bo" })).ToBeVisibleAsync();
        await Expect(draft).ToHaveValueAsync("Deployed under UN mandate");
        await Expect(draft).ToBeFocusedAsync();
        await draft.PressSequentiallyAsync(" 1244");
        await Expect(draft).ToHaveValueAsync("Deployed under UN mandate 1244");

        // A reload keeps it too (sessionStorage, per target).
        await alice.Page.ReloadAsync();
        await alice.WaitAsync("window.__explorer && window.__explorer.ready");
        await Expect(Text(alice.Page.Locator("#annotations").GetByRole(AriaRole.Form, new() { Name = "Add annotation" }))).ToHaveValueAsync("Deployed under UN mandate 1244");
        await alice.ScreenshotAsync("09-draft-kept");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task AnEditFormStaysOpenWithItsDraftAndSaysWhoChangedTheAnnotationMeanwhile()
    {
        const string edge = "un-conducted-minusma";
        var (alice, aliceSection) = await OpenEdgeAsync("ana", edge, "un", "minusma");
        await using var _ = alice;
        var add = aliceSection.GetByRole(AriaRole.Form, new() { Name = "Add annotation" });
        await Text(add).FillAsync("Mandate renewed in 2013.");
        await add.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await aliceSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" }).GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var edit = aliceSection.GetByRole(AriaRole.Form, new() { Name = "Edit annotation" });
        await Text(edit).FillAsync("Mandate renewed in 2013 by resolution 2100.");

        // The admin changes the tags of the same annotation in another browser.
        var (admin, adminSection) = await OpenEdgeAsync("admin", edge, "un", "minusma");
        await using var __ = admin;
        await adminSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" }).GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var adminEdit = adminSection.GetByRole(AriaRole.Form, new() { Name = "Edit annotation" });
        await Tags(adminEdit).FillAsync("reviewed");
        await adminEdit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(adminSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" })).ToContainTextAsync("v2");

        // Alice's form stays open with her draft and says who changed what.
        await Expect(edit.GetByRole(AriaRole.Alert).Filter(new() { HasText = "changed this annotation" })).ToContainTextAsync("admin changed this annotation while you were editing it (v1 → v2: tags)");
        await Expect(Text(edit)).ToHaveValueAsync("Mandate renewed in 2013 by resolution 2100.");
        await alice.ScreenshotAsync("10-edit-conflict-live");

        await edit.GetByRole(AriaRole.Button, new() { Name = "Reload and merge" }).ClickAsync();
        await Expect(Tags(edit)).ToHaveValueAsync("reviewed");
        await Expect(Text(edit)).ToHaveValueAsync("Mandate renewed in 2013 by resolution 2100.");
        await edit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var card = aliceSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" });
        await Expect(card).ToContainTextAsync("v3");
        await Expect(card).ToContainTextAsync("Mandate renewed in 2013 by resolution 2100.");
        await Expect(card.Locator(".tag")).ToHaveTextAsync(["reviewed"]);
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task ASaveThatLosesTheRaceGetsA412KeepsTheDraftAndCanOverwrite()
    {
        const string edge = "african-union-conducted-amisom";
        // Alice's live channel is down (its negotiation refused), so she learns of the other edit only from the
        // server's 412: the one thing a real server cannot be made to do on demand is drop a connection.
        var (alice, aliceSection) = await OpenEdgeAsync("ana", edge, "african-union", "amisom", page => page.RouteAsync("**/hubs/graph/negotiate**", route => route.AbortAsync()));
        await using var _ = alice;
        var add = aliceSection.GetByRole(AriaRole.Form, new() { Name = "Add annotation" });
        await Text(add).FillAsync("First version.");
        await add.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await aliceSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" }).GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var edit = aliceSection.GetByRole(AriaRole.Form, new() { Name = "Edit annotation" });
        await Text(edit).FillAsync("Alice's version.");

        var (admin, adminSection) = await OpenEdgeAsync("admin", edge, "african-union", "amisom");
        await using var __ = admin;
        await adminSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" }).GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var adminEdit = adminSection.GetByRole(AriaRole.Form, new() { Name = "Edit annotation" });
        await Text(adminEdit).FillAsync("Admin's version.");
        await adminEdit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(adminSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" })).ToContainTextAsync("v2");

        await edit.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(edit.GetByRole(AriaRole.Alert).First).ToContainTextAsync("Not saved: admin changed this annotation while you were editing it (v1 → v2: text)");
        await Expect(Text(edit)).ToHaveValueAsync("Alice's version.");
        await Expect(edit.Locator(".theirs")).ToContainTextAsync("Admin's version.");

        await edit.GetByRole(AriaRole.Button, new() { Name = "Overwrite with mine" }).ClickAsync();
        var card = aliceSection.GetByRole(AriaRole.Article, new() { Name = "Annotation by ana" });
        await Expect(card).ToContainTextAsync("v3");
        await Expect(card.Locator(".pre").First).ToHaveTextAsync("Alice's version.");
    }

    [Fact]
    public async Task AViewerIsOfferedNoAnnotationFormButToldWhy()
    {
        var (viewer, section) = await OpenEdgeAsync("vic", "nato-conducted-nato-balkans-intervention", "nato", "balkans");
        await using var _ = viewer;

        await Expect(section.GetByRole(AriaRole.Form)).ToHaveCountAsync(0);
        await Expect(section).ToContainTextAsync("You are signed in as vic, a viewer: you can read annotations; analysts and admins write them.");
    }

    [Fact]
    public async Task PresenceNamesWhoIsSignedInInEveryTab()
    {
        var (alice, _) = await OpenEdgeAsync("ana", "un-conducted-minusma", "un", "minusma");
        await using var aliceTab = alice;
        var (bob, _) = await OpenEdgeAsync("bo", "un-conducted-minusma", "un", "minusma");
        await using var bobTab = bob;

        await Expect(alice.Page.Locator("#presence")).ToHaveTextAsync("Viewing: ana, bo");
        await Expect(bob.Page.Locator("#presence")).ToHaveTextAsync("Viewing: ana, bo");

        // A reload is the same tab again, with the same name.
        await bob.Page.ReloadAsync();
        await bob.WaitAsync("window.__explorer && window.__explorer.ready");
        await Expect(bob.Page.Locator("#presence")).ToHaveTextAsync("Viewing: ana, bo");
        await Expect(alice.Page.Locator("#presence")).ToHaveTextAsync("Viewing: ana, bo");
    }

    [Fact]
    public async Task TabsOfOneBrowserCountAsOneViewer()
    {
        await using var first = await ExplorerPage.OpenAsync(fixture);
        // The class's server is shared: a page an earlier test closed is counted until the server sees its
        // connection end, which on a loaded machine (or after a test that cut the connection) can take up to
        // SignalR's 30 s client timeout. Wait for that; the counting itself is checked from here on.
        await Expect(first.Page.Locator("#presence")).ToHaveTextAsync("Only you are viewing", new() { Timeout = 40_000 });
        await using var second = await first.OpenTabAsync(fixture);
        await Expect(second.Page.Locator("#presence")).ToHaveTextAsync("Only you are viewing");

        // Another browser is another viewer, in every tab; its leaving is seen in every tab too.
        var other = await ExplorerPage.OpenAsync(fixture);
        await using (other)
        {
            foreach (var tab in new[] { first, second, other })
            {
                await Expect(tab.Page.Locator("#presence")).ToHaveTextAsync("Viewing: 2 anonymous");
            }

            // A reload is the same browser again.
            await second.Page.ReloadAsync();
            await second.WaitAsync("window.__explorer && window.__explorer.ready");
            await Expect(second.Page.Locator("#presence")).ToHaveTextAsync("Viewing: 2 anonymous");
            await Expect(other.Page.Locator("#presence")).ToHaveTextAsync("Viewing: 2 anonymous");
        }

        await Expect(first.Page.Locator("#presence")).ToHaveTextAsync("Only you are viewing");

        // Signed in, the browser is its user: one name, no anonymous viewer beside it, in both tabs.
        await first.SignInAsync("ana");
        await second.Page.ReloadAsync();
        await second.WaitAsync("window.__explorer && window.__explorer.ready");
        await Expect(first.Page.Locator("#presence")).ToHaveTextAsync("Only you are viewing");
        await Expect(second.Page.Locator("#presence")).ToHaveTextAsync("Only you are viewing");
        Assert.Empty(first.Errors);
        Assert.Empty(second.Errors);
    }

    [Fact]
    public async Task WriteControlsAreOfferedOnlyToRolesThatWrite()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?sel=n:nato");
        var newNode = explorer.Page.GetByRole(AriaRole.Toolbar, new() { Name = "View" }).GetByRole(AriaRole.Button, new() { Name = "New node" });
        var panel = explorer.Panel;
        await Expect(explorer.Page.GetByRole(AriaRole.Form, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "NATO" })).ToBeVisibleAsync();

        // Signed out: no write control anywhere; the panel says who may write.
        await Expect(newNode).ToBeHiddenAsync();
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true })).ToHaveCountAsync(0);
        await Expect(panel).ToContainTextAsync("Sign in as an analyst or admin to edit nodes or add new ones.");

        // A viewer reads only.
        await explorer.SignInAsync("vic");
        await Expect(panel).ToContainTextAsync("You are signed in as vic, a viewer: analysts and admins edit nodes.");
        await Expect(newNode).ToBeHiddenAsync();
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);
        await explorer.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(explorer.Page.GetByRole(AriaRole.Form, new() { Name = "Sign in" })).ToBeVisibleAsync();

        // An analyst is offered them, without reloading; signing out takes them away again.
        await explorer.SignInAsync("ana");
        await Expect(newNode).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true })).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true })).ToBeVisibleAsync();
        await newNode.ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Form, new() { Name = "New node" })).ToBeVisibleAsync();
        await explorer.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(newNode).ToBeHiddenAsync();
        Assert.Empty(explorer.Errors);
    }
}
