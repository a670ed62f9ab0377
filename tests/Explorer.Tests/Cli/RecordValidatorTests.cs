using Explorer.Graph;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Cli;

/// <summary>The rules for user-supplied records (used by import, and by the server's write APIs).</summary>
public sealed class RecordValidatorTests
{
    [Fact]
    public void AValidNodeBecomesANodeWithDefaults()
    {
        var outcome = RecordValidator.ValidateNode(new NodeRecord("new-theme", "theme", "New theme"));

        Assert.Null(outcome.Problem);
        var node = outcome.Value!;
        Assert.Equal(("new-theme", NodeKind.Theme, "New theme", ""), (node.Id, node.Kind, node.Name, node.Description));
        Assert.Empty(node.Aliases);
    }

    [Fact]
    public void EveryProblemOfANodeIsReportedByField()
    {
        var outcome = RecordValidator.ValidateNode(new NodeRecord(
            "Not/Safe", "Alliance", new string('n', 201), [.. Enumerable.Repeat<string?>("alias", 51)], new string('d', 2001)));

        Assert.NotNull(outcome.Problem);
        Assert.Equal(400, outcome.Problem.Status);
        var errors = Assert.IsType<Dictionary<string, string[]>>(outcome.Problem.Extensions!["errors"]);
        Assert.Equal(["id", "kind", "name", "aliases", "description"], errors.Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void AnAliasMustNotBeBlank(string? alias)
    {
        var outcome = RecordValidator.ValidateNode(new NodeRecord("x", "Theme", "X", [alias]));

        Assert.Contains("aliases[0]", ((Dictionary<string, string[]>)outcome.Problem!.Extensions!["errors"]!).Keys);
    }

    [Fact]
    public async Task AnEdgeNeedsExistingEndpointsAndAVerbatimQuoteFromAStoredSource()
    {
        var (store, directory) = await Seeded.EmbeddedStoreAsync();
        await using var _ = store;
        using var __ = directory;
        var validator = new RecordValidator(store);

        var good = await validator.ValidateEdgeAsync(new EdgeRecord("nato-supports-peace", "SUPPORTS", "nato", "balkans",
            [new EvidenceRecord("public-record", "Belgium is a founding member of NATO")]));
        var bad = await validator.ValidateEdgeAsync(new EdgeRecord("x", "LIKES", "nato", "atlantis",
            [new EvidenceRecord("public-record", "not in the text"), new EvidenceRecord("no-source", "q"), null]));

        Assert.Null(good.Problem);
        Assert.Equal("public-record", good.Value!.Evidence[0].SourceId);
        var errors = (Dictionary<string, string[]>)bad.Problem!.Extensions!["errors"]!;
        Assert.Equal(["type", "target", "evidence[0].quote", "evidence[1].sourceId", "evidence[2]"], errors.Keys);
    }
}
