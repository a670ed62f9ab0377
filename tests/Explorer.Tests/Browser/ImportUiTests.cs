using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>
/// Importing from the page, in the real page against the real server: an analyst drops files (or picks them),
/// sees the dry run's counts and every bad line, applies, and the new nodes arrive live in another browser;
/// the same files again change nothing; edges without evidence cite a chosen source; a viewer is offered no
/// import; a file the server refuses shows the server's reason. Each test uses its own ids (one store per class).
/// </summary>
public sealed class ImportUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string Quote = "Military presence can deter aggression and ensure compliance with international norms";

    private sealed record Upload(string Name, string MimeType, string Text);

    private static ILocator Dialog(ExplorerPage explorer) => explorer.Page.GetByRole(AriaRole.Dialog, new() { Name = "Import" });

    /// <summary>Drops files on the canvas as a drag from the desktop would (a DataTransfer holding them).</summary>
    private static async Task DropAsync(ExplorerPage explorer, params Upload[] files)
    {
        var transfer = await explorer.Page.EvaluateHandleAsync("""
            (files) => {
              const transfer = new DataTransfer();
              for (const f of files) transfer.items.add(new File([f.text], f.name, { type: f.mimeType }));
              return transfer;
            }
            """, files.Select(f => new { name = f.Name, mimeType = f.MimeType, text = f.Text }).ToArray());
        var canvas = explorer.Page.Locator("#graph");
        await canvas.DispatchEventAsync("dragenter", new { dataTransfer = transfer });
        await canvas.DispatchEventAsync("dragover", new { dataTransfer = transfer });
        await canvas.DispatchEventAsync("drop", new { dataTransfer = transfer });
    }

    /// <summary>Opens the import dialog from the toolbar and picks files in its file chooser.</summary>
    private static async Task ImportPickedAsync(ExplorerPage explorer, FilePayload file)
    {
        await explorer.Page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        var chooser = await explorer.Page.RunAndWaitForFileChooserAsync(() => Dialog(explorer).GetByRole(AriaRole.Button, new() { Name = "choose files…" }).ClickAsync());
        await chooser.SetFilesAsync(file);
    }

    private static ILocator Row(ILocator dialog, string name) =>
        dialog.Locator("table.import-counts tbody tr").Filter(new() { Has = dialog.Page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });

    private static async Task ExpectCountsAsync(ILocator dialog, string row, int created, int changed, int unchanged) =>
        await Expect(Row(dialog, row).Locator("td")).ToHaveTextAsync(new[] { created.ToString(CultureInfo.InvariantCulture), changed.ToString(CultureInfo.InvariantCulture), unchanged.ToString(CultureInfo.InvariantCulture) });

    [Fact]
    public async Task AnAnalystDropsACsvPairSeesThePreviewAndABadLineAppliesAndTheNodeAppearsLiveInAnotherBrowser()
    {
        var (trust, stability) = ("import-trust-" + Guid.NewGuid().ToString("N")[..6], "import-stability-" + Guid.NewGuid().ToString("N")[..6]);
        var nodes = new Upload("nodes.csv", "text/csv",
            $":ID,:LABEL,name,description\r\n{trust},Theme,Mutual trust,From the team spreadsheet\r\n{stability},Theme,Regional stability,\r\nplanet-x,<b>Planet</b>,Planet X,\r\n");
        var edges = new Upload("edges.csv", "text/csv",
            $":START_ID,:END_ID,:TYPE,sourceId,quote\r\n{trust},{stability},LEADS_TO,{Essay},\"{Quote}\"\r\n");

        // Bo watches the graph in another browser.
        var watcher = await ExplorerPage.OpenAsync(fixture, "/");
        await using var _ = watcher;
        await watcher.SignInAsync("bo");

        var analyst = await ExplorerPage.OpenAsync(fixture, "/");
        await using var __ = analyst;
        await analyst.SignInAsync("ana");
        await Expect(analyst.Page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true })).ToBeVisibleAsync();

        await DropAsync(analyst, nodes, edges);

        var dialog = Dialog(analyst);
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Status).First).ToContainTextAsync("Dry run (csv, 4 records): nothing written yet. Apply writes 3 changes; records with errors are left out.");
        await ExpectCountsAsync(dialog, "Nodes", 2, 0, 0);
        await ExpectCountsAsync(dialog, "Edges", 1, 0, 0);
        var errors = dialog.GetByRole(AriaRole.List, new() { Name = "Errors" }).GetByRole(AriaRole.Listitem);
        await Expect(errors).ToHaveCountAsync(1);
        await Expect(errors.First).ToContainTextAsync("nodes.csv line 4");
        await Expect(errors.First).ToContainTextAsync("<b>Planet</b>");
        Assert.Equal(0, await dialog.Locator("b").CountAsync());
        Assert.Null(await fixture.Store.GetNodeAsync(trust, TestContext.Current.CancellationToken));
        await dialog.ScreenshotAsync(new LocatorScreenshotOptions { Path = BrowserFixture.ScreenshotPath("20-import-preview") });

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Apply 3 changes" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status).First).ToContainTextAsync("Imported: 2 new nodes, 1 new edge; 1 record with errors left out.");
        await Expect(dialog.Locator("table caption")).ToHaveTextAsync("What the import did");

        // The new nodes and their edge arrive on Bo's canvas without a reload, and on Ana's own.
        await watcher.WaitForNodeAsync(trust);
        await watcher.WaitForNodeAsync(stability);
        await watcher.WaitAsync($"window.__explorer.edges().includes({JsonSerializer.Serialize($"{trust}-leads-to-{stability}")})");
        await analyst.WaitForNodeAsync(trust);

        // The same files again: nothing to change, and nothing to apply.
        await DropAsync(analyst, nodes, edges);
        await Expect(dialog.GetByRole(AriaRole.Status).First).ToHaveTextAsync("Nothing to change: the graph already holds every valid record in these files.");
        await ExpectCountsAsync(dialog, "Nodes", 0, 0, 2);
        await ExpectCountsAsync(dialog, "Edges", 0, 0, 1);
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Apply" })).ToBeDisabledAsync();
        Assert.Empty(analyst.Errors);
        Assert.Empty(watcher.Errors);
    }

    [Fact]
    public async Task APickedGraphologyFileWhoseEdgeHasNoEvidenceCitesAChosenSourceAndImportsOnce()
    {
        var (a, b) = ("import-graphology-a-" + Guid.NewGuid().ToString("N")[..6], "import-graphology-b-" + Guid.NewGuid().ToString("N")[..6]);
        var graph = JsonSerializer.Serialize(new
        {
            attributes = new { name = "Team graph" },
            options = new { type = "directed", multi = true },
            nodes = new object[]
            {
                new { key = a, attributes = new { name = "Confidence building", kind = "Theme", x = 0.5, y = 1 } },
                new { key = b, attributes = new { name = "Arms control", kind = "Theme", x = 2, y = 3 } },
            },
            edges = new object[] { new { key = $"{a}-leads-to-{b}", source = a, target = b, attributes = new { type = "LEADS_TO" } } },
        });
        var file = new FilePayload { Name = "team.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(graph) };

        var analyst = await ExplorerPage.OpenAsync(fixture, "/");
        await using var _ = analyst;
        await analyst.SignInAsync("ana");
        await ImportPickedAsync(analyst, file);
        var dialog = Dialog(analyst);

        // The edge has no evidence: it is an error until the import cites a source document for it.
        await ExpectCountsAsync(dialog, "Nodes", 2, 0, 0);
        var errors = dialog.GetByRole(AriaRole.List, new() { Name = "Errors" }).GetByRole(AriaRole.Listitem);
        await Expect(errors).ToHaveCountAsync(1);
        await Expect(errors.First).ToContainTextAsync("team.json line");
        await Expect(errors.First).ToContainTextAsync("evidence");
        var cite = dialog.GetByRole(AriaRole.Combobox, new() { Name = "Evidence for edges without any" });
        await Expect(dialog).ToContainTextAsync("1 edge in these files has no evidence.");
        await cite.SelectOptionAsync(Essay);
        await Expect(errors).ToHaveCountAsync(0);
        await ExpectCountsAsync(dialog, "Edges", 1, 0, 0);

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Apply 3 changes" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status).First).ToContainTextAsync("Imported: 2 new nodes, 1 new edge.");
        await analyst.WaitForNodeAsync(a);
        var edge = await fixture.Store.GetEdgeAsync($"{a}-leads-to-{b}", TestContext.Current.CancellationToken);
        Assert.Equal(Essay, edge!.Evidence.Single().SourceId);

        // Closed and opened again with the same file: nothing left to change.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await ImportPickedAsync(analyst, file);
        await Expect(dialog.GetByRole(AriaRole.Status).First).ToContainTextAsync("Nothing to change");
        await cite.SelectOptionAsync(Essay);
        await Expect(dialog.GetByRole(AriaRole.Status).First).ToHaveTextAsync("Nothing to change: the graph already holds every valid record in these files.");
        await ExpectCountsAsync(dialog, "Edges", 0, 0, 1);
        Assert.Empty(analyst.Errors);
    }

    [Fact]
    public async Task AnEdgeWithoutEvidenceCitesADocumentAddedFromTheImportDialog()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (a, b) = ($"import-doc-a-{suffix}", $"import-doc-b-{suffix}");
        var graph = JsonSerializer.Serialize(new
        {
            nodes = new object[]
            {
                new { key = a, attributes = new { name = "Joint exercises", kind = "Theme" } },
                new { key = b, attributes = new { name = "Interoperability", kind = "Theme" } },
            },
            edges = new object[] { new { key = $"{a}-leads-to-{b}", source = a, target = b, attributes = new { type = "LEADS_TO" } } },
        });
        var analyst = await ExplorerPage.OpenAsync(fixture, "/");
        await using var _ = analyst;
        await analyst.SignInAsync("ana");
        await ImportPickedAsync(analyst, new FilePayload { Name = "team.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(graph) });
        var dialog = Dialog(analyst);
        var errors = dialog.GetByRole(AriaRole.List, new() { Name = "Errors" }).GetByRole(AriaRole.Listitem);
        await Expect(errors).ToHaveCountAsync(1);

        // The document the edge cites is not in the graph yet: the analyst adds it from its Markdown file.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "New document…" }).ClickAsync();
        var documents = analyst.Page.GetByRole(AriaRole.Dialog, new() { Name = "Documents" });
        await Expect(documents).ToBeVisibleAsync();
        var markdown = $"# Exercise notes {suffix}\n\nJoint **exercises** build interoperability between the allies' forces.\n";
        var chooser = await analyst.Page.RunAndWaitForFileChooserAsync(() => documents.GetByRole(AriaRole.Button, new() { Name = "read a file…" }).ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = $"exercise-notes-{suffix}.md", MimeType = "text/markdown", Buffer = Encoding.UTF8.GetBytes(markdown) });
        await Expect(documents.GetByLabel("Title")).ToHaveValueAsync($"exercise-notes-{suffix}");
        await documents.GetByLabel("Kind").FillAsync("note");
        await documents.ScreenshotAsync(new LocatorScreenshotOptions { Path = BrowserFixture.ScreenshotPath("21-documents-add") });
        await documents.GetByRole(AriaRole.Button, new() { Name = "Add document" }).ClickAsync();

        // Back in the import, the new document is chosen and the edge cites it.
        await Expect(documents).ToBeHiddenAsync();
        var source = (await fixture.Store.ListSourcesAsync(cancellationToken)).Single(s => s.Title == $"exercise-notes-{suffix}");
        Assert.Equal("note", source.Kind);
        var text = (await fixture.Store.GetSourceAsync(source.Id, cancellationToken))!.Text;
        Assert.Contains("Joint exercises build interoperability", text);
        Assert.DoesNotContain("**", text);
        await Expect(dialog.GetByRole(AriaRole.Combobox, new() { Name = "Evidence for edges without any" })).ToHaveValueAsync(source.Id);
        await Expect(errors).ToHaveCountAsync(0);
        await ExpectCountsAsync(dialog, "Edges", 1, 0, 0);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Apply 3 changes" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status).First).ToContainTextAsync("Imported: 2 new nodes, 1 new edge.");
        var edge = await fixture.Store.GetEdgeAsync($"{a}-leads-to-{b}", cancellationToken);
        Assert.Equal(source.Id, edge!.Evidence.Single().SourceId);
        Assert.Empty(analyst.Errors);
    }

    [Fact]
    public async Task TheDocumentsListOpensEachInTheSourceViewAndOnlyWritersMayAddOne()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var essay = (await fixture.Store.GetSourceAsync(Essay, cancellationToken))!;
        var viewer = await ExplorerPage.OpenAsync(fixture, "/");
        await using var _ = viewer;
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Documents", Exact = true }).ClickAsync();
        var documents = viewer.Page.GetByRole(AriaRole.Dialog, new() { Name = "Documents" });
        var link = documents.GetByRole(AriaRole.Link, new() { Name = essay.Title, Exact = true });
        await Expect(link).ToHaveAttributeAsync("href", $"/source?id={Essay}");
        await Expect(documents.GetByRole(AriaRole.Button, new() { Name = "Add document" })).ToBeHiddenAsync();

        // The filter keeps the documents whose title, kind or description has every word typed.
        var all = (await fixture.Store.ListSourcesAsync(cancellationToken)).Count;
        var items = documents.GetByRole(AriaRole.List, new() { Name = "Source documents" }).GetByRole(AriaRole.Listitem);
        await Expect(items).ToHaveCountAsync(all);
        await documents.GetByRole(AriaRole.Searchbox, new() { Name = "Filter documents" }).FillAsync($"{essay.Kind.ToUpperInvariant()} {essay.Title.Split(' ')[0]}");
        await Expect(items).ToHaveCountAsync(1);
        await Expect(documents).ToContainTextAsync($"1 of {all} documents");
        await documents.GetByRole(AriaRole.Searchbox, new() { Name = "Filter documents" }).FillAsync("no-such-document-anywhere");
        await Expect(items).ToHaveCountAsync(0);

        // Signed in as a viewer: still no form (an analyst has one: the test above).
        await documents.GetByRole(AriaRole.Button, new() { Name = "Close documents" }).ClickAsync();
        await viewer.SignInAsync("vic");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Documents", Exact = true }).ClickAsync();
        await Expect(link).ToBeVisibleAsync();
        await Expect(documents.GetByRole(AriaRole.Button, new() { Name = "Add document" })).ToBeHiddenAsync();
        Assert.Empty(viewer.Errors);
    }

    [Fact]
    public async Task AViewerIsOfferedNoImportAndADroppedFileOpensNothing()
    {
        var viewer = await ExplorerPage.OpenAsync(fixture, "/");
        await using var _ = viewer;
        await Expect(viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true })).ToBeHiddenAsync();
        await viewer.SignInAsync("vic");

        await DropAsync(viewer, new Upload("nodes.csv", "text/csv", ":ID,:LABEL,name\r\nviewer-node,Theme,Viewer node\r\n"));

        await Expect(viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true })).ToBeHiddenAsync();
        await Expect(Dialog(viewer)).ToBeHiddenAsync();
        Assert.Null(await fixture.Store.GetNodeAsync("viewer-node", TestContext.Current.CancellationToken));
        Assert.Empty(viewer.Errors);
    }

    [Fact]
    public async Task AFileTheServerRefusesShowsTheServersReasonAndNoPreview()
    {
        var analyst = await ExplorerPage.OpenAsync(fixture, "/");
        await using var _ = analyst;
        await analyst.SignInAsync("ana");

        await DropAsync(analyst, new Upload("notes.txt", "text/plain", "Met the <i>team</i> on Tuesday."));

        var dialog = Dialog(analyst);
        var alert = dialog.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("(400): cannot tell the format from the file names (notes.txt)");
        await Expect(dialog.Locator("table")).ToHaveCountAsync(0);
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Apply" })).ToBeDisabledAsync();
        Assert.Empty(analyst.Errors);
    }
}
