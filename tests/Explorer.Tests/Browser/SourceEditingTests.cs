using Explorer.Graph;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>
/// Editing and deleting a source document from its source view, in the real page against the real server: an
/// analyst changes the title and text (kept after a reload, the next edit sent with the new version); an edit that
/// drops a cited quote lists that quote and changes nothing, a stale one offers to reload, and an analyst is not
/// offered to delete another's document (told who may); deleting a cited document lists the citing edges and
/// deletes only after a second confirmation, which also takes it off an open Documents list; one deleted elsewhere while
/// an analyst edits it says so on their page and keeps their unsaved text to copy; viewers and signed-out
/// readers are offered neither. Each test writes its own document.
/// </summary>
public sealed class SourceEditingTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string EssayPassage = "One notable case is NATO’s intervention in the Balkans during the 1990s.";

    private sealed record Note(string Id, string Title, string First, string Second)
    {
        public string Text => $"{First} {Second}";
    }

    /// <summary>A document ana added: two sentences, the first of them quoted by <paramref name="citing"/> new edges.</summary>
    private async Task<Note> NoteAsync(int citing = 0)
    {
        if (fixture.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var u = Guid.NewGuid().ToString("N")[..8];
        var note = new Note($"note-{u}", $"Field note {u}", $"The envoy {u} signed the accord in Geneva.", $"Talks {u} resumed a week later.");
        Assert.IsType<RecordWrite.Written>(await fixture.Store.CreateSourceAsync(new SourceDocument(note.Id, note.Title, "note", "From the desk", note.Text), "ana"));
        var ends = new[] { ("nato", "somalia", "PROVIDED_AID_TO"), ("un", "somalia", "PROVIDED_AID_TO") };
        for (var i = 0; i < citing; i++)
        {
            var (from, to, type) = ends[i];
            Evidence[] evidence = i == 0 ? [new(note.Id, note.First)] : [new(note.Id, note.First), new(Essay, EssayPassage)];
            Assert.IsType<RecordWrite.Written>(await fixture.Store.CreateEdgeAsync(new Edge($"{note.Id}-edge-{i}", type, from, to, evidence), "ana"));
        }

        return note;
    }

    private static ILocator Button(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    private static ILocator EditForm(IPage page) => page.GetByRole(AriaRole.Form, new() { Name = "Edit document" });

    [Fact]
    public async Task AnAnalystEditsTheTitleAndTextAndTheChangeIsThereAfterAReload()
    {
        var note = await NoteAsync();
        await using var analyst = await ExplorerPage.OpenSourceViewAsync(fixture, note.Id, "ana");
        var page = analyst.Page;

        await Button(page, "Edit document").ClickAsync();
        var form = EditForm(page);
        await Expect(form.GetByRole(AriaRole.Textbox, new() { Name = "Title" })).ToBeFocusedAsync();
        await Expect(form.GetByRole(AriaRole.Textbox, new() { Name = "Title" })).ToHaveValueAsync(note.Title);
        await Expect(form.GetByRole(AriaRole.Textbox, new() { Name = "Text" })).ToHaveValueAsync(note.Text);
        var (title, text) = ($"{note.Title} (revised)", $"{note.First}\n\n{note.Second} A third <b>sentence</b> was added.");
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Title" }).FillAsync(title);
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Description (optional)" }).FillAsync("Revised after the call");
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Text" }).FillAsync(text);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("32-source-edit") });
        await form.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        await Expect(page.Locator("#source-saved")).ToHaveTextAsync("Saved (version 2).");
        await Expect(form).ToHaveCountAsync(0);
        await Expect(page.Locator("#source-title")).ToHaveTextAsync(title);
        await Expect(page.Locator("#source-meta")).ToHaveTextAsync("note — Revised after the call");
        await Expect(page.Locator("#source-text")).ToHaveTextAsync(text);

        // The next edit goes out with the new version: it is saved too.
        await Button(page, "Edit document").ClickAsync();
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Kind" }).FillAsync("memo");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#source-saved")).ToHaveTextAsync("Saved (version 3).");
        await Expect(page.Locator("#source-meta")).ToHaveTextAsync("memo — Revised after the call");

        await page.ReloadAsync();
        await ExplorerPage.SourceViewReadyAsync(page);
        await Expect(page.Locator("#source-title")).ToHaveTextAsync(title);
        await Expect(page.Locator("#source-text")).ToHaveTextAsync(text);
        var stored = (await fixture.Store.GetSourceAsync(note.Id, TestContext.Current.CancellationToken))!;
        Assert.Equal((title, "memo", "Revised after the call", text, 3L), (stored.Title, stored.Kind, stored.Description, stored.Text, stored.Version));
        Assert.Empty(analyst.Errors);
    }

    [Fact]
    public async Task AnEditThatDropsACitedQuoteListsThatQuoteAndChangesNothingAndAStaleOneReloadsKeepingTheAnalystsChanges()
    {
        var note = await NoteAsync(citing: 1);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var analyst = await ExplorerPage.OpenSourceViewAsync(fixture, note.Id, "bo");
        var page = analyst.Page;

        await Button(page, "Edit document").ClickAsync();
        var form = EditForm(page);
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Title" }).FillAsync("Shortened");
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Text" }).FillAsync(note.Second);
        await form.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        var alert = form.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("Not saved: the new text no longer holds 1 quote that 1 edge cites. Nothing was changed.");
        var lost = alert.GetByRole(AriaRole.List, new() { Name = "Quotes that would be lost" }).GetByRole(AriaRole.Listitem);
        await Expect(lost).ToHaveTextAsync([$"{note.First} — cited by NATO —PROVIDED_AID_TO→ Somalia"]);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("33-source-edit-refused"), FullPage = true });
        var stored = (await fixture.Store.GetSourceAsync(note.Id, cancellationToken))!;
        Assert.Equal((note.Title, note.Text, 1L), (stored.Title, stored.Text, stored.Version));
        await Expect(page.Locator("#source-title")).ToHaveTextAsync(note.Title);
        await Expect(page.Locator("#source-text")).ToHaveTextAsync(note.Text);

        // Someone else changes its title and description meanwhile: the save is refused as stale, and reloading starts
        // from their version with what bo changed (the title) kept, and says that they changed it too.
        Assert.IsType<RecordWrite.Written>(await fixture.Store.UpdateSourceAsync(stored with { Title = $"{note.Title} by ana", Description = "Checked by ana" }, 1, "ana", cancellationToken));
        await form.GetByRole(AriaRole.Textbox, new() { Name = "Text" }).FillAsync(note.Text);
        await form.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(alert).ToContainTextAsync("Not saved: someone else changed this document since you opened the form. Reloading takes their version and keeps what you changed.");
        await alert.GetByRole(AriaRole.Button, new() { Name = "Reload the latest version" }).ClickAsync();
        await Expect(page.Locator("#source-title")).ToHaveTextAsync($"{note.Title} by ana");
        await Expect(form.Locator(".notice")).ToHaveTextAsync($"This is the latest version (2), with your changes to the title kept. They changed the title too, to “{note.Title} by ana”; yours is in the form.");
        await Expect(form.GetByRole(AriaRole.Textbox, new() { Name = "Title" })).ToHaveValueAsync("Shortened");
        await Expect(form.GetByRole(AriaRole.Textbox, new() { Name = "Description (optional)" })).ToHaveValueAsync("Checked by ana");
        await Expect(form.GetByRole(AriaRole.Textbox, new() { Name = "Text" })).ToHaveValueAsync(note.Text);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("35-source-edit-reloaded") });
        await form.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#source-saved")).ToHaveTextAsync("Saved (version 3).");
        stored = (await fixture.Store.GetSourceAsync(note.Id, cancellationToken))!;
        Assert.Equal(("Shortened", "Checked by ana", note.Text, 3L), (stored.Title, stored.Description, stored.Text, stored.Version));

        // Bo did not add it: only ana or an admin may delete it (the server refuses anyone else, AuthorizationMatrixTests), so bo
        // is not offered the button and is told who may; nor is he for the essay, which came from the dataset.
        await Expect(page.Locator(".source-delete-who")).ToHaveTextAsync("Only ana, who added it, or an admin can delete it.");
        await Expect(Button(page, "Delete document")).ToHaveCountAsync(0);
        await Expect(Button(page, "Edit document")).ToBeVisibleAsync();
        await using (var essay = await ExplorerPage.OpenSourceViewAsync(fixture, Essay, "bo"))
        {
            await Expect(essay.Page.Locator(".source-delete-who")).ToHaveTextAsync("It came from the dataset or an import: only an admin can delete it.");
            await Expect(Button(essay.Page, "Delete document")).ToHaveCountAsync(0);
            await essay.Page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("37-source-delete-who") });
        }

        Assert.NotNull(await fixture.Store.GetSourceAsync(note.Id, cancellationToken));
        Assert.Empty(analyst.Errors);
    }

    [Fact]
    public async Task DeletingACitedDocumentListsTheCitingEdgesAndTheForcedDeleteRemovesIt()
    {
        var note = await NoteAsync(citing: 2);
        var cancellationToken = TestContext.Current.CancellationToken;

        // Viewers and signed-out readers are offered neither action.
        foreach (var user in new[] { "vic", null })
        {
            await using var reader = await ExplorerPage.OpenSourceViewAsync(fixture, note.Id, user);
            await Expect(reader.Page.Locator("#source-title")).ToHaveTextAsync(note.Title);
            await Expect(Button(reader.Page, "Edit document")).ToHaveCountAsync(0);
            await Expect(Button(reader.Page, "Delete document")).ToHaveCountAsync(0);
        }

        // Ana has the Documents list open, and opens the note from it in a new tab.
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/");
        await explorer.SignInAsync("ana");
        await Button(explorer.Page, "Documents").ClickAsync();
        var documents = explorer.Page.GetByRole(AriaRole.Dialog, new() { Name = "Documents" });
        var listed = documents.GetByRole(AriaRole.Link, new() { Name = note.Title, Exact = true });
        var page = await explorer.Page.RunAndWaitForPopupAsync(() => listed.ClickAsync());
        await ExplorerPage.SourceViewReadyAsync(page);

        await Button(page, "Delete document").ClickAsync();
        await Button(page, "Delete this document").ClickAsync();

        // Refused while edges cite it: they are listed, and nothing is deleted yet.
        var edges = page.GetByRole(AriaRole.List, new() { Name = "Edges citing this document" }).GetByRole(AriaRole.Listitem);
        await Expect(edges).ToHaveTextAsync(["NATO —PROVIDED_AID_TO→ Somalia", "United Nations —PROVIDED_AID_TO→ Somalia"]);
        await Expect(page.GetByText("An edge left with no evidence is deleted.")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("34-source-delete-cited") });
        Assert.NotNull(await fixture.Store.GetSourceAsync(note.Id, cancellationToken));

        await Button(page, "Remove these citations and delete").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Document deleted" })).ToBeFocusedAsync();
        await Expect(page.Locator("#source").GetByRole(AriaRole.Status)).ToHaveTextAsync($"“{note.Title}” was deleted. Back to the explorer");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to the explorer" })).ToHaveAttributeAsync("href", "/");
        var answer = await page.APIRequest.GetAsync($"{fixture.BaseUrl}/api/sources/{note.Id}");
        Assert.Equal(404, answer.Status);
        Assert.Null(await fixture.Store.GetEdgeAsync($"{note.Id}-edge-0", cancellationToken));
        Assert.Equal([Essay], (await fixture.Store.GetEdgeAsync($"{note.Id}-edge-1", cancellationToken))!.Evidence.Select(e => e.SourceId));

        // The open Documents list drops it, and so does the list opened again.
        await Expect(listed).ToHaveCountAsync(0);
        await documents.GetByRole(AriaRole.Button, new() { Name = "Close documents" }).ClickAsync();
        await Button(explorer.Page, "Documents").ClickAsync();
        var essay = (await fixture.Store.GetSourceAsync(Essay, cancellationToken))!;
        await Expect(documents.GetByRole(AriaRole.Link, new() { Name = essay.Title, Exact = true })).ToBeVisibleAsync();
        await Expect(listed).ToHaveCountAsync(0);
        Assert.Empty(explorer.Errors);
    }

    [Fact]
    public async Task ADocumentDeletedElsewhereWhileAnAnalystEditsItSaysSoAndKeepsTheirUnsavedText()
    {
        var note = await NoteAsync();
        await using var editor = await ExplorerPage.OpenSourceViewAsync(fixture, note.Id, "bo");
        var page = editor.Page;
        await Button(page, "Edit document").ClickAsync();
        var typed = $"{note.Text} Bo's third sentence, not saved yet.";
        await EditForm(page).GetByRole(AriaRole.Textbox, new() { Name = "Text" }).FillAsync(typed);

        // Ana, who added it, deletes it from her own view of it.
        await using var owner = await ExplorerPage.OpenSourceViewAsync(fixture, note.Id, "ana");
        await Button(owner.Page, "Delete document").ClickAsync();
        await Button(owner.Page, "Delete this document").ClickAsync();
        await Expect(owner.Page.GetByRole(AriaRole.Heading, new() { Name = "Document deleted" })).ToBeFocusedAsync();
        await Expect(owner.Page.Locator("#source").GetByRole(AriaRole.Status)).ToHaveTextAsync($"“{note.Title}” was deleted. Back to the explorer");

        // Bo's page follows: the form is gone, the page says the document was deleted elsewhere, and bo's text stays to copy.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Document deleted" })).ToBeVisibleAsync();
        await Expect(page.Locator("#source").GetByRole(AriaRole.Status)).ToHaveTextAsync($"“{note.Title}” was deleted elsewhere while this page was open. Back to the explorer");
        await Expect(EditForm(page)).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Your unsaved text" })).ToHaveValueAsync(typed);
        await Expect(Button(page, "Edit document")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserFixture.ScreenshotPath("36-source-deleted-elsewhere") });
        Assert.Null(await fixture.Store.GetSourceAsync(note.Id, TestContext.Current.CancellationToken));
        Assert.Empty(editor.Errors);
        Assert.Empty(owner.Errors);
    }
}
