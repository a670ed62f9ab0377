using System.Globalization;
using Explorer.Graph;
using Explorer.Neo4j;

namespace Explorer.Tests.Neo4j;

/// <summary>
/// Cypher decides "held as of a period" by comparing the stored date strings with the period's first and last
/// day (Cypher.Holds, HoldsEdge): no date parsing on the server. No Neo4j runs here, so this checks the reasoning
/// behind those comparisons: the same string tests, written out in C# with ordinal comparison (Cypher compares
/// strings by code point), agree with <see cref="AsOfPeriod.Holds(string?, string?, IReadOnlyList{Suspension}, PartialDate)"/>
/// on many random dates of every precision; and the spans Neo4j stores are the model's suspensions.
/// </summary>
public sealed class AsOfCypherTests
{
    [Fact]
    public void TheStringComparisonsCypherMakesAgreeWithAsOfPeriodOnRandomDates()
    {
        var random = new Random(20261130);
        for (var i = 0; i < 20_000; i++)
        {
            var from = random.Next(4) == 0 ? null : RandomDate(random);
            var to = random.Next(4) == 0 ? null : RandomDate(random);
            var suspensions = Enumerable.Range(0, random.Next(3)).Select(_ => new Suspension(RandomDate(random), random.Next(3) == 0 ? null : RandomDate(random))).ToList();
            var period = PartialDate.Parse(RandomDate(random));

            var expected = AsOfPeriod.Holds(from, to, suspensions, period);
            var cypher = CypherHoldsEdge(from, to, Neo4jGraphStore.Spans(suspensions), period);

            Assert.True(expected == cypher, $"validFrom {from}, validTo {to}, suspensions [{string.Join(", ", suspensions)}], as of {period}: expected {expected}");
        }
    }

    [Fact]
    public void StoredSpansKeepAnOpenSuspensionOpen() =>
        Assert.Equal(["2012-03|2012-10", "2021-06|"], Neo4jGraphStore.Spans([new Suspension("2012-03", "2012-10"), new Suspension("2021-06")]));

    /// <summary>Cypher.HoldsEdge, clause by clause, with $first and $last the period's first and last day.</summary>
    private static bool CypherHoldsEdge(string? validFrom, string? validTo, List<string> spans, PartialDate period)
    {
        var first = period.First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = period.Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        static bool Le(string a, string b) => string.CompareOrdinal(a, b) <= 0;
        static string Left(string s, int n) => s[..Math.Min(n, s.Length)];

        var holds = (validFrom is null || Le(validFrom, last)) && (validTo is null || Le(Left(first, validTo.Length), validTo));
        return holds && !spans.Any(span =>
        {
            var parts = span.Split('|');
            return Le(parts[0], first) && (parts[1] == "" || Le(Left(last, parts[1].Length), parts[1]));
        });
    }

    private static string RandomDate(Random random)
    {
        // Few years, so that the generated dates and periods often touch or overlap.
        var year = 1999 + random.Next(4);
        var month = 1 + random.Next(12);
        return random.Next(3) switch
        {
            0 => $"{year}",
            1 => $"{year}-{month:D2}",
            _ => $"{year}-{month:D2}-{1 + random.Next(DateTime.DaysInMonth(year, month)):D2}",
        };
    }
}
