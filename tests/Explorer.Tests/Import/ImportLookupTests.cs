using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Import;
using Explorer.Seed;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Import;

/// <summary>
/// What an import asks the store while it checks records (issue 9's import speed): an edge's ends by kind only,
/// and no edge ids at all in a store that held no edges as the import started; the same answers either way.
/// </summary>
public sealed class ImportLookupTests
{
    private const string Source = "lookup-source";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ImportInput Text(string name, string text) => ImportInput.FromBytes(name, Encoding.UTF8.GetBytes(text));

    private static ImportInput Nodes() => Text("nodes.csv", ":ID,:LABEL,name\nalpha,Nation,Alpha\nbeta,Nation,Beta\ngamma,Organization,Gamma\n");

    private static ImportInput Edges() => Text("edges.csv", $":START_ID,:END_ID,:TYPE,sourceId,quote\nalpha,gamma,MEMBER_OF,{Source},A line\nbeta,gamma,MEMBER_OF,{Source},A line\nalpha,beta,PARTNERED_WITH,{Source},A line\n");

    private static async Task<CountingStore> EmptyStoreAsync(TempDirectory directory)
    {
        var store = EmbeddedStore.Create(directory.File("explorer.db"));
        await store.InitializeAsync(Token);
        await store.SeedAsync(new GraphSeed([new SourceDocument(Source, "Lookups", "reference", "", "A line\nAnother line\n")], [], []), cancellationToken: Token);
        return CountingStore.Over(store);
    }

    [Fact]
    public async Task AnImportIntoAStoreWithoutEdgesLooksUpNoEdgeIdAndNoWholeNodeForAnEdgesEnds()
    {
        using var directory = new TempDirectory();
        var counting = await EmptyStoreAsync(directory);
        await using var store = (IGraphStore)counting;
        Assert.Equal(3, (await GraphImport.RunAsync(store, [Nodes()], ImportFormat.Csv, null, null, Token)).Nodes.New);
        counting.Asked.Clear();

        var report = await GraphImport.RunAsync(store, [Edges()], ImportFormat.Csv, null, null, Token);

        Assert.True(report.Succeeded, string.Join("\n", report.Errors));
        Assert.Equal(new ImportCounts(3, 0, 0, 0), report.Edges);
        Assert.Equal(0, counting.EdgeIdsAsked);
        Assert.Equal(0, counting.WholeNodesAsked);
        Assert.Equal(3, counting.Asked.GetValueOrDefault(nameof(IGraphStore.GetNodeKindsAsync)));
        Assert.Equal(EdgeStatus.Confirmed, (await store.GetEdgeAsync("alpha-member-of-gamma", Token))!.Status);
    }

    [Fact]
    public async Task WritingTheEdgesLooksUpNoEndTheImportsCheckFoundAlready()
    {
        // The nodes in the index's build (a store that built its index after they were written): the check finds each end once in its
        // node table, and the write (row ids and index update) takes those ordinals instead of looking each id up again.
        // The table counts its look-ups only in a Debug build of Explorer.Core (`dotnet test -c Release` read 0 here).
        if (typeof(NodeTable).Assembly.GetCustomAttribute<System.Diagnostics.DebuggableAttribute>() is not { IsJITOptimizerDisabled: true })
        {
            Assert.Skip("NodeTable counts its look-ups only in a Debug build of Explorer.Core");
        }

        using var directory = new TempDirectory();
        var path = directory.File("explorer.db");
        await using (var first = (IGraphStore)await EmptyStoreAsync(directory))
        {
            Assert.Equal(3, (await GraphImport.RunAsync(first, [Nodes()], ImportFormat.Csv, null, null, Token)).Nodes.New);
        }

        await using var store = new EmbeddedGraphStore(path) { IndexSnapshots = false };
        await store.InitializeAsync(Token);
        var table = store.Index.Built.Nodes;
        Assert.NotNull(store.Index.Ordinal("gamma"));
        var before = table.Finds;

        var report = await GraphImport.RunAsync(store, [Edges()], ImportFormat.Csv, null, null, Token);

        Assert.True(report.Succeeded, string.Join("\n", report.Errors));
        Assert.Equal(new ImportCounts(3, 0, 0, 0), report.Edges);
        Assert.Same(table, store.Index.Built.Nodes);
        // 3: the check's, one per distinct end; 6 more: this Debug build's assertions in the index update, which check
        // each given ordinal against its id. Without the ordinals the write looks each end up again: 15.
        Assert.Equal(3 + 6, table.Finds - before);
        await Living.IncrementalIndexTests.CompareWithRebuildAsync(store, path, new Random(3), Token);
    }

    [Fact]
    public async Task WithoutLeanChecksTheSameImportLooksUpEveryEdgeIdAndEveryEndAsAWholeNode()
    {
        // The counts above are what the lean checks save: the previous checks ask for all of it.
        using var directory = new TempDirectory();
        var counting = await EmptyStoreAsync(directory);
        await using var store = (IGraphStore)counting;
        var options = new ImportOptions { LeanChecks = false };
        await GraphImport.RunAsync(store, [Nodes()], ImportFormat.Csv, options, null, Token);
        counting.Asked.Clear();

        var report = await GraphImport.RunAsync(store, [Edges()], ImportFormat.Csv, options, null, Token);

        Assert.Equal(new ImportCounts(3, 0, 0, 0), report.Edges);
        Assert.Equal(3, counting.EdgeIdsAsked);
        Assert.Equal(3, counting.WholeNodesAsked);
    }

    [Fact]
    public async Task InAStoreHoldingEdgesEachEdgeIsComparedWithTheStoredOne()
    {
        using var directory = new TempDirectory();
        var counting = await EmptyStoreAsync(directory);
        await using var store = (IGraphStore)counting;
        await GraphImport.RunAsync(store, [Nodes(), Edges()], ImportFormat.Csv, null, null, Token);
        counting.Asked.Clear();

        // One edge the same, one with other evidence, one new; an end of the wrong kind still fails by its kind.
        var again = Text("edges.csv", $":START_ID,:END_ID,:TYPE,sourceId,quote\nalpha,gamma,MEMBER_OF,{Source},A line\nbeta,gamma,MEMBER_OF,{Source},Another line\ngamma,beta,LOCATED_IN,{Source},A line\nalpha,beta,MEMBER_OF,{Source},A line\n");
        var report = await GraphImport.RunAsync(store, [again], ImportFormat.Csv, null, null, Token);

        Assert.Equal(new ImportCounts(0, 1, 1, 0), report.Edges);
        Assert.Equal(2, report.ErrorCount);
        Assert.Equal(4, counting.EdgeIdsAsked);
        Assert.Equal(0, counting.WholeNodesAsked);
        Assert.Equal("Another line", (await store.GetEdgeAsync("beta-member-of-gamma", Token))!.Evidence.Single().Quote);
    }

    [Fact]
    public async Task RemovingAnEdgeOfAStoreWithoutEdgesFindsOnlyWhatTheImportWrote()
    {
        using var directory = new TempDirectory();
        var counting = await EmptyStoreAsync(directory);
        await using var store = (IGraphStore)counting;
        await GraphImport.RunAsync(store, [Nodes()], ImportFormat.Csv, null, null, Token);
        var lines = Text("changes.jsonl", $$$"""
            {"edge":{"id":"alpha-member-of-gamma","type":"MEMBER_OF","source":"alpha","target":"gamma","evidence":[{"sourceId":"{{{Source}}}","quote":"A line"}]}}
            {"removeEdge":"alpha-member-of-gamma"}
            {"removeEdge":"beta-member-of-gamma"}
            """);

        var report = await GraphImport.RunAsync(store, [lines], ImportFormat.JsonLines, null, null, Token);

        Assert.Equal(new ImportCounts(1, 0, 0, 1), report.Edges);
        Assert.Contains(report.Errors, e => e.Reason.Contains("no edge with id 'beta-member-of-gamma'", StringComparison.Ordinal));
        Assert.Null(await store.GetEdgeAsync("alpha-member-of-gamma", Token));
    }

    /// <summary>A store that counts the ids each bulk lookup is asked for, and forwards every call.</summary>
    public class CountingStore : DispatchProxy
    {
        private IGraphStore _inner = null!;

        public ConcurrentDictionary<string, long> Asked { get; } = new(StringComparer.Ordinal);

        public long EdgeIdsAsked => Asked.GetValueOrDefault(nameof(IGraphStore.GetEdgesAsync)) + Asked.GetValueOrDefault(nameof(IGraphStore.GetEdgeAsync));

        public long WholeNodesAsked => Asked.GetValueOrDefault(nameof(IGraphStore.GetNodesAsync)) + Asked.GetValueOrDefault(nameof(IGraphStore.GetNodeAsync));

        public static CountingStore Over(IGraphStore inner)
        {
            var proxy = Create<IGraphStore, CountingStore>();
            var counting = (CountingStore)(object)proxy;
            counting._inner = inner;
            return counting;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            switch (args)
            {
                case [IReadOnlyCollection<string> ids, ..]:
                    Asked.AddOrUpdate(targetMethod.Name, ids.Count, (_, n) => n + ids.Count);
                    break;
                case [string, ..] when targetMethod.Name is nameof(IGraphStore.GetNodeAsync) or nameof(IGraphStore.GetEdgeAsync):
                    Asked.AddOrUpdate(targetMethod.Name, 1, (_, n) => n + 1);
                    break;
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
    }
}
