using System.Text;
using Explorer.Graph;
using Explorer.Import;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Import;

/// <summary>
/// The reading and checking side of a bulk import made leaner (issue 9): CSV fields read through one layout per
/// file (no object per record to find a field), repeated values as one string, and the evidence an import cites
/// checked once; the same records, positions and messages as before.
/// </summary>
public sealed class ImportReadingTests : IAsyncLifetime
{
    private IGraphStore _store = null!;
    private TempDirectory _directory = null!;

    public async ValueTask InitializeAsync() => (_store, _directory) = await Seeded.EmbeddedStoreAsync();

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static List<ImportItem> Read(string csv) => [.. CsvRecords.Read("edges.csv", new StringReader(csv))];

    [Fact]
    public void CsvFieldsWithQuotesCommasAndLineBreaksParseAndEachFieldIsLocatedByItsColumn()
    {
        var items = Read(":START_ID,:END_ID,:TYPE,id,sourceId,quote\n"
            + "nato,kfor,CONDUCTED,e1,public-record,\"A \"\"quoted\"\", comma\nand a line break\"\n"
            + "\"nato\",\"kfor\",\"CONDUCTED\",\"e2\",\"public-record\",plain\n"
            + "nato,kfor,CONDUCTED,e3,public-record,a \"stray\" quote\n"
            + "nato,kfor,MEMBER_OF,e4,,\n");

        Assert.Equal(4, items.Count);
        var first = items[0].Edge!;
        Assert.Equal(("e1", "CONDUCTED", "nato", "kfor"), (first.Id, first.Type, first.Source, first.Target));
        Assert.Equal(new EvidenceRecord("public-record", "A \"quoted\", comma\nand a line break"), first.Evidence!.Single());
        var second = items[1].Edge!;
        Assert.Equal(("e2", "CONDUCTED", "nato", "kfor"), (second.Id, second.Type, second.Source, second.Target));
        Assert.Equal(new EvidenceRecord("public-record", "plain"), second.Evidence!.Single());

        // The third record is on line 5 (the first record's quote spans lines 2 and 3); the bad field is the sixth.
        Assert.Equal((5L, 6), (items[2].At.Line, items[2].At.Column));
        Assert.Contains("a quote inside an unquoted field", items[2].Error, StringComparison.Ordinal);
        Assert.Null(items[3].Edge!.Evidence);

        // Fields are found by the header's columns, at each record's own line.
        Assert.Equal(new Position(2, 6), items[0].Where("evidence[0].quote"));
        Assert.Equal(new Position(4, 5), items[1].Where("evidence[0].sourceId"));
        Assert.Equal(new Position(6, 3), items[3].Where("type"));
        Assert.Equal(new Position(6, 4), items[3].Where("id"));
        Assert.Null(items[3].Where("validFrom"));
    }

    [Fact]
    public void AColumnsRepeatedValuesAreOneStringAndIdsAreNot()
    {
        var items = Read(":START_ID,:END_ID,:TYPE,id,sourceId,quote\n"
            + "nato,kfor,CONDUCTED,e1,public-record,q\n"
            + "nato,kfor,CONDUCTED,e2,public-record,q\n"
            + "nato,kfor,\"CONDUCTED\",e3,\"public-record\",q\n");

        var (a, b, c) = (items[0].Edge!, items[1].Edge!, items[2].Edge!);
        Assert.Equal("CONDUCTED", c.Type);
        Assert.Same(a.Type, b.Type);
        Assert.Same(a.Type, c.Type);
        Assert.Same(a.Evidence![0]!.SourceId, b.Evidence![0]!.SourceId);
        Assert.Same(a.Evidence[0]!.SourceId, c.Evidence![0]!.SourceId);
        Assert.NotSame(a.Source, b.Source);
        Assert.Equal(a.Source, b.Source);
    }

    [Fact]
    public async Task AnEdgeCitesTheEvidenceSourceAsItsTextIsWhenTheEdgeIsChecked()
    {
        // The cited evidence is checked once and shared; a source record later in the import that changes the
        // source's text is seen by the edges after it, as when each edge checked its own copy.
        var first = (await _store.GetSourceAsync("public-record", Token))!;
        var lines = string.Join('\n',
            """{"edge":{"id":"nato-partnered-with-african-union","type":"PARTNERED_WITH","source":"nato","target":"african-union"}}""",
            """{"edge":{"id":"african-union-partnered-with-nato","type":"PARTNERED_WITH","source":"african-union","target":"nato"}}""",
            "{\"source\":{\"id\":\"public-record\",\"title\":\"" + first.Title + "\",\"kind\":\"" + first.Kind + "\",\"text\":\"Another text entirely.\"}}",
            """{"edge":{"id":"nato-partnered-with-sco","type":"PARTNERED_WITH","source":"nato","target":"sco"}}""");

        var report = await GraphImport.RunAsync(_store, [ImportInput.FromBytes("edges.jsonl", Encoding.UTF8.GetBytes(lines))], ImportFormat.JsonLines,
            new ImportOptions { EvidenceSource = "public-record" }, null, Token);

        Assert.Equal(new ImportCounts(2, 0, 0, 0), report.Edges);
        var error = Assert.Single(report.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("does not occur verbatim in source 'public-record'", error.Reason, StringComparison.Ordinal);
        var cited = (await _store.GetEdgeAsync("nato-partnered-with-african-union", Token))!.Evidence.Single();
        Assert.Equal(cited, (await _store.GetEdgeAsync("african-union-partnered-with-nato", Token))!.Evidence.Single());
        Assert.StartsWith(cited.Quote, first.Text.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EdgesWithoutEvidenceWhoseCitationFailsEachReportTheSameProblem()
    {
        // A source whose first line is the quote cannot fail verbatim; one the store does not hold can.
        var edges = ":START_ID,:END_ID,:TYPE\nnato,african-union,PARTNERED_WITH\nafrican-union,nato,PARTNERED_WITH\n";

        var report = await GraphImport.RunAsync(_store, [ImportInput.FromBytes("edges.csv", Encoding.UTF8.GetBytes(edges))], ImportFormat.Csv,
            new ImportOptions { EvidenceSource = "no-such-source" }, null, Token);

        Assert.Equal(2, report.ErrorCount);
        Assert.Equal([2L, 3L], report.Errors.Select(e => e.Line));
        Assert.All(report.Errors, e => Assert.Contains("evidence", e.Reason, StringComparison.Ordinal));
        Assert.Equal(report.Errors[0].Reason, report.Errors[1].Reason);
    }
}
