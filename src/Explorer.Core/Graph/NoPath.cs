namespace Explorer.Graph;

/// <summary>
/// Why a path query found nothing, worded the same by every store (the parity suite compares reasons). The check
/// behind it is the path query's own: the same direction, types, kinds, avoid and date, with the hop bound raised
/// to <see cref="PathQuery.MaxMaxHops"/>; so "not connected" means not under what was asked, and a path that is
/// only longer than asked says how long it is.
/// </summary>
public static class NoPath
{
    /// <summary>An end that did not exist at the query's date.</summary>
    public static string DidNotExist(Node node, PartialDate period) => $"'{node.Name}' did not exist in {period} ({AsOfPeriod.Span(node)}).";

    /// <summary>
    /// The reason for an empty answer. <paramref name="shortest"/> is the hop count of a shortest path within
    /// <see cref="PathQuery.MaxMaxHops"/> under the query's filters, or null when there is none.
    /// </summary>
    public static string Reason(string fromName, string toName, PathQuery query, int? shortest)
    {
        var filtered = query.Direction != Direction.Any || query.Types is { Count: > 0 } || query.Kinds is { Count: > 0 } || query.Avoid is { Count: > 0 };
        var statuses = Statuses(query.Statuses);
        var bounds = (filtered ? " with the given direction and filters" : "") + (statuses is null ? "" : $", using only {statuses} edges") +
            (query.AsOf is { } period ? $", as of {period}" : "");
        filtered |= statuses is not null;
        if (shortest is { } hops)
        {
            return $"No path of at most {query.MaxHops} hops joins '{fromName}' and '{toName}'{bounds}" +
                (hops > query.MaxHops ? $"; the shortest has {hops} hops." : ".");
        }

        return filtered || query.AsOf is not null
            ? $"'{fromName}' and '{toName}' are not connected within {PathQuery.MaxMaxHops} hops{bounds}."
            : $"'{fromName}' and '{toName}' are not connected in the graph within {PathQuery.MaxMaxHops} hops.";
    }

    /// <summary>"confirmed", "confirmed and proposed", ...: the statuses a query keeps, in review order; null when it keeps them all.</summary>
    public static string? Statuses(IReadOnlySet<EdgeStatus>? statuses) =>
        statuses is null || Enum.GetValues<EdgeStatus>().All(statuses.Contains)
            ? null
            : string.Join(" and ", new[] { EdgeStatus.Confirmed, EdgeStatus.Proposed, EdgeStatus.Disputed }.Where(statuses.Contains).Select(s => s.ToString().ToLowerInvariant()));

    /// <summary>Whether the shortest-path check is worth running: with the bound already at its maximum, its answer is known.</summary>
    public static bool NeedsCheck(PathQuery query) => query.MaxHops < PathQuery.MaxMaxHops;
}
