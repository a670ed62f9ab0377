using System.Globalization;
using System.Text.Json;
using Explorer.Algorithms;
using Explorer.Graph;
using Explorer.Ranking;
using Explorer.Seed;
using Explorer.Telemetry;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>
/// The default store: records in a SQLite file (WAL, synchronous=FULL, so an acknowledged write survives a
/// crash) and queries on an in-memory <see cref="GraphIndex"/>: each committed write is applied to it
/// incrementally and a new immutable view is published (see EmbeddedGraphStore.Index.cs), so readers never
/// wait and see a write as soon as it is acknowledged. Writes are serialized.
/// </summary>
internal sealed partial class EmbeddedGraphStore : IGraphStore
{
    private const char AliasSeparator = NodeTable.AliasSeparator;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly AnnotationCommitQueue _annotationWrites;
    private readonly EdgeRecordCache _edgeRecords = new();
    private readonly long? _maxSizeBytes;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private long _maxPageCount;
    private volatile bool _disposed;
    private volatile DatedRecords? _dated;

    public EmbeddedGraphStore(string databasePath, EmbeddedStoreOptions? options = null)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        _maxSizeBytes = options?.MaxSizeBytes;
        _logger = options?.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _annotationWrites = new AnnotationCommitQueue(_writeLock, Open);
    }

    public string Name => "embedded";

    public bool SupportsAsOf => true;

    public string DatabasePath { get; }

    /// <summary>Whether edge records are served from <see cref="EdgeRecordCache"/> (the benchmark turns it off for its baseline).</summary>
    internal bool EdgeRecordCaching { get; set; } = true;

    internal GraphIndex Index => _index ?? throw new InvalidOperationException("The store is not initialized: call InitializeAsync first.");

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var directory = Path.GetDirectoryName(DatabasePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            PrivateFiles.PrepareDatabase(DatabasePath);
            using var connection = Open();
            SqliteSchema.Migrate(connection);
            EnsureEdgeIndexes(connection, null);
            LoadAtStart(connection);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // ---- Seeding -------------------------------------------------------------------------------------

    public async Task<SeedReport> SeedAsync(GraphSeed seed, IProgress<SeedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            var kept = seed.Without(TakenOver(connection, transaction));
            var sources = SeedSources(connection, transaction, kept.Sources, progress);
            var nodes = SeedNodes(connection, transaction, kept.Nodes, progress, cancellationToken);
            var edges = SeedEdges(connection, transaction, kept.Edges, progress, cancellationToken);
            var changed = sources.Added + sources.Updated + nodes.Added + nodes.Updated + edges.Added + edges.Updated > 0;
            if (changed)
            {
                AppendChange(connection, transaction, ChangeKind.GraphReloaded, "seed");
            }

            transaction.Commit();
            ExplorerMetrics.CommitDuration.RecordSince(started, new("explorer.write", "seed"));
            if (changed || _index is null)
            {
                progress?.Report(new SeedProgress("index", 0, 1));
                Reload(connection, "seed");
                _edgeRecords.Clear();
                progress?.Report(new SeedProgress("index", 1, 1));
            }

            return seed.Report(kept, new SeedReport(sources, nodes, edges));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static SeedCounts SeedSources(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<SourceDocument> sources, IProgress<SeedProgress>? progress)
    {
        var existing = new Dictionary<string, SourceDocument>(StringComparer.Ordinal);
        using (var read = Command(connection, transaction, SourceSelectSql))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                var source = ReadSource(reader);
                existing[source.Id] = source;
            }
        }

        using var upsert = Command(connection, transaction, """
            INSERT INTO sources (id, title, kind, description, text, url) VALUES ($id, $title, $kind, $description, $text, $url)
            ON CONFLICT(id) DO UPDATE SET title = excluded.title, kind = excluded.kind, description = excluded.description, text = excluded.text,
                url = excluded.url, version = sources.version + 1
            """);
        int added = 0, updated = 0, unchanged = 0;
        foreach (var source in sources)
        {
            if (existing.TryGetValue(source.Id, out var current) && current.SameAs(source))
            {
                unchanged++;
                continue;
            }

            _ = current is null ? added++ : updated++;
            BindSource(upsert, source);
            upsert.ExecuteNonQuery();
        }

        progress?.Report(new SeedProgress("sources", sources.Count, sources.Count));
        return new SeedCounts(added, updated, unchanged);
    }

    private static SeedCounts SeedNodes(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Node> nodes, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, Node>(StringComparer.Ordinal);
        using (var read = Command(connection, transaction, "SELECT id, kind, name, aliases, description, valid_from, valid_to, version FROM nodes"))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                var node = ReadNode(reader, 0);
                existing[node.Id] = node;
            }
        }

        using var upsert = Command(connection, transaction, NodeUpsertSql);
        int added = 0, updated = 0, unchanged = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (existing.TryGetValue(node.Id, out var current) && current.SameAs(node))
            {
                unchanged++;
            }
            else
            {
                _ = current is null ? added++ : updated++;
                BindNode(upsert, node);
                upsert.ExecuteNonQuery();
            }

            if ((i + 1) % 10_000 == 0 || i + 1 == nodes.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new SeedProgress("nodes", i + 1, nodes.Count));
            }
        }

        return new SeedCounts(added, updated, unchanged);
    }

    private static SeedCounts SeedEdges(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Edge> edges, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, Edge>(StringComparer.Ordinal);
        using (var read = Command(connection, transaction, EdgeSelectSql))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                var edge = ReadEdge(reader);
                existing[edge.Id] = edge;
            }
        }

        using var upsert = Command(connection, transaction, EdgeUpsertSql);
        int added = 0, updated = 0, unchanged = 0;
        for (var i = 0; i < edges.Count; i++)
        {
            var edge = edges[i];
            if (existing.TryGetValue(edge.Id, out var current) && current.SameAs(edge))
            {
                unchanged++;
            }
            else
            {
                _ = current is null ? added++ : updated++;
                BindEdge(upsert, edge);
                if (upsert.ExecuteScalar() is null)
                {
                    throw new GraphWriteException($"edge '{edge.Id}' joins a node that does not exist");
                }
            }

            if ((i + 1) % 10_000 == 0 || i + 1 == edges.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new SeedProgress("edges", i + 1, edges.Count));
            }
        }

        return new SeedCounts(added, updated, unchanged);
    }

    // ---- Reads ---------------------------------------------------------------------------------------

    public Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        var index = Index;
        var found = index.Search(query.Text, query.Kinds, query.AsOf is null ? query.Limit : Math.Min(query.Limit * 4, 400));
        List<SearchHit> hits = [.. found
            .Where(h => query.AsOf is not { } period || index.Nodes[h.Node].Holds(period))
            .Take(query.Limit)
            .Select(h =>
            {
                var node = index.Nodes[h.Node];
                return new SearchHit(node.Id, node.Kind, node.Name, node.Aliases, Math.Round(h.Score, 3), h.Match);
            })];
        return Task.FromResult(new SearchResults(hits, Truncated: false)); // every node is a candidate
    }

    public Task<GraphCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        var index = Index;
        return Task.FromResult(new GraphCounts(index.NodeCount, index.EdgeCount));
    }

    public Task<IReadOnlyList<Node>> ResolveAsync(string term, CancellationToken cancellationToken = default)
    {
        var index = Index;
        IReadOnlyList<Node> nodes = [.. index.Resolve(term).Select(o => index.Nodes[o]).OrderBy(n => n.Id, StringComparer.Ordinal)];
        return Task.FromResult(nodes);
    }

    public Task<NodeDetails?> GetNodeAsync(string id, CancellationToken cancellationToken = default)
    {
        var index = Index;
        if (index.Ordinal(id) is not { } ordinal)
        {
            return Task.FromResult<NodeDetails?>(null);
        }

        return Task.FromResult<NodeDetails?>(new NodeDetails(index.Nodes[ordinal], index.Graph.Degree(ordinal), index.CountsByType(ordinal)));
    }

    public Task<Neighborhood?> GetNeighborhoodAsync(NeighborhoodQuery query, CancellationToken cancellationToken = default)
    {
        var index = Index;
        if (index.Ordinal(query.NodeId) is not { } center)
        {
            return Task.FromResult<Neighborhood?>(null);
        }

        var filter = Filter(index, query.Types, query.Kinds, Direction.Any, null, query.AsOf, query.Statuses);
        var found = Neighborhoods.Collect(index.Graph, center, query.Depth, filter, query.Limit, query.Offset);
        var edges = MaterializeEdges(index, found.Edges);
        return Task.FromResult<Neighborhood?>(new Neighborhood(
            index.Nodes[center],
            [.. found.Nodes.Select(o => index.Nodes[o])],
            edges,
            found.Truncated,
            // Counted as the query follows edges: as of its date and with its review statuses ("N more" under a status filter).
            index.CountsByType(center, query.AsOf is null && query.Statuses is null ? null : filter.BlockedEdges)));
    }

    public Task<Edge?> GetEdgeAsync(string id, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, EdgeSelectSql + " WHERE e.id = $id");
        Bind(command, ("$id", id));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadEdge(reader) : null);
    }

    public Task<SourceDocument?> GetSourceAsync(string id, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, SourceSelectSql + " WHERE id = $id");
        Bind(command, ("$id", id));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadSource(reader) : null);
    }

    public Task<IReadOnlyList<SourceInfo>> ListSourcesAsync(CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT id, title, kind, description, url, version FROM sources ORDER BY id");
        using var reader = command.ExecuteReader();
        var result = new List<SourceInfo>();
        while (reader.Read())
        {
            result.Add(new SourceInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3))
            {
                Url = reader.IsDBNull(4) ? null : reader.GetString(4),
                Version = reader.GetInt64(5),
            });
        }

        return Task.FromResult<IReadOnlyList<SourceInfo>>(result);
    }

    public Task<PathSet> FindPathsAsync(PathQuery query, CancellationToken cancellationToken = default)
    {
        var index = Index;
        if (index.Ordinal(query.From) is not { } source)
        {
            return Task.FromResult(new PathSet([], [], [], $"No node with id '{query.From}'."));
        }

        if (index.Ordinal(query.To) is not { } target)
        {
            return Task.FromResult(new PathSet([], [], [], $"No node with id '{query.To}'."));
        }

        if (query.AsOf is { } period)
        {
            foreach (var end in new[] { source, target })
            {
                if (!index.Nodes[end].Holds(period))
                {
                    return Task.FromResult(new PathSet([], [], [], NoPath.DidNotExist(index.Nodes[end], period)));
                }
            }
        }

        var filter = Filter(index, query.Types, query.Kinds, query.Direction, query.Avoid, query.AsOf, query.Statuses);
        if (query.Mode == PathMode.Ranked)
        {
            return Task.FromResult(RankedPaths(index, query, source, target, filter));
        }

        if (query.Mode == PathMode.All)
        {
            return Task.FromResult(AllShortestPaths(index, query, source, target, filter));
        }

        var found = query.Mode switch
        {
            PathMode.K => PathSearch.KShortest(index.Graph, source, target, query.K, query.MaxHops, filter, index.TypeCost),
            _ => ShortestPath.Find(index.Graph, source, target, query.MaxHops, filter) is { } path ? [(path, Cost(index, path))] : [],
        };

        if (found.Count == 0)
        {
            return Task.FromResult(new PathSet([], [], [], NoPathReason(index, query, source, target, filter)));
        }

        var edgeOrdinals = found.SelectMany(p => p.Path.Edges).Distinct().ToList();
        var edges = MaterializeEdges(index, edgeOrdinals);
        var edgeIds = edgeOrdinals.Zip(edges, (ordinal, edge) => (ordinal, edge.Id)).ToDictionary(p => p.ordinal, p => p.Id);
        var paths = found.Select(p => new GraphPath(
            [.. p.Path.Nodes.Select(o => index.Nodes.Id(o))],
            [.. p.Path.Edges.Select(e => edgeIds[e])],
            p.Path.Edges.Length,
            p.Cost)).ToList();
        var nodes = found.SelectMany(p => p.Path.Nodes).Distinct().Select(o => index.Nodes[o]).ToList();
        return Task.FromResult(new PathSet(paths, nodes, edges, null));
    }

    /// <summary>
    /// Every shortest path, the first <see cref="PathQuery.MaxAllPaths"/> by node ids then edge ids (the order
    /// Neo4j's ORDER BY gives), <see cref="PathSet.Truncated"/> when there were more. Up to
    /// <see cref="PathQuery.AllPathsScan"/> paths are enumerated and sorted, so the first ones are the same in both
    /// stores whenever there are no more than that; edge ids are read only where node sequences tie.
    /// </summary>
    private PathSet AllShortestPaths(GraphIndex index, PathQuery query, int source, int target, TraversalFilter filter)
    {
        var all = PathSearch.AllShortest(index.Graph, source, target, query.MaxHops, filter, PathQuery.AllPathsScan);
        if (all.Count == 0)
        {
            return new PathSet([], [], [], NoPathReason(index, query, source, target, filter));
        }

        var byNodes = all.Select(p => (Path: p, Nodes: (IReadOnlyList<string>)[.. p.Nodes.Select(o => index.Nodes.Id(o))]))
            .OrderBy(p => p.Nodes, IdSequenceComparer.Instance)
            .ToList();
        var last = byNodes[Math.Min(PathQuery.MaxAllPaths, byNodes.Count) - 1].Nodes;
        var kept = byNodes.TakeWhile((p, i) => i < PathQuery.MaxAllPaths || IdSequenceComparer.Instance.Compare(p.Nodes, last) == 0).ToList();
        var edgeOrdinals = kept.SelectMany(p => p.Path.Edges).Distinct().ToList();
        var edges = MaterializeEdges(index, edgeOrdinals);
        var edgeIds = edgeOrdinals.Zip(edges, (ordinal, edge) => (ordinal, edge.Id)).ToDictionary(p => p.ordinal, p => p.Id);
        var paths = kept
            .Select(p => new GraphPath(p.Nodes, [.. p.Path.Edges.Select(e => edgeIds[e])], p.Path.Edges.Length, Cost(index, p.Path)))
            .OrderBy(p => p.Nodes, IdSequenceComparer.Instance)
            .ThenBy(p => p.Edges, IdSequenceComparer.Instance)
            .Take(PathQuery.MaxAllPaths)
            .ToList();
        var usedEdges = paths.SelectMany(p => p.Edges).ToHashSet(StringComparer.Ordinal);
        var usedNodes = paths.SelectMany(p => p.Nodes).ToHashSet(StringComparer.Ordinal);
        return new PathSet(
            paths,
            [.. kept.SelectMany(p => p.Path.Nodes).Distinct().Where(o => usedNodes.Contains(index.Nodes.Id(o))).Select(o => index.Nodes[o])],
            [.. edges.Where(e => usedEdges.Contains(e.Id))],
            null,
            all.Count > PathQuery.MaxAllPaths);
    }

    /// <summary>
    /// Ranked mode: the cheapest candidates by hop meaning and hub penalty (<see cref="CheapestPaths"/>), then
    /// <see cref="PathRanking"/> with their evidence and review status for the final order, diversity and
    /// reasons; the pool widens until no path outside it could beat a pick (<see cref="PathRanking.IsSettled"/>).
    /// </summary>
    private PathSet RankedPaths(GraphIndex index, PathQuery query, int source, int target, TraversalFilter filter)
    {
        var graph = index.Graph;
        var sourceKinds = SourceKinds();
        for (var size = PathRanking.PoolSize(query.K); ; size *= 4)
        {
            var pool = CheapestPaths.Find(graph, source, target, query.MaxHops, filter,
                e => ExplanationScore.HopCost(index.TypeName(e)), v => ExplanationScore.HubCost(graph.Degree(v)), size);
            if (pool.Count == 0)
            {
                return new PathSet([], [], [], NoPathReason(index, query, source, target, filter));
            }

            var seen = new Dictionary<(int, int), List<int>>();
            var parallels = pool.Select(p => RankedSearch.Parallels(graph, filter, source, target, p.Path, seen)).ToList();
            var edgeOrdinals = parallels.SelectMany(p => p.SelectMany(hop => hop)).Distinct().ToList();
            var edges = MaterializeEdges(index, edgeOrdinals);
            var edgeIds = edgeOrdinals.Zip(edges, (ordinal, edge) => (ordinal, edge.Id)).ToDictionary(p => p.ordinal, p => p.Id);
            var candidates = pool.Select((p, i) => new PathCandidate(
                [.. p.Path.Nodes.Select(o => index.Nodes.Id(o))],
                [.. p.Path.Edges.Select(e => edgeIds[e])],
                [.. parallels[i].Select(hop => (IReadOnlyList<string>)[.. hop.Select(e => edgeIds[e])])])).ToList();
            var ordinals = pool.SelectMany(p => p.Path.Nodes).Distinct().ToList();
            var context = new RankingContext(
                edges.ToDictionary(e => e.Id, StringComparer.Ordinal),
                ordinals.ToDictionary(o => index.Nodes.Id(o), o => index.Nodes[o], StringComparer.Ordinal),
                ordinals.ToDictionary(o => index.Nodes.Id(o), graph.Degree, StringComparer.Ordinal),
                sourceKinds);
            var paths = PathRanking.Rank(candidates, context, query.K, out var worstPick);
            if (PathRanking.IsSettled(pool.Count, size, pool[^1].Cost, worstPick) || size >= PathRanking.MaxPoolSize(query.K))
            {
                var used = paths.SelectMany(p => p.Edges).ToHashSet(StringComparer.Ordinal);
                var nodes = paths.SelectMany(p => p.Nodes).Distinct(StringComparer.Ordinal).Select(id => context.Nodes[id]).ToList();
                return new PathSet(paths, nodes, [.. edges.Where(e => used.Contains(e.Id))], null);
            }
        }
    }

    /// <summary>Why nothing was found: the same search under the same filter with the hop bound at its maximum (see <see cref="NoPath"/>).</summary>
    private static string NoPathReason(GraphIndex index, PathQuery query, int source, int target, TraversalFilter filter)
    {
        var shortest = NoPath.NeedsCheck(query) ? ShortestPath.Find(index.Graph, source, target, PathQuery.MaxMaxHops, filter)?.Edges.Length : null;
        return NoPath.Reason(index.Nodes.Name(source), index.Nodes.Name(target), query, shortest);
    }

    /// <summary>Source id to kind (essay, reference, ...): what the ranking weighs evidence by.</summary>
    private Dictionary<string, string> SourceKinds()
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT id, kind FROM sources");
        using var reader = command.ExecuteReader();
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            kinds[reader.GetString(0)] = reader.GetString(1);
        }

        return kinds;
    }

    private static double Cost(GraphIndex index, OrdinalPath path) => path.Edges.Sum(e => Vocabulary.Cost(index.TypeName(e)));

    private TraversalFilter Filter(GraphIndex index, IReadOnlySet<string>? types, IReadOnlySet<NodeKind>? kinds, Direction direction, IReadOnlySet<string>? avoid, PartialDate? asOf,
        IReadOnlySet<EdgeStatus>? statuses = null)
    {
        var typeMask = ulong.MaxValue;
        if (types is { Count: > 0 })
        {
            typeMask = 0;
            foreach (var type in types)
            {
                if (GraphIndex.TryTypeCode(type, out var code))
                {
                    typeMask |= 1UL << code;
                }
            }
        }

        var kindMask = uint.MaxValue;
        if (kinds is { Count: > 0 })
        {
            kindMask = 0;
            foreach (var kind in kinds)
            {
                kindMask |= 1u << (int)kind;
            }
        }

        var avoided = new HashSet<int>();
        foreach (var id in avoid ?? new HashSet<string>())
        {
            if (index.Ordinal(id) is { } ordinal)
            {
                avoided.Add(ordinal);
            }
        }

        HashSet<int>? blocked = null;
        if (asOf is { } period)
        {
            (var gone, blocked) = Dated(index).NotHolding(period);
            avoided.UnionWith(gone);
        }

        if (statuses is not null)
        {
            blocked = blocked is null ? WithoutStatus(index, statuses) : [.. blocked, .. WithoutStatus(index, statuses)];
        }

        return new TraversalFilter(typeMask, kindMask, direction, avoided, blocked);
    }

    /// <summary>
    /// The ordinals of the index's edges whose review status is not one of <paramref name="statuses"/>: read from
    /// the edges' status column through its index (edges_status), so keeping confirmed edges reads only the few
    /// proposed and disputed ones. An edge written after this index version is not in it, and not looked up.
    /// </summary>
    private HashSet<int> WithoutStatus(GraphIndex index, IReadOnlySet<EdgeStatus> statuses)
    {
        var excluded = Enum.GetValues<EdgeStatus>().Where(s => !statuses.Contains(s)).ToList();
        var blocked = new HashSet<int>();
        if (excluded.Count == 0)
        {
            return blocked;
        }

        // The index holds the edges that are not confirmed (schema version 9); SQLite uses a partial index only for a
        // query that states its condition, word for word. Excluding confirmed edges reads the table.
        var notConfirmed = excluded.Contains(EdgeStatus.Confirmed) ? "" : " AND status <> 'Confirmed'";
        using var connection = Open();
        using var command = Command(connection, null,
            $"SELECT eid FROM edges WHERE status IN ({string.Join(", ", excluded.Select((_, i) => $"$s{i}"))}){notConfirmed} ORDER BY eid");
        for (var i = 0; i < excluded.Count; i++)
        {
            command.Parameters.AddWithValue($"$s{i}", excluded[i].ToString());
        }

        var rowIds = new List<long>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rowIds.Add(reader.GetInt64(0));
            }
        }

        blocked.UnionWith(DatedRecords.OrdinalsByRow(index, rowIds).Values);
        return blocked;
    }

    /// <summary>The dated records of this index, loaded on first use after it changed.</summary>
    private DatedRecords Dated(GraphIndex index)
    {
        var dated = _dated;
        if (dated is null || dated.Index != index)
        {
            using var connection = Open();
            _dated = dated = DatedRecords.Load(index, connection, s_json);
        }

        return dated;
    }

    public Task<DateRange?> GetDateRangeAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Dated(Index).Range);

    /// <summary>Full edge records (with evidence) for edge ordinals, in the same order.</summary>
    private List<Edge> MaterializeEdges(GraphIndex index, List<int> ordinals)
    {
        if (ordinals.Count == 0)
        {
            return [];
        }

        var rowIds = ordinals.Select(o => index.EdgeRowIds[o]).ToList();
        var byRow = new Dictionary<long, Edge>(rowIds.Count);
        List<long>? missing = null;
        foreach (var rowId in rowIds)
        {
            if (EdgeRecordCaching && _edgeRecords.TryGet(rowId, out var cached))
            {
                byRow[rowId] = cached;
            }
            else
            {
                (missing ??= []).Add(rowId);
            }
        }

        if (missing is not null)
        {
            // Taken before reading: a write that commits meanwhile keeps what was read out of the cache.
            var generation = _edgeRecords.Generation;
            var read = new Dictionary<long, Edge>(missing.Count);
            using var connection = Open();
            using var command = Command(connection, null, EdgeSelectSql + " WHERE e.eid IN (SELECT value FROM json_each($rows))");
            Bind(command, ("$rows", JsonSerializer.Serialize(missing)));
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    read[reader.GetInt64(5)] = ReadEdge(reader);
                }
            }

            if (EdgeRecordCaching)
            {
                _edgeRecords.Fill(generation, read);
            }

            foreach (var (rowId, edge) in read)
            {
                byRow[rowId] = edge;
            }
        }

        return [.. rowIds.Where(byRow.ContainsKey).Select(r => byRow[r])];
    }

    // ---- Writes --------------------------------------------------------------------------------------

    public Task<Change> UpsertNodeAsync(Node node, CancellationToken cancellationToken = default) =>
        WriteAsync(ChangeKind.NodeUpserted, node.Id, (connection, transaction) =>
        {
            using var upsert = Command(connection, transaction, NodeUpsertSql + " RETURNING nid, version");
            BindNode(upsert, node);
            using var reader = upsert.ExecuteReader();
            reader.Read();
            var rowId = reader.GetInt64(0);
            var written = node with { Version = reader.GetInt64(1) };
            return (rowId, writer => writer.UpsertNode(written));
        }, cancellationToken)!;

    public Task<Change> UpsertEdgeAsync(Edge edge, CancellationToken cancellationToken = default) =>
        WriteAsync(ChangeKind.EdgeUpserted, edge.Id, (connection, transaction) =>
        {
            if (!Vocabulary.IsEdgeType(edge.Type))
            {
                throw new GraphWriteException($"unknown edge type '{edge.Type}'");
            }

            using var upsert = Command(connection, transaction, EdgeUpsertSql);
            BindEdge(upsert, edge);
            if (upsert.ExecuteScalar() is not { } row)
            {
                var missing = new[] { edge.Source, edge.Target }.First(endpoint => !_writer!.HasNode(endpoint));
                throw new GraphWriteException($"no node with id '{missing}'");
            }

            var rowId = Convert.ToInt64(row, CultureInfo.InvariantCulture);
            return (rowId, writer => writer.UpsertEdge(rowId, edge.Type, edge.Source, edge.Target));
        }, cancellationToken)!;

    public Task<Change?> RemoveEdgeAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(ChangeKind.EdgeRemoved, id, (connection, transaction) =>
        {
            using var delete = Command(connection, transaction, "DELETE FROM edges WHERE id = $id RETURNING eid");
            Bind(delete, ("$id", id));
            if (delete.ExecuteScalar() is not { } row)
            {
                return null;
            }

            var rowId = Convert.ToInt64(row, CultureInfo.InvariantCulture);
            return (rowId, writer => writer.RemoveEdge(rowId));
        }, cancellationToken);

    public Task<Change?> RemoveNodeAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(ChangeKind.NodeRemoved, id, (connection, transaction) =>
        {
            EnsureEdgeIndexes(connection, transaction);
            using var delete = Command(connection, transaction, "DELETE FROM nodes WHERE id = $id RETURNING nid");
            Bind(delete, ("$id", id));
            return delete.ExecuteScalar() is { } row
                ? (Convert.ToInt64(row, CultureInfo.InvariantCulture), writer => writer.RemoveNode(id))
                : null;
        }, cancellationToken);

    /// <summary>
    /// Runs one write in a transaction with its change row (first bringing the index up to date with what
    /// other processes committed); once committed, applies it to the index and publishes the new view, so the
    /// next query sees it. The write returns null (nothing to do) or the row it touched and the index update.
    /// </summary>
    private async Task<Change?> WriteAsync(ChangeKind kind, string entityId, Func<SqliteConnection, SqliteTransaction, (long RowId, Action<IndexWriter> Apply)?> write, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _ = Index;
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            CatchUp(connection, transaction);
            if (write(connection, transaction) is not { } done)
            {
                return null;
            }

            var change = AppendChange(connection, transaction, kind, entityId, done.RowId);
            transaction.Commit();
            ExplorerMetrics.CommitDuration.RecordSince(started, new("explorer.write", "topology"));
            var building = System.Diagnostics.Stopwatch.GetTimestamp();
            ApplyCommitted(change.Seq, done.Apply);
            ExplorerMetrics.IndexBuildDuration.RecordSince(building, new("explorer.index.reason", "write"));
            _edgeRecords.Apply(change);
            return change;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT coalesce(max(seq), 0) FROM changes");
        return Task.FromResult(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    public Task<IReadOnlyList<Change>> GetChangesAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT seq, at, kind, entity_id FROM changes WHERE seq > $after ORDER BY seq LIMIT $limit");
        Bind(command, ("$after", after), ("$limit", Math.Clamp(limit, 0, 10_000)));
        using var reader = command.ExecuteReader();
        var result = new List<Change>();
        while (reader.Read())
        {
            result.Add(new Change(
                reader.GetInt64(0),
                DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                Enum.Parse<ChangeKind>(reader.GetString(2)),
                reader.GetString(3)));
        }

        return Task.FromResult<IReadOnlyList<Change>>(result);
    }

    private static Change AppendChange(SqliteConnection connection, SqliteTransaction transaction, ChangeKind kind, string entityId, long? rowId = null)
    {
        var at = DateTimeOffset.UtcNow;
        using var command = Command(connection, transaction, "INSERT INTO changes (at, kind, entity_id, row_id) VALUES ($at, $kind, $entity, $row) RETURNING seq");
        Bind(command, ("$at", at.ToString("O", CultureInfo.InvariantCulture)), ("$kind", kind.ToString()), ("$entity", entityId), ("$row", rowId is { } row ? row : DBNull.Value));
        return new Change(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture), at, kind, entityId);
    }

    public async ValueTask DisposeAsync()
    {
        // New annotation writes are refused; those already queued still commit (their callers are waiting).
        _disposed = true;
        await _annotationWrites.DrainAsync();
        await _closing.CancelAsync();
        if (_pacedCompaction is { } paced)
        {
            await paced;
        }

        await WaitForCompactionAsync();
        await WaitForSnapshotAsync();

        ReleaseBulkConnection();
        WaitForBulkCheckpoint();
        _writeLock.Dispose();
        _closing.Dispose();
        SqliteConnection.ClearAllPools();
    }

    // ---- SQL helpers ---------------------------------------------------------------------------------

    private const string NodeUpsertSql = """
        INSERT INTO nodes (id, kind, name, aliases, description, valid_from, valid_to) VALUES ($id, $kind, $name, $aliases, $description, $validFrom, $validTo)
        ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name, aliases = excluded.aliases, description = excluded.description,
            valid_from = excluded.valid_from, valid_to = excluded.valid_to, version = nodes.version + 1
        """;

    /// <summary>An edge upsert's update of a row whose id is taken (every edge write path uses it; status is the review's, kept).</summary>
    private const string EdgeOnConflictUpdate = """
        ON CONFLICT(id) DO UPDATE SET type = excluded.type, source_nid = excluded.source_nid, target_nid = excluded.target_nid, evidence = excluded.evidence,
            valid_from = excluded.valid_from, valid_to = excluded.valid_to, suspensions = excluded.suspensions, version = edges.version + 1
        """;

    private const string EdgeUpsertSql = $"""
        INSERT INTO edges (id, type, source_nid, target_nid, evidence, valid_from, valid_to, suspensions, status)
        SELECT $id, $type, s.nid, t.nid, $evidence, $validFrom, $validTo, $suspensions, $status FROM nodes s, nodes t WHERE s.id = $source AND t.id = $target
        {EdgeOnConflictUpdate}
        RETURNING eid
        """;

    private const string EdgeSelectSql = """
        SELECT e.id, e.type, s.id, t.id, e.evidence, e.eid, e.valid_from, e.valid_to, e.suspensions, e.status, e.version
        FROM edges e JOIN nodes s ON s.nid = e.source_nid JOIN nodes t ON t.nid = e.target_nid
        """;

    private SqliteConnection Open()
    {
        var connection = SqliteSchema.Open(_connectionString);
        if (_maxSizeBytes is { } maxBytes)
        {
            // A size cap (Explorer:MaxDatabaseSizeMB): past it SQLite answers SQLITE_FULL, as on a full disk.
            if (Interlocked.Read(ref _maxPageCount) == 0)
            {
                using var pageSize = Command(connection, null, "PRAGMA page_size");
                Interlocked.Exchange(ref _maxPageCount, Math.Max(1, maxBytes / Convert.ToInt64(pageSize.ExecuteScalar(), CultureInfo.InvariantCulture)));
            }

            using var cap = Command(connection, null, $"PRAGMA max_page_count = {Interlocked.Read(ref _maxPageCount).ToString(CultureInfo.InvariantCulture)}");
            cap.ExecuteNonQuery();
        }

        return connection;
    }

    /// <summary>Builds the index from what <paramref name="transaction"/> sees (edges read beside the nodes on a second connection when it can be pinned to the same state).</summary>
    private GraphIndex LoadIndex(SqliteConnection connection, SqliteTransaction? transaction, string reason)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return GraphIndex.Load(connection, transaction, Open);
        }
        finally
        {
            ExplorerMetrics.IndexBuildDuration.RecordSince(started, new("explorer.index.reason", reason));
        }
    }

    private const string SourceSelectSql = "SELECT id, title, kind, description, text, url, version FROM sources";

    private static SourceDocument ReadSource(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))
        {
            Url = reader.IsDBNull(5) ? null : reader.GetString(5),
            Version = reader.GetInt64(6),
        };

    private static void BindSource(SqliteCommand command, SourceDocument source) => Bind(
        command,
        ("$id", source.Id),
        ("$title", source.Title),
        ("$kind", source.Kind),
        ("$description", source.Description),
        ("$text", source.Text),
        ("$url", (object?)source.Url ?? DBNull.Value));

    private static Node ReadNode(SqliteDataReader reader, int first)
    {
        var aliases = reader.GetString(first + 3);
        return new Node(
            reader.GetString(first),
            Enum.Parse<NodeKind>(reader.GetString(first + 1)),
            reader.GetString(first + 2),
            aliases.Length == 0 ? [] : aliases.Split(AliasSeparator),
            reader.GetString(first + 4),
            reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5),
            reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6))
        {
            Version = reader.GetInt64(first + 7),
        };
    }

    private static Edge ReadEdge(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        JsonSerializer.Deserialize<List<Evidence>>(reader.GetString(4), s_json) ?? [],
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<List<Suspension>>(reader.GetString(8), s_json))
    {
        Status = Enum.Parse<EdgeStatus>(reader.GetString(9)),
        Version = reader.GetInt64(10),
    };

    private static void BindNode(SqliteCommand command, Node node) => Bind(
        command,
        ("$id", node.Id),
        ("$kind", node.Kind.ToString()),
        ("$name", node.Name),
        ("$aliases", string.Join(AliasSeparator, node.Aliases)),
        ("$description", node.Description),
        ("$validFrom", (object?)node.ValidFrom ?? DBNull.Value),
        ("$validTo", (object?)node.ValidTo ?? DBNull.Value));

    private static void BindEdge(SqliteCommand command, Edge edge) => Bind(
        command,
        ("$id", edge.Id),
        ("$type", edge.Type),
        ("$source", edge.Source),
        ("$target", edge.Target),
        ("$evidence", JsonSerializer.Serialize(edge.Evidence, s_json)),
        ("$validFrom", (object?)edge.ValidFrom ?? DBNull.Value),
        ("$validTo", (object?)edge.ValidTo ?? DBNull.Value),
        ("$suspensions", edge.Suspensions.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(edge.Suspensions, s_json)),
        ("$status", edge.Status.ToString()));


    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
    }
}
