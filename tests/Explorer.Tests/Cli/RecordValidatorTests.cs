using Explorer.Graph;
using Explorer.Query;
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

        var good = await validator.ValidateEdgeAsync(new EdgeRecord("nato-supports-peacekeeping", "SUPPORTS", "nato", "peacekeeping",
            [new EvidenceRecord("public-record", "Belgium is a founding member of NATO")]));
        var bad = await validator.ValidateEdgeAsync(new EdgeRecord("x", "LIKES", "nato", "atlantis",
            [new EvidenceRecord("public-record", "not in the text"), new EvidenceRecord("no-source", "q"), null]));

        Assert.Null(good.Problem);
        Assert.Equal("public-record", good.Value!.Evidence[0].SourceId);
        var errors = (Dictionary<string, string[]>)bad.Problem!.Extensions!["errors"]!;
        Assert.Equal(["type", "target", "evidence[0].quote", "evidence[1].sourceId", "evidence[2]"], errors.Keys);
    }

    [Fact]
    public async Task AnEdgeMustJoinTheKindsItsTypeAllows()
    {
        var (store, directory) = await Seeded.EmbeddedStoreAsync();
        await using var _ = store;
        using var __ = directory;
        var validator = new RecordValidator(store);
        var quote = new EvidenceRecord("public-record", "Darfur is a region in western Sudan.");

        var placeInNation = await validator.ValidateEdgeAsync(new EdgeRecord("darfur-located-in-sudan", "LOCATED_IN", "darfur", "sudan", [quote]));
        var themeAsMember = await validator.ValidateEdgeAsync(new EdgeRecord("x", "MEMBER_OF", "peacekeeping", "nato", [quote]));
        var memberOfRegion = await validator.ValidateEdgeAsync(new EdgeRecord("y", "MEMBER_OF", "mali", "balkans", [quote]));
        var nationInNation = await validator.ValidateEdgeAsync(new EdgeRecord("z", "LOCATED_IN", "mali", "sudan", [quote]));

        Assert.Null(placeInNation.Problem);
        Assert.Equal(["source"], Errors(themeAsMember).Keys);
        Assert.Contains("Theme", Errors(themeAsMember)["source"][0], StringComparison.Ordinal);
        Assert.Equal(["target"], Errors(memberOfRegion).Keys);
        Assert.Equal(["target"], Errors(nationInNation).Keys);
    }

    [Fact]
    public async Task DatesAndSuspensionsAreKeptWhenValidAndNamedByFieldWhenNot()
    {
        var (store, directory) = await Seeded.EmbeddedStoreAsync();
        await using var _ = store;
        using var __ = directory;
        var validator = new RecordValidator(store);
        var quote = new EvidenceRecord("public-record", "Mali is a landlocked country in West Africa.");

        var good = await validator.ValidateEdgeAsync(new EdgeRecord("mali-member-of-sco-test", "MEMBER_OF", "mali", "sco", [quote],
            "1995-12", "2010", [new Suspension("2001", "2001-06-30"), new Suspension("2005-02", "2006")]));
        var bad = await validator.ValidateEdgeAsync(new EdgeRecord("mali-member-of-sco-test", "MEMBER_OF", "mali", "sco", [quote],
            "1995-13", "1990", [new Suspension("2001", null), null]));
        var backwards = await validator.ValidateEdgeAsync(new EdgeRecord("mali-member-of-sco-test", "MEMBER_OF", "mali", "sco", [quote], "2001-02-03", "2001-02-02"));
        var node = RecordValidator.ValidateNode(new NodeRecord("m", "Mission", "M", ValidFrom: "2004", ValidTo: "2003-12-31"));

        Assert.Null(good.Problem);
        Assert.Equal(("1995-12", "2010"), (good.Value!.ValidFrom, good.Value.ValidTo));
        Assert.Equal([new Suspension("2001", "2001-06-30"), new Suspension("2005-02", "2006")], good.Value.Suspensions);
        Assert.Equal(["validFrom", "suspensions[0].to", "suspensions[1]"], Errors(bad).Keys);
        Assert.Equal(["validTo"], Errors(backwards).Keys);
        Assert.Equal(["validTo"], Errors(node).Keys);
    }

    private static Dictionary<string, string[]> Errors<T>(Outcome<T> outcome)
        where T : class =>
        (Dictionary<string, string[]>)outcome.Problem!.Extensions!["errors"]!;
}
