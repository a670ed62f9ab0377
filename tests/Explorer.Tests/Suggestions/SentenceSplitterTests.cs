using Explorer.Suggestions;

namespace Explorer.Tests.Suggestions;

public sealed class SentenceSplitterTests
{
    private static string[] Split(string text) => [.. SentenceSplitter.Split(text).Select(s => s.Text)];

    [Fact]
    public void SplitsAtEndPunctuationFollowedByACapital()
    {
        Assert.Equal(
            ["NATO was founded in 1949.", "It has 32 members!", "Is Sweden one?", "Yes."],
            Split("NATO was founded in 1949. It has 32 members! Is Sweden one? Yes."));
    }

    [Fact]
    public void AbbreviationsAndInitialismsDoNotEndASentence()
    {
        Assert.Equal(
            ["The U.N. deployed MINUSMA, e.g. in Gao, with Dr. Smith and Gen. J. Doe on Jan. 5 in the U.S. Army's area."],
            Split("The U.N. deployed MINUSMA, e.g. in Gao, with Dr. Smith and Gen. J. Doe on Jan. 5 in the U.S. Army's area."));
    }

    [Fact]
    public void AnInitialismEndsASentenceBeforeATypicalOpener()
    {
        Assert.Equal(
            ["Aid came from the U.S.", "The U.N. followed."],
            Split("Aid came from the U.S. The U.N. followed."));
    }

    [Fact]
    public void DecimalsAndNumberedItemsStayWhole()
    {
        Assert.Equal(
            ["Spending rose 3.5 percent in 2010.", "No. 5 was the last resolution.", "First item.", "Second item."],
            Split("Spending rose 3.5 percent in 2010. No. 5 was the last resolution.\n1. First item.\n2) Second item."));
    }

    [Fact]
    public void ClosingQuotesAndBracketsBelongToTheSentenceTheyEnd()
    {
        Assert.Equal(
            ["He said “peace is near.”", "(It was not.)", "Then came 2011."],
            Split("He said “peace is near.” (It was not.) Then came 2011."));
    }

    [Fact]
    public void LinesEndSentencesUnlessTheNextLineContinuesInLowerCase()
    {
        Assert.Equal(
            ["The mission was deployed\nto Mali in 2013.", "A new line starts here"],
            Split("The mission was deployed\nto Mali in 2013.\nA new line starts here\n\n"));
    }

    [Fact]
    public void HeadingsAreSkippedAndListMarkersAreNotQuoted()
    {
        var text = "# Overview\nPeacekeeping Missions\n- Limitations on peacekeeping due to national interests.\n* Joint exercises\r\n• Cultural exchange";
        var sentences = SentenceSplitter.Split(text);
        Assert.Equal(["Limitations on peacekeeping due to national interests.", "Joint exercises", "Cultural exchange"], sentences.Select(s => s.Text));

        // Every sentence is the document's own text at its offset: it can be quoted verbatim.
        Assert.All(sentences, s => Assert.Equal(s.Text, text.Substring(s.Start, s.Length)));
    }

    [Fact]
    public void EverySentenceIsAVerbatimSubstringOfTheEssay()
    {
        var essay = TestSupport.Seeded.Dataset.Sources.Single(s => s.Id == "military-engagement-in-global-diplomacy").Text;
        var sentences = SentenceSplitter.Split(essay);
        Assert.True(sentences.Count > 100);
        Assert.All(sentences, s => Assert.Equal(s.Text, essay.Substring(s.Start, s.Length)));

        // Each essay quote of the dataset is one whole sentence as split.
        var texts = sentences.Select(s => s.Text).ToHashSet(StringComparer.Ordinal);
        var quotes = TestSupport.Seeded.Dataset.Edges.SelectMany(e => e.Evidence).Where(v => v.SourceId == "military-engagement-in-global-diplomacy").Select(v => v.Quote).Distinct();
        Assert.All(quotes, q => Assert.Contains(q, texts));
    }

    [Fact]
    public void EmptyAndPunctuationOnlyTextHasNoSentences()
    {
        Assert.Empty(Split(""));
        Assert.Empty(Split(" \n\n ... !? \n"));
    }
}
