using Explorer.Embedded;
using Explorer.Export;
using Explorer.Graph;
using Explorer.Import;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Import;

/// <summary>
/// Export → import into an empty store gives the same graph, for every format: every node and edge field by
/// field, evidence, suspensions, review status and every source document (with its url). The graph is the real
/// dataset plus records that exercise what the dataset lacks (a proposed and a disputed edge, awkward text).
/// </summary>
public sealed class RoundTripTests : IAsyncLifetime
{
    private IGraphStore _store = null!;
    private TempDirectory _directory = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        (_store, _directory) = await Seeded.EmbeddedStoreAsync();
        var memo = new SourceDocument("analyst-memo", "Analyst memo, \"draft\"", "memo", "Quotes, commas; and\nline breaks", "Line one, with \"quotes\".\r\nLine two: ÆØÅ — “curly” & <angle> brackets.") { Url = "https://example.org/memo?a=1&b=2" };
        await _store.SeedAsync(new Explorer.Seed.GraphSeed([memo], [], []), cancellationToken: Token);
        await _store.ApplyBatchAsync(
        [
            new GraphWrite.UpsertNode(new Node("odd-theme", NodeKind.Theme, "Odd, \"quoted\" theme", ["A; B", " padded "], "Line one\nline two, with <xml> & \"json\"", "1990", "2001-03")),
            new GraphWrite.UpsertEdge(new Edge("nato-supports-odd-theme", "SUPPORTS", "nato", "odd-theme",
                [new Evidence("analyst-memo", "Line one, with \"quotes\"."), new Evidence("analyst-memo", "“curly” & <angle>")], "1995", null, [new Suspension("1996", "1997-05"), new Suspension("1999")])
            { Status = EdgeStatus.Proposed }),
            new GraphWrite.UpsertEdge(new Edge("nato-addresses-odd-theme", "ADDRESSES", "nato", "odd-theme", [new Evidence("analyst-memo", "Line two: ÆØÅ")]) { Status = EdgeStatus.Disputed }),
        ], Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    public static TheoryData<string> Formats => ["jsonl", "csv", "graph-seed", "graphml", "graphology"];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ExportThenImportIntoAnEmptyStoreGivesTheSameGraph(string formatName)
    {
        var format = GraphExport.Parse(formatName)!.Value;
        var folder = Directory.CreateDirectory(_directory.File("export-" + formatName)).FullName;
        var counts = await GraphExport.WriteAsync(_store, format, ExportFilter.All, name => File.Create(Path.Combine(folder, name)), Token);
        var original = await GraphCounts(_store);
        Assert.Equal((original.Nodes, original.Edges), ((int)counts.Nodes, (int)counts.Edges));

        await using var empty = EmbeddedStore.Create(_directory.File($"empty-{formatName}.db"));
        await empty.InitializeAsync(Token);
        var inputs = GraphExport.FileNames(format).Select(name => ImportInput.FromFile(Path.Combine(folder, name))).ToList();
        var report = await GraphImport.RunAsync(empty, inputs, ImportFormats.Parse(formatName)!.Value, null, null, Token);

        Assert.True(report.Succeeded, string.Join("\n", report.Errors.Take(10)));
        await AssertSameGraphAsync(_store, empty);

        var again = await GraphImport.RunAsync(empty, inputs, ImportFormats.Parse(formatName)!.Value, null, null, Token);
        Assert.False(again.Applied);
        Assert.Equal(original.Nodes, again.Nodes.Unchanged);
        Assert.Equal(original.Edges, again.Edges.Unchanged);
    }

    [Fact]
    public async Task AFilteredExportHoldsTheNeighborhoodItsEdgesAndOnlyTheSourcesTheyCite()
    {
        var folder = Directory.CreateDirectory(_directory.File("filtered")).FullName;
        var filter = new ExportFilter(Ids: ["odd-theme"], Hops: 1, Statuses: new HashSet<EdgeStatus> { EdgeStatus.Proposed, EdgeStatus.Disputed });
        var counts = await GraphExport.WriteAsync(_store, ExportFormat.JsonLines, filter, name => File.Create(Path.Combine(folder, name)), Token);

        Assert.Equal(new ExportCounts(1, 2, 2), counts);
        var lines = await File.ReadAllLinesAsync(Path.Combine(folder, "graph.jsonl"), Token);
        Assert.StartsWith("{\"source\":{\"id\":\"analyst-memo\"", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("{\"node\":{\"id\":\"nato\"", StringComparison.Ordinal));

        var kinds = await GraphExport.WriteAsync(_store, ExportFormat.JsonLines, new ExportFilter(Kinds: new HashSet<NodeKind> { NodeKind.Theme }), _ => new MemoryStream(), Token);
        var themes = 0;
        await foreach (var node in _store.ReadAllNodesAsync(Token))
        {
            themes += node.Kind == NodeKind.Theme ? 1 : 0;
        }

        Assert.Equal(themes, kinds.Nodes);
    }

    private static async Task<(int Nodes, int Edges)> GraphCounts(IGraphStore store)
    {
        var counts = await store.CountAsync(Token);
        return (counts.Nodes, counts.Edges);
    }

    private static async Task AssertSameGraphAsync(IGraphStore expected, IGraphStore actual)
    {
        var nodes = await actual.ReadAllNodesAsync(Token).ToDictionaryAsync(n => n.Id, cancellationToken: Token);
        var count = 0;
        await foreach (var node in expected.ReadAllNodesAsync(Token))
        {
            count++;
            Assert.True(nodes.TryGetValue(node.Id, out var copy), $"node {node.Id} missing");
            Assert.True(node.SameAs(copy), $"node {node.Id} differs: {node} vs {copy}; aliases [{string.Join("|", node.Aliases)}] vs [{string.Join("|", copy.Aliases)}]");
        }

        Assert.Equal(count, nodes.Count);
        var edges = await actual.ReadAllEdgesAsync(Token).ToDictionaryAsync(e => e.Id, cancellationToken: Token);
        count = 0;
        await foreach (var edge in expected.ReadAllEdgesAsync(Token))
        {
            count++;
            Assert.True(edges.TryGetValue(edge.Id, out var copy), $"edge {edge.Id} missing");
            Assert.True(edge.SameAs(copy), $"edge {edge.Id} differs");
            Assert.Equal(edge.Status, copy.Status);
        }

        Assert.Equal(count, edges.Count);
        var sources = await expected.ListSourcesAsync(Token);
        Assert.Equal(sources.Select(s => s.Id), (await actual.ListSourcesAsync(Token)).Select(s => s.Id));
        foreach (var info in sources)
        {
            var (source, copy) = (await expected.GetSourceAsync(info.Id, Token), await actual.GetSourceAsync(info.Id, Token));
            Assert.True(source!.SameAs(copy!), $"source {info.Id} differs");
        }
    }
}
