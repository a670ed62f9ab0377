using Explorer.Graph;

namespace Explorer.Tests.Dataset;

/// <summary>Partial dates and when a dated record holds (the semantics graph-seed/README.md documents).</summary>
public sealed class ValidityTests
{
    [Theory]
    [InlineData("1995", "1995-01-01", "1995-12-31")]
    [InlineData("1995-12", "1995-12-01", "1995-12-31")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    [InlineData("2023-02", "2023-02-01", "2023-02-28")]
    [InlineData("1999-06-12", "1999-06-12", "1999-06-12")]
    public void APartialDateStandsForTheWholePeriodItNames(string text, string first, string last)
    {
        var date = PartialDate.Parse(text);

        Assert.Equal(DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture), date.First);
        Assert.Equal(DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture), date.Last);
        Assert.Equal(text, date.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("95")]
    [InlineData("0999")]
    [InlineData("1995-13")]
    [InlineData("1995-1")]
    [InlineData("1995-02-30")]
    [InlineData("2023-02-29")]
    [InlineData("1995-12-20T00:00")]
    [InlineData("1995-12-20-01")]
    [InlineData("1995/12")]
    [InlineData(" 1995")]
    [InlineData("１９９５")]
    public void AnythingElseIsNotADate(string text) => Assert.False(PartialDate.TryParse(text, out _));

    [Fact]
    public void PartialDatesOrderByTheirFirstDayThenCoarserFirst()
    {
        string[] texts = ["1996", "1995-12-20", "1995-12", "1995", "1995-01", "1995-01-01"];

        var ordered = texts.Select(PartialDate.Parse).Order().Select(d => d.ToString());

        Assert.Equal(["1995", "1995-01", "1995-01-01", "1995-12", "1995-12-20", "1996"], ordered);
    }

    [Fact]
    public void BothEndsOfASpanAreInclusive()
    {
        var kfor = new Node("kfor", NodeKind.Mission, "KFOR", [], "", ValidFrom: "1999-06-12");
        var ifor = new Node("ifor", NodeKind.Mission, "IFOR", [], "", ValidFrom: "1995-12-20", ValidTo: "1996-12-20");

        Assert.False(kfor.HoldsOn(new DateOnly(1999, 6, 11)));
        Assert.True(kfor.HoldsOn(new DateOnly(1999, 6, 12)));
        Assert.True(kfor.HoldsOn(new DateOnly(2026, 1, 1)));
        Assert.True(ifor.HoldsOn(new DateOnly(1996, 12, 20)));
        Assert.False(ifor.HoldsOn(new DateOnly(1996, 12, 21)));
    }

    [Fact]
    public void AYearOrMonthBoundCoversTheWholeYearOrMonth()
    {
        var amis = new Edge("amis-deployed-to-darfur", "DEPLOYED_TO", "amis", "darfur", [], ValidFrom: "2004", ValidTo: "2007-12");

        Assert.True(amis.HoldsOn(new DateOnly(2004, 1, 1)));
        Assert.False(amis.HoldsOn(new DateOnly(2003, 12, 31)));
        Assert.True(amis.HoldsOn(new DateOnly(2007, 12, 31)));
        Assert.False(amis.HoldsOn(new DateOnly(2008, 1, 1)));
    }

    [Fact]
    public void AnUndatedFactAlwaysHolds()
    {
        var edge = new Edge("x", "LOCATED_IN", "darfur", "sudan", []);

        Assert.True(edge.HoldsOn(new DateOnly(1000, 1, 1)));
        Assert.True(edge.HoldsOn(new DateOnly(9999, 12, 31)));
    }

    [Fact]
    public void AMemberDoesNotHoldDuringASuspensionInclusiveOfBothEnds()
    {
        var membership = new Edge("mali-member-of-african-union", "MEMBER_OF", "mali", "african-union", [], Suspensions:
            [new Suspension("2012-03-23", "2012-10-24"), new Suspension("2021-06")]);

        Assert.True(membership.HoldsOn(new DateOnly(2012, 3, 22)));
        Assert.False(membership.HoldsOn(new DateOnly(2012, 3, 23)));
        Assert.False(membership.HoldsOn(new DateOnly(2012, 10, 24)));
        Assert.True(membership.HoldsOn(new DateOnly(2012, 10, 25)));
        Assert.True(membership.HoldsOn(new DateOnly(2021, 5, 31)));
        Assert.False(membership.HoldsOn(new DateOnly(2021, 6, 1)));
        Assert.False(membership.HoldsOn(new DateOnly(2030, 1, 1)));
    }

    [Fact]
    public void TheRulesNameEveryBadField()
    {
        Assert.Empty(Validity.Check(null, null));
        Assert.Empty(Validity.Check("1995", "1995"));
        Assert.Empty(Validity.Check("1995-12-20", "1995"));
        Assert.Equal(["validTo"], Validity.Check("1996", "1995-12-31").Select(p => p.Field));
        Assert.Equal(["validFrom", "validTo"], Validity.Check("soon", "later").Select(p => p.Field));
        Assert.Equal(["suspensions[0].from"], Validity.Check("2000", null, [new Suspension("1999", "2001")]).Select(p => p.Field));
        Assert.Equal(["suspensions[0].to"], Validity.Check("2000", "2005", [new Suspension("2001")]).Select(p => p.Field));
        Assert.Equal(["suspensions[0].to"], Validity.Check(null, "2005", [new Suspension("2001", "2006")]).Select(p => p.Field));
        Assert.Equal(["suspensions[0].to"], Validity.Check(null, null, [new Suspension("2001", "2000")]).Select(p => p.Field));
        Assert.Equal(["suspensions[1].from"], Validity.Check(null, null, [new Suspension("2001", "2003"), new Suspension("2003")]).Select(p => p.Field));
        Assert.Equal(["suspensions[1].from"], Validity.Check(null, null, [new Suspension("2001"), new Suspension("2003")]).Select(p => p.Field));
    }
}
