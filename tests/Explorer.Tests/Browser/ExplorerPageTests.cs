using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Explorer.Graph;
using Explorer.Server.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Explorer.Tests.Browser;

/// <summary>The web page as an analyst uses it, in the machine's Chromium. Each class has its own store.</summary>
public sealed class ExplorerPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheFirstViewShowsTheEssaysActorsAndTheirMissionsUnderTheContentSecurityPolicy()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);

        var nodes = await explorer.NodesAsync();
        Assert.Contains("nato", nodes);
        Assert.Contains("african-union", nodes);
        Assert.Contains("un", nodes);
        Assert.Contains("nato-balkans-intervention", nodes);
        Assert.Contains("minusma", nodes);
        Assert.All(await explorer.EdgesAsync(), edge => Assert.Contains("-conducted-", edge));
        await Expect(explorer.Panel.GetByRole(AriaRole.Heading, new() { Name = "Who conducted which missions" })).ToBeVisibleAsync();
        // NATO has more relations than drawn: its label says how many more.
        Assert.Matches(@"^NATO · \d+ more$", await explorer.Page.EvaluateAsync<string>("window.__explorer.displayedLabel('nato')"));
        await Expect(explorer.Page.Locator("#connection")).ToHaveTextAsync("Live");
        Assert.Empty(await explorer.CspViolationsAsync());
        Assert.Empty(explorer.Errors);
        await explorer.ScreenshotAsync("01-seed-view");
    }

    [Fact]
    public async Task SearchSuggestsTypoTolerantMatchesAndPickingOneBringsTheNodeIn()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);

        await explorer.Page.Keyboard.PressAsync("/");
        await Expect(explorer.SearchBox).ToBeFocusedAsync();
        await explorer.SearchBox.PressSequentiallyAsync("Somala");
        var suggestion = explorer.Page.GetByRole(AriaRole.Option, new() { Name = "Somalia" }).First;
        await Expect(suggestion).ToBeVisibleAsync();
        await explorer.Page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("02-autocomplete") });
        await suggestion.ClickAsync();

        await explorer.WaitForNodeAsync("somalia");
        await Expect(explorer.Panel.GetByRole(AriaRole.Heading, new() { Name = "Somalia" })).ToBeVisibleAsync();
        Assert.Contains("x=somalia", explorer.Page.Url);

        await explorer.SearchBox.FocusAsync();
        await explorer.Page.Keyboard.PressAsync("Escape");
        await Expect(explorer.SearchBox).ToHaveValueAsync("");
    }

    [Fact]
    public async Task NatoToBalkansHighlightsThePathAndListsEachHopWithItsEvidence()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);

        await explorer.SearchBox.FillAsync("NATO to Balkans");
        await explorer.SearchBox.PressAsync("Enter");
        await explorer.WaitAsync("window.__explorer.highlighted().includes('balkans')");

        // The phrase gets ranked paths; the intervention leads them and says why.
        string[] path = ["nato", "nato-balkans-intervention", "balkans", "nato-conducted-nato-balkans-intervention", "nato-balkans-intervention-deployed-to-balkans"];
        Assert.Subset((await explorer.HighlightedAsync()).ToHashSet(), path.ToHashSet());
        // The answer replaces the last view (the start view is gone): what is drawn is the answer's paths.
        Assert.Subset((await explorer.HighlightedAsync()).ToHashSet(), (await explorer.NodesAsync()).ToHashSet());

        var hops = explorer.Panel.GetByRole(AriaRole.Listitem, new() { Name = "Path 1" });
        await Expect(hops.GetByRole(AriaRole.Button, new() { Name = "NATO", Exact = true })).ToBeVisibleAsync();
        await Expect(hops.GetByRole(AriaRole.Button, new() { Name = "NATO intervention in the Balkans" })).ToBeVisibleAsync();
        await Expect(hops.GetByRole(AriaRole.Button, new() { Name = "Balkans", Exact = true })).ToBeVisibleAsync();
        await Expect(hops.Locator(".relation")).ToHaveTextAsync(["CONDUCTED →", "DEPLOYED_TO →"]);
        await Expect(hops.Locator(".why")).ToHaveTextAsync("2 actions; evidence from the essay");
        const string quote = "One notable case is NATO’s intervention in the Balkans during the 1990s.";
        await Expect(hops.Locator(".evidence").First).ToContainTextAsync(quote);
        Assert.Contains("from=nato", explorer.Page.Url);
        await explorer.ScreenshotAsync("03-path-nato-balkans");

        // The evidence link opens the source document at the quote, highlighted.
        var popupTask = explorer.Page.Context.WaitForPageAsync();
        await hops.GetByRole(AriaRole.Link).First.ClickAsync();
        var source = await popupTask;
        await Expect(source.Locator("mark#quote")).ToHaveTextAsync(quote);
        await Expect(source.Locator("mark#quote")).ToBeInViewportAsync();
        await source.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("04-source-quote") });
    }

    [Fact]
    public async Task ClickingAnEdgeShowsItsRelationAndEvidence()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?from=nato&to=balkans&mode=shortest&types=CONDUCTED,DEPLOYED_TO");
        await explorer.WaitAsync("window.__explorer.highlighted().length === 5");

        await explorer.Panel.GetByRole(AriaRole.Button, new() { Name = "Edge CONDUCTED details" }).ClickAsync();

        var panel = explorer.Panel.GetByRole(AriaRole.Region, new() { Name = "Edge details" });
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "CONDUCTED" })).ToBeVisibleAsync();
        await Expect(panel.Locator(".evidence")).ToContainTextAsync("NATO’s intervention in the Balkans");
        Assert.Contains("sel=e%3Anato-conducted-nato-balkans-intervention", explorer.Page.Url);
        // Anonymous (reads are allowed from loopback): the edge's annotations show, editing asks to sign in.
        var annotations = explorer.Page.GetByRole(AriaRole.Region, new() { Name = "Annotations" });
        await Expect(annotations.GetByRole(AriaRole.Heading, new() { Name = "Annotations (0)" })).ToBeVisibleAsync();
        await Expect(annotations).ToContainTextAsync("Sign in as an analyst to add annotations.");
        await explorer.ScreenshotAsync("05-edge-evidence");
    }

    [Fact]
    public async Task ExpandingANodeAddsItsNeighborhoodAndCollapsingTakesItAway()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?from=nato&to=balkans&mode=shortest");
        await explorer.WaitAsync("window.__explorer.highlighted().length === 5");
        var before = await explorer.NodesAsync();

        await explorer.Panel.GetByRole(AriaRole.Button, new() { Name = "Balkans", Exact = true }).ClickAsync();
        await explorer.Panel.GetByRole(AriaRole.Button, new() { Name = "Expand", Exact = true }).ClickAsync();
        await explorer.WaitAsync($"window.__explorer.nodes().length > {before.Length}");

        var neighborhood = await fixture.CreateClient().GetStringAsync("/api/nodes/balkans/neighborhood?limit=25", TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(neighborhood);
        var expected = body.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!).ToList();
        var expanded = await explorer.NodesAsync();
        Assert.All(expected, id => Assert.Contains(id, expanded));
        Assert.Contains("x=balkans", explorer.Page.Url);
        await explorer.ScreenshotAsync("06-node-details-expanded");

        await explorer.Panel.GetByRole(AriaRole.Button, new() { Name = "Collapse" }).ClickAsync();
        await explorer.WaitAsync($"window.__explorer.nodes().length === {before.Length}");
        Assert.Equal(before.Order(), (await explorer.NodesAsync()).Order());
        Assert.DoesNotContain("x=balkans", explorer.Page.Url);
    }

    [Fact]
    public async Task ASupernodeShowsHowManyMoreInsteadOfFloodingTheCanvas()
    {
        // The counts come from the data (the server's own answer), the page size from the page (25 per page).
        const int page = 25;
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        var all = await http.GetFromJsonAsync<JsonElement>("/api/nodes/nato/neighborhood?limit=2000", TestContext.Current.CancellationToken);
        var conducted = await http.GetFromJsonAsync<JsonElement>("/api/nodes/nato/neighborhood?limit=2000&types=CONDUCTED", TestContext.Current.CancellationToken);
        // The answer's nodes include the center.
        var neighbors = all.GetProperty("nodes").GetArrayLength() - 1;
        var conductedEdges = all.GetProperty("countsByType").GetProperty("CONDUCTED").GetInt32();
        var conductedNeighbors = conducted.GetProperty("nodes").GetArrayLength() - 1;
        Assert.True(neighbors > page, $"NATO has {neighbors} neighbors: too few for this test to page");

        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?x=nato&sel=n%3Anato");
        Assert.Equal(1 + page, (await explorer.NodesAsync()).Length);

        var more = explorer.Panel.GetByRole(AriaRole.Button, new() { Name = "hidden neighbors" });
        await Expect(more).ToHaveTextAsync($"{neighbors - page} more");
        await more.ClickAsync();
        await explorer.WaitAsync($"window.__explorer.nodes().length === {1 + Math.Min(2 * page, neighbors)}");
        Assert.Contains("x=nato~~2", Uri.UnescapeDataString(explorer.Page.Url));

        // Paging by type: only NATO's CONDUCTED neighbors.
        await explorer.Panel.GetByRole(AriaRole.Button, new() { Name = $"Show CONDUCTED neighbors ({conductedEdges})" }).ClickAsync();
        await explorer.WaitAsync($"window.__explorer.nodes().length === {1 + conductedNeighbors}");
    }

    [Fact]
    public async Task EveryDrawnNodeWithUndrawnRelationsSaysHowManyMoreNotOnlyExpandedOnes()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?from=nato&to=mali&mode=shortest");
        await explorer.WaitAsync("window.__explorer.pathCount() > 0");
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        var nodes = await explorer.NodesAsync();
        var edges = await explorer.EdgesAsync();
        foreach (var id in nodes)
        {
            // What the node has in the store, less what is drawn at it.
            var details = await http.GetFromJsonAsync<JsonElement>($"/api/nodes/{id}", TestContext.Current.CancellationToken);
            var hidden = details.GetProperty("degree").GetInt32() - await DrawnDegreeAsync(explorer, id);
            var name = details.GetProperty("name").GetString()!;
            var expected = hidden > 0 ? $"{name} · {hidden} more" : name;
            await explorer.WaitAsync($"window.__explorer.displayedLabel({JsonSerializer.Serialize(id)}) === {JsonSerializer.Serialize(expected)}");
        }

        Assert.NotEmpty(edges);
        // The panel offers them too, on a node that is not expanded.
        var hop = nodes.First(id => id is not "nato" and not "mali");
        await explorer.Page.EvaluateAsync($"window.__explorer.select({JsonSerializer.Serialize(hop)})");
        await Expect(explorer.Panel.GetByRole(AriaRole.Button, new() { NameRegex = new("^Show \\d+ more of \\d+ hidden neighbors$") })).ToBeVisibleAsync();
    }

    private static Task<int> DrawnDegreeAsync(ExplorerPage explorer, string id) =>
        explorer.Page.EvaluateAsync<int>($"window.__explorer.degree({JsonSerializer.Serialize(id)})");

    [Fact]
    public async Task ACopiedLinkRestoresTheSameView()
    {
        await using var first = await ExplorerPage.OpenAsync(fixture, "/?from=nato&to=mali&mode=k&k=2");
        await first.WaitAsync("window.__explorer.highlighted().includes('mali')");
        var before = (await first.NodesAsync()).Length;
        await first.Panel.GetByRole(AriaRole.Button, new() { Name = "Mali", Exact = true }).First.ClickAsync();
        await first.Panel.GetByRole(AriaRole.Button, new() { Name = "Expand", Exact = true }).ClickAsync();
        await first.WaitAsync($"window.__explorer.nodes().length > {before}");
        var link = first.Page.Url;

        await using var second = await ExplorerPage.OpenAsync(fixture, new Uri(link).PathAndQuery);
        await second.WaitAsync($"window.__explorer.nodes().length === {(await first.NodesAsync()).Length}");
        Assert.Equal((await first.NodesAsync()).Order(), (await second.NodesAsync()).Order());
        Assert.Equal((await first.HighlightedAsync()).Order(), (await second.HighlightedAsync()).Order());
        Assert.Equal(await first.Page.EvaluateAsync<string>("window.__explorer.selected()"), await second.Page.EvaluateAsync<string>("window.__explorer.selected()"));
        await Expect(second.Page.Locator("#path-mode")).ToHaveValueAsync("k");
        await Expect(second.Panel.GetByRole(AriaRole.Heading, new() { Name = "Mali" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ChangesMadeElsewhereAppearInEveryOpenPageWithoutReloading()
    {
        await using var alice = await ExplorerPage.OpenAsync(fixture);
        await using var bob = await ExplorerPage.OpenAsync(fixture);
        await Expect(bob.Page.Locator("#presence")).ToContainTextAsync("Viewing: 2 anonymous");
        var publisher = fixture.Services.GetRequiredService<ChangePublisher>();

        await fixture.Store.UpsertNodeAsync(new Node("live-browser-mission", NodeKind.Mission, "Live browser mission", [], "Added while two analysts watch."), TestContext.Current.CancellationToken);
        await fixture.Store.UpsertEdgeAsync(new Edge("nato-conducted-live-browser-mission", "CONDUCTED", "nato", "live-browser-mission",
            [new Evidence("military-engagement-in-global-diplomacy", "One notable case is NATO’s intervention in the Balkans during the 1990s.")]), TestContext.Current.CancellationToken);
        publisher.Signal();

        foreach (var page in new[] { alice, bob })
        {
            await page.WaitAsync("window.__explorer.edges().includes('nato-conducted-live-browser-mission')");
            await Expect(page.Page.Locator("#feed")).ToContainTextAsync("Live browser mission");
        }

        var lastSeq = await bob.Page.EvaluateAsync<long>("window.__explorer.lastSeq()");
        await fixture.Store.UpsertNodeAsync(new Node("live-browser-mission", NodeKind.Mission, "Renamed live mission", [], ""), TestContext.Current.CancellationToken);
        publisher.Signal();
        await bob.WaitAsync("window.__explorer.label('live-browser-mission') === 'Renamed live mission'");
        Assert.True(await bob.Page.EvaluateAsync<long>("window.__explorer.lastSeq()") > lastSeq);

        await fixture.Store.RemoveNodeAsync("live-browser-mission", TestContext.Current.CancellationToken);
        publisher.Signal();
        await alice.WaitForNodeAsync("live-browser-mission", present: false);
        await bob.WaitForNodeAsync("live-browser-mission", present: false);
        Assert.DoesNotContain("nato-conducted-live-browser-mission", await bob.EdgesAsync());
    }

    [Fact]
    public async Task AHostileLabelIsShownAsTextAndNeverRuns()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        const string hostile = "<img src=x onerror=alert(1)>";

        await fixture.Store.UpsertNodeAsync(new Node("hostile-label", NodeKind.Theme, hostile, ["<script>alert(2)</script>"], "<b>not bold</b>"), TestContext.Current.CancellationToken);
        fixture.Services.GetRequiredService<ChangePublisher>().Signal();
        await explorer.WaitForNodeAsync("hostile-label");
        await explorer.Page.EvaluateAsync("window.__explorer.select('hostile-label')");

        await Expect(explorer.Panel.GetByRole(AriaRole.Heading, new() { Name = hostile })).ToHaveTextAsync(hostile);
        await Expect(explorer.Panel).ToContainTextAsync("<b>not bold</b>");
        await Expect(explorer.Page.Locator("#feed")).ToContainTextAsync(hostile);
        Assert.Equal(0, await explorer.Page.Locator("#panel img, #feed img, #panel script, #panel b").CountAsync());
        Assert.Empty(explorer.Dialogs);
        Assert.Empty(await explorer.CspViolationsAsync());
    }

    [Fact]
    public async Task ANarrowWindowStacksTheDetailsUnderTheCanvas()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?q=NATO%20to%20Balkans", width: 420, height: 860);
        await explorer.WaitAsync("window.__explorer.highlighted().includes('nato-balkans-intervention')");

        var canvas = await explorer.Page.Locator("#graph").BoundingBoxAsync();
        var panel = await explorer.Page.Locator("#panel").BoundingBoxAsync();
        Assert.NotNull(canvas);
        Assert.NotNull(panel);
        Assert.True(panel.Y >= canvas.Y + canvas.Height - 1, "the panel sits under the canvas");
        Assert.True(canvas.Width >= 400);
        await Expect(explorer.SearchBox).ToBeVisibleAsync();
        await Expect(explorer.Page.GetByRole(AriaRole.Button, new() { Name = "Find path" })).ToBeVisibleAsync();
        await explorer.ScreenshotAsync("07-narrow-window");
    }

    [Fact]
    public async Task TheViewExportsAsGraphologyJsonAndGraphMl()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?from=nato&to=balkans&mode=shortest&types=CONDUCTED,DEPLOYED_TO");
        await explorer.WaitAsync("window.__explorer.highlighted().length === 5");

        using var json = JsonDocument.Parse(await explorer.Page.EvaluateAsync<string>("window.__explorer.exportJson()"));
        var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("key").GetString()).ToList();
        Assert.Equal((await explorer.NodesAsync()).Order(), nodes.Order());
        var edge = json.RootElement.GetProperty("edges").EnumerateArray().First(e => e.GetProperty("key").GetString() == "nato-conducted-nato-balkans-intervention");
        Assert.Equal("nato", edge.GetProperty("source").GetString());
        Assert.NotEmpty(edge.GetProperty("attributes").GetProperty("evidence").EnumerateArray());

        var graphMl = System.Xml.Linq.XDocument.Parse(await explorer.Page.EvaluateAsync<string>("window.__explorer.exportGraphMl()"));
        System.Xml.Linq.XNamespace ns = "http://graphml.graphdrawing.org/xmlns";
        Assert.Equal(nodes.Count, graphMl.Descendants(ns + "node").Count());
        Assert.Contains(graphMl.Descendants(ns + "edge"), e => (string?)e.Attribute("id") == "nato-conducted-nato-balkans-intervention");
        var svg = System.Xml.Linq.XDocument.Parse(await explorer.Page.EvaluateAsync<string>("window.__explorer.exportSvg()"));
        Assert.NotEmpty(svg.Descendants("{http://www.w3.org/2000/svg}circle"));

        var download = explorer.Page.WaitForDownloadAsync();
        await explorer.Page.GetByText("Export").ClickAsync();
        await explorer.Page.GetByRole(AriaRole.Button, new() { Name = "PNG image" }).ClickAsync();
        Assert.EndsWith(".png", (await download).SuggestedFilename);
    }

    [Fact]
    public async Task TheSvgExportShowsTheLabelsTheCanvasDrawsWhereItDrawsThem()
    {
        // NATO and three pages of its neighbors: more edges than labels fit between the nodes.
        await using var explorer = await ExplorerPage.OpenAsync(fixture, "/?x=nato~~3");
        await explorer.WaitAsync("window.__explorer.nodes().length > 20 && !window.__explorer.layoutRunning() && !window.__explorer.cameraMoving() && !window.__explorer.countsPending()");
        // A selected edge's label is drawn even where another label is in its way.
        var edge = (await explorer.EdgesAsync())[0];
        await explorer.Page.EvaluateAsync($"window.__explorer.selectEdge({JsonSerializer.Serialize(edge)})");
        await explorer.WaitAsync($"!window.__explorer.cameraMoving() && window.__explorer.labelBoxes().edges.some(e => e.id === {JsonSerializer.Serialize(edge)})");

        var drawn = await explorer.Page.EvaluateAsync<JsonElement>("""
            (() => {
              const svg = window.__explorer.exportSvg();
              const boxes = window.__explorer.labelBoxes();
              return {
                svg,
                nodeLabels: boxes.nodes.map(n => ({ text: window.__explorer.displayedLabel(n.id), box: n.text })),
                edgeLabels: boxes.edges.map(e => ({ id: e.id, x: e.corners.reduce((s, c) => s + c.x, 0) / 4, y: e.corners.reduce((s, c) => s + c.y, 0) / 4 })),
                edges: window.__explorer.edges().length,
                nodes: window.__explorer.nodes().length,
              };
            })()
            """);
        var svg = XDocument.Parse(drawn.GetProperty("svg").GetString()!);
        XNamespace ns = "http://www.w3.org/2000/svg";
        List<XElement> groups = [.. svg.Descendants(ns + "g")];
        List<XElement> Texts(string group) => [.. groups.Single(g => (string?)g.Attribute("class") == group).Elements(ns + "text")];

        // The node labels the canvas draws, each where it draws it: the text starts at the left of its ink and its
        // baseline is inside it.
        var canvasNodeLabels = drawn.GetProperty("nodeLabels").EnumerateArray().ToList();
        Assert.NotEmpty(canvasNodeLabels);
        var svgNodeLabels = Texts("node-labels").ToDictionary(t => t.Value, StringComparer.Ordinal);
        Assert.Equal(canvasNodeLabels.Select(l => l.GetProperty("text").GetString()!).Order(StringComparer.Ordinal), svgNodeLabels.Keys.Order(StringComparer.Ordinal));
        foreach (var label in canvasNodeLabels)
        {
            var text = svgNodeLabels[label.GetProperty("text").GetString()!];
            var (x, y) = (double.Parse((string)text.Attribute("x")!, CultureInfo.InvariantCulture), double.Parse((string)text.Attribute("y")!, CultureInfo.InvariantCulture));
            var box = label.GetProperty("box");
            Assert.True(Math.Abs(x - box.GetProperty("left").GetDouble()) <= 2 && y >= box.GetProperty("top").GetDouble() && y <= box.GetProperty("bottom").GetDouble(), $"{text.Value} at ({x}, {y}); the canvas's ink {box}");
        }

        // The edge labels the canvas placed, where it placed them: the middle of each text's baseline (its origin,
        // turned with the edge, moved `y` across it) is within half a font size of the middle of the canvas's box.
        var placed = drawn.GetProperty("edgeLabels").EnumerateArray().ToList();
        Assert.Contains(placed, p => p.GetProperty("id").GetString() == edge);
        Assert.True(placed.Count < drawn.GetProperty("edges").GetInt32(), $"{placed.Count} edge labels placed of {drawn.GetProperty("edges").GetInt32()} edges");
        var texts = Texts("edge-labels");
        Assert.Equal(placed.Count, texts.Count);
        foreach (var (text, place) in texts.Zip(placed))
        {
            var transform = Regex.Match((string?)text.Attribute("transform") ?? "", @"^translate\(([-\d.e]+) ([-\d.e]+)\) rotate\(([-\d.e]+)\)$");
            Assert.True(transform.Success, (string?)text.Attribute("transform"));
            double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);
            var angle = Number(transform.Groups[3].Value) * Math.PI / 180;
            var across = Number((string)text.Attribute("y")!);
            var x = Number(transform.Groups[1].Value) - (Math.Sin(angle) * across);
            var y = Number(transform.Groups[2].Value) + (Math.Cos(angle) * across);
            var (middleX, middleY) = (place.GetProperty("x").GetDouble(), place.GetProperty("y").GetDouble());
            Assert.True(Math.Sqrt(Math.Pow(x - middleX, 2) + Math.Pow(y - middleY, 2)) <= 5.5, $"{text.Value}'s baseline middle at ({x}, {y}); the canvas box's middle ({middleX}, {middleY})");
        }

        // Arrowheads as long and as wide as the canvas's: 2.5 and 2 times the edge's thickness, at least 2 pixels
        // (the selected edge is thicker: its head is larger, in proportion).
        var markers = svg.Descendants(ns + "marker").ToDictionary(m => $"url(#{(string?)m.Attribute("id")})");
        var strokes = new HashSet<double>();
        foreach (var line in groups.Single(g => (string?)g.Attribute("class") == "edges").Elements())
        {
            var stroke = double.Parse((string)line.Attribute("stroke-width")!, CultureInfo.InvariantCulture);
            var marker = markers[(string)line.Attribute("marker-end")!];
            var (length, width) = (double.Parse((string)marker.Attribute("markerWidth")!, CultureInfo.InvariantCulture), double.Parse((string)marker.Attribute("markerHeight")!, CultureInfo.InvariantCulture));
            Assert.Equal((2.5 * Math.Max(stroke, 2), 2 * Math.Max(stroke, 2)), (length, width));
            Assert.Equal("userSpaceOnUse", (string?)marker.Attribute("markerUnits"));
            strokes.Add(stroke);
        }

        Assert.True(strokes.Count > 1, "the selected edge is drawn thicker than the others");
    }
}
