using System.Text.Json;
using Explorer.Graph;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>
/// The dated nodes and edges of one <see cref="GraphIndex"/>, by ordinal, for as-of queries: undated records
/// (most of a graph) are never looked at. Built on the first as-of query after the index changed.
/// </summary>
internal sealed class DatedRecords
{
    private readonly (int Ordinal, Node Node)[] _nodes;
    private readonly (int Ordinal, string? From, string? To, IReadOnlyList<Suspension> Suspensions)[] _edges;

    private DatedRecords(GraphIndex index, (int, Node)[] nodes, (int, string?, string?, IReadOnlyList<Suspension>)[] edges)
    {
        Index = index;
        _nodes = nodes;
        _edges = edges;
    }

    public GraphIndex Index { get; }

    /// <summary>The earliest and the latest date any of these records carries (suspensions included); null when none is dated.</summary>
    public DateRange? Range => DateRange.Of(
        _nodes.SelectMany(n => new[] { n.Node.ValidFrom, n.Node.ValidTo })
            .Concat(_edges.SelectMany(e => e.Suspensions.SelectMany(s => new[] { s.From, s.To }).Prepend(e.From).Prepend(e.To))));

    public static DatedRecords Load(GraphIndex index, SqliteConnection connection, JsonSerializerOptions json)
    {
        var nodes = index.Nodes.DatedNodes(index.Graph.NodeCount).ToArray();
        var rows = new List<(long RowId, string? From, string? To, IReadOnlyList<Suspension> Suspensions)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT eid, valid_from, valid_to, suspensions FROM edges WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL OR suspensions IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((
                    reader.GetInt64(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? [] : JsonSerializer.Deserialize<List<Suspension>>(reader.GetString(3), json) ?? []));
            }
        }

        var ordinalOf = OrdinalsByRow(index, rows.Select(r => r.RowId));
        var edges = rows.Where(r => ordinalOf.ContainsKey(r.RowId)).Select(r => (ordinalOf[r.RowId], r.From, r.To, r.Suspensions)).ToArray();
        return new DatedRecords(index, nodes, edges);
    }

    /// <summary>Node and edge ordinals that do not hold as of <paramref name="period"/> (see <see cref="AsOfPeriod"/>).</summary>
    public (HashSet<int> Nodes, HashSet<int> Edges) NotHolding(PartialDate period)
    {
        var nodes = _nodes.Where(n => !n.Node.Holds(period)).Select(n => n.Ordinal).ToHashSet();
        var edges = _edges.Where(e => !AsOfPeriod.Holds(e.From, e.To, e.Suspensions, period)).Select(e => e.Ordinal).ToHashSet();

        // An edge to a node that did not exist does not hold either.
        var graph = Index.Graph;
        foreach (var node in nodes)
        {
            for (var adjacency = graph.Neighbors(node); adjacency.MoveNext();)
            {
                edges.Add(adjacency.Entry >> 1);
            }
        }

        return (nodes, edges);
    }

    /// <summary>Edge ordinal by SQLite row id for the given rows: edges are kept in row-id order, so by binary search.</summary>
    internal static Dictionary<long, int> OrdinalsByRow(GraphIndex index, IEnumerable<long> rowIds)
    {
        var edges = index.EdgeRowIds;
        var result = new Dictionary<long, int>();
        Dictionary<long, int>? fallback = null;
        foreach (var rowId in rowIds)
        {
            int lo = 0, hi = edges.Length - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (edges[mid] == rowId)
                {
                    found = mid;
                    break;
                }

                if (edges[mid] < rowId)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (found < 0)
            {
                // Not in row-id order after all: look it up the slow way.
                fallback ??= edges.Select((e, i) => (RowId: e, i)).GroupBy(p => p.RowId).ToDictionary(g => g.Key, g => g.Last().i);
                if (fallback.TryGetValue(rowId, out var ordinal))
                {
                    found = ordinal;
                }
            }

            if (found >= 0)
            {
                result[rowId] = found;
            }
        }

        return result;
    }
}
