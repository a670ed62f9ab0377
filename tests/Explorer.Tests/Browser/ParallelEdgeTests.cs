using System.Text.Json;
using Microsoft.Playwright;

namespace Explorer.Tests.Browser;

/// <summary>
/// Two relations between the same two nodes (the seed's United States PROVIDED_AID_TO and PARTNERED_WITH Haiti) are
/// two curves bending apart, not one straight line with the other under it: each can be seen and clicked. Where a
/// curve is comes from the page (the nodes' discs from window.__explorer.labelBoxes(), the curvature from
/// window.__explorer.edgeShape()); the click goes through sigma's picking like an analyst's.
/// </summary>
public sealed class ParallelEdgeTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Aid = "united-states-provided-aid-to-haiti";
    private const string Partner = "united-states-partnered-with-haiti";

    private sealed record Shape(string Type, double Curvature);

    [Fact]
    public async Task TwoRelationsBetweenTheSameNodesAreTwoCurvesEachOfWhichAClickSelects()
    {
        await using var explorer = await ExplorerPage.OpenAsync(fixture);
        var before = await explorer.Page.EvaluateAsync<int>("window.__explorer.loadsDone()");
        await explorer.SearchBox.FillAsync("neighbors of Haiti");
        await explorer.SearchBox.PressAsync("Enter");
        await explorer.WaitAsync($"window.__explorer.loadsDone() > {before}");
        await explorer.WaitForNodeAsync("united-states");
        await explorer.WaitAsync("!window.__explorer.layoutRunning() && !window.__explorer.cameraMoving() && !window.__explorer.countsPending()");

        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        async Task<Shape> ShapeAsync(string edge) =>
            (await explorer.Page.EvaluateAsync<JsonElement>($"window.__explorer.edgeShape({JsonSerializer.Serialize(edge)})")).Deserialize<Shape>(options)!;

        var aid = await ShapeAsync(Aid);
        var partner = await ShapeAsync(Partner);
        Assert.Equal(("curved", "curved"), (aid.Type, partner.Type));
        // Both run from the United States to Haiti: bent to opposite sides.
        Assert.True(aid.Curvature * partner.Curvature < 0, $"curvatures {aid.Curvature} and {partner.Curvature}");
        foreach (var edge in await explorer.EdgesAsync())
        {
            if (edge is not (Aid or Partner))
            {
                Assert.Equal("arrow", (await ShapeAsync(edge)).Type);
            }
        }

        // The middle of each curve (quadratic, control point off the middle of the two centres by the curvature
        // times the length, to the left of the direction on screen) selects that edge and no other.
        foreach (var (edge, shape) in new[] { (Aid, aid), (Partner, partner) })
        {
            // (A selection may move the camera to show it: the points are taken on a still view. And the second click
            // waits until it cannot make a double click with the first, which zooms instead.)
            await explorer.WaitAsync("!window.__explorer.cameraMoving() && !window.__explorer.clickPending()");
            var point = await explorer.Page.EvaluateAsync<JsonElement>($$"""
                (() => {
                  const discs = Object.fromEntries(window.__explorer.labelBoxes().nodes.map((n) => [n.id, n.disc]));
                  const centre = (d) => ({ x: (d.left + d.right) / 2, y: (d.top + d.bottom) / 2 });
                  const a = centre(discs['united-states']), b = centre(discs['haiti']);
                  const graph = document.getElementById('graph').getBoundingClientRect();
                  const c = {{shape.Curvature.ToString(System.Globalization.CultureInfo.InvariantCulture)}};
                  const dx = b.x - a.x, dy = b.y - a.y;
                  return { x: graph.left + (a.x + b.x) / 2 + 0.5 * dy * c, y: graph.top + (a.y + b.y) / 2 - 0.5 * dx * c };
                })()
                """);
            await explorer.Page.Mouse.ClickAsync(point.GetProperty("x").GetSingle(), point.GetProperty("y").GetSingle());
            await explorer.WaitAsync($"window.__explorer.selected() === {JsonSerializer.Serialize("e:" + edge)}");
            await Assertions.Expect(explorer.Panel.GetByRole(AriaRole.Heading, new() { Level = 2 }).First)
                .ToHaveTextAsync(edge == Aid ? "PROVIDED_AID_TO" : "PARTNERED_WITH");
        }

        Assert.Empty(explorer.Errors);
    }
}
