using Explorer.Graph;
using Explorer.Server.Auth;
using Explorer.Server.Infrastructure;
using Explorer.Server.Live;
using Explorer.Server.Nodes;
using Explorer.Sources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Explorer.Server.Editing;

/// <summary>A node to create, or the fields of one to change (fields left out keep their value).</summary>
public sealed record NodeRequest(
    string? Id = null,
    string? Kind = null,
    string? Name = null,
    IReadOnlyList<string?>? Aliases = null,
    string? Description = null,
    string? ValidFrom = null,
    string? ValidTo = null);

/// <summary>One piece of evidence: a quote from a source Explorer holds.</summary>
public sealed record EvidenceRequest(string? SourceId = null, string? Quote = null);

/// <summary>An edge to create, or the fields of one to change (fields left out keep their value; status only on a change).</summary>
public sealed record EdgeRequest(
    string? Id = null,
    string? Type = null,
    string? Source = null,
    string? Target = null,
    IReadOnlyList<EvidenceRequest?>? Evidence = null,
    string? ValidFrom = null,
    string? ValidTo = null,
    IReadOnlyList<Suspension?>? Suspensions = null,
    string? Status = null);

/// <summary>
/// Analysts grow the graph: create, change and delete nodes and edges, and add evidence to edges. Writes need
/// an analyst or admin (with the annotations' antiforgery and per-user rate limit); every rule of the dataset
/// holds (vocabulary kinds and types, the kinds each type joins, every edge with evidence whose quote occurs in
/// its source). Changes and deletes take If-Match (the ETag, as annotations); deletes are soft (history keeps
/// the last state); each write commits with its history and change-log entries and is pushed on the hub.
/// </summary>
internal static class GraphEditingApi
{
    public static IEndpointRouteBuilder MapGraphEditing(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/nodes").WithTags("Nodes");
        nodes.MapPost("", CreateNodeAsync)
            .WithName("CreateNode")
            .WithSummary("Creates a node")
            .WithDescription("kind (Nation|Organization|Mission|Region|Theme) and name are required; aliases, description, validFrom, validTo optional. " +
                "id is made from the name when left out. 201 with Location and ETag; 409 when the id is taken.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.WriteProblems);
        nodes.MapPut("/{id}", UpdateNodeAsync)
            .WithName("EditNode")
            .WithSummary("Changes a node (If-Match: its ETag); fields left out keep their value")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.EditProblems);
        nodes.MapDelete("/{id}", DeleteNodeAsync)
            .WithName("DeleteNode")
            .WithSummary("Deletes a node (If-Match: its ETag); its history keeps it")
            .WithDescription("While edges touch the node: 409 naming them, unless cascade=true deletes them too (each recorded in its history). " +
                "Admins delete any node, analysts those they created.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.EditProblems);
        nodes.MapGet("/{id}/history", (IGraphStore store, string id, CancellationToken ct) => RecordHttp.HistoryAsync(store, RecordKind.Node, id, ct))
            .WithName("NodeHistory")
            .WithSummary("Every recorded version of a node, oldest first: who, when, which fields, the state after")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        var edges = app.MapGroup("/api/edges").WithTags("Edges");
        edges.MapPost("", CreateEdgeAsync)
            .WithName("CreateEdge")
            .WithSummary("Creates an edge with its evidence (review status: proposed)")
            .WithDescription("type (from the vocabulary), source and target (node ids of the kinds the type joins) and evidence " +
                "([{sourceId, quote}], at least one; each quote must occur in its source's text, whitespace and typographic quotes aside: else 400 naming it). " +
                "id is made from the ends and type when left out. 201 with Location and ETag.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.WriteProblems);
        edges.MapPut("/{id}", UpdateEdgeAsync)
            .WithName("EditEdge")
            .WithSummary("Changes an edge or its review status (If-Match: its ETag); fields left out keep their value")
            .WithDescription("status is Proposed, Confirmed or Disputed.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.EditProblems);
        edges.MapDelete("/{id}", DeleteEdgeAsync)
            .WithName("DeleteEdge")
            .WithSummary("Deletes an edge (If-Match: its ETag); its history keeps it")
            .WithDescription("Admins delete any edge, analysts those they created.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.EditProblems);
        edges.MapPost("/{id}/evidence", AddEvidenceAsync)
            .WithName("AddEvidence")
            .WithSummary("Adds a piece of evidence to an edge (If-Match: its ETag)")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.EditProblems);
        edges.MapGet("/{id}/history", (IGraphStore store, string id, CancellationToken ct) => RecordHttp.HistoryAsync(store, RecordKind.Edge, id, ct))
            .WithName("EdgeHistory")
            .WithSummary("Every recorded version of an edge, oldest first: who, when, which fields, the state after")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        return app;
    }

    // ---- Nodes -------------------------------------------------------------------------------------------

    private static async Task<Results<Created<NodeResponse>, ProblemHttpResult>> CreateNodeAsync(
        [FromBody] NodeRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        var given = !string.IsNullOrWhiteSpace(request.Id);
        var id = given ? request.Id! : DocumentText.Slug(request.Name ?? "");
        for (var attempt = 1; ; attempt++)
        {
            var record = new NodeRecord(attempt == 1 ? id : $"{id}-{attempt}", request.Kind, request.Name, request.Aliases, request.Description, request.ValidFrom, request.ValidTo);
            var validated = RecordValidator.ValidateNode(record);
            if (validated.Value is not { } node)
            {
                return validated.Problem!.ToHttp();
            }

            var write = await store.CreateNodeAsync(node, http.User.UserName(), cancellationToken);
            if (write is RecordWrite.Written written)
            {
                RecordHttp.Published(publisher);
                RecordHttp.SetETag(http, written.Version);
                var details = await store.GetNodeAsync(node.Id, cancellationToken);
                return TypedResults.Created($"/api/nodes/{node.Id}", NodeResponse.Of(details ?? new NodeDetails(node with { Version = written.Version }, 0, new Dictionary<string, int>())));
            }

            if (write is not RecordWrite.AlreadyExists || given || attempt >= 50)
            {
                return RecordHttp.Refused(http, write, "node", node.Id);
            }
        }
    }

    private static async Task<Results<Ok<NodeResponse>, ProblemHttpResult>> UpdateNodeAsync(
        string id, [FromBody] NodeRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        if (await store.GetNodeAsync(id, cancellationToken) is not { } current)
        {
            return RecordHttp.Refused(http, RecordWrite.Missing, "node", id);
        }

        var (expected, refusal) = RecordHttp.IfMatch(http, current.Node.Version, "node");
        if (refusal is not null)
        {
            return refusal;
        }

        if (request.Id is { } newId && newId != id)
        {
            return Invalid("id", "a node's id cannot change (create a new node instead)");
        }

        var before = current.Node;
        var record = new NodeRecord(id, request.Kind ?? before.Kind.ToString(), request.Name ?? before.Name, request.Aliases ?? [.. before.Aliases],
            request.Description ?? before.Description, request.ValidFrom ?? before.ValidFrom, request.ValidTo ?? before.ValidTo);
        var validated = RecordValidator.ValidateNode(record);
        if (validated.Value is not { } node)
        {
            return validated.Problem!.ToHttp();
        }

        // A new kind must still suit every edge of the node.
        if (node.Kind != before.Kind && await KindBreaksEdgesAsync(store, node, cancellationToken) is { } broken)
        {
            return broken;
        }

        var write = await store.UpdateNodeAsync(node, expected, http.User.UserName(), cancellationToken);
        if (write is not RecordWrite.Written written)
        {
            return RecordHttp.Refused(http, write, "node", id);
        }

        RecordHttp.Published(publisher);
        RecordHttp.SetETag(http, written.Version);
        return TypedResults.Ok(NodeResponse.Of((await store.GetNodeAsync(id, cancellationToken))!));
    }

    private static async Task<Results<Ok<DeletedResponse>, ProblemHttpResult>> DeleteNodeAsync(
        string id, bool? cascade, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        if (await store.GetNodeAsync(id, cancellationToken) is not { } current)
        {
            return RecordHttp.Refused(http, RecordWrite.Missing, "node", id);
        }

        if (await RecordHttp.MayDeleteAsync(http.User, store, RecordKind.Node, id, "node", cancellationToken) is { } forbidden)
        {
            return forbidden;
        }

        var (expected, refusal) = RecordHttp.IfMatch(http, current.Node.Version, "node");
        if (refusal is not null)
        {
            return refusal;
        }

        var write = await store.DeleteNodeAsync(id, expected, http.User.UserName(), cascade ?? false, cancellationToken);
        if (write is not RecordWrite.Written written)
        {
            return RecordHttp.Refused(http, write, "node", id);
        }

        RecordHttp.Published(publisher);
        return TypedResults.Ok(DeletedResponse.Of(id, written));
    }

    private static async Task<ProblemHttpResult?> KindBreaksEdgesAsync(IGraphStore store, Node node, CancellationToken cancellationToken)
    {
        var around = await store.GetNeighborhoodAsync(new NeighborhoodQuery(node.Id, 1, null, null, 2000, 0), cancellationToken);
        foreach (var edge in around?.Edges ?? [])
        {
            var other = around!.Nodes.FirstOrDefault(n => n.Id == (edge.Source == node.Id ? edge.Target : edge.Source));
            if (other is null || !Vocabulary.EdgeTypes.TryGetValue(edge.Type, out var info))
            {
                continue;
            }

            var (source, target) = edge.Source == node.Id ? (node.Kind, edge.Target == node.Id ? node.Kind : other.Kind) : (other.Kind, node.Kind);
            if (info.CheckEnds(source, target) is { } wrong)
            {
                return Invalid("kind", $"a {node.Kind} cannot keep edge '{edge.Id}': {wrong.Message}");
            }
        }

        return null;
    }

    // ---- Edges -------------------------------------------------------------------------------------------

    private static async Task<Results<Created<Edge>, ProblemHttpResult>> CreateEdgeAsync(
        [FromBody] EdgeRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        if (request.Status is not null && !string.Equals(request.Status, nameof(EdgeStatus.Proposed), StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("status", "an edge an analyst adds starts as Proposed; change its status once it exists (PUT)");
        }

        var given = !string.IsNullOrWhiteSpace(request.Id);
        var id = given ? request.Id! : DocumentText.Slug($"{request.Source} {request.Type} {request.Target}");
        var validator = new RecordValidator(store);
        for (var attempt = 1; ; attempt++)
        {
            var record = await validator.WithSourceWordingAsync(new EdgeRecord(attempt == 1 ? id : $"{id}-{attempt}", request.Type, request.Source, request.Target,
                Evidence(request.Evidence), request.ValidFrom, request.ValidTo, request.Suspensions), cancellationToken);
            var validated = await validator.ValidateEdgeAsync(record, cancellationToken);
            if (validated.Value is not { } edge)
            {
                return validated.Problem!.ToHttp();
            }

            edge = edge with { Status = EdgeStatus.Proposed };
            var write = await store.CreateEdgeAsync(edge, http.User.UserName(), cancellationToken);
            if (write is RecordWrite.Written written)
            {
                RecordHttp.Published(publisher);
                RecordHttp.SetETag(http, written.Version);
                return TypedResults.Created($"/api/edges/{edge.Id}", edge with { Version = written.Version });
            }

            if (write is not RecordWrite.AlreadyExists || given || attempt >= 50)
            {
                return RecordHttp.Refused(http, write, "edge", edge.Id);
            }
        }
    }

    private static async Task<Results<Ok<Edge>, ProblemHttpResult>> UpdateEdgeAsync(
        string id, [FromBody] EdgeRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        if (await store.GetEdgeAsync(id, cancellationToken) is not { } current)
        {
            return RecordHttp.Refused(http, RecordWrite.Missing, "edge", id);
        }

        var (expected, refusal) = RecordHttp.IfMatch(http, current.Version, "edge");
        if (refusal is not null)
        {
            return refusal;
        }

        if (request.Id is { } newId && newId != id)
        {
            return Invalid("id", "an edge's id cannot change");
        }

        var status = current.Status;
        if (request.Status is { } wanted && !(Enum.TryParse(wanted, ignoreCase: true, out status) && Enum.IsDefined(status) && wanted.All(char.IsLetter)))
        {
            return Invalid("status", "one of Proposed, Confirmed, Disputed");
        }

        var record = new EdgeRecord(id, request.Type ?? current.Type, request.Source ?? current.Source, request.Target ?? current.Target,
            request.Evidence is null ? [.. current.Evidence.Select(e => new EvidenceRecord(e.SourceId, e.Quote))] : Evidence(request.Evidence),
            request.ValidFrom ?? current.ValidFrom, request.ValidTo ?? current.ValidTo, request.Suspensions ?? [.. current.Suspensions]);
        return await SaveEdgeAsync(record, status, expected, http, store, publisher, cancellationToken);
    }

    private static async Task<Results<Ok<Edge>, ProblemHttpResult>> AddEvidenceAsync(
        string id, [FromBody] EvidenceRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        if (await store.GetEdgeAsync(id, cancellationToken) is not { } current)
        {
            return RecordHttp.Refused(http, RecordWrite.Missing, "edge", id);
        }

        var (expected, refusal) = RecordHttp.IfMatch(http, current.Version, "edge");
        if (refusal is not null)
        {
            return refusal;
        }

        var evidence = current.Evidence.Select(e => new EvidenceRecord(e.SourceId, e.Quote)).Append(new EvidenceRecord(request.SourceId, request.Quote)).ToList();
        var record = new EdgeRecord(id, current.Type, current.Source, current.Target, evidence, current.ValidFrom, current.ValidTo, [.. current.Suspensions]);
        return await SaveEdgeAsync(record, current.Status, expected, http, store, publisher, cancellationToken, duplicateCheck: true);
    }

    private static async Task<Results<Ok<Edge>, ProblemHttpResult>> SaveEdgeAsync(
        EdgeRecord record, EdgeStatus status, long expected, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken, bool duplicateCheck = false)
    {
        var validator = new RecordValidator(store);
        var validated = await validator.ValidateEdgeAsync(await validator.WithSourceWordingAsync(record, cancellationToken), cancellationToken);
        if (validated.Value is not { } edge)
        {
            return validated.Problem!.ToHttp();
        }

        if (duplicateCheck && edge.Evidence.Take(edge.Evidence.Count - 1).Contains(edge.Evidence[^1]))
        {
            return Invalid("quote", $"the edge already cites this passage of source '{edge.Evidence[^1].SourceId}'");
        }

        edge = edge with { Status = status };
        var write = await store.UpdateEdgeAsync(edge, expected, http.User.UserName(), cancellationToken);
        if (write is not RecordWrite.Written written)
        {
            return RecordHttp.Refused(http, write, "edge", edge.Id);
        }

        RecordHttp.Published(publisher);
        RecordHttp.SetETag(http, written.Version);
        return TypedResults.Ok(edge with { Version = written.Version });
    }

    private static async Task<Results<Ok<DeletedResponse>, ProblemHttpResult>> DeleteEdgeAsync(
        string id, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        if (await store.GetEdgeAsync(id, cancellationToken) is not { } current)
        {
            return RecordHttp.Refused(http, RecordWrite.Missing, "edge", id);
        }

        if (await RecordHttp.MayDeleteAsync(http.User, store, RecordKind.Edge, id, "edge", cancellationToken) is { } forbidden)
        {
            return forbidden;
        }

        var (expected, refusal) = RecordHttp.IfMatch(http, current.Version, "edge");
        if (refusal is not null)
        {
            return refusal;
        }

        var write = await store.DeleteEdgeAsync(id, expected, http.User.UserName(), cancellationToken);
        if (write is not RecordWrite.Written written)
        {
            return RecordHttp.Refused(http, write, "edge", id);
        }

        RecordHttp.Published(publisher);
        return TypedResults.Ok(DeletedResponse.Of(id, written));
    }

    private static List<EvidenceRecord?> Evidence(IReadOnlyList<EvidenceRequest?>? items) =>
        [.. (items ?? []).Select(e => e is null ? null : new EvidenceRecord(e.SourceId, e.Quote))];

    private static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem($"{field}: {message}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid record",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}

/// <summary>A committed deletion: the record's last version (kept in its history) and every change it made (cascades included).</summary>
public sealed record DeletedResponse(string Id, long Version, IReadOnlyList<long> Changes)
{
    public static DeletedResponse Of(string id, RecordWrite.Written written) => new(id, written.Version, [.. written.Changes.Select(c => c.Seq)]);
}
