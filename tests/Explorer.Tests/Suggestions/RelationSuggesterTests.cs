using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;
using Explorer.Suggestions;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Suggestions;

/// <summary>Suggestions on small documents whose answers are known, over a small graph in a real embedded store.</summary>
public sealed class RelationSuggesterTests : IAsyncLifetime
{
    private static readonly Node[] s_nodes =
    [
        new("un", NodeKind.Organization, "United Nations", ["UN", "U.N."], "d"),
        new("nato", NodeKind.Organization, "NATO", ["North Atlantic Treaty Organization"], "d"),
        new("african-union", NodeKind.Organization, "African Union", ["AU"], "d"),
        new("mali", NodeKind.Nation, "Mali", [], "d"),
        new("united-states", NodeKind.Nation, "United States", ["US", "U.S."], "d"),
        new("central-african-republic", NodeKind.Nation, "Central African Republic", ["CAR"], "d"),
        new("sweden", NodeKind.Nation, "Sweden", [], "d"),
        new("minusma", NodeKind.Mission, "MINUSMA", ["United Nations Multidimensional Integrated Stabilization Mission in Mali"], "d"),
        new("kfor", NodeKind.Mission, "Kosovo Force", ["KFOR"], "d"),
        new("kosovo", NodeKind.Region, "Kosovo", [], "d"),
        new("balkans", NodeKind.Region, "Balkans", ["The Balkans"], "d"),
        new("peacekeeping", NodeKind.Theme, "Peacekeeping", ["Peacekeeping missions"], "d"),
        new("regional-security", NodeKind.Theme, "Regional security", ["Regional stability"], "d"),
        new("trust", NodeKind.Theme, "Trust between nations", ["Trust"], "d"),
        new("deterrence", NodeKind.Theme, "Deterrence", [], "d"),
        new("opkestrel", NodeKind.Mission, "Operation Kestrel", [], "d"),
    ];

    private readonly TempDirectory _directory = new();
    private IGraphStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = EmbeddedStore.Create(_directory.File("explorer.db"));
        await _store.InitializeAsync();
        await _store.SeedAsync(new GraphSeed([], s_nodes, []));
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<IReadOnlyList<Suggestion>> SuggestAsync(string text) => await RelationSuggester.SuggestAsync(_store, text);

    private static (string, string?, string) Triple(Suggestion s) => (s.Source, s.Type, s.Target);

    [Fact]
    public async Task ASentenceNamingTwoNodesWithAClearCueIsATypedSuggestion()
    {
        var text = "Sweden became a member of NATO in 2024.";
        var suggestion = Assert.Single(await SuggestAsync(text));
        Assert.Equal(("sweden", "MEMBER_OF", "nato"), Triple(suggestion));
        Assert.Equal("member of", suggestion.Cue);
        Assert.Equal(text, suggestion.Quote);
        Assert.Equal(0, suggestion.QuoteStart);
        Assert.Equal("Sweden", suggestion.SourceMention.Text);
        Assert.Equal("NATO", suggestion.TargetMention.Text);
    }

    [Fact]
    public async Task TheKindsDecideTheDirectionOfAReversedOrPassiveCue()
    {
        Assert.Equal(
            [("minusma", "DEPLOYED_TO", "mali"), ("un", "CONDUCTED", "minusma")],
            (await SuggestAsync("MINUSMA was deployed to Mali. MINUSMA was conducted by the U.N. in Bamako.")).Select(Triple));

        Assert.Equal(
            [("sweden", "MEMBER_OF", "nato")],
            (await SuggestAsync("NATO includes Sweden.")).Select(Triple));
    }

    [Fact]
    public async Task WithoutAClearCueASuggestionHasNoType()
    {
        var suggestion = Assert.Single(await SuggestAsync("Mali and the African Union were discussed at length."));
        Assert.Null(suggestion.Type);
        Assert.Null(suggestion.Cue);
        Assert.Equal(("mali", "african-union"), (suggestion.Source, suggestion.Target));
    }

    [Fact]
    public async Task OverlappingMentionsResolveToTheLongestName()
    {
        // "Kosovo Force" is KFOR, not Kosovo; the long MINUSMA alias contains "United Nations" and "Mali".
        var suggestions = await SuggestAsync("The Kosovo Force was deployed to the Balkans. The United Nations Multidimensional Integrated Stabilization Mission in Mali ended.");
        Assert.Equal([("kfor", "DEPLOYED_TO", "balkans")], suggestions.Select(Triple));
    }

    [Fact]
    public async Task ANodeNeverPairsWithItselfAndRepeatsCountOnce()
    {
        var suggestions = await SuggestAsync("NATO, the North Atlantic Treaty Organization, is NATO: the alliance supports regional stability.");
        Assert.Equal([("nato", "SUPPORTS", "regional-security")], suggestions.Select(Triple));
    }

    [Fact]
    public async Task PossessivesAcronymsAndCaseFollowTheSearchNormalisation()
    {
        // "NATO’s" names NATO; "U.N." and "UN" are the same key; "us" and "car" in lower case are words, not nations.
        var suggestions = await SuggestAsync("NATO’s deterrence worried us. The UN saw a car in Mali.");
        Assert.Equal([("nato", null, "deterrence"), ("un", null, "mali")], suggestions.Select(Triple));
        Assert.Equal("NATO", suggestions[0].SourceMention.Text);

        Assert.Equal([("united-states", null, "central-african-republic")], (await SuggestAsync("The U.S. and the CAR met.")).Select(Triple));
    }

    [Fact]
    public async Task EverySentenceWithTwoOrMoreNodesGivesOneSuggestionPerPair()
    {
        var text = "Peacekeeping missions build trust. Mali hosts MINUSMA.\n\nThe African Union, the UN and NATO met.";
        var suggestions = await SuggestAsync(text);
        Assert.Equal(
            [
                ("peacekeeping", "SUPPORTS", "trust"),
                ("mali", null, "minusma"),
                ("african-union", null, "un"),
                ("african-union", null, "nato"),
                ("un", null, "nato"),
            ],
            suggestions.Select(Triple));

        // Each quote is the sentence, verbatim at its offset, and ids are distinct and stable.
        Assert.All(suggestions, s => Assert.Equal(s.Quote, text.Substring(s.QuoteStart, s.Quote.Length)));
        Assert.Equal(suggestions.Count, suggestions.Select(s => s.Id).Distinct().Count());
        Assert.Equal(suggestions.Select(s => s.Id), (await SuggestAsync(text)).Select(s => s.Id));
    }

    [Fact]
    public async Task PairsNoTypeCanJoinAndSentencesWithOneNodeAreNotSuggested()
    {
        // Region and theme: no type of the vocabulary joins them.
        Assert.Empty(await SuggestAsync("The Balkans need regional stability. Mali is large. Nothing here."));
    }

    [Fact]
    public async Task ANameThatIsOnlyAnIdNamesNothing()
    {
        // "opkestrel" is the id of Operation Kestrel, not one of its names.
        Assert.Empty(await SuggestAsync("NATO conducted opkestrel."));
        Assert.Equal([("nato", "CONDUCTED", "opkestrel")], (await SuggestAsync("NATO conducted Operation Kestrel.")).Select(Triple));
    }
}
