using Explorer.Graph;
using Explorer.Telemetry;

namespace Explorer.Query;

/// <summary>
/// The query engine, the one way to read the graph for the HTTP API and the CLI: takes a request as typed
/// (see Requests.cs), checks bounds, resolves names and aliases to nodes (ambiguity and misses become
/// problems with candidates or suggestions), understands phrases, asks the store, and answers with a typed
/// result or a <see cref="QueryProblem"/>. Callers only bind and format.
/// </summary>
public sealed class GraphQueries(IGraphStore store)
{
    public const int DefaultSearchLimit = 10;
    public const int MaxSearchLimit = 100;
    public const int DefaultNeighborhoodLimit = 200;
    public const int MaxNeighborhoodLimit = 2000;
    public const int MaxDepth = 3;
    public const int MaxQueryLength = 500;
    public const int MaxSuggestions = 5;

    public async Task<Outcome<SearchResults>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.Q))
        {
            return QueryProblem.Invalid("q", "a search text is required");
        }

        if (request.Q.Length > MaxQueryLength)
        {
            return QueryProblem.Invalid("q", $"at most {MaxQueryLength} characters");
        }

        if (Bound("limit", request.Limit, 1, MaxSearchLimit) is { } limitProblem)
        {
            return limitProblem;
        }

        if (!TryParseKinds(request.Kinds, out var kinds, out var kindProblem))
        {
            return kindProblem!;
        }

        if (!TryParseAsOf(request.AsOf, out var asOf, out var asOfProblem))
        {
            return asOfProblem!;
        }

        var hits = await Timed("search", null, () => store.SearchAsync(new SearchQuery(request.Q, kinds, request.Limit ?? DefaultSearchLimit, asOf), cancellationToken));
        return hits;
    }

    /// <summary>A node with its degree and edge counts by type, named by an id, a name or an alias.</summary>
    public async Task<Outcome<NodeDetails>> NodeAsync(NodeRequest request, CancellationToken cancellationToken = default)
    {
        if (!TryParseAsOf(request.AsOf, out var asOf, out var asOfProblem))
        {
            return asOfProblem!;
        }

        if (!TryParseStatuses(request.Status, out var statuses, out var statusProblem))
        {
            return statusProblem!;
        }

        var resolved = await ResolveAsync(request.Id ?? "", "id", cancellationToken);
        if (resolved.Problem is not null)
        {
            return resolved.Problem;
        }

        var details = await store.GetNodeAsync(resolved.Value!.Id, cancellationToken);
        if (details is null)
        {
            return NotFound("id", request.Id!, []);
        }

        if (asOf is null && statuses is null)
        {
            return details;
        }

        // As of a date or of some review statuses, the counts are those a neighborhood query of the same filters
        // could follow (its countsByType ignores the page's limit), and the degree is their sum.
        var around = await store.GetNeighborhoodAsync(new NeighborhoodQuery(details.Node.Id, 1, null, null, 1, 0, asOf, statuses), cancellationToken);
        return around is null
            ? NotFound("id", request.Id!, [])
            : details with { Degree = around.CountsByType.Values.Sum(), CountsByType = around.CountsByType };
    }

    /// <summary>An edge with its evidence, by id.</summary>
    public async Task<Outcome<Edge>> EdgeAsync(string id, CancellationToken cancellationToken = default) =>
        await store.GetEdgeAsync(id, cancellationToken) is { } edge
            ? edge
            : new QueryProblem(404, "Edge not found", $"id: no edge has the id '{id}'.");

    /// <summary>The source documents evidence quotes from, without their text.</summary>
    public Task<IReadOnlyList<SourceInfo>> SourcesAsync(CancellationToken cancellationToken = default) =>
        store.ListSourcesAsync(cancellationToken);

    /// <summary>The dates the graph spans (see <see cref="Timeline"/>).</summary>
    public async Task<Timeline> TimelineAsync(CancellationToken cancellationToken = default)
    {
        var range = store.SupportsAsOf ? await store.GetDateRangeAsync(cancellationToken) : null;
        return new Timeline(store.SupportsAsOf, range?.Earliest, range?.Latest);
    }

    /// <summary>A source document with its full text, by id.</summary>
    public async Task<Outcome<SourceDocument>> SourceAsync(string id, CancellationToken cancellationToken = default) =>
        await store.GetSourceAsync(id, cancellationToken) is { } source
            ? source
            : new QueryProblem(404, "Source not found", $"id: no source has the id '{id}'.");

    public async Task<Outcome<Neighborhood>> NeighborhoodAsync(NeighborhoodRequest request, CancellationToken cancellationToken = default)
    {
        if ((Bound("depth", request.Depth, 1, MaxDepth) ?? Bound("limit", request.Limit, 1, MaxNeighborhoodLimit) ?? Bound("offset", request.Offset, 0, int.MaxValue)) is { } problem)
        {
            return problem;
        }

        if (!TryParseKinds(request.Kinds, out var kinds, out var kindProblem))
        {
            return kindProblem!;
        }

        if (!TryParseTypes(request.Types, out var types, out var typeProblem))
        {
            return typeProblem!;
        }

        if (!TryParseAsOf(request.AsOf, out var asOf, out var asOfProblem))
        {
            return asOfProblem!;
        }

        if (!TryParseStatuses(request.Status, out var statuses, out var statusProblem))
        {
            return statusProblem!;
        }

        var resolved = await ResolveAsync(request.Id ?? "", "id", cancellationToken);
        if (resolved.Problem is not null)
        {
            return resolved.Problem;
        }

        var query = new NeighborhoodQuery(resolved.Value!.Id, request.Depth ?? 1, kinds, types, request.Limit ?? DefaultNeighborhoodLimit, request.Offset ?? 0, asOf, statuses);
        var neighborhood = await Timed("neighborhood", null, () => store.GetNeighborhoodAsync(query, cancellationToken));
        return neighborhood is null ? NotFound("id", request.Id!, []) : neighborhood;
    }

    public async Task<Outcome<PathAnswer>> PathsAsync(PathRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.From))
        {
            return QueryProblem.Invalid("from", "a node id, name or alias is required");
        }

        if (string.IsNullOrWhiteSpace(request.To))
        {
            return QueryProblem.Invalid("to", "a node id, name or alias is required");
        }

        var mode = PathMode.Ranked;
        if (request.Mode is { Length: > 0 } modeText && !TryParseMode(modeText, out mode))
        {
            return QueryProblem.Invalid("mode", $"'{modeText}' is not one of ranked, shortest, all, k");
        }

        if ((Bound("k", request.K, 1, PathQuery.MaxK) ?? Bound("maxHops", request.MaxHops, 1, PathQuery.MaxMaxHops)) is { } boundProblem)
        {
            return boundProblem;
        }

        var direction = (request.Direction ?? "any").Trim().ToLowerInvariant() switch
        {
            "any" or "" => (Direction?)Graph.Direction.Any,
            "out" => Graph.Direction.Out,
            "in" => Graph.Direction.In,
            _ => null,
        };
        if (direction is null)
        {
            return QueryProblem.Invalid("direction", $"'{request.Direction}' is not one of any, out, in");
        }

        if (!TryParseKinds(request.Kinds, out var kinds, out var kindProblem))
        {
            return kindProblem!;
        }

        if (!TryParseTypes(request.Types, out var types, out var typeProblem))
        {
            return typeProblem!;
        }

        if (!TryParseAsOf(request.AsOf, out var asOf, out var asOfProblem))
        {
            return asOfProblem!;
        }

        if (!TryParseStatuses(request.Status, out var statuses, out var statusProblem))
        {
            return statusProblem!;
        }

        var from = await ResolveAsync(request.From, "from", cancellationToken);
        if (from.Problem is not null)
        {
            return from.Problem;
        }

        var to = await ResolveAsync(request.To, "to", cancellationToken);
        if (to.Problem is not null)
        {
            return to.Problem;
        }

        var avoid = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in Split(request.Avoid))
        {
            var avoided = await ResolveAsync(term, "avoid", cancellationToken);
            if (avoided.Problem is not null)
            {
                return avoided.Problem;
            }

            if (avoided.Value!.Id == from.Value!.Id || avoided.Value.Id == to.Value!.Id)
            {
                return QueryProblem.Invalid("avoid", $"'{term}' is {(avoided.Value.Id == from.Value!.Id ? "the start" : "the end")} of the path ({avoided.Value.Name}); a path cannot avoid its own ends");
            }

            avoid.Add(avoided.Value.Id);
        }

        var query = new PathQuery(from.Value!.Id, to.Value!.Id, mode, request.K ?? 3, request.MaxHops ?? 6, types, kinds, direction.Value, avoid, asOf, statuses);
        var result = await Timed("path", query.Mode, () => store.FindPathsAsync(query, cancellationToken));
        return new PathAnswer(from.Value, to.Value, mode, result);
    }

    /// <summary>Runs one store query and records its time on <c>explorer.query.duration</c> (see <see cref="Explorer.Telemetry.ExplorerMetrics"/>).</summary>
    private static async Task<T> Timed<T>(string query, PathMode? mode, Func<Task<T>> run)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await run();
        }
        finally
        {
            var kind = new KeyValuePair<string, object?>("explorer.query", query);
            if (mode is { } pathMode)
            {
                ExplorerMetrics.QueryDuration.RecordSince(started, kind, new("explorer.path.mode", pathMode.ToString().ToLowerInvariant()));
            }
            else
            {
                ExplorerMetrics.QueryDuration.RecordSince(started, kind);
            }
        }
    }

    /// <summary>
    /// Resolves what a user typed where a node is expected (a node id, a path's ends, <c>avoid</c>, the CLI's
    /// arguments) to one node: an id, a name or an alias, compared after <see cref="Search.TextNormalizer"/>
    /// (case, accents and punctuation ignored), with a leading "the" dropped when nothing matches with it.
    /// Nothing else: several exact matches give a 422 listing candidates, none a 404 with suggestions ("did
    /// you mean"). A confident answer for a name the user did not write is worse than a 404.
    /// </summary>
    public async Task<Outcome<NodeRef>> ResolveAsync(string term, string field = "id", CancellationToken cancellationToken = default)
    {
        var resolved = await ResolveAsync(term, field, lenient: false, cancellationToken);
        return resolved.Problem ?? (Outcome<NodeRef>)resolved.Value!.Node;
    }

    /// <summary>A node resolved from a term; <see cref="Exact"/> is false when a phrase's term was read leniently.</summary>
    private sealed record Resolved(NodeRef Node, bool Exact)
    {
        /// <summary>How the term reads in an interpretation: "'NATO'", or "'Shanghai Coop' (read as Shanghai Cooperation Organisation)".</summary>
        public string Reading(string term) => Exact ? $"'{term.Trim()}'" : $"'{term.Trim()}' (read as {Node.Name})";
    }

    private async Task<Outcome<Resolved>> ResolveAsync(string term, string field, bool lenient, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(term))
        {
            return QueryProblem.Invalid(field, "a node id, name or alias is required");
        }

        if (term.Length > MaxQueryLength)
        {
            return QueryProblem.Invalid(field, $"at most {MaxQueryLength} characters");
        }

        var trimmed = term.Trim();
        var outcome = await ResolveExactAsync(trimmed, field, cancellationToken);
        if (outcome.Problem is { Status: 404 } && StripArticle(trimmed) is { } withoutArticle)
        {
            // "the Balkans", "the United States": try again without the article.
            var retry = await ResolveExactAsync(withoutArticle, field, cancellationToken);
            if (retry.Problem is null or { Status: 422 })
            {
                outcome = retry;
            }
        }

        if (outcome.Problem is { Status: 404 } && lenient)
        {
            var read = await ResolveLenientAsync(trimmed, field, cancellationToken);
            return read.Problem ?? (Outcome<Resolved>)new Resolved(read.Value!, Exact: false);
        }

        return outcome.Problem ?? (Outcome<Resolved>)new Resolved(outcome.Value!, Exact: true);
    }

    private async Task<Outcome<NodeRef>> ResolveExactAsync(string trimmed, string field, CancellationToken cancellationToken)
    {
        if (await store.GetNodeAsync(trimmed, cancellationToken) is { } exact)
        {
            return Ref(exact.Node);
        }

        var matches = await store.ResolveAsync(trimmed, cancellationToken);
        if (matches.Count == 1)
        {
            return Ref(matches[0]);
        }

        if (matches.Count > 1)
        {
            return Ambiguous(field, trimmed, matches.Select(Ref).ToList());
        }

        return NotFound(field, trimmed, await SuggestionsAsync(trimmed, cancellationToken));
    }

    /// <summary>"Did you mean": the best search hits for a name that matched nothing exactly.</summary>
    private async Task<IReadOnlyList<SearchHit>> SuggestionsAsync(string trimmed, CancellationToken cancellationToken) =>
        Search.TextNormalizer.Normalize(trimmed).Length == 0
            ? []
            : await store.SearchAsync(new SearchQuery(trimmed, null, MaxSuggestions), cancellationToken);

    /// <summary>
    /// Phrases only ("Shanghai Coop to Mali"): after no exact match, the best tier of search hits. A prefix or
    /// all-tokens match that only one node has is what the user meant; a typo counts only against a whole
    /// name or alias ("Somala"), never against one word inside a longer name. The phrase's interpretation
    /// says what was read (see <see cref="Reading"/>).
    /// </summary>
    private async Task<Outcome<NodeRef>> ResolveLenientAsync(string trimmed, string field, CancellationToken cancellationToken)
    {
        var hits = await SuggestionsAsync(trimmed, cancellationToken);
        if (hits.Count == 0)
        {
            return NotFound(field, trimmed, hits);
        }

        var tier = hits[0].Match;
        if (tier != MatchKind.Fuzzy)
        {
            var inTier = hits.Where(h => h.Match == tier).ToList();
            return inTier.Count == 1 ? Ref(inTier[0]) : Ambiguous(field, trimmed, inTier.Select(Ref).ToList());
        }

        var query = Search.TextNormalizer.Normalize(trimmed);
        var budget = Search.TextNormalizer.FuzzyBudget(query.Length);
        var close = hits
            .Select(h => (Hit: h, Distance: h.Aliases.Append(h.Name).Min(n => Search.TextNormalizer.Distance(query, Search.TextNormalizer.Normalize(n), budget))))
            .Where(c => c.Distance <= budget)
            .OrderBy(c => c.Distance)
            .ToList();
        if (close.Count == 1 || (close.Count > 1 && close[0].Distance < close[1].Distance))
        {
            return Ref(close[0].Hit);
        }

        return close.Count > 1
            ? Ambiguous(field, trimmed, close.Select(c => Ref(c.Hit)).ToList())
            : NotFound(field, trimmed, hits);
    }

    private static string? StripArticle(string term) =>
        term.StartsWith("the ", StringComparison.OrdinalIgnoreCase) && term.Length > 4 ? term[4..].Trim() : null;

    private static QueryProblem Ambiguous(string field, string term, List<NodeRef> candidates) =>
        new(422, "Ambiguous node", $"{field}: '{term}' matches {candidates.Count} nodes; use one of the candidates' ids.", new Dictionary<string, object?>
        {
            ["field"] = field,
            ["candidates"] = candidates,
        });

    private static NodeRef Ref(SearchHit hit) => new(hit.Id, hit.Kind, hit.Name);

    /// <summary>
    /// Answers a phrase: "NATO to Balkans", "path from X to Y", "how is X related to Y", "neighbors of X",
    /// or anything else as a search.
    /// </summary>
    public async Task<Outcome<QueryAnswer>> AnswerAsync(string? phrase, CancellationToken cancellationToken = default) =>
        await AnswerAsync(phrase, null, cancellationToken);

    /// <summary>
    /// Answers a phrase as of a date: <paramref name="asOf"/>, or a date the phrase ends with ("NATO to Balkans
    /// as of 1995", "members of the SCO in 2010"); a parameter and a phrase date together must agree.
    /// </summary>
    public Task<Outcome<QueryAnswer>> AnswerAsync(string? phrase, string? asOf, CancellationToken cancellationToken = default) =>
        AnswerAsync(phrase, asOf, null, cancellationToken);

    /// <summary>
    /// As <see cref="AnswerAsync(string?, string?, CancellationToken)"/>, following only edges of the review statuses
    /// in <paramref name="status"/> (comma-separated; null: all) for paths and neighbors.
    /// </summary>
    public async Task<Outcome<QueryAnswer>> AnswerAsync(string? phrase, string? asOf, string? status, CancellationToken cancellationToken = default)
    {
        if (!TryParseStatuses(status, out _, out var statusProblem))
        {
            return statusProblem!;
        }

        if (string.IsNullOrWhiteSpace(phrase))
        {
            return QueryProblem.Invalid("q", "a query is required, e.g. 'NATO to Balkans'");
        }

        if (phrase.Length > MaxQueryLength)
        {
            return QueryProblem.Invalid("q", $"at most {MaxQueryLength} characters");
        }

        if (!TryParseAsOf(asOf, out _, out var asOfProblem))
        {
            return asOfProblem!;
        }

        if (PhraseParser.SplitDate(phrase) is ({ } rest, { } phraseDate))
        {
            if (asOf is not null && asOf.Trim() != phraseDate)
            {
                return QueryProblem.Invalid("asOf", $"'{asOf}' disagrees with the phrase's date '{phraseDate}'");
            }

            phrase = rest;
            asOf = phraseDate;
        }

        var parsed = PhraseParser.Parse(phrase);
        switch (parsed)
        {
            case PathPhrase path:
                QueryProblem? firstProblem = null;
                foreach (var (from, to) in path.Splits)
                {
                    var fromNode = await ResolveAsync(from, "from", lenient: true, cancellationToken);
                    var toNode = fromNode.Problem is null ? await ResolveAsync(to, "to", lenient: true, cancellationToken) : null;
                    if ((fromNode.Problem ?? toNode!.Problem) is { } resolveProblem)
                    {
                        firstProblem ??= resolveProblem;
                        continue;
                    }

                    var answer = await PathsAsync(new PathRequest { From = fromNode.Value!.Node.Id, To = toNode!.Value!.Node.Id, AsOf = asOf, Status = status }, cancellationToken);
                    if (answer.Value is not null)
                    {
                        var interpretation = $"paths from {fromNode.Value.Reading(from)} to {toNode.Value.Reading(to)}{AsOfText(asOf)}";
                        return new QueryAnswer.Paths(interpretation, answer.Value) { AsOf = Trimmed(asOf) };
                    }

                    firstProblem ??= answer.Problem;
                }

                return firstProblem!;

            case NeighborsPhrase neighbors:
                var center = await ResolveAsync(neighbors.Node, "id", lenient: true, cancellationToken);
                if (center.Problem is not null)
                {
                    return center.Problem;
                }

                var neighborhood = await NeighborhoodAsync(new NeighborhoodRequest { Id = center.Value!.Node.Id, Types = neighbors.Types, AsOf = asOf, Status = status }, cancellationToken);
                return neighborhood.Value is not null
                    ? new QueryAnswer.Neighbors($"{(neighbors.Types == "MEMBER_OF" ? "members" : "neighbors")} of {center.Value.Reading(neighbors.Node)}{AsOfText(asOf)}", neighborhood.Value) { AsOf = Trimmed(asOf) }
                    : neighborhood.Problem!;

            default:
                var search = await SearchAsync(new SearchRequest { Q = phrase.Trim(), AsOf = asOf }, cancellationToken);
                return search.Value is not null
                    ? new QueryAnswer.Search($"search for '{phrase.Trim()}'{AsOfText(asOf)}", search.Value) { AsOf = Trimmed(asOf) }
                    : search.Problem!;
        }
    }

    private static NodeRef Ref(Node node) => new(node.Id, node.Kind, node.Name);

    private static string AsOfText(string? asOf) => Trimmed(asOf) is { } date ? $" as of {date}" : "";

    private static string? Trimmed(string? asOf) => string.IsNullOrWhiteSpace(asOf) ? null : asOf.Trim();

    /// <summary>An as-of date: YYYY, YYYY-MM or YYYY-MM-DD (a whole year, month or day); null when not given.</summary>
    private bool TryParseAsOf(string? text, out PartialDate? asOf, out QueryProblem? problem)
    {
        asOf = null;
        problem = null;
        if (text is null)
        {
            return true;
        }

        if (!PartialDate.TryParse(text.Trim(), out var date))
        {
            problem = QueryProblem.Invalid("asOf", $"'{(text.Length > 40 ? text[..37] + "..." : text)}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)");
            return false;
        }

        if (!store.SupportsAsOf)
        {
            problem = QueryProblem.Invalid("asOf", $"the {store.Name} store does not answer as-of queries yet");
            return false;
        }

        asOf = date;
        return true;
    }

    private static QueryProblem NotFound(string field, string term, IReadOnlyList<SearchHit> hits) =>
        new(404, "Node not found", $"{field}: no node is called '{term}'.", new Dictionary<string, object?>
        {
            ["field"] = field,
            ["suggestions"] = hits.Select(h => new NodeRef(h.Id, h.Kind, h.Name)).ToList(),
        });

    private static QueryProblem? Bound(string field, int? value, int min, int max) =>
        value is { } v && (v < min || v > max) ? QueryProblem.Invalid(field, $"must be between {min} and {max}") : null;

    internal static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool TryParseMode(string text, out PathMode mode)
    {
        mode = text.Trim().ToLowerInvariant() switch
        {
            "shortest" => PathMode.Shortest,
            "all" or "all-shortest" or "allshortest" => PathMode.All,
            "k" or "k-shortest" or "kshortest" => PathMode.K,
            "ranked" or "explain" or "best" => PathMode.Ranked,
            _ => (PathMode)(-1),
        };
        return Enum.IsDefined(mode);
    }

    private static bool TryParseKinds(string? text, out IReadOnlySet<NodeKind>? kinds, out QueryProblem? problem)
    {
        kinds = null;
        problem = null;
        var set = new HashSet<NodeKind>();
        foreach (var part in Split(text))
        {
            if (!Vocabulary.TryParseKind(part, out var kind))
            {
                problem = QueryProblem.Invalid("kinds", $"unknown kind '{part}' (expected {string.Join(", ", Enum.GetNames<NodeKind>())})");
                return false;
            }

            set.Add(kind);
        }

        kinds = set.Count > 0 ? set : null;
        return true;
    }

    private static bool TryParseTypes(string? text, out IReadOnlySet<string>? types, out QueryProblem? problem)
    {
        types = null;
        problem = null;
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in Split(text))
        {
            var type = part.ToUpperInvariant().Replace('-', '_');
            if (!Vocabulary.IsEdgeType(type))
            {
                problem = QueryProblem.Invalid("types", $"unknown edge type '{part}' (expected {string.Join(", ", Vocabulary.EdgeTypes.Keys.Order(StringComparer.Ordinal))})");
                return false;
            }

            set.Add(type);
        }

        types = set.Count > 0 ? set : null;
        return true;
    }

    /// <summary>
    /// Comma-separated review statuses (proposed, confirmed, disputed; any case) an edge must have to be followed;
    /// null when none are given or all three are (no filter).
    /// </summary>
    internal static bool TryParseStatuses(string? text, out IReadOnlySet<EdgeStatus>? statuses, out QueryProblem? problem)
    {
        statuses = null;
        problem = null;
        var set = new HashSet<EdgeStatus>();
        foreach (var part in Split(text))
        {
            if (!(Enum.TryParse<EdgeStatus>(part, ignoreCase: true, out var status) && part.All(char.IsLetter)))
            {
                problem = QueryProblem.Invalid("status", $"unknown review status '{part}' (expected confirmed, proposed, disputed)");
                return false;
            }

            set.Add(status);
        }

        statuses = set.Count is > 0 and < 3 ? set : null;
        return true;
    }
}
