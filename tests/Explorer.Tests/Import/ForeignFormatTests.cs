using System.Text;
using Explorer.Graph;
using Explorer.Import;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Import;

/// <summary>
/// GraphML (as Gephi, yEd and the page write it) and graphology JSON through the one import pipeline, and what
/// GraphML must never do: read a file through an external entity (XXE) or expand entities without bound.
/// </summary>
public sealed class ForeignFormatTests : IAsyncLifetime
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string Quote = "Military presence can deter aggression and ensure compliance with international norms";

    private IGraphStore _store = null!;
    private TempDirectory _directory = null!;

    public async ValueTask InitializeAsync() => (_store, _directory) = await Seeded.EmbeddedStoreAsync();

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private Task<ImportReport> ImportAsync(ImportFormat format, string name, string text, ImportMapping? mapping = null) =>
        GraphImport.RunAsync(_store, [ImportInput.FromBytes(name, Encoding.UTF8.GetBytes(text))], format, new ImportOptions { Mapping = mapping }, null, Token);

    [Fact]
    public async Task GraphMlAsThePageExportsItImportsNodesAndEdgesWithEvidence()
    {
        var graphMl = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
              <key id="name" for="node" attr.name="name" attr.type="string"/>
              <key id="kind" for="node" attr.name="kind" attr.type="string"/>
              <key id="aliases" for="node" attr.name="aliases" attr.type="string"/>
              <key id="x" for="node" attr.name="x" attr.type="double"/>
              <key id="type" for="edge" attr.name="type" attr.type="string"/>
              <key id="evidence" for="edge" attr.name="evidence" attr.type="string"/>
              <graph id="explorer" edgedefault="directed">
                <node id="deterrence-a"><data key="name">Deterrence A</data><data key="kind">Theme</data><data key="aliases">DA; Det A</data><data key="x">1.5</data></node>
                <node id="deterrence-b"><data key="name">Deterrence B</data><data key="kind">Theme</data></node>
                <edge id="a-leads-to-b" source="deterrence-a" target="deterrence-b"><data key="type">LEADS_TO</data><data key="evidence">{Essay}: {Quote}</data></edge>
              </graph>
            </graphml>
            """;

        var report = await ImportAsync(ImportFormat.GraphMl, "view.graphml", graphMl);

        Assert.True(report.Succeeded, string.Join("\n", report.Errors));
        Assert.Equal(new ImportCounts(2, 0, 0, 0), report.Nodes);
        var node = (await _store.GetNodeAsync("deterrence-a", Token))!.Node;
        Assert.Equal(["DA", "Det A"], node.Aliases);
        var edge = (await _store.GetEdgeAsync("a-leads-to-b", Token))!;
        Assert.Equal(new Evidence(Essay, Quote), edge.Evidence.Single());
    }

    [Fact]
    public async Task YedLabelsStandInForNamesAndUnknownAttributesAreErrorsUnlessMapped()
    {
        var graphMl = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml">
              <key for="node" id="d0" yfiles.type="nodegraphics"/>
              <key attr.name="Category" attr.type="string" for="node" id="d1"/>
              <key attr.name="modularity_class" attr.type="int" for="node" id="d2"/>
              <graph edgedefault="directed" id="G">
                <node id="yed-theme"><data key="d0"><y:ShapeNode><y:Geometry height="30.0" width="30.0" x="0" y="0"/><y:NodeLabel visible="true">Yed Theme<y:LabelModel><y:SmartNodeLabelModel distance="4.0"/></y:LabelModel></y:NodeLabel></y:ShapeNode></data><data key="d1">topic</data><data key="d2">3</data></node>
              </graph>
            </graphml>
            """;

        var refused = await ImportAsync(ImportFormat.GraphMl, "yed.graphml", graphMl);
        Assert.Contains(refused.Errors, e => e.Reason.Contains("unknown node attribute 'Category'") && e.Line == 4);
        Assert.Null(await _store.GetNodeAsync("yed-theme", Token));

        var (mapping, error) = ImportMapping.Parse("""{"columns":{"Category":"kind"},"ignore":["modularity_class"],"kinds":{"Topic":"Theme"}}""");
        Assert.Null(error);
        var report = await ImportAsync(ImportFormat.GraphMl, "yed.graphml", graphMl, mapping);

        Assert.True(report.Succeeded, string.Join("\n", report.Errors));
        var node = (await _store.GetNodeAsync("yed-theme", Token))!.Node;
        Assert.Equal(("Yed Theme", NodeKind.Theme), (node.Name, node.Kind));
    }

    [Fact]
    public async Task AnExternalEntityIsRefusedBeforeAnyFileIsRead()
    {
        var secret = _directory.File("secret.txt");
        await File.WriteAllTextAsync(secret, "top secret", Token);
        var graphMl = $"""
            <?xml version="1.0"?>
            <!DOCTYPE graphml [<!ENTITY secret SYSTEM "file://{secret}">]>
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
              <key id="name" for="node" attr.name="name"/><key id="kind" for="node" attr.name="kind"/>
              <graph><node id="leak"><data key="kind">Theme</data><data key="name">&secret;</data></node></graph>
            </graphml>
            """;

        var report = await ImportAsync(ImportFormat.GraphMl, "xxe.graphml", graphMl);

        var error = Assert.Single(report.Errors);
        Assert.Contains("DTD", error.Reason);
        Assert.Contains("XXE", error.Reason);
        Assert.Equal(0, report.Records - 1);
        Assert.False(report.Applied);
        Assert.Null(await _store.GetNodeAsync("leak", Token));
    }

    [Fact]
    public async Task ABillionLaughsIsRefusedWithoutExpandingAnything()
    {
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i < 10; i++)
        {
            entities.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        var graphMl = $"""
            <?xml version="1.0"?>
            <!DOCTYPE graphml [{entities}]>
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
              <key id="name" for="node" attr.name="name"/><key id="kind" for="node" attr.name="kind"/>
              <graph><node id="laughs"><data key="kind">Theme</data><data key="name">&lol9;</data></node></graph>
            </graphml>
            """;

        var report = await ImportAsync(ImportFormat.GraphMl, "lol.graphml", graphMl);

        Assert.Contains("DTD", Assert.Single(report.Errors).Reason);
        Assert.Null(await _store.GetNodeAsync("laughs", Token));
    }

    [Fact]
    public async Task DeeplyNestedGraphMlAndGraphologyAreRefusedWithALine()
    {
        var deep = "<graphml><graph>" + string.Concat(Enumerable.Repeat("<x>", 100)) + string.Concat(Enumerable.Repeat("</x>", 100)) + "</graph></graphml>";
        var graphMl = await ImportAsync(ImportFormat.GraphMl, "deep.graphml", deep);
        Assert.Contains("nested more than", Assert.Single(graphMl.Errors).Reason);

        var json = """{"nodes":[{"key":"deep","attributes":""" + string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100)) + "}]}";
        var graphology = await ImportAsync(ImportFormat.Graphology, "deep.json", json);
        Assert.Contains("nested more than", Assert.Single(graphology.Errors).Reason);
        Assert.Equal(0, graphology.Nodes.New);
    }

    [Fact]
    public async Task GraphologyAsThePageExportsItImports()
    {
        var json = $$"""
            {
              "attributes": { "name": "Explorer view", "exportedAt": "2026-11-30T22:00:00Z" },
              "options": { "type": "directed", "multi": true, "allowSelfLoops": true },
              "nodes": [
                { "key": "page-a", "attributes": { "name": "Page A", "kind": "Theme", "aliases": ["PA"], "description": "", "x": 1, "y": 2 } },
                { "key": "page-b", "attributes": { "name": "Page B", "kind": "Theme", "aliases": [], "description": "b", "x": 3, "y": 4 } }
              ],
              "edges": [
                { "key": "page-a-leads-to-page-b", "source": "page-a", "target": "page-b",
                  "attributes": { "type": "LEADS_TO", "evidence": [{ "sourceId": "{{Essay}}", "quote": "{{Quote}}" }] } },
                { "key": "page-bad", "source": "page-a", "target": "page-b", "attributes": { "type": "LIKES", "evidence": [] } }
              ]
            }
            """;

        var report = await ImportAsync(ImportFormat.Graphology, "view.json", json);

        Assert.Equal(new ImportCounts(2, 0, 0, 0), report.Nodes);
        Assert.Equal(1, report.Edges.New);
        var error = Assert.Single(report.Errors);
        Assert.Equal("edge 'page-bad'", error.Element);
        Assert.Equal(11, error.Line);
        Assert.Contains("LIKES", error.Reason);
        Assert.Equal(["PA"], (await _store.GetNodeAsync("page-a", Token))!.Node.Aliases);
    }
}
