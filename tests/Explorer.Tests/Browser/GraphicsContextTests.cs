using System.Text.Json;
using Microsoft.Playwright;

namespace Explorer.Tests.Browser;

/// <summary>
/// The browser can take a page's WebGL contexts away at any time (a GPU reset, a driver update, too many contexts
/// across tabs), and a canvas whose contexts are gone stays blank. The page starts the canvas again on new contexts,
/// as it was. The loss is caused here the way WebGL specifies for testing it (WEBGL_lose_context); whether nodes are
/// drawn is read from the node layer's pixels in the frame that draws them (window.__explorer.nodesInked()).
/// </summary>
public sealed class GraphicsContextTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string LoseContexts = """
        () => {
          for (const canvas of document.querySelectorAll('#graph canvas')) {
            const gl = canvas.getContext('webgl2');
            if (gl instanceof WebGL2RenderingContext && !gl.isContextLost()) gl.getExtension('WEBGL_lose_context').loseContext();
          }
        }
        """;

    private static async Task<ExplorerPage> OpenSettledAsync(BrowserFixture fixture)
    {
        var explorer = await ExplorerPage.OpenAsync(fixture);
        await explorer.WaitAsync("window.__explorer.firstGraphPaint() > 0 && !window.__explorer.layoutRunning() && !window.__explorer.countsPending() && !window.__explorer.cameraMoving()");
        return explorer;
    }

    private static async Task<string[]> InkedAsync(ExplorerPage explorer) =>
        (await explorer.Page.EvaluateAsync<string[]>("window.__explorer.nodesInked()")).Order().ToArray();

    [Fact]
    public async Task ACanvasWhoseWebGlContextsAreLostDrawsItsNodesAgainAndAnswersClicks()
    {
        await using var explorer = await OpenSettledAsync(fixture);
        var nodes = (await explorer.NodesAsync()).Order().ToArray();
        Assert.NotEmpty(nodes);
        Assert.Equal(nodes, await InkedAsync(explorer));
        var camera = await explorer.Page.EvaluateAsync<JsonElement>("(() => { const s = window.__explorer.camera(); return [s.x, s.y, s.ratio]; })()");

        await explorer.Page.EvaluateAsync(LoseContexts);
        await explorer.WaitAsync("window.__explorer.sigmaReplacements() === 1");

        // Every node is drawn again, where it was (the same camera), on contexts that are not lost.
        Assert.Equal(nodes, await InkedAsync(explorer));
        Assert.Equal(camera.ToString(), (await explorer.Page.EvaluateAsync<JsonElement>("(() => { const s = window.__explorer.camera(); return [s.x, s.y, s.ratio]; })()")).ToString());
        Assert.Equal(0, await explorer.Page.EvaluateAsync<int>(
            "[...document.querySelectorAll('#graph canvas')].filter(c => { const gl = c.getContext('webgl2'); return gl instanceof WebGL2RenderingContext && gl.isContextLost(); }).length"));

        // The new canvas answers a click on a node's disc, as the old one did.
        var target = await explorer.Page.EvaluateAsync<JsonElement>("""
            (() => {
              const boxes = window.__explorer.labelBoxes();
              const node = boxes.nodes[0];
              const graph = document.getElementById('graph').getBoundingClientRect();
              return { id: node.id, x: graph.left + (node.disc.left + node.disc.right) / 2, y: graph.top + (node.disc.top + node.disc.bottom) / 2 };
            })()
            """);
        await explorer.Page.Mouse.ClickAsync(target.GetProperty("x").GetSingle(), target.GetProperty("y").GetSingle());
        await explorer.WaitAsync($"window.__explorer.selected() === {JsonSerializer.Serialize("n:" + target.GetProperty("id").GetString())}");
        Assert.Empty(explorer.Errors);
    }

    [Fact]
    public async Task ContextsLostAgainAndAgainEndInAMessageRatherThanEndlessRestarts()
    {
        await using var explorer = await OpenSettledAsync(fixture);
        for (var restart = 1; restart <= 3; restart++)
        {
            await explorer.Page.EvaluateAsync(LoseContexts);
            await explorer.WaitAsync($"window.__explorer.sigmaReplacements() === {restart}");
        }

        // The fourth loss within the minute: the canvas is left alone and the page says why it is blank.
        await explorer.Page.EvaluateAsync(LoseContexts);
        await Assertions.Expect(explorer.Page.Locator("#canvas-message")).ToContainTextAsync("reload");
        Assert.Equal(3, await explorer.Page.EvaluateAsync<int>("window.__explorer.sigmaReplacements()"));
        Assert.Empty(explorer.Errors);
    }
}
