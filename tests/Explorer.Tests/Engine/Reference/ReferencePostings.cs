namespace Explorer.Search.Reference;

/// <summary>Strings with dense ids and, per id, an ascending run of distinct node ordinals in one flat array.</summary>
internal sealed class Postings(Dictionary<string, int> ids, string[] strings, int[] start, int[] nodes)
{
    public Dictionary<string, int> Ids { get; } = ids;

    public string[] Strings { get; } = strings;

    /// <summary>Postings of id i are Nodes[Start[i] .. Start[i+1]-1] (for the index snapshot).</summary>
    internal int[] Start => start;

    internal int[] Nodes => nodes;

    public ReadOnlySpan<int> Of(int id) => nodes.AsSpan(start[id], start[id + 1] - start[id]);

    public ArraySegment<int> Segment(int id) => new(nodes, start[id], start[id + 1] - start[id]);

    public int Count(int id) => start[id + 1] - start[id];
}
