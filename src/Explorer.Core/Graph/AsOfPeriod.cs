namespace Explorer.Graph;

/// <summary>
/// What a query's <c>asOf</c> means. It is a <see cref="PartialDate"/>: a day, a month or a year, and it stands
/// for that whole period ("members of the SCO in 2010" asks who was a member at some time in 2010). A fact
/// holds as of the period when its own span (<c>validFrom</c> through <c>validTo</c>, see <see cref="Validity"/>)
/// overlaps the period and no suspension of it covers the whole period. An undated fact always holds.
/// </summary>
public static class AsOfPeriod
{
    public static bool Holds(this Node node, PartialDate period) => Holds(node.ValidFrom, node.ValidTo, [], period);

    public static bool Holds(this Edge edge, PartialDate period) => Holds(edge.ValidFrom, edge.ValidTo, edge.Suspensions, period);

    public static bool Holds(string? validFrom, string? validTo, IReadOnlyList<Suspension> suspensions, PartialDate period)
    {
        if ((validFrom is not null && PartialDate.Parse(validFrom).First > period.Last)
            || (validTo is not null && PartialDate.Parse(validTo).Last < period.First))
        {
            return false;
        }

        foreach (var suspension in suspensions)
        {
            var from = PartialDate.Parse(suspension.From).First;
            var to = suspension.To is null ? DateOnly.MaxValue : PartialDate.Parse(suspension.To).Last;
            if (from <= period.First && period.Last <= to)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Says when a node existed, for a reason: "(from 2002)", "(1995 to 2004)".</summary>
    public static string Span(Node node) =>
        (node.ValidFrom, node.ValidTo) switch
        {
            ({ } from, { } to) => $"{from} to {to}",
            ({ } from, null) => $"from {from}",
            (null, { } to) => $"until {to}",
            _ => "undated",
        };
}
