using Explorer.Query;

namespace Explorer.Tests.Queries;

public sealed class PhraseParserTests
{
    [Theory]
    [InlineData("NATO to Balkans", "NATO", "Balkans")]
    [InlineData("path from NATO to the Balkans", "NATO", "the Balkans")]
    [InlineData("Paths from UN to Mali", "UN", "Mali")]
    [InlineData("from U.S. to Haiti", "U.S.", "Haiti")]
    [InlineData("NATO -> Bosnia", "NATO", "Bosnia")]
    [InlineData("NATO→Bosnia", "NATO", "Bosnia")]
    [InlineData("between China and Mali", "China", "Mali")]
    [InlineData("shortest path between China and Mali?", "China", "Mali")]
    public void PathPhrasesNameBothEnds(string text, string from, string to)
    {
        var phrase = Assert.IsType<PathPhrase>(PhraseParser.Parse(text));
        Assert.Contains((from, to), phrase.Splits);
        Assert.False(phrase.Ranked);
    }

    [Fact]
    public void HowIsXRelatedToYAsksForRankedPaths()
    {
        var phrase = Assert.IsType<PathPhrase>(PhraseParser.Parse("How is China related to soft power?"));
        Assert.Equal([("China", "soft power")], phrase.Splits);
        Assert.True(phrase.Ranked);
    }

    [Fact]
    public void EveryToInAPhraseIsASplitCandidate()
    {
        var phrase = Assert.IsType<PathPhrase>(PhraseParser.Parse("Back to Basics to Mali"));
        Assert.Equal([("Back", "Basics to Mali"), ("Back to Basics", "Mali")], phrase.Splits);
    }

    [Theory]
    [InlineData("neighbors of NATO", "NATO")]
    [InlineData("Neighbours of the African Union", "the African Union")]
    [InlineData("around Mali", "Mali")]
    [InlineData("expand MINUSMA", "MINUSMA")]
    public void NeighborPhrasesNameTheCenter(string text, string node) =>
        Assert.Equal(node, Assert.IsType<NeighborsPhrase>(PhraseParser.Parse(text)).Node);

    [Theory]
    [InlineData("Somalia")]
    [InlineData("peacekeeping missions")]
    [InlineData("tokyo")]
    public void AnythingElseIsASearch(string text) =>
        Assert.Equal(text, Assert.IsType<SearchPhrase>(PhraseParser.Parse(text)).Text);
}
