namespace Explorer.Graph;

/// <summary>
/// Orders id lists element by element (ordinal), shorter first on a common prefix: the order of
/// <c>mode=all</c> paths (by node ids, then edge ids) in both stores, as Cypher's ORDER BY orders lists.
/// </summary>
internal sealed class IdSequenceComparer : IComparer<IReadOnlyList<string>>
{
    public static readonly IdSequenceComparer Instance = new();

    public int Compare(IReadOnlyList<string>? x, IReadOnlyList<string>? y)
    {
        if (x is null || y is null)
        {
            return (x is null).CompareTo(y is null);
        }

        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            var order = string.CompareOrdinal(x[i], y[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return x.Count.CompareTo(y.Count);
    }
}
