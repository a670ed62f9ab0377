using System.Globalization;
using System.Text.Json;
using Explorer.Algorithms;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Ranking;
using Explorer.Search;
using Explorer.Seed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Explorer.Neo4j;

/// <summary>
/// The production store: Neo4j over its HTTP Query API. Nodes are <c>:Node</c> (plus their kind as a label)
/// keyed by our stable <c>id</c> (never Neo4j's element id); edges are relationships typed by the
/// vocabulary; sources are <c>:Source</c>; the change log is <c>:Change</c> nodes numbered by a
/// <c>:ChangeLog</c> counter. Every write is one auto-commit statement (<see cref="WriteAsync"/>) that takes the
/// counter's lock, makes its change, numbers it and writes its change-log entry, so it works alike on a single
/// server, on Aura and behind a cluster's load balancer, holds no lock across round trips, and can be retried:
/// it carries a client-generated change id and does nothing when that id is already committed. Ranking reuses the embedded store's code: search candidates come
/// from a full-text index over normalized keys and are scored by <see cref="NameIndex"/>; ranked (k) paths run
/// <see cref="PathSearch.KShortest"/> on the candidate subgraph fetched within the hop bound.
/// </summary>
/// <remarks>
/// New members (annotations, users, tokens) follow the same shape: statements in <see cref="Cypher"/>, reads
/// through <see cref="ReadAsync"/>, writes built with Cypher's Write(...) through <see cref="WriteAsync"/> so
/// they get a change-log entry.
/// </remarks>
internal sealed partial class Neo4jGraphStore : IGraphStore
{
    private const int ReadBatch = 1000;
    private const int WriteBatch = 5000;
    private const int SearchCandidateLimit = 2000;
    private const int ResolveLimit = 1000;
    private const int SourcePage = 10_000;
    private const int EdgeRowBudget = 200_000;
    private const string ConstraintViolation = "Neo.ClientError.Schema.ConstraintValidationFailed";
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly string[] s_allKinds = Enum.GetNames<NodeKind>();

    private readonly QueryApiClient _client;
    private readonly HttpClient? _ownedHttp;
    private readonly ILogger _logger;
    private readonly TimeSpan _indexWait;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    public Neo4jGraphStore(QueryApiClient client, ILogger? logger = null, HttpClient? ownedHttp = null, TimeSpan? indexWait = null, TimeProvider? time = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _client = client;
        _logger = logger ?? NullLogger.Instance;
        _ownedHttp = ownedHttp;
        _indexWait = indexWait ?? TimeSpan.FromMinutes(5);
        _time = time ?? TimeProvider.System;
        _delay = delay ?? ((wait, token) => Task.Delay(wait, _time, token));
    }

    public string Name => "neo4j";

    public bool SupportsAsOf => true;

    /// <summary>"5.26.0 community" once initialized.</summary>
    public string? ServerVersion { get; private set; }

    /// <summary>Neo4j 5.21+ (and calendar versions): ALL SHORTEST over quantified path patterns; else allShortestPaths().</summary>
    public bool ModernPathSyntax { get; private set; }

    // ---- Start-up --------------------------------------------------------------------------------------

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var where = $"{_client.ServerUri}db/{_client.Database}/query/v2";
        try
        {
            await _client.ProbeAsync(cancellationToken);
        }
        catch (Neo4jException ex) when (ex.Kind == Neo4jErrorKind.Authentication)
        {
            throw new Neo4jException(ex.Kind, $"Neo4j at {_client.ServerUri} rejected the credentials ({(int?)ex.Status}): check Neo4j:User and Neo4j:Password, or Neo4j:Token", ex.Code, ex.Status, ex);
        }
        catch (Neo4jException ex) when (ex.Kind == Neo4jErrorKind.NotFound)
        {
            if (ex.Code?.Contains("DatabaseNotFound", StringComparison.Ordinal) == true)
            {
                throw new Neo4jException(ex.Kind, $"Neo4j at {_client.ServerUri} has no database '{_client.Database}' (check Neo4j:Database)", ex.Code, ex.Status, ex);
            }

            var rootAnswers = await _client.RootAnswersAsync(cancellationToken);
            throw new Neo4jException(ex.Kind, rootAnswers
                ? $"the Query API is disabled: {where} answers 404 while {_client.ServerUri} answers. It needs Neo4j 5.19+ (on by default from 5.25); otherwise add QUERY_API_ENDPOINTS to server.http_enabled_modules"
                : $"{where} answers 404 and {_client.ServerUri} does not answer: is Neo4j:Uri the server's HTTP endpoint?", ex.Code, ex.Status, ex);
        }

        var component = First((await ReadAsync(Cypher.Components, [], cancellationToken)).Records);
        var version = component is null ? null : First(component.Strings("versions"));
        version ??= "unknown";
        ServerVersion = $"{version} {component?.StringOrNull("edition")}".Trim();
        ModernPathSyntax = SupportsModernPaths(version);
        LogConnected(_logger, _client.ServerUri, _client.Database, ServerVersion, ModernPathSyntax ? "ALL SHORTEST" : "allShortestPaths()");

        await CreateSchemaAsync(cancellationToken);
        await AwaitIndexesAsync(cancellationToken);
        await EnsureChangeLogAsync(cancellationToken);
    }

    /// <summary>
    /// Creates constraints and indexes one statement at a time. IF NOT EXISTS makes a repeat harmless, but two
    /// instances starting together can still race between the check and the creation; the loser gets an
    /// "already exists" error (Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists, IndexAlreadyExists,
    /// ConstraintAlreadyExists: https://neo4j.com/docs/status-codes/current/errors/all-errors/ ), which means
    /// what it wanted is there.
    /// </summary>
    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        foreach (var statement in Cypher.Schema)
        {
            try
            {
                await _client.RunAsync(statement, null, QueryAccess.IdempotentWrite, cancellationToken);
            }
            catch (Neo4jException ex) when (ex.Kind == Neo4jErrorKind.Client && ex.Code?.StartsWith("Neo.ClientError.Schema.", StringComparison.Ordinal) == true && ex.Code.EndsWith("AlreadyExists", StringComparison.Ordinal))
            {
                LogSchemaRace(_logger, ex.Code);
            }
        }
    }

    /// <summary>
    /// Waits until Explorer's indexes are online (new ones are populated in the background), polling their
    /// state with short reads under <see cref="Neo4jOptions.IndexWaitSeconds"/>, and logging progress.
    /// </summary>
    private async Task AwaitIndexesAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var poll = TimeSpan.FromSeconds(1);
        for (var round = 0; ; round++)
        {
            var states = (await ReadAsync(Cypher.IndexStates, Params(("prefix", Cypher.IndexPrefix)), cancellationToken)).Records
                .Select(r => (Name: r.String("name"), State: r.String("state"), Percent: r["populationPercent"] is double d ? d : r["populationPercent"] is long l ? l : 0))
                .ToList();
            if (states.FirstOrDefault(s => s.State == "FAILED") is { Name: not null } failed)
            {
                throw new Neo4jException(Neo4jErrorKind.Database, $"Neo4j could not build index {failed.Name} (state FAILED): see SHOW INDEXES and Neo4j's log");
            }

            var waiting = states.Where(s => s.State != "ONLINE").ToList();
            if (waiting.Count == 0)
            {
                var seconds = _time.GetElapsedTime(started).TotalSeconds;
                if (round > 0)
                {
                    LogIndexesOnline(_logger, states.Count, seconds);
                }

                return;
            }

            var elapsed = _time.GetElapsedTime(started);
            if (elapsed >= _indexWait)
            {
                throw new Neo4jException(Neo4jErrorKind.Timeout, $"Neo4j's indexes are not online after {_indexWait.TotalSeconds:0} s ({string.Join(", ", waiting.Select(w => $"{w.Name} {w.State} {w.Percent:0}%"))}); raise Neo4j:IndexWaitSeconds or check Neo4j's log");
            }

            if (round % 10 == 0)
            {
                var names = string.Join(", ", waiting.Take(3).Select(w => $"{w.Name} {w.Percent:0}%"));
                LogIndexesPopulating(_logger, states.Count - waiting.Count, states.Count, names, elapsed.TotalSeconds);
            }

            await _delay(poll, cancellationToken);
        }
    }

    /// <summary>
    /// The change-log counter, created once (MERGE on a unique key: concurrent instances end with one); on a
    /// database written before suspensions were also stored as spans, adds the spans first.
    /// </summary>
    private async Task EnsureChangeLogAsync(CancellationToken cancellationToken)
    {
        QueryResult log;
        try
        {
            log = await _client.RunAsync(Cypher.EnsureChangeLog, Params(("log", Cypher.ChangeLogId)), QueryAccess.IdempotentWrite, cancellationToken);
        }
        catch (Neo4jException ex) when (ex.Code == ConstraintViolation)
        {
            // Another instance created it between our MERGE's match and create: it is there now.
            log = await _client.RunAsync(Cypher.EnsureChangeLog, Params(("log", Cypher.ChangeLogId)), QueryAccess.IdempotentWrite, cancellationToken);
        }

        if (First(log.Records)?["datedSpans"] is not true)
        {
            await AddSuspensionSpansAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The one-time migration behind as-of queries: every edge with suspensions gets them as
    /// <c>suspensionSpans</c> too (see Cypher.HoldsEdge), in batches (idempotent: two instances doing it at once
    /// write the same values), then the change log is marked so later starts skip the scan.
    /// </summary>
    private async Task AddSuspensionSpansAsync(CancellationToken cancellationToken)
    {
        var migrated = 0;
        while (true)
        {
            var rows = (await ReadAsync(Cypher.EdgesMissingSpans, Params(("limit", WriteBatch)), cancellationToken)).Records;
            if (rows.Count == 0)
            {
                break;
            }

            foreach (var group in rows.GroupBy(r => r.String("type")).Where(g => Vocabulary.IsEdgeType(g.Key)))
            {
                var batch = group.Select(r => Params(("id", r.String("id")), ("spans", Spans(Suspensions(r.StringOrNull("suspensions")))))).ToList();
                await _client.RunAsync(Cypher.SetSpans[group.Key], Params(("rows", batch)), QueryAccess.IdempotentWrite, cancellationToken);
            }

            migrated += rows.Count;
            if (rows.Count < WriteBatch)
            {
                break;
            }
        }

        await _client.RunAsync(Cypher.MarkSpansDone, Params(("log", Cypher.ChangeLogId)), QueryAccess.IdempotentWrite, cancellationToken);
        if (migrated > 0)
        {
            LogSpansMigrated(_logger, migrated);
        }
    }

    /// <summary>Whether the server understands SHORTEST/ALL SHORTEST path selectors (5.21+, calendar versions 2025.x+).</summary>
    internal static bool SupportsModernPaths(string version)
    {
        var parts = version.Split('.', '-');
        return parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            && (major > 5 || (major == 5 && minor >= 21));
    }

    // ---- Seeding ---------------------------------------------------------------------------------------

    /// <summary>
    /// Reads the current records in batches, then writes only new or changed ones in a few large statements
    /// (UNWIND over up to <see cref="WriteBatch"/> rows each: sources, nodes per kind, edges per type), each its
    /// own auto-commit request that is idempotent (MERGE and SET), so a retry or a second run converges; then one
    /// GraphReloaded change. Unlike the embedded store's single transaction, an interrupted seed leaves the
    /// batches it finished; running it again completes it.
    /// </summary>
    public async Task<SeedReport> SeedAsync(GraphSeed seed, IProgress<SeedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        foreach (var edge in seed.Edges.Where(e => !Vocabulary.IsEdgeType(e.Type)))
        {
            throw new GraphWriteException($"unknown edge type '{edge.Type}'");
        }

        var full = seed;
        var taken = (await ReadAsync(Cypher.TakenOver, Params(), cancellationToken)).Records
            .Select(r => (Enum.Parse<RecordKind>(r.String("recordKind")), r.String("recordId"))).ToHashSet();
        seed = seed.Without(taken);
        var sources = await SeedSourcesAsync(seed.Sources, progress, cancellationToken);
        var nodes = await SeedNodesAsync(seed.Nodes, progress, cancellationToken);
        var edges = await SeedEdgesAsync(seed.Edges, progress, cancellationToken);
        if (sources.Added + sources.Updated + nodes.Added + nodes.Updated + edges.Added + edges.Updated > 0)
        {
            await WriteAsync(Cypher.AppendChange, [], ChangeKind.GraphReloaded, "seed", DateTimeOffset.UtcNow, cancellationToken);
        }

        return full.Report(seed, new SeedReport(sources, nodes, edges));
    }

    /// <summary>The records of <paramref name="items"/> that are new or differ from what the store holds, with the stored ones.</summary>
    private async Task<(List<T> Changed, Dictionary<string, T> Existing, SeedCounts Counts)> DiffAsync<T>(IReadOnlyList<T> items, Func<T, string> id, string byIds, Func<QueryRecord, T> read, Func<T, T, bool> same, CancellationToken cancellationToken)
    {
        int added = 0, updated = 0, unchanged = 0;
        var changed = new List<T>();
        var existing = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var batch in items.Chunk(ReadBatch))
        {
            foreach (var record in (await ReadAsync(byIds, Params(("ids", batch.Select(id).ToList())), cancellationToken)).Records)
            {
                var item = read(record);
                existing[id(item)] = item;
            }

            foreach (var item in batch)
            {
                if (existing.TryGetValue(id(item), out var current) && same(current, item))
                {
                    unchanged++;
                    continue;
                }

                _ = current is null ? added++ : updated++;
                changed.Add(item);
            }
        }

        return (changed, existing, new SeedCounts(added, updated, unchanged));
    }

    private async Task<SeedCounts> SeedSourcesAsync(IReadOnlyList<SourceDocument> sources, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var (changed, _, counts) = await DiffAsync(sources, s => s.Id, Cypher.SourcesByIds, ReadSource, (a, b) => a.SameAs(b), cancellationToken);
        foreach (var batch in changed.Chunk(WriteBatch))
        {
            await _client.RunAsync(Cypher.UpsertSources, Params(("rows", batch.Select(SourceRow).ToList())), QueryAccess.IdempotentWrite, cancellationToken);
        }

        progress?.Report(new SeedProgress("sources", sources.Count, sources.Count));
        return counts;
    }

    private async Task<SeedCounts> SeedNodesAsync(IReadOnlyList<Node> nodes, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var (changed, _, counts) = await DiffAsync(nodes, n => n.Id, Cypher.NodesByIds, ReadNode, (a, b) => a.SameAs(b), cancellationToken);
        var done = nodes.Count - changed.Count;
        progress?.Report(new SeedProgress("nodes", done, nodes.Count));
        foreach (var group in changed.GroupBy(n => n.Kind))
        {
            foreach (var batch in group.Chunk(WriteBatch))
            {
                await _client.RunAsync(Cypher.SeedNodes[group.Key], Params(("log", Cypher.ChangeLogId), ("rows", batch.Select(NodeRow).ToList())), QueryAccess.IdempotentWrite, cancellationToken);
                done += batch.Length;
                progress?.Report(new SeedProgress("nodes", done, nodes.Count));
            }
        }

        return counts;
    }

    private async Task<SeedCounts> SeedEdgesAsync(IReadOnlyList<Edge> edges, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var (changed, existing, counts) = await DiffAsync(edges, e => e.Id, Cypher.EdgesByIds, ReadEdge, (a, b) => a.SameAs(b), cancellationToken);
        var done = edges.Count - changed.Count;
        progress?.Report(new SeedProgress("edges", done, edges.Count));

        // A relationship's type and endpoints cannot change in place: those edges are removed first (by their
        // stored type), then every changed edge is merged by id between its endpoints.
        var moved = changed.Where(e => existing.TryGetValue(e.Id, out var old) && (old.Type != e.Type || old.Source != e.Source || old.Target != e.Target));
        foreach (var group in moved.GroupBy(e => existing[e.Id].Type))
        {
            foreach (var batch in group.Chunk(WriteBatch))
            {
                await _client.RunAsync(Cypher.DeleteEdges[group.Key], Params(("log", Cypher.ChangeLogId), ("ids", batch.Select(e => e.Id).ToList())), QueryAccess.IdempotentWrite, cancellationToken);
            }
        }

        foreach (var group in changed.GroupBy(e => e.Type))
        {
            foreach (var batch in group.Chunk(WriteBatch))
            {
                var written = (await _client.RunAsync(Cypher.SeedEdges[group.Key], Params(("log", Cypher.ChangeLogId), ("rows", batch.Select(EdgeRow).ToList())), QueryAccess.IdempotentWrite, cancellationToken)).Single().Long("written");
                if (written < batch.Length)
                {
                    await ThrowMissingEndpointAsync(batch, cancellationToken);
                }

                done += batch.Length;
                progress?.Report(new SeedProgress("edges", done, edges.Count));
            }
        }

        return counts;
    }

    private async Task ThrowMissingEndpointAsync(Edge[] edges, CancellationToken cancellationToken)
    {
        var ids = edges.SelectMany(e => new[] { e.Source, e.Target }).Distinct(StringComparer.Ordinal).ToList();
        var present = (await ReadAsync(Cypher.NodesByIds, Params(("ids", ids)), cancellationToken)).Records.Select(r => r.String("id")).ToHashSet(StringComparer.Ordinal);
        var bad = edges.FirstOrDefault(e => !present.Contains(e.Source) || !present.Contains(e.Target)) ?? edges[0];
        throw new GraphWriteException($"edge '{bad.Id}' joins a node that does not exist");
    }

    // ---- Reads -----------------------------------------------------------------------------------------

    public async Task<GraphCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        // Two statements, each answered from Neo4j's count store.
        var nodes = (await ReadAsync(Cypher.CountNodes, [], cancellationToken)).Single().Long("count");
        var edges = (await ReadAsync(Cypher.CountEdges, [], cancellationToken)).Single().Long("count");
        return new GraphCounts((int)nodes, (int)edges);
    }

    /// <summary>
    /// The earliest and latest date any node or edge carries (suspensions included): the extremes of each
    /// precision from two statements (one scan of the dated nodes, one of the relationships), combined as the
    /// embedded store combines its dates.
    /// </summary>
    public async Task<DateRange?> GetDateRangeAsync(CancellationToken cancellationToken = default)
    {
        var dates = new List<string?>();
        foreach (var statement in new[] { Cypher.NodeDateRange, Cypher.EdgeDateRange })
        {
            foreach (var row in (await ReadAsync(statement, [], cancellationToken)).Records)
            {
                dates.Add(row.StringOrNull("earliest"));
                dates.Add(row.StringOrNull("latest"));
            }
        }

        return DateRange.Of(dates);
    }

    /// <summary>
    /// Candidates from the full-text index (whitespace analyzer over keys already normalized by
    /// <see cref="TextNormalizer"/>): exact keys, every token with the last as a prefix, and fuzzy terms when
    /// the embedded store would look for typos; then the embedded store's own <see cref="NameIndex"/> ranks
    /// them, so tiers and scores are the same.
    /// </summary>
    public async Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        var key = TextNormalizer.Normalize(query.Text);
        var tokens = TextNormalizer.Tokens(key);
        if (key.Length == 0 || tokens.Length == 0 || query.Limit <= 0)
        {
            return SearchResults.Empty;
        }

        var budget = Math.Min(2, TextNormalizer.FuzzyBudget(key.Length));
        var parameters = Params(
            ("key", key),
            ("exact", Phrase(key)),
            ("tokens", string.Join(' ', tokens.Select((t, i) => $"+{t}{(i == tokens.Length - 1 ? "*" : "")}"))),
            ("fuzzy", budget > 0 ? string.Join(' ', tokens.Select(t => $"+{t}~{budget}")) : null),
            ("kinds", query.Kinds is { Count: > 0 } ? query.Kinds.Select(k => k.ToString()).ToList() : null),
            ("limit", SearchCandidateLimit + 1));
        var result = await ReadAsync(budget > 0 ? Cypher.SearchCandidatesWithFuzzy : Cypher.SearchCandidates, parameters, cancellationToken);
        var candidates = result.Records.Select(ReadNode).DistinctBy(n => n.Id).OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        var names = NameIndex.Build(candidates.Length, i => [candidates[i].Id, candidates[i].Name, .. candidates[i].Aliases], i => candidates[i].Kind, i => candidates[i].Name);

        // As the embedded store: with a date, the best limit × 4 (at most 400) are ranked, then those that held are kept.
        var found = names.Search(query.Text, query.Kinds, query.AsOf is null ? query.Limit : Math.Min(query.Limit * 4, 400));
        var hits = found
            .Where(h => query.AsOf is not { } period || candidates[h.Node].Holds(period))
            .Take(query.Limit)
            .Select(h =>
            {
                var node = candidates[h.Node];
                return new SearchHit(node.Id, node.Kind, node.Name, node.Aliases, Math.Round(h.Score, 3), h.Match);
            })
            .ToList();

        // A branch with more rows than the cap was cut by the full-text index's own score before our ranking saw it.
        var truncated = result.Records.GroupBy(r => r.String("branch")).Any(g => g.Count() > SearchCandidateLimit);
        return new SearchResults(hits, truncated);
    }

    public async Task<IReadOnlyList<Node>> ResolveAsync(string term, CancellationToken cancellationToken = default)
    {
        var key = TextNormalizer.Normalize(term);
        if (key.Length == 0)
        {
            return [];
        }

        var result = await ReadAsync(Cypher.Resolve, Params(("exact", Phrase(key)), ("key", key), ("limit", ResolveLimit)), cancellationToken);
        return [.. result.Records.Select(ReadNode)];
    }

    public async Task<NodeDetails?> GetNodeAsync(string id, CancellationToken cancellationToken = default)
    {
        var rows = (await ReadAsync(Cypher.NodeDetails, Params(("id", id)), cancellationToken)).Records;
        if (rows.Count == 0)
        {
            return null;
        }

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => r.StringOrNull("type") is not null))
        {
            counts[row.String("type")] = (int)row.Long("count");
        }

        return new NodeDetails(ReadNode(rows[0]), counts.Values.Sum(), counts);
    }

    /// <summary>
    /// Breadth-first, one query per level (frontier in discovery order, each node's edges by id), stopping once
    /// the page is full; the levels become a small <see cref="CsrGraph"/> on which the embedded store's own
    /// <see cref="Neighborhoods.Collect"/> applies the offset, limit and edge cap.
    /// </summary>
    public async Task<Neighborhood?> GetNeighborhoodAsync(NeighborhoodQuery query, CancellationToken cancellationToken = default)
    {
        var details = await GetNodeAsync(query.NodeId, cancellationToken);
        if (details is null)
        {
            return null;
        }

        var center = details.Node;
        var types = TypeList(query.Types);
        var kinds = KindList(query.Kinds);
        var order = new List<Node> { center };
        var position = new Dictionary<string, int>(StringComparer.Ordinal) { [center.Id] = 0 };
        var edges = new List<Edge>();
        var edgeIds = new HashSet<string>(StringComparer.Ordinal);
        var frontier = new List<string> { center.Id };
        var partial = false;
        for (var level = 0; level < query.Depth && frontier.Count > 0; level++)
        {
            var rows = (await ReadAsync(Cypher.NeighborhoodLevel, Dated(query.AsOf, query.Statuses,
                ("frontier", frontier), ("center", center.Id), ("types", types), ("kinds", kinds), ("rows", PathSearch.CandidateBudget)), cancellationToken)).Records;
            partial |= rows.Count >= PathSearch.CandidateBudget;
            var rank = frontier.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
            var next = new List<string>();
            foreach (var row in rows.OrderBy(r => rank[r.String("from")]).ThenBy(r => r.String("edge"), StringComparer.Ordinal))
            {
                var id = row.String("id");
                if (!position.ContainsKey(id))
                {
                    position[id] = order.Count;
                    order.Add(ReadNode(row));
                    next.Add(id);
                }

                if (edgeIds.Add(row.String("edge")))
                {
                    edges.Add(new Edge(
                        row.String("edge"), row.String("type"), row.String("source"), row.String("target"), Evidence(row.StringOrNull("evidence")),
                        row.StringOrNull("edgeValidFrom"), row.StringOrNull("edgeValidTo"), Suspensions(row.StringOrNull("suspensions")))
                    {
                        Status = Status(row.StringIfAny("edgeStatus")),
                        Version = row.LongOr("edgeVersion", 1),
                    });
                }
            }

            frontier = next;
            if (order.Count - 1 > query.Offset + query.Limit)
            {
                break; // Collect truncates within what is here.
            }
        }

        var graph = Subgraph(order, edges, position);
        var found = Neighborhoods.Collect(graph, 0, query.Depth, TraversalFilter.None, query.Limit, query.Offset);
        return new Neighborhood(
            center,
            [.. found.Nodes.Select(o => order[o])],
            [.. found.Edges.Select(e => edges[e])],
            found.Truncated || partial,
            query.AsOf is null && query.Statuses is null ? details.CountsByType : await CountsByTypeAsync(center.Id, query.AsOf, query.Statuses, cancellationToken));
    }

    /// <summary>The center's edges by type that held as of the date and have one of the review statuses (what "N more" counts on a dated or status-filtered view).</summary>
    private async Task<IReadOnlyDictionary<string, int>> CountsByTypeAsync(string id, PartialDate? asOf, IReadOnlySet<EdgeStatus>? statuses, CancellationToken cancellationToken) =>
        (await ReadAsync(Cypher.CountsByTypeAsOf, Dated(asOf, statuses, ("id", id)), cancellationToken)).Records
            .ToDictionary(r => r.String("type"), r => (int)r.Long("count"), StringComparer.Ordinal);

    public async Task<Edge?> GetEdgeAsync(string id, CancellationToken cancellationToken = default) =>
        First(await EdgesAsync([id], cancellationToken));

    public async Task<SourceDocument?> GetSourceAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync(Cypher.SourcesByIds, Params(("ids", new List<string> { id })), cancellationToken)).Records.Select(ReadSource).FirstOrDefault();

    /// <summary>Every source, by id: read a page of <see cref="SourcePage"/> at a time after the last id seen, so none is left out.</summary>
    public async Task<IReadOnlyList<SourceInfo>> ListSourcesAsync(CancellationToken cancellationToken = default)
    {
        var sources = new List<SourceInfo>();
        while (true)
        {
            var page = (await ReadAsync(Cypher.ListSources, Params(("after", sources.Count == 0 ? null : sources[^1].Id), ("limit", SourcePage)), cancellationToken)).Records;
            sources.AddRange(page.Select(r => new SourceInfo(r.String("id"), r.String("title"), r.String("kind"), r.StringOrNull("description") ?? "")
            {
                Url = r.StringIfAny("url"),
                Version = r.LongOr("version", 1),
            }));
            if (page.Count < SourcePage)
            {
                return sources;
            }
        }
    }

    // ---- Paths -----------------------------------------------------------------------------------------

    /// <summary>
    /// Shortest and all-shortest: ALL SHORTEST over a quantified path pattern (5.21+) or allShortestPaths()
    /// (older), with the filters checked on every step, at most <see cref="PathQuery.MaxAllPaths"/> rows, sorted
    /// by node and edge ids so the answer is deterministic; "shortest" is the first. Ranked (k): the candidate
    /// subgraph within the hop bound is fetched level by level and ranked by the embedded store's
    /// <see cref="PathSearch.KShortest"/>.
    /// </summary>
    public async Task<PathSet> FindPathsAsync(PathQuery query, CancellationToken cancellationToken = default)
    {
        var ends = (await ReadAsync(Cypher.NodesByIds, Params(("ids", new List<string> { query.From, query.To })), cancellationToken)).Records
            .Select(ReadNode).ToDictionary(n => n.Id, StringComparer.Ordinal);
        if (!ends.TryGetValue(query.From, out var from))
        {
            return new PathSet([], [], [], $"No node with id '{query.From}'.");
        }

        if (!ends.TryGetValue(query.To, out var to))
        {
            return new PathSet([], [], [], $"No node with id '{query.To}'.");
        }

        if (query.AsOf is { } period && new[] { from, to }.FirstOrDefault(n => !n.Holds(period)) is { } gone)
        {
            return new PathSet([], [], [], NoPath.DidNotExist(gone, period));
        }

        if (from.Id == to.Id)
        {
            return new PathSet([new GraphPath([from.Id], [], 0, 0)], [from], [], null);
        }

        if (query.Mode == PathMode.Ranked && query.MaxHops > 0)
        {
            var explained = await ExplainedPathsAsync(query, from, to, cancellationToken);
            if (explained is not null)
            {
                return explained;
            }
        }

        var found = query.MaxHops <= 0 || query.Mode == PathMode.Ranked ? []
            : query.Mode == PathMode.K ? await RankedPathsAsync(query, from, to, cancellationToken)
            : await ShortestPathsAsync(query, cancellationToken);
        if (found.Count == 0)
        {
            return new PathSet([], [], [], await NoPathReasonAsync(query, from, to, cancellationToken));
        }

        var truncated = found.Count > PathQuery.MaxAllPaths;
        found = [.. found.Take(PathQuery.MaxAllPaths)];

        var edgeIds = found.SelectMany(p => p.Edges).Distinct(StringComparer.Ordinal).ToList();
        var edgesById = (await EdgesAsync(edgeIds, cancellationToken)).ToDictionary(e => e.Id, StringComparer.Ordinal);
        var nodeIds = found.SelectMany(p => p.Nodes).Distinct(StringComparer.Ordinal).ToList();
        var nodesById = (await ReadAsync(Cypher.NodesByIds, Params(("ids", nodeIds)), cancellationToken)).Records.Select(ReadNode).ToDictionary(n => n.Id, StringComparer.Ordinal);
        // An edge removed between the path query and this read drops the paths through it (never a KeyNotFoundException).
        var paths = found.Where(p => p.Edges.All(edgesById.ContainsKey))
            .Select(p => new GraphPath(p.Nodes, p.Edges, p.Edges.Count, p.Edges.Sum(e => Vocabulary.Cost(edgesById[e].Type)))).ToList();
        return new PathSet(paths, [.. nodeIds.Where(nodesById.ContainsKey).Select(id => nodesById[id])], [.. edgeIds.Where(edgesById.ContainsKey).Select(id => edgesById[id])], null, truncated);
    }

    private sealed record FoundPath(IReadOnlyList<string> Nodes, IReadOnlyList<string> Edges);

    private async Task<List<FoundPath>> ShortestPathsAsync(PathQuery query, CancellationToken cancellationToken)
    {
        // One row more than an answer holds, so a cut is known (FindPathsAsync keeps the first MaxAllPaths and says truncated).
        var rows = await AllShortestAsync(query, Math.Min(query.MaxHops, PathQuery.MaxMaxHops), PathQuery.MaxAllPaths + 1, cancellationToken);
        var paths = rows
            .Select(r => new FoundPath(r.Strings("nodes"), r.Strings("edges")))
            .DistinctBy(p => string.Join('\u001f', p.Edges))
            .OrderBy(p => p.Nodes, IdSequenceComparer.Instance)
            .ThenBy(p => p.Edges, IdSequenceComparer.Instance)
            .ToList();
        return query.Mode == PathMode.Shortest ? [.. paths.Take(1)] : paths;
    }

    private async Task<IReadOnlyList<QueryRecord>> AllShortestAsync(PathQuery query, int hops, int limit, CancellationToken cancellationToken)
    {
        var statement = (ModernPathSyntax ? Cypher.AllShortestModern : Cypher.AllShortestLegacy)[(query.Direction, hops)];
        return (await ReadAsync(statement, PathParams(query, ("limit", limit)), cancellationToken)).Records;
    }

    /// <summary>
    /// Why nothing was found (<see cref="NoPath"/>): the length of a shortest path within
    /// <see cref="PathQuery.MaxMaxHops"/> under the query's own direction, types, kinds, avoid and date, as the
    /// embedded store checks it.
    /// </summary>
    private async Task<string> NoPathReasonAsync(PathQuery query, Node from, Node to, CancellationToken cancellationToken)
    {
        int? shortest = null;
        if (NoPath.NeedsCheck(query))
        {
            var statement = (ModernPathSyntax ? Cypher.ShortestHopsModern : Cypher.ShortestHopsLegacy)[query.Direction];
            shortest = First((await ReadAsync(statement, PathParams(query), cancellationToken)).Records) is { } row ? (int)row.Long("hops") : null;
        }

        return NoPath.Reason(from.Name, to.Name, query, shortest);
    }

    /// <summary>The parameters every path statement takes: ends, filters and the date.</summary>
    private static Dictionary<string, object?> PathParams(PathQuery query, params (string Name, object? Value)[] more) =>
        Dated(query.AsOf, query.Statuses, [("from", query.From), ("to", query.To), ("types", TypeList(query.Types)), ("kinds", KindList(query.Kinds)), ("avoid", (query.Avoid ?? new HashSet<string>()).Order(StringComparer.Ordinal).ToList()), .. more]);

    /// <summary>
    /// Parameters plus the period a statement's as-of test (Cypher.Holds) reads: <c>$first</c>, <c>$last</c>; both null
    /// without a date; and the review statuses its edges must have (<c>$statuses</c>, null for all).
    /// </summary>
    private static Dictionary<string, object?> Dated(PartialDate? asOf, IReadOnlySet<EdgeStatus>? statuses, params (string Name, object? Value)[] values)
    {
        var parameters = Params(values);
        parameters["statuses"] = statuses?.Select(s => s.ToString()).Order(StringComparer.Ordinal).ToList();
        parameters["first"] = asOf?.First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        parameters["last"] = asOf?.Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return parameters;
    }

    private async Task<List<FoundPath>> RankedPathsAsync(PathQuery query, Node from, Node to, CancellationToken cancellationToken)
    {
        var candidate = await CandidateSubgraphAsync(query, from, to, cancellationToken);
        if (candidate is null)
        {
            return [];
        }

        var (graph, ids, edges, position, filter, hops) = candidate;
        var ranked = PathSearch.KShortest(graph, position[from.Id], position[to.Id], query.K, hops, filter, e => Vocabulary.Cost(edges[e].Type));
        return [.. ranked.Select(p => new FoundPath([.. p.Path.Nodes.Select(o => ids[o])], [.. p.Path.Edges.Select(e => edges[e].Id)]))];
    }

    /// <summary>
    /// Ranked mode: the candidate subgraph as for k paths, the degree of its nodes for hub penalties, the
    /// cheapest candidates by the embedded store's <see cref="CheapestPaths"/>, then <see cref="PathRanking"/>
    /// with their evidence: the same code and so the same order as the embedded store. Null when there is no path.
    /// </summary>
    private async Task<PathSet?> ExplainedPathsAsync(PathQuery query, Node from, Node to, CancellationToken cancellationToken)
    {
        var candidate = await CandidateSubgraphAsync(query, from, to, cancellationToken);
        if (candidate is null)
        {
            return null;
        }

        var (graph, ids, edges, position, filter, hops) = candidate;
        var degrees = (await ReadAsync(Cypher.Degrees, Params(("ids", ids)), cancellationToken)).Records
            .ToDictionary(r => r.String("id"), r => (int)r.Long("degree"), StringComparer.Ordinal);
        var sourceKinds = (await ListSourcesAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Kind, StringComparer.Ordinal);
        var edgesById = new Dictionary<string, Edge>(StringComparer.Ordinal);
        var nodesById = new Dictionary<string, Node>(StringComparer.Ordinal);
        var (source, target) = (position[from.Id], position[to.Id]);
        for (var size = PathRanking.PoolSize(query.K); ; size *= 4)
        {
            var pool = CheapestPaths.Find(graph, source, target, hops, filter,
                e => ExplanationScore.HopCost(edges[e].Type), v => ExplanationScore.HubCost(degrees.GetValueOrDefault(ids[v])), size);
            if (pool.Count == 0)
            {
                return null;
            }

            var seen = new Dictionary<(int, int), List<int>>();
            var candidates = pool.Select(p => new PathCandidate(
                [.. p.Path.Nodes.Select(o => ids[o])],
                [.. p.Path.Edges.Select(e => edges[e].Id)],
                [.. RankedSearch.Parallels(graph, filter, source, target, p.Path, seen).Select(hop => (IReadOnlyList<string>)[.. hop.Select(e => edges[e].Id)])])).ToList();
            var edgeIds = candidates.SelectMany(c => c.Parallels!.SelectMany(hop => hop)).Distinct(StringComparer.Ordinal).Where(id => !edgesById.ContainsKey(id)).ToList();
            foreach (var edge in await EdgesAsync(edgeIds, cancellationToken))
            {
                edgesById[edge.Id] = edge;
            }

            var nodeIds = candidates.SelectMany(c => c.Nodes).Distinct(StringComparer.Ordinal).Where(id => !nodesById.ContainsKey(id)).ToList();
            foreach (var node in (await ReadAsync(Cypher.NodesByIds, Params(("ids", nodeIds)), cancellationToken)).Records.Select(ReadNode))
            {
                nodesById[node.Id] = node;
            }

            var paths = PathRanking.Rank(candidates, new RankingContext(edgesById, nodesById, degrees, sourceKinds), query.K, out var worstPick);
            if (PathRanking.IsSettled(pool.Count, size, pool[^1].Cost, worstPick) || size >= PathRanking.MaxPoolSize(query.K))
            {
                var used = paths.SelectMany(p => p.Edges).Distinct(StringComparer.Ordinal).ToList();
                return new PathSet(
                    paths,
                    [.. paths.SelectMany(p => p.Nodes).Distinct(StringComparer.Ordinal).Where(nodesById.ContainsKey).Select(id => nodesById[id])],
                    [.. used.Where(edgesById.ContainsKey).Select(id => edgesById[id])],
                    null);
            }
        }
    }

    private sealed record CandidateSubgraph(CsrGraph Graph, List<string> Ids, List<Edge> Edges, Dictionary<string, int> Position, TraversalFilter Filter, int Hops);

    /// <summary>The subgraph of nodes within the hop bound of both ends (under the query's filters), fetched level by level; null when the ends do not meet.</summary>
    private async Task<CandidateSubgraph?> CandidateSubgraphAsync(PathQuery query, Node from, Node to, CancellationToken cancellationToken)
    {
        var hops = Math.Min(query.MaxHops, PathQuery.MaxMaxHops);
        var types = TypeList(query.Types);
        var kinds = KindList(query.Kinds);
        var avoid = (query.Avoid ?? new HashSet<string>()).ToList();
        var kindOf = new Dictionary<string, NodeKind>(StringComparer.Ordinal) { [from.Id] = from.Kind, [to.Id] = to.Kind };
        var fromSource = await DistancesAsync(from.Id, query.Direction, hops, query, types, kinds, avoid, kindOf, cancellationToken);
        if (!fromSource.ContainsKey(to.Id))
        {
            return null;
        }

        var backward = query.Direction switch { Direction.Out => Direction.In, Direction.In => Direction.Out, _ => Direction.Any };
        var toTarget = await DistancesAsync(to.Id, backward, hops, query, types, kinds, avoid, kindOf, cancellationToken);
        var candidates = fromSource
            .Where(p => toTarget.TryGetValue(p.Key, out var dt) && p.Value + dt <= hops)
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var edgeRows = (await ReadAsync(Cypher.EdgesAmong, Dated(query.AsOf, query.Statuses, ("ids", candidates), ("types", types), ("rows", EdgeRowBudget)), cancellationToken)).Records;
        var edges = edgeRows
            .Select(r => new Edge(r.String("id"), r.String("type"), r.String("source"), r.String("target"), []))
            .OrderBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        var nodes = candidates.Select(id => new Node(id, kindOf[id], id, [], "")).ToList();
        var position = candidates.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        return new CandidateSubgraph(Subgraph(nodes, edges, position), candidates, edges, position, Filter(query, position), hops);
    }

    /// <summary>Hop distances from <paramref name="start"/> under the query's filters, as PathSearch.Distances computes them (never through the far endpoint).</summary>
    private async Task<Dictionary<string, int>> DistancesAsync(string start, Direction direction, int hops, PathQuery query, List<string> types, List<string> kinds, List<string> avoid, Dictionary<string, NodeKind> kindOf, CancellationToken cancellationToken)
    {
        var distance = new Dictionary<string, int>(StringComparer.Ordinal) { [start] = 0 };
        var frontier = new List<string> { start };
        for (var depth = 1; depth <= hops && frontier.Count > 0; depth++)
        {
            var expand = frontier.Where(u => u == start || (u != query.From && u != query.To)).ToList();
            if (expand.Count == 0)
            {
                break;
            }

            var rows = (await ReadAsync(Cypher.ExpandLevel[direction], Dated(query.AsOf, query.Statuses,
                ("frontier", expand), ("from", query.From), ("to", query.To), ("types", types), ("kinds", kinds), ("avoid", avoid), ("rows", PathSearch.CandidateBudget)), cancellationToken)).Records;
            var next = new List<string>();
            foreach (var row in rows.OrderBy(r => r.String("id"), StringComparer.Ordinal))
            {
                var id = row.String("id");
                kindOf[id] = Enum.Parse<NodeKind>(row.String("kind"));
                if (distance.TryAdd(id, depth))
                {
                    next.Add(id);
                }
            }

            if (distance.Count >= PathSearch.CandidateBudget)
            {
                break;
            }

            frontier = next;
        }

        return distance;
    }

    private static TraversalFilter Filter(PathQuery query, Dictionary<string, int> position)
    {
        var typeMask = ulong.MaxValue;
        if (query.Types is { Count: > 0 })
        {
            typeMask = 0;
            foreach (var type in query.Types)
            {
                if (GraphIndex.TryTypeCode(type, out var code))
                {
                    typeMask |= 1UL << code;
                }
            }
        }

        var kindMask = uint.MaxValue;
        if (query.Kinds is { Count: > 0 })
        {
            kindMask = 0;
            foreach (var kind in query.Kinds)
            {
                kindMask |= 1u << (int)kind;
            }
        }

        var avoided = new HashSet<int>();
        foreach (var id in query.Avoid ?? new HashSet<string>())
        {
            if (position.TryGetValue(id, out var ordinal))
            {
                avoided.Add(ordinal);
            }
        }

        return new TraversalFilter(typeMask, kindMask, query.Direction, avoided);
    }

    /// <summary>A topology over fetched records, in the given order (no relabelling), so ordinals are list positions.</summary>
    private static CsrGraph Subgraph(List<Node> nodes, List<Edge> edges, Dictionary<string, int> position)
    {
        var sources = new int[edges.Count];
        var targets = new int[edges.Count];
        var types = new byte[edges.Count];
        for (var i = 0; i < edges.Count; i++)
        {
            sources[i] = position[edges[i].Source];
            targets[i] = position[edges[i].Target];
            types[i] = GraphIndex.TypeCode(edges[i].Type);
        }

        var kinds = nodes.Select(n => (byte)n.Kind).ToArray();
        return CsrGraph.Build(nodes.Count, sources, targets, types, kinds, relabel: false, out _);
    }

    // ---- Writes ----------------------------------------------------------------------------------------

    public async Task<Change> UpsertNodeAsync(Node node, CancellationToken cancellationToken = default) =>
        await WriteAsync(Cypher.UpsertNode[node.Kind], Params(("id", node.Id), ("props", NodeProperties(node))), ChangeKind.NodeUpserted, node.Id, DateTimeOffset.UtcNow, cancellationToken)
            ?? throw new Neo4jException(Neo4jErrorKind.Protocol, $"upserting node '{node.Id}' returned no change");

    public async Task<Change> UpsertEdgeAsync(Edge edge, CancellationToken cancellationToken = default)
    {
        if (!Vocabulary.IsEdgeType(edge.Type))
        {
            throw new GraphWriteException($"unknown edge type '{edge.Type}'");
        }

        var parameters = Params(("id", edge.Id), ("source", edge.Source), ("target", edge.Target), ("props", EdgeProperties(edge)), ("status", edge.Status.ToString()));
        if (await WriteAsync(Cypher.UpsertEdge[edge.Type], parameters, ChangeKind.EdgeUpserted, edge.Id, DateTimeOffset.UtcNow, cancellationToken) is { } change)
        {
            return change;
        }

        // No row and no committed change: an endpoint is missing.
        var ends = (await ReadAsync(Cypher.EndpointsExist, Params(("source", edge.Source), ("target", edge.Target)), cancellationToken)).Single();
        throw new GraphWriteException($"no node with id '{(ends.Bool("source") ? edge.Target : edge.Source)}'");
    }

    public Task<Change?> RemoveEdgeAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(Cypher.RemoveEdge, Params(("id", id)), ChangeKind.EdgeRemoved, id, DateTimeOffset.UtcNow, cancellationToken);

    public Task<Change?> RemoveNodeAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(Cypher.RemoveNode, Params(("id", id)), ChangeKind.NodeRemoved, id, DateTimeOffset.UtcNow, cancellationToken);

    /// <summary>
    /// Sends one write built with Cypher's Write(...): a single auto-commit request that changes the graph, takes
    /// the next seq and writes the change-log entry together. Its client-generated change id makes it safe to
    /// retry (the statement does nothing when the id is committed), so the client retries it like a read. No row
    /// back means either a retry whose first attempt committed (the committed change is read back by id) or a
    /// write that found nothing to do (null). Cancelling it cannot leave a transaction open: there is none
    /// outside the request; a write the server finishes after the caller gave up is published like any other.
    /// </summary>
    private async Task<Change?> WriteAsync(string statement, Dictionary<string, object?> parameters, ChangeKind kind, string entityId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changeId = Guid.CreateVersion7().ToString("N");
        parameters["log"] = Cypher.ChangeLogId;
        parameters["changeId"] = changeId;
        parameters["at"] = Iso(at);
        parameters["kind"] = kind.ToString();
        parameters["entityId"] = entityId;
        var result = await _client.RunAsync(statement, parameters, QueryAccess.IdempotentWrite, cancellationToken);
        if (result.Records.Count > 0)
        {
            return new Change(result.Records[0].Long("seq"), at, kind, entityId);
        }

        var committed = First((await ReadAsync(Cypher.ChangeById, Params(("changeId", changeId)), cancellationToken)).Records);
        return committed is null ? null : ReadChange(committed);
    }

    public async Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default) =>
        First((await ReadAsync(Cypher.LastSeq, Params(("log", Cypher.ChangeLogId)), cancellationToken)).Records)?.Long("seq") ?? 0;

    public async Task<IReadOnlyList<Change>> GetChangesAsync(long after, int limit, CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(Cypher.Changes, Params(("after", after), ("limit", Math.Clamp(limit, 0, 10_000))), cancellationToken)).Records.Select(ReadChange)];

    /// <summary>The bookmarks this process's next request waits for, comma-separated (Neo4j bookmarks contain no comma); null before any.</summary>
    public string? Bookmark => _client.Bookmarks.Current is { Count: > 0 } current ? string.Join(',', current) : null;

    /// <summary>Makes later requests wait for <paramref name="bookmark"/> (one seen in another instance's change event).</summary>
    public void ObserveBookmark(string bookmark) =>
        _client.Bookmarks.Observe(bookmark.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Change ReadChange(QueryRecord r) => new(
        r.Long("seq"),
        DateTimeOffset.Parse(r.String("at"), CultureInfo.InvariantCulture),
        Enum.Parse<ChangeKind>(r.String("kind")),
        r.String("entityId"));

    public ValueTask DisposeAsync()
    {
        _ownedHttp?.Dispose();
        return ValueTask.CompletedTask;
    }

    // ---- Mapping ---------------------------------------------------------------------------------------

    private Task<QueryResult> ReadAsync(string statement, Dictionary<string, object?> parameters, CancellationToken cancellationToken) =>
        _client.RunAsync(statement, parameters, QueryAccess.Read, cancellationToken);

    private async Task<List<Edge>> EdgesAsync(List<string> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? [] : [.. (await ReadAsync(Cypher.EdgesByIds, Params(("ids", ids.ToList())), cancellationToken)).Records.Select(ReadEdge)];

    private static T? First<T>(IReadOnlyList<T> items)
        where T : class => items.Count > 0 ? items[0] : null;

    private static Dictionary<string, object?> Params(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    /// <summary>A Lucene phrase query for a normalized key (letters, digits and single spaces: nothing to escape).</summary>
    private static string Phrase(string key) => $"\"{key}\"";

    private static List<string> TypeList(IReadOnlySet<string>? types) =>
        types is { Count: > 0 } ? [.. types.Where(Vocabulary.IsEdgeType).Order(StringComparer.Ordinal)] : [.. Cypher.EdgeTypes];

    private static List<string> KindList(IReadOnlySet<NodeKind>? kinds) =>
        kinds is { Count: > 0 } ? [.. kinds.Select(k => k.ToString())] : [.. s_allKinds];

    /// <summary>The normalized keys (id, name, aliases) that search and resolution match, as stored on the node.</summary>
    internal static List<string> Keys(Node node) =>
        [.. new[] { node.Id, node.Name }.Concat(node.Aliases).Select(TextNormalizer.Normalize).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Everything a node stores, as one map (written with <c>n += $props</c>): a property added to the model is
    /// added here and in <see cref="ReadNode"/>, and no statement changes. A null value removes the property.
    /// </summary>
    private static Dictionary<string, object?> NodeProperties(Node node)
    {
        var keys = Keys(node);
        return Params(
            ("kind", node.Kind.ToString()), ("name", node.Name), ("aliases", node.Aliases.ToList()),
            ("description", node.Description), ("validFrom", node.ValidFrom), ("validTo", node.ValidTo),
            ("keys", keys), ("searchText", string.Join('\n', keys)));
    }

    /// <summary>Everything an edge stores (its id included), as one map written with <c>r += $props</c>; evidence as JSON text.</summary>
    private static Dictionary<string, object?> EdgeProperties(Edge edge) =>
        Params(
            ("id", edge.Id), ("evidence", JsonSerializer.Serialize(edge.Evidence, s_json)),
            ("validFrom", edge.ValidFrom), ("validTo", edge.ValidTo),
            ("suspensions", edge.Suspensions.Count == 0 ? null : JsonSerializer.Serialize(edge.Suspensions, s_json)),
            ("suspensionSpans", edge.Suspensions.Count == 0 ? null : Spans(edge.Suspensions)));

    /// <summary>Suspensions as Cypher.HoldsEdge reads them: "from|to", to empty while open.</summary>
    internal static List<string> Spans(IReadOnlyList<Suspension> suspensions) => [.. suspensions.Select(s => $"{s.From}|{s.To}")];

    private static Dictionary<string, object?> NodeRow(Node node) => Params(("id", node.Id), ("props", NodeProperties(node)));

    private static Dictionary<string, object?> EdgeRow(Edge edge) =>
        Params(("id", edge.Id), ("source", edge.Source), ("target", edge.Target), ("props", EdgeProperties(edge)));

    private static Dictionary<string, object?> SourceRow(SourceDocument source) =>
        Params(("id", source.Id), ("title", source.Title), ("kind", source.Kind), ("description", source.Description), ("text", source.Text));

    private static Node ReadNode(QueryRecord r) =>
        new(r.String("id"), Enum.Parse<NodeKind>(r.String("kind")), r.String("name"), r.Strings("aliases"), r.StringOrNull("description") ?? "",
            r.StringOrNull("validFrom"), r.StringOrNull("validTo"))
        {
            Version = r.LongOr("version", 1),
        };

    private static Edge ReadEdge(QueryRecord r) =>
        new(r.String("id"), r.String("type"), r.String("source"), r.String("target"), Evidence(r.StringOrNull("evidence")),
            r.StringOrNull("validFrom"), r.StringOrNull("validTo"), Suspensions(r.StringOrNull("suspensions")))
        {
            Status = Status(r.StringIfAny("status")),
            Version = r.LongOr("version", 1),
        };

    /// <summary>A stored review status; none (edges written before statuses existed, seeded ones) is confirmed.</summary>
    private static EdgeStatus Status(string? stored) =>
        stored is not null && Enum.TryParse<EdgeStatus>(stored, out var status) ? status : EdgeStatus.Confirmed;

    private static SourceDocument ReadSource(QueryRecord r) =>
        new(r.String("id"), r.String("title"), r.String("kind"), r.StringOrNull("description") ?? "", r.StringOrNull("text") ?? "")
        {
            Url = r.StringIfAny("url"),
            Version = r.LongOr("version", 1),
        };

    private static List<Evidence> Evidence(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<Evidence>>(json, s_json) ?? [];

    private static List<Suspension> Suspensions(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<Suspension>>(json, s_json) ?? [];

    [LoggerMessage(EventId = 1214, Level = LogLevel.Information, Message = "Stored the suspensions of {Edges} edges as spans for as-of queries (a one-time migration)")]
    private static partial void LogSpansMigrated(ILogger logger, int edges);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "Another instance created the same schema rule first ({Code}); it is in place")]
    private static partial void LogSchemaRace(ILogger logger, string code);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Information, Message = "Waiting for Neo4j to populate indexes: {Online} of {Total} online ({Waiting}), {ElapsedSeconds:0} s so far")]
    private static partial void LogIndexesPopulating(ILogger logger, int online, int total, string waiting, double elapsedSeconds);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Information, Message = "All {Total} Explorer indexes are online after {ElapsedSeconds:0} s")]
    private static partial void LogIndexesOnline(ILogger logger, int total, double elapsedSeconds);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Information, Message = "Connected to Neo4j at {Uri} (database {Database}, version {Version}); paths use {PathSyntax}")]
    private static partial void LogConnected(ILogger logger, Uri uri, string database, string version, string pathSyntax);
}
