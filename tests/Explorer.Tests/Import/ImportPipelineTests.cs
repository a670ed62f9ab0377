using System.Text;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Import;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Import;

/// <summary>
/// The one import pipeline (<see cref="GraphImport"/>) on a fresh seeded store per test: every format, errors
/// with file, line and column, RFC 4180 quoting with a BOM and CRLF, dry runs, idempotency, all-or-nothing,
/// evidence sources and batches.
/// </summary>
public sealed class ImportPipelineTests : IAsyncLifetime
{
    private const string Essay = "military-engagement-in-global-diplomacy";
    private const string EssayQuote = "One notable case is NATO’s intervention in the Balkans during the 1990s.";

    private IGraphStore _store = null!;
    private TempDirectory _directory = null!;

    public async ValueTask InitializeAsync() => (_store, _directory) = await Seeded.EmbeddedStoreAsync();

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ImportInput Text(string name, string text, bool bom = false) =>
        ImportInput.FromBytes(name, [.. (bom ? "\uFEFF"u8.ToArray() : []), .. Encoding.UTF8.GetBytes(text)]);

    private Task<ImportReport> ImportAsync(ImportFormat format, ImportOptions? options, params ImportInput[] inputs) =>
        GraphImport.RunAsync(_store, inputs, format, options, null, Token);

    [Fact]
    public async Task CsvWithABomCrlfAndQuotedFieldsImportsNodesAndEdgesAfterTheNeo4jHeaders()
    {
        var nodes = Text("nodes.csv", ":ID,:LABEL,name,aliases:string[],description\r\n"
            + "analyst-mission,Mission,Kosovo Force,KFOR;K-For,\"A \"\"NATO\"\" mission, in Kosovo,\r\nled since 1999\"\r\n"
            + "eulex,Mission,\"EULEX Kosovo\",EULEX,\r\n", bom: true);
        var edges = Text("edges.csv", ":START_ID,:END_ID,:TYPE,sourceId,quote\r\n"
            + $"nato,analyst-mission,CONDUCTED,{Essay},\"{EssayQuote}\"\r\n", bom: true);

        // Edges first on the command line: the header says which file is which, and nodes are read first.
        var report = await ImportAsync(ImportFormat.Csv, null, edges, nodes);

        Assert.True(report.Succeeded, string.Join("\n", report.Errors));
        Assert.Equal(new ImportCounts(2, 0, 0, 0), report.Nodes);
        Assert.Equal(new ImportCounts(1, 0, 0, 0), report.Edges);
        var mission = (await _store.GetNodeAsync("analyst-mission", Token))!.Node;
        Assert.Equal("A \"NATO\" mission, in Kosovo,\r\nled since 1999", mission.Description);
        Assert.Equal(["KFOR", "K-For"], mission.Aliases);
        Assert.Equal("EULEX Kosovo", (await _store.GetNodeAsync("eulex", Token))!.Node.Name);
        var edge = await _store.GetEdgeAsync("nato-conducted-analyst-mission", Token);
        Assert.Equal(EssayQuote, edge!.Evidence.Single().Quote);
        var path = await _store.FindPathsAsync(new PathQuery("analyst-mission", "nato"), Token);
        Assert.Equal(["analyst-mission", "nato"], path.Paths.Single().Nodes);
    }

    [Fact]
    public async Task ReimportingTheSameFilesWritesNothing()
    {
        ImportInput[] Files() =>
        [
            Text("nodes.csv", ":ID,:LABEL,name\nanalyst-mission,Mission,Kosovo Force\n"),
            Text("edges.csv", $":START_ID,:END_ID,:TYPE,sourceId,quote\nnato,analyst-mission,CONDUCTED,{Essay},\"{EssayQuote}\"\n"),
        ];
        var first = await ImportAsync(ImportFormat.Csv, null, Files());
        var seq = await _store.GetLastSeqAsync(Token);

        var again = await ImportAsync(ImportFormat.Csv, null, Files());

        Assert.Equal(2, first.Nodes.New + first.Edges.New);
        Assert.Equal(new ImportCounts(0, 0, 1, 0), again.Nodes);
        Assert.Equal(new ImportCounts(0, 0, 1, 0), again.Edges);
        Assert.Equal(0, again.Batches);
        Assert.Equal(seq, await _store.GetLastSeqAsync(Token));
    }

    [Fact]
    public async Task TheGraphSeedLayoutImportsIntoAnEmptyStoreAndAgainChangesNothing()
    {
        using var directory = new TempDirectory();
        await using var empty = EmbeddedStore.Create(directory.File("empty.db"));
        await empty.InitializeAsync(Token);
        ImportInput[] Files() => [.. new[] { "edges.json", "nodes.json", "sources.json" }.Select(f => ImportInput.FromFile(Path.Combine(Seeded.SeedDirectory, f)))];

        var report = await GraphImport.RunAsync(empty, Files(), ImportFormat.GraphSeed, new ImportOptions { BatchSize = 100 }, null, Token);
        var again = await GraphImport.RunAsync(empty, Files(), ImportFormat.GraphSeed, null, null, Token);

        Assert.True(report.Succeeded, string.Join("\n", report.Errors));
        Assert.Equal(Seeded.Dataset.Sources.Count, report.Sources.New);
        Assert.Equal(Seeded.Dataset.Nodes.Count, report.Nodes.New);
        Assert.Equal(Seeded.Dataset.Edges.Count, report.Edges.New);
        Assert.Equal((Seeded.Dataset.Nodes.Count + Seeded.Dataset.Edges.Count + 99) / 100, report.Batches);
        Assert.Equal(new GraphCounts(Seeded.Dataset.Nodes.Count, Seeded.Dataset.Edges.Count), await empty.CountAsync(Token));
        var balkans = await empty.FindPathsAsync(new PathQuery("nato", "balkans", Mode: PathMode.Shortest), Token);
        Assert.NotEmpty(balkans.Paths);
        Assert.Equal(0, again.Batches);
        Assert.Equal(Seeded.Dataset.Edges.Count, again.Edges.Unchanged);
    }

    [Fact]
    public async Task JsonLinesErrorsNameTheFileLineAndColumnOfTheFieldAndTheGoodLinesAreKept()
    {
        var lines = string.Join('\n',
            """{"node":{"id":"analyst-theme","kind":"Theme","name":"Analyst theme"}}""",
            """{"node":{"id":"second","kind":"Alliance","name":"Second"}}""",
            """{"node": {"id":"third", "kind":"Theme", "nam":"x"}}""",
            """not json""",
            "",
            """{"edge":{"id":"e1","type":"SUPPORTS","source":"nato","target":"analyst-theme","evidence":[{"sourceId":"public-record","quote":"not in the source"}]}}""",
            """{"node":{"id":"analyst-theme","kind":"Theme","name":"Twice"}}""",
            """{"removeNode":"no-such-node"}""");

        var report = await ImportAsync(ImportFormat.JsonLines, null, Text("changes.jsonl", lines));

        Assert.Equal(7, report.Records);
        Assert.Equal(new ImportCounts(1, 0, 0, 0), report.Nodes);
        var errors = report.Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(6, errors.Count);
        Assert.StartsWith("changes.jsonl:2:31: invalid node: kind: unknown kind 'Alliance'", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("changes.jsonl:3:41: node: unknown field 'nam'", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("changes.jsonl:4:2: invalid JSON", errors[2], StringComparison.Ordinal);
        Assert.StartsWith("changes.jsonl:6:127: invalid edge: evidence[0].quote: the quote does not occur verbatim", errors[3], StringComparison.Ordinal);
        Assert.StartsWith("changes.jsonl:7:15: node 'analyst-theme' appears twice in this import (first at changes.jsonl line 1)", errors[4], StringComparison.Ordinal);
        Assert.Equal("changes.jsonl:8:1: removeNode: no node with id 'no-such-node'", errors[5]);
        Assert.Equal("Analyst theme", (await _store.GetNodeAsync("analyst-theme", Token))!.Node.Name);
    }

    [Theory]
    [InlineData(":ID,:LABEL,name\nanalyst-mission,Mission,\"Kosovo Force\n", 2, 3, "a quoted field is not closed")]
    [InlineData(":ID,:LABEL,name\nanalyst-mission,Mission,Kosovo \"Force\"\nok-node,Theme,Fine\n", 2, 3, "a quote inside an unquoted field")]
    [InlineData(":ID,:LABEL,name\nanalyst-mission,Mission,\"Kosovo\" Force\nok-node,Theme,Fine\n", 2, 3, "text after the closing quote")]
    [InlineData(":ID,:LABEL,name\nanalyst-mission,Mission\nok-node,Theme,Fine\n", 2, 3, "expected 3 fields (as in the header), found 2")]
    [InlineData(":ID,:LABEL,name,colour\nanalyst-mission,Mission,KFOR,red\n", 1, 4, "unknown column 'colour' in a nodes file")]
    [InlineData(":ID,name\nanalyst-mission,KFOR\n", 1, 1, "the header has no :LABEL column")]
    [InlineData(":ID,:LABEL,name\nanalyst-mission,Mission;Theme,KFOR\nok-node,Theme,Fine\n", 2, 2, "one kind per node")]
    public async Task BadCsvIsReportedAtItsLineAndColumnAndNothingOfTheBadRowIsWritten(string csv, long line, int column, string reason)
    {
        var report = await ImportAsync(ImportFormat.Csv, null, Text("nodes.csv", csv));

        var error = Assert.Single(report.Errors);
        Assert.Equal(("nodes.csv", line, column), (error.File, error.Line, error.Column));
        Assert.Contains(reason, error.Reason);
        Assert.Null(await _store.GetNodeAsync("analyst-mission", Token));

        // A row error keeps the good rows; a header or an open quote (the rest is unreadable) writes nothing.
        var kept = await _store.GetNodeAsync("ok-node", Token) is not null;
        Assert.Equal(csv.Contains("ok-node", StringComparison.Ordinal) && line > 1 && !reason.StartsWith("a quoted field", StringComparison.Ordinal), kept);
    }

    [Fact]
    public async Task BytesThatAreNotUtf8AreAnErrorNotReplacementCharacters()
    {
        var bytes = Encoding.UTF8.GetBytes(":ID,:LABEL,name\nanalyst-mission,Mission,Kosovo ").Concat(new byte[] { 0xC3, 0x28 }).Concat("\n"u8.ToArray()).ToArray();

        var report = await ImportAsync(ImportFormat.Csv, null, ImportInput.FromBytes("nodes.csv", bytes));

        Assert.Contains("not UTF-8", Assert.Single(report.Errors).Reason);
        Assert.Null(await _store.GetNodeAsync("analyst-mission", Token));
    }

    [Fact]
    public async Task ADryRunCountsWhatWouldChangeAndWritesNothing()
    {
        var seq = await _store.GetLastSeqAsync(Token);
        var nodes = Text("nodes.csv", ":ID,:LABEL,name,description\nanalyst-mission,Mission,Kosovo Force,\nnato,Organization,North Atlantic Treaty Organization,changed\n");

        var report = await ImportAsync(ImportFormat.Csv, new ImportOptions { DryRun = true }, nodes);

        Assert.True(report.DryRun);
        Assert.False(report.Applied);
        Assert.Equal(1, report.Nodes.New);
        Assert.Equal(1, report.Nodes.Changed);
        Assert.Equal(seq, await _store.GetLastSeqAsync(Token));
        Assert.Null(await _store.GetNodeAsync("analyst-mission", Token));
        Assert.NotEqual("changed", (await _store.GetNodeAsync("nato", Token))!.Node.Description);
    }

    [Fact]
    public async Task AllOrNothingWritesNothingWhenOneRecordIsBad()
    {
        var seq = await _store.GetLastSeqAsync(Token);
        var nodes = Text("nodes.csv", ":ID,:LABEL,name\nanalyst-mission,Mission,Kosovo Force\nbad,Alliance,Bad\n");

        var report = await ImportAsync(ImportFormat.Csv, new ImportOptions { AllOrNothing = true }, nodes);

        Assert.Single(report.Errors);
        Assert.False(report.Applied);
        Assert.Equal(seq, await _store.GetLastSeqAsync(Token));
        Assert.Null(await _store.GetNodeAsync("analyst-mission", Token));
    }

    [Fact]
    public async Task AnEdgeWithoutEvidenceNeedsAnEvidenceSourceAndThenCitesItsFirstLine()
    {
        var edges = () => Text("edges.csv", ":START_ID,:END_ID,:TYPE\nnato,african-union,PARTNERED_WITH\n");

        var refused = await ImportAsync(ImportFormat.Csv, null, edges());
        var accepted = await ImportAsync(ImportFormat.Csv, new ImportOptions { EvidenceSource = "public-record" }, edges());

        Assert.Contains("--evidence-source", Assert.Single(refused.Errors).Reason);
        Assert.True(accepted.Succeeded, string.Join("\n", accepted.Errors));
        var edge = await _store.GetEdgeAsync("nato-partnered-with-african-union", Token);
        var source = await _store.GetSourceAsync("public-record", Token);
        Assert.Equal("public-record", edge!.Evidence.Single().SourceId);
        Assert.StartsWith(edge.Evidence.Single().Quote, source!.Text.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachBatchCommitsWithItsChangesAndTheIndexSeesEveryWrite()
    {
        var lines = string.Join('\n', Enumerable.Range(0, 5).Select(i => $$$"""{"node":{"id":"batch-{{{i}}}","kind":"Theme","name":"Batch theme {{{i}}}"}}"""));
        var committed = new List<IReadOnlyList<ImportedRecord>>();
        var seq = await _store.GetLastSeqAsync(Token);

        var report = await ImportAsync(ImportFormat.JsonLines, new ImportOptions
        {
            BatchSize = 2,
            Committed = (records, _) =>
            {
                committed.Add(records);
                return Task.CompletedTask;
            },
        }, Text("batches.jsonl", lines));

        Assert.Equal(3, report.Batches);
        Assert.Equal([2, 2, 1], committed.Select(c => c.Count));
        var changes = await _store.GetChangesAsync(seq, 100, Token);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"batch-{i}"), changes.Select(c => c.EntityId));
        Assert.Equal(changes.Select(c => c.Seq), committed.SelectMany(c => c).Select(r => r.Seq));
        Assert.Equal(report.LastSeq, changes[^1].Seq);
        var hits = await _store.SearchAsync(new SearchQuery("Batch theme 4"), Token);
        Assert.Equal("batch-4", hits[0].Id);
    }

    [Fact]
    public async Task AStreamIsWrittenAsItArrivesAndARemovalAfterAnUpsertInTheSameImportWorks()
    {
        var lines = string.Join('\n',
            """{"node":{"id":"short-lived","kind":"Theme","name":"Short lived"}}""",
            """{"edge":{"id":"nato-supports-short-lived","type":"SUPPORTS","source":"nato","target":"short-lived","evidence":[{"sourceId":"public-record","quote":"Belgium is a founding member of NATO"}]}}""",
            """{"removeEdge":"nato-supports-short-lived"}""",
            """{"removeNode":"short-lived"}""",
            """{"removeEdge":"nato-supports-short-lived"}""");
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(lines));

        var report = await ImportAsync(ImportFormat.JsonLines, null, ImportInput.FromStream("stdin", stream));

        Assert.Equal("stdin:5:1: removeEdge: no edge with id 'nato-supports-short-lived'", Assert.Single(report.Errors).ToString());
        Assert.Equal(new ImportCounts(1, 0, 0, 1), report.Nodes);
        Assert.Equal(new ImportCounts(1, 0, 0, 1), report.Edges);
        Assert.Null(await _store.GetNodeAsync("short-lived", Token));
    }

    [Fact]
    public async Task ProgressReportsTheRateAndTheTimeLeftWhileWriting()
    {
        var lines = string.Join('\n', Enumerable.Range(0, 50).Select(i => $$$"""{"node":{"id":"p-{{{i}}}","kind":"Theme","name":"P {{{i}}}"}}"""));
        var reports = new List<ImportProgress>();

        var checks = new List<ImportProgress>();

        await GraphImport.RunAsync(_store, [Text("p.jsonl", lines)], ImportFormat.JsonLines, new ImportOptions { BatchSize = 10, DryRun = true }, new SyncProgress(checks.Add), Token);
        await GraphImport.RunAsync(_store, [Text("p.jsonl", lines)], ImportFormat.JsonLines, new ImportOptions { BatchSize = 10 }, new SyncProgress(reports.Add), Token);

        // A dry run only validates; an import checks and writes in one pass, its time left estimated from the bytes read.
        Assert.All(checks, r => Assert.Equal(ImportPhase.Validating, r.Phase));
        Assert.Equal(50, checks[^1].Done);
        Assert.All(reports, r => Assert.Equal(ImportPhase.Writing, r.Phase));
        var writing = reports[^1];
        Assert.Equal(50, writing.Done);
        Assert.True(writing.PerSecond > 0);
        Assert.Equal(TimeSpan.Zero, writing.Remaining);
        Assert.NotNull(await _store.GetNodeAsync("p-49", Token));
    }

    [Fact]
    public async Task ARecordThatMakesTheRestUnreadableKeepsTheWholeBatchesBeforeItAndNothingAfter()
    {
        var csv = ":ID,:LABEL,name\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"early-{i},Theme,Early {i}\n")) + "broken,Theme,\"Never closed\nlate,Theme,Late\n";
        var committed = new List<string>();

        var report = await ImportAsync(ImportFormat.Csv, new ImportOptions
        {
            BatchSize = 2,
            Committed = (records, _) =>
            {
                committed.AddRange(records.Select(r => r.Id));
                return Task.CompletedTask;
            },
        }, Text("nodes.csv", csv));

        var error = Assert.Single(report.Errors);
        Assert.Equal(("nodes.csv", 7L, 3), (error.File, error.Line, error.Column));
        Assert.StartsWith("a quoted field is not closed", error.Reason, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"early-{i}"), committed);
        foreach (var id in committed)
        {
            Assert.NotNull(await _store.GetNodeAsync(id, Token));
        }

        Assert.Null(await _store.GetNodeAsync("broken", Token));
        Assert.Null(await _store.GetNodeAsync("late", Token));

        // All-or-nothing reads everything first: the same file then writes nothing.
        var seq = await _store.GetLastSeqAsync(Token);
        var strict = await ImportAsync(ImportFormat.Csv, new ImportOptions { AllOrNothing = true }, Text("nodes.csv", csv.Replace("early-", "strict-", StringComparison.Ordinal)));
        Assert.False(strict.Applied);
        Assert.Equal(seq, await _store.GetLastSeqAsync(Token));
    }

    private sealed class SyncProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
