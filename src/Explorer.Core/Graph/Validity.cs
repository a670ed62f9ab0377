namespace Explorer.Graph;

/// <summary>
/// When a node or an edge holds, and the rules its dates obey (shared by the dataset loader and every write).
/// <list type="bullet">
/// <item>No date means no bound: an undated fact always holds.</item>
/// <item><c>validFrom</c> and <c>validTo</c> are both inclusive and each stands for the whole period it names
/// (<see cref="PartialDate"/>): from the first day of <c>validFrom</c> through the last day of <c>validTo</c>.</item>
/// <item>A suspension (<c>from</c>, <c>to</c>) removes the days from the first day of <c>from</c> through the
/// last day of <c>to</c>, both inclusive; a suspension without <c>to</c> has not ended.</item>
/// </list>
/// </summary>
public static class Validity
{
    /// <summary>True when the node exists on <paramref name="day"/>.</summary>
    public static bool HoldsOn(this Node node, DateOnly day) => Within(day, node.ValidFrom, node.ValidTo);

    /// <summary>True when the edge holds on <paramref name="day"/>: inside its span and outside every suspension.</summary>
    public static bool HoldsOn(this Edge edge, DateOnly day) =>
        Within(day, edge.ValidFrom, edge.ValidTo) && !edge.Suspensions.Any(s => Within(day, s.From, s.To));

    /// <summary>True when <paramref name="day"/> lies in the inclusive span from..to (null: unbounded on that side).</summary>
    public static bool Within(DateOnly day, string? from, string? to) =>
        (from is null || PartialDate.Parse(from).First <= day) && (to is null || day <= PartialDate.Parse(to).Last);

    /// <summary>
    /// Checks the dates of a node or an edge: each a <see cref="PartialDate"/>; <c>validFrom</c> not after
    /// <c>validTo</c>; suspensions in order, not overlapping, each with <c>from</c> not after <c>to</c> and inside
    /// the span (an open suspension only in an open span). Returns (field, message) for every problem.
    /// </summary>
    public static List<(string Field, string Message)> Check(string? validFrom, string? validTo, IReadOnlyList<Suspension?>? suspensions = null)
    {
        var problems = new List<(string, string)>();
        var from = Date(problems, "validFrom", validFrom);
        var to = Date(problems, "validTo", validTo);
        if (from is { } f && to is { } t && f.First > t.Last)
        {
            problems.Add(("validTo", $"'{validTo}' is before validFrom '{validFrom}'"));
        }

        PartialDate? previousEnd = null;
        var previousOpen = false;
        for (var i = 0; i < (suspensions?.Count ?? 0); i++)
        {
            var field = $"suspensions[{i}]";
            if (suspensions![i] is not { } suspension)
            {
                problems.Add((field, "expected an object {from, to}"));
                continue;
            }

            if (suspension.From is null)
            {
                problems.Add((field + ".from", "a start date is required"));
                continue;
            }

            var start = Date(problems, field + ".from", suspension.From);
            var end = Date(problems, field + ".to", suspension.To);
            if (start is not { } s)
            {
                continue;
            }

            if (end is { } e && s.First > e.Last)
            {
                problems.Add((field + ".to", $"'{suspension.To}' is before from '{suspension.From}'"));
            }

            if (from is { } spanStart && s.First < spanStart.First)
            {
                problems.Add((field + ".from", $"'{suspension.From}' is before validFrom '{validFrom}'"));
            }

            if (to is { } spanEnd)
            {
                if (suspension.To is null)
                {
                    problems.Add((field + ".to", $"an end date is required when validTo is set ('{validTo}')"));
                }
                else if (end is { } e2 && e2.Last > spanEnd.Last)
                {
                    problems.Add((field + ".to", $"'{suspension.To}' is after validTo '{validTo}'"));
                }
            }

            if (previousOpen || (previousEnd is { } p && s.First <= p.Last))
            {
                problems.Add((field + ".from", "suspensions must be in order and must not overlap"));
            }

            previousEnd = end;
            previousOpen = suspension.To is null;
        }

        return problems;
    }

    private static PartialDate? Date(List<(string, string)> problems, string field, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (PartialDate.TryParse(text, out var date))
        {
            return date;
        }

        problems.Add((field, $"'{Clip(text)}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"));
        return null;
    }

    private static string Clip(string value) => value.Length <= 40 ? value : value[..37] + "...";
}
