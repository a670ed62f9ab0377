using System.Collections.Concurrent;
using Explorer.Graph;

namespace Explorer.Embedded;

/// <summary>
/// Full edge records (evidence included) by the store's row key, so a path or neighborhood answer does not
/// go back to SQLite for edges it has served before. Kept apart from <see cref="GraphIndex"/> (which holds
/// only topology) and invalidated from committed changes (<see cref="Apply"/>): an edge upsert or removal
/// drops that edge, a node removal or a reload drops everything. Hits take no lock; a miss is filled only if
/// no invalidation happened since the caller started reading, so a record read before a write can never
/// be cached after it. Bounded: when full it starts over.
/// </summary>
internal sealed class EdgeRecordCache(int capacity = EdgeRecordCache.DefaultCapacity)
{
    public const int DefaultCapacity = 250_000;

    private readonly ConcurrentDictionary<long, Edge> _byRow = new();
    private readonly Dictionary<string, long> _rowById = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _generation;

    public int Count => _byRow.Count;

    /// <summary>Take before reading records from the database; pass to <see cref="Fill"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(long rowId, out Edge edge) => _byRow.TryGetValue(rowId, out edge!);

    /// <summary>Caches records read from the database, unless something was invalidated since <paramref name="generation"/>.</summary>
    public void Fill(long generation, IEnumerable<KeyValuePair<long, Edge>> rows)
    {
        lock (_lock)
        {
            if (_generation != generation)
            {
                return;
            }

            foreach (var (rowId, edge) in rows)
            {
                if (_byRow.Count >= capacity)
                {
                    _byRow.Clear();
                    _rowById.Clear();
                }

                _byRow[rowId] = edge;
                _rowById[edge.Id] = rowId;
            }
        }
    }

    /// <summary>Drops what a committed change made stale.</summary>
    public void Apply(Change change)
    {
        switch (change.Kind)
        {
            case ChangeKind.EdgeUpserted or ChangeKind.EdgeRemoved:
                Invalidate(change.EntityId);
                break;
            case ChangeKind.NodeUpserted:
                // Edge records name their endpoints by id, which an upsert never changes.
                break;
            case ChangeKind.NodeRemoved or ChangeKind.GraphReloaded:
                Clear();
                break;
        }
    }

    public void Invalidate(string edgeId)
    {
        lock (_lock)
        {
            _generation++;
            if (_rowById.Remove(edgeId, out var rowId))
            {
                _byRow.TryRemove(rowId, out _);
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _generation++;
            _byRow.Clear();
            _rowById.Clear();
        }
    }
}
