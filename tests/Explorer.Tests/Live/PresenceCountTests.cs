using Explorer.Server.Live;

namespace Explorer.Tests.Live;

/// <summary>What presence counts: people, not tabs (a browser's tabs once, a signed-in user once).</summary>
public sealed class PresenceCountTests
{
    [Fact]
    public void TabsOfOneBrowserCountOnceAndPagesWithoutABrowserIdCountEach()
    {
        var presence = new PresenceTracker();
        presence.Join("c1", null, "browser-aaaa");
        presence.Join("c2", null, "browser-aaaa");
        Assert.Equal(1, presence.Snapshot().Viewers);

        presence.Join("c3", null, "browser-bbbb");
        presence.Join("c4", null, null);
        presence.Join("c5", null, null);
        Assert.Equal(4, presence.Snapshot().Viewers);

        presence.Leave("c1");
        Assert.Equal(4, presence.Snapshot().Viewers);
        presence.Leave("c2");
        Assert.Equal(3, presence.Snapshot().Viewers);
    }

    [Fact]
    public void ASignedInUserCountsOnceAcrossBrowsersAndHerBrowsersAnonymousTabsAreHer()
    {
        var presence = new PresenceTracker();
        presence.Join("c1", "ana", "browser-aaaa");
        presence.Join("c2", "ana", "browser-bbbb");
        presence.Join("c3", null, "browser-aaaa");
        var snapshot = presence.Snapshot();
        Assert.Equal(1, snapshot.Viewers);
        Assert.Equal(["ana"], snapshot.Users);

        presence.Join("c4", "bo", null);
        presence.Join("c5", null, "browser-cccc");
        snapshot = presence.Snapshot();
        Assert.Equal(3, snapshot.Viewers);
        Assert.Equal(["ana", "bo"], snapshot.Users);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has a space in it")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void AnOddBrowserIdIsIgnoredAndThePageCountedOnItsOwn(string browser)
    {
        var presence = new PresenceTracker();
        presence.Join("c1", null, browser);
        presence.Join("c2", null, browser);
        Assert.Equal(2, presence.Snapshot().Viewers);
    }
}
