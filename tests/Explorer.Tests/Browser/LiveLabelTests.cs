using System.Text.Json;
using Explorer.Graph;
using Explorer.Server.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Explorer.Tests.Browser;

/// <summary>
/// After a live change the page draws again only the labels the change touched (labelcache.ts). What it shows
/// must be what drawing every label afresh shows, pixel for pixel: a rename, a new node, a new edge (its ends
/// grow) and a removal, each checked once its own frame has drawn it.
/// </summary>
public sealed class LiveLabelTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task LabelsRedrawnOnlyWhereALiveChangeTouchedThemEqualAFullDrawing()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        // A still canvas: the layout done, the view fitted, labels drawn in full.
        var shown = await StillLabelsAsync(explorer);
        var renamed = shown[shown.Length / 2];
        var node = (await fixture.Store.GetNodeAsync(renamed, TestContext.Current.CancellationToken))!.Node;
        var publisher = fixture.Services.GetRequiredService<ChangePublisher>();

        async Task DrawnAndRightAsync(string condition)
        {
            var frames = await explorer.Page.EvaluateAsync<int>("window.__explorer.partialLabelFrames()");
            publisher.Signal();
            await explorer.WaitAsync(condition);
            // Its own frame drew it by redrawing only what changed (unless the view was being fitted meanwhile)...
            await explorer.WaitAsync($"window.__explorer.partialLabelFrames() > {frames} || window.__explorer.cameraMoving()");
            // ...and, the camera still (a moving one shows a moved copy), the layer equals every label drawn afresh.
            var stale = await explorer.Page.WaitForFunctionAsync(
                "() => window.__explorer.cameraMoving() ? false : String(window.__explorer.staleLabelPixels())", null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 50 });
            Assert.Equal("0", await stale.JsonValueAsync<string>());
        }

        await fixture.Store.UpsertNodeAsync(node with { Name = "A much longer name given live to this node" }, TestContext.Current.CancellationToken);
        await DrawnAndRightAsync($"window.__explorer.label({JsonSerializer.Serialize(renamed)}) === 'A much longer name given live to this node'");
        Assert.Contains(renamed, await StillLabelsAsync(explorer, 0));

        await fixture.Store.UpsertNodeAsync(node with { Name = "Short" }, TestContext.Current.CancellationToken);
        await DrawnAndRightAsync($"window.__explorer.label({JsonSerializer.Serialize(renamed)}) === 'Short'");

        await fixture.Store.UpsertNodeAsync(new Node("live-label-theme", NodeKind.Theme, "Live label theme", [], ""), TestContext.Current.CancellationToken);
        await fixture.Store.UpsertEdgeAsync(new Edge("live-label-edge", "PARTNERED_WITH", "live-label-theme", renamed,
            [new Evidence("military-engagement-in-global-diplomacy", "One notable case is NATO’s intervention in the Balkans during the 1990s.")]), TestContext.Current.CancellationToken);
        await DrawnAndRightAsync("window.__explorer.edges().includes('live-label-edge')");

        await fixture.Store.RemoveNodeAsync(renamed, TestContext.Current.CancellationToken);
        await DrawnAndRightAsync($"!window.__explorer.nodes().includes({JsonSerializer.Serialize(renamed)})");
        Assert.DoesNotContain(renamed, await StillLabelsAsync(explorer, 0));
        Assert.Empty(explorer.Errors);
    }
    /// <summary>
    /// A frame whose change leaves the node discs and the edges as they were does not draw those WebGL layers again
    /// (layers.ts): the canvas still shows their last drawing. What is on screen then must be what drawing both
    /// layers afresh shows, after a rename (layers kept) and after a removal (layers drawn again).
    /// </summary>
    [Fact]
    public async Task WebGLLayersKeptThroughALiveChangeShowWhatDrawingThemAfreshShows()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        var shown = await StillLabelsAsync(explorer);
        var renamed = shown[shown.Length / 2];
        var removed = shown.First(id => id != renamed);
        var graph = explorer.Page.Locator("#graph");

        async Task OnScreenAsDrawnAfreshAsync(string what)
        {
            // A still canvas, and still from the first screenshot to the second: a change can start a move later
            // (a refit once the relation counts it asked for arrive), and a screenshot taken during a move shows
            // its labels as a moved copy (two CI failures): such a pair says nothing and is taken again.
            byte[] kept = [], fresh = [];
            for (var attempt = 1; ; attempt++)
            {
                Assert.True(attempt <= 10, $"After the {what}, the camera moved during each of 10 pairs of screenshots.");
                var camera = await explorer.Page.WaitForFunctionAsync(Still, null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 50 });
                kept = await graph.ScreenshotAsync();
                // Both layers drawn again as sigma draws them (cleared, every program), then the picture again.
                await explorer.Page.EvaluateAsync("window.__explorer.keepLayers(false)");
                fresh = await graph.ScreenshotAsync();
                await explorer.Page.EvaluateAsync("window.__explorer.keepLayers(true)");
                if (await explorer.Page.EvaluateAsync<string?>(Still) == await camera.JsonValueAsync<string>())
                {
                    break;
                }
            }

            if (!kept.AsSpan().SequenceEqual(fresh))
            {
                await File.WriteAllBytesAsync(BrowserFixture.ScreenshotPath($"layers-{what}-kept"), kept, TestContext.Current.CancellationToken);
                await File.WriteAllBytesAsync(BrowserFixture.ScreenshotPath($"layers-{what}-fresh"), fresh, TestContext.Current.CancellationToken);
                Assert.Fail($"After the {what}, the canvas differs from both layers drawn afresh (screenshots written).");
            }
        }

        var node = (await fixture.Store.GetNodeAsync(renamed, TestContext.Current.CancellationToken))!.Node;
        var keptBefore = await explorer.Page.EvaluateAsync<int>("window.__explorer.keptLayerFrames()");
        await fixture.Store.UpsertNodeAsync(node with { Name = "Renamed, discs and edges unchanged" }, TestContext.Current.CancellationToken);
        fixture.Services.GetRequiredService<ChangePublisher>().Signal();
        await explorer.WaitAsync($"window.__explorer.label({JsonSerializer.Serialize(renamed)}) === 'Renamed, discs and edges unchanged'");
        // The rename's frame left both layers as they were.
        await explorer.WaitAsync($"window.__explorer.keptLayerFrames() >= {keptBefore + 2}");
        await OnScreenAsDrawnAfreshAsync("rename");

        await fixture.Store.RemoveNodeAsync(removed, TestContext.Current.CancellationToken);
        fixture.Services.GetRequiredService<ChangePublisher>().Signal();
        await explorer.WaitForNodeAsync(removed, present: false);
        await OnScreenAsDrawnAfreshAsync("removal");
        Assert.Empty(explorer.Errors);
    }

    /// <summary>
    /// While the camera moves, labels are drawn as a moved copy of the last full drawing; the full drawing comes in
    /// the frame after the camera stops. Until then the canvas is not what a still view shows, and the hook the
    /// tests wait on (cameraMoving) must say so: read at the instant the animation ends, before that frame, it once
    /// said "still", and a screenshot taken then showed the copy's blurred, narrower labels (a CI failure).
    /// </summary>
    [Fact]
    public async Task TheCameraCountsAsMovingUntilTheFrameAfterItStopsIsDrawn()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        await StillLabelsAsync(explorer);

        // Read in the camera's own "updated" event of its last step (its animation is over, the frame not drawn yet).
        // The zoom lasts 2 s, not the button's 200 ms: on a loaded machine a frame can take longer than 200 ms, and the
        // animation then ends in its first step with no frame drawn while it moved (one CI run here failed so).
        var atStop = await explorer.Page.EvaluateAsync<JsonElement>("""
            () => new Promise((resolve) => {
              const e = window.__explorer;
              const camera = e.sigmaCamera();
              let frames = 0;
              const listener = () => {
                if (camera.isAnimated()) { frames = Math.max(frames, e.copiedLabelFrames()); return; }
                camera.removeListener('updated', listener);
                resolve({ copied: Math.max(frames, e.copiedLabelFrames()), moving: e.cameraMoving() });
              };
              camera.on('updated', listener);
              camera.animatedZoom({ factor: 1.5, duration: 2000 });
            })
            """);
        Assert.True(atStop.GetProperty("copied").GetInt32() > 0, "no frame was drawn from the copy while the camera moved: nothing to check");
        Assert.True(atStop.GetProperty("moving").GetBoolean(), "the hook said the canvas was still while it showed a frame drawn during the move");

        // And once that frame is drawn, the hook says still, and the labels are sigma's own full drawing.
        await explorer.WaitAsync("!window.__explorer.cameraMoving()");
        Assert.Equal(0, await explorer.Page.EvaluateAsync<int>("window.__explorer.copiedLabelFrames()"));
        Assert.Empty(explorer.Errors);
    }

    /// <summary>The camera's state while the canvas is still (laid out, relation counts in, not moving), else null.</summary>
    private const string Still = """
        () => {
          const e = window.__explorer;
          if (e.layoutRunning() || e.countsPending() || e.cameraMoving()) return null;
          const c = e.camera();
          return JSON.stringify([c.x, c.y, c.ratio, c.angle, e.sigmaReplacements()]);
        }
        """;

    /// <summary>
    /// The labels drawn on a still canvas (the layout done, the view fitted; more than <paramref name="atLeast"/>),
    /// read in the same poll that sees it still: read after it, a camera move starting in between (a refit when
    /// relation counts arrive, or after a rename on a view that draws every label) shows none.
    /// </summary>
    private static async Task<string[]> StillLabelsAsync(ExplorerPage explorer, int atLeast = 3)
    {
        var still = await explorer.Page.WaitForFunctionAsync(
            $"() => {{ const e = window.__explorer; const shown = e.drawnLabels(); return !e.layoutRunning() && !e.cameraMoving() && shown.length > {atLeast} ? shown : null; }}",
            null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 50 });
        return (await still.JsonValueAsync<string[]>())!;
    }
}
