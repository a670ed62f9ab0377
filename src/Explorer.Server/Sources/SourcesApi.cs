using System.Text;
using System.Text.Json;
using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Auth;
using Explorer.Server.Editing;
using Explorer.Server.Infrastructure;
using Explorer.Server.Live;
using Explorer.Sources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.Sources;

/// <summary>A source document as JSON: its text in <see cref="Format"/> (text, markdown or html; default text).</summary>
public sealed record SourceRequest(string? Id = null, string? Title = null, string? Kind = null, string? Description = null, string? Url = null, string? Text = null, string? Format = null);

/// <summary>One quote the graph takes from a source: the edge citing it and where the quote starts in the text (-1: not verbatim).</summary>
public sealed record Citation(string EdgeId, string Type, string Source, string SourceName, string Target, string TargetName, EdgeStatus Status, string Quote, int QuoteStart);

/// <summary>Every quote the graph takes from a source, in text order; <paramref name="Edges"/> edges cite it (<paramref name="Truncated"/>: more than listed).</summary>
public sealed record SourceCitations(string SourceId, IReadOnlyList<Citation> Citations, int Edges, bool Truncated);

internal static class SourcesApi
{
    /// <summary>A request body may hold a whole document (5 MB of text) plus the envelope around it.</summary>
    public const int MaxBodyBytes = DocumentText.MaxBytes + 256 * 1024;

    public static IEndpointRouteBuilder MapSources(this IEndpointRouteBuilder app)
    {
        var sources = app.MapGroup("/api/sources").WithTags("Sources");

        sources.MapGet("", ListSources)
            .WithName("ListSources")
            .WithSummary("The source documents evidence quotes from (without their text)");

        sources.MapGet("/{id}", GetSource)
            .WithName("GetSource")
            .WithSummary("A source document with its full text; ETag is its version")
            .WithDescription("Every evidence quote citing this source occurs in text.")
            .ProducesProblems(StatusCodes.Status404NotFound);

        sources.MapGet("/{id}/citations", CitationsAsync)
            .WithName("SourceCitations")
            .WithSummary("Every quote the graph takes from the document, each with its edge")
            .WithDescription("One entry per piece of evidence citing the source: the edge (id, type, ends with their names, review status) and " +
                $"the quote, with where it starts in the text (quoteStart; -1 if not found verbatim). In text order. At most {MaxCitingEdges} edges (truncated says more cite it).")
            .ProducesProblems(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>How many citing edges a source's citation list reads.</summary>
    public const int MaxCitingEdges = 2000;

    /// <summary>Writes to sources: analysts and admins, rate-limited, If-Match on changes (mapped outside the read group).</summary>
    public static IEndpointRouteBuilder MapSourceWrites(this IEndpointRouteBuilder app)
    {
        var sources = app.MapGroup("/api/sources").WithTags("Sources");
        sources.MapPost("", CreateAsync)
            .WithName("AddSource")
            .WithSummary("Adds a source document (plain text, Markdown or HTML, kept as plain text)")
            .WithDescription("JSON {title, text, format: text|markdown|html, kind, description, url, id}; or multipart/form-data with a file " +
                "(.txt, .md, .html) and the same fields; or the document itself as text/plain, text/markdown or text/html with ?title=. " +
                "HTML is parsed (AngleSharp), Markdown rendered (Markdig), both to plain text. At most 5 MB of text (413 beyond), " +
                "other content types 415. id is made from the title when left out. 201 with Location and ETag.")
            .Accepts<SourceRequest>("application/json", "multipart/form-data", "text/plain", "text/markdown", "text/html")
            .WithBodyLimit(MaxBodyBytes)
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.WriteProblems);
        sources.MapPut("/{id}", UpdateAsync)
            .WithName("EditSource")
            .WithSummary("Changes a source document (If-Match: its ETag); fields left out keep their value")
            .WithDescription("Same bodies as adding one. A new text must still contain every quote edges take from the document (409 naming them otherwise).")
            .Accepts<SourceRequest>("application/json", "multipart/form-data", "text/plain", "text/markdown", "text/html")
            .WithBodyLimit(MaxBodyBytes)
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.EditProblems);
        sources.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteSource")
            .WithSummary("Deletes a source document (If-Match: its ETag); its history keeps its metadata")
            .WithDescription("While edges cite it: 409 naming them, unless force=true removes those citations (an edge left with no evidence is deleted), " +
                "each recorded in the edge's history. Admins delete any source, analysts those they added.")
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(RecordHttp.EditProblems);
        sources.MapGet("/{id}/history", (IGraphStore store, string id, CancellationToken ct) => RecordHttp.HistoryAsync(store, RecordKind.Source, id, ct))
            .WithName("SourceHistory")
            .WithSummary("Every recorded version of a source document, oldest first: who, when, which fields")
            .RequireAuthorization(AuthPolicies.Viewer)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<SourceInfo>>> ListSources(GraphQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.SourcesAsync(cancellationToken));

    private static async Task<Results<Ok<SourceDocument>, ProblemHttpResult>> GetSource(GraphQueries queries, string id, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await queries.SourceAsync(id, cancellationToken);
        if (outcome.Value is not { } source)
        {
            return outcome.Problem!.ToHttp();
        }

        RecordHttp.SetETag(http, source.Version);
        return TypedResults.Ok(source);
    }

    private static async Task<Results<Ok<SourceCitations>, ProblemHttpResult>> CitationsAsync(IGraphStore store, string id, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is not { } source)
        {
            return Problems.NotFound("Source not found", $"id: no source has the id '{id}'.");
        }

        var edges = await store.GetCitingEdgesAsync(id, MaxCitingEdges + 1, cancellationToken);
        var kept = edges.Take(MaxCitingEdges).ToList();
        var names = await store.GetNodesAsync([.. kept.SelectMany(e => new[] { e.Source, e.Target }).Distinct(StringComparer.Ordinal)], cancellationToken);
        string Name(string nodeId) => names.TryGetValue(nodeId, out var node) ? node.Name : nodeId;
        var citations = kept
            .SelectMany(e => e.Evidence.Where(v => v.SourceId == id).Distinct().Select(v => new Citation(
                e.Id, e.Type, e.Source, Name(e.Source), e.Target, Name(e.Target), e.Status, v.Quote, source.Text.IndexOf(v.Quote, StringComparison.Ordinal))))
            .OrderBy(c => c.QuoteStart < 0 ? int.MaxValue : c.QuoteStart)
            .ThenBy(c => c.EdgeId, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new SourceCitations(id, citations, kept.Count, edges.Count > MaxCitingEdges));
    }

    private static async Task<Results<Created<SourceInfo>, ProblemHttpResult>> CreateAsync(
        HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        var (input, problem) = await ReadAsync(http, null, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new RecordErrors();
        if (DocumentText.ToSource(input!, errors) is not { } source)
        {
            return Invalid(errors);
        }

        var given = !string.IsNullOrWhiteSpace(input!.Id);
        for (var attempt = 1; ; attempt++)
        {
            var candidate = attempt == 1 ? source : source with { Id = $"{source.Id}-{attempt}" };
            var write = await store.CreateSourceAsync(candidate, http.User.UserName(), cancellationToken);
            if (write is RecordWrite.Written written)
            {
                RecordHttp.Published(publisher);
                RecordHttp.SetETag(http, written.Version);
                return TypedResults.Created($"/api/sources/{candidate.Id}", (candidate with { Version = written.Version }).Info);
            }

            if (write is not RecordWrite.AlreadyExists || given || attempt >= 50)
            {
                return RecordHttp.Refused(http, write, "source", candidate.Id);
            }
        }
    }

    private static async Task<Results<Ok<SourceInfo>, ProblemHttpResult>> UpdateAsync(
        string id, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is not { } current)
        {
            return RecordHttp.Refused(http, RecordWrite.Missing, "source", id);
        }

        var (expected, refusal) = RecordHttp.IfMatch(http, current.Version, "source");
        if (refusal is not null)
        {
            return refusal;
        }

        var (input, problem) = await ReadAsync(http, current, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (input!.Id is { } newId && newId != id)
        {
            return Invalid("id", "a source's id cannot change");
        }

        var errors = new RecordErrors();
        if (DocumentText.ToSource(input with { Id = id }, errors) is not { } source)
        {
            return Invalid(errors);
        }

        var write = await store.UpdateSourceAsync(source, expected, http.User.UserName(), cancellationToken);
        if (write is RecordWrite.InUse inUse)
        {
            return TypedResults.Problem(
                $"The new text no longer contains quotes that {inUse.Count} edge(s) cite: {string.Join(", ", inUse.EdgeIds.Take(10))}. Keep those passages, or change the edges' evidence first.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Quotes would break",
                extensions: new Dictionary<string, object?> { ["edges"] = inUse.EdgeIds, ["count"] = inUse.Count });
        }

        if (write is not RecordWrite.Written written)
        {
            return RecordHttp.Refused(http, write, "source", id);
        }

        RecordHttp.Published(publisher);
        RecordHttp.SetETag(http, written.Version);
        return TypedResults.Ok((source with { Version = written.Version }).Info);
    }

    private static async Task<Results<Ok<DeletedResponse>, ProblemHttpResult>> DeleteAsync(
        string id, bool? force, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is not { } current)
        {
            return RecordHttp.Refused(http, RecordWrite.Missing, "source", id);
        }

        if (await RecordHttp.MayDeleteAsync(http.User, store, RecordKind.Source, id, "source", cancellationToken) is { } forbidden)
        {
            return forbidden;
        }

        var (expected, refusal) = RecordHttp.IfMatch(http, current.Version, "source");
        if (refusal is not null)
        {
            return refusal;
        }

        var write = await store.DeleteSourceAsync(id, expected, http.User.UserName(), force ?? false, cancellationToken);
        if (write is not RecordWrite.Written written)
        {
            return RecordHttp.Refused(http, write, "source", id);
        }

        RecordHttp.Published(publisher);
        return TypedResults.Ok(DeletedResponse.Of(id, written));
    }

    /// <summary>
    /// The document a request carries, whatever its shape (JSON, a multipart upload, or the document itself);
    /// with <paramref name="current"/> (a change), fields left out keep their value.
    /// </summary>
    private static async Task<(SourceInput? Input, ProblemHttpResult? Problem)> ReadAsync(HttpContext http, SourceDocument? current, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        SourceInput Merge(string? id, string? title, string? kind, string? description, string? url, string? content, DocumentFormat format) => new(
            id, title ?? current?.Title, kind ?? current?.Kind, description ?? current?.Description, url ?? current?.Url,
            content ?? current?.Text ?? "", content is null ? DocumentFormat.Text : format);

        if (mediaType == "application/json")
        {
            SourceRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<SourceRequest>(request.Body, JsonSerializerOptions.Web, cancellationToken);
            }
            catch (JsonException exception)
            {
                return (null, Invalid("body", $"not a JSON source object: {exception.Message}"));
            }

            if (body is null)
            {
                return (null, Invalid("body", "a JSON object is required"));
            }

            if (DocumentText.ParseFormat(body.Format) is not { } format)
            {
                return (null, Invalid("format", "one of text, markdown, html"));
            }

            return (Merge(body.Id, body.Title, body.Kind, body.Description, body.Url, body.Text, format), null);
        }

        if (mediaType == "multipart/form-data")
        {
            var form = await request.ReadFormAsync(cancellationToken);
            string? Field(string name) => form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;
            var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
            if (file is null)
            {
                return (Merge(Field("id"), Field("title"), Field("kind"), Field("description"), Field("url"), null, DocumentFormat.Text), current is null
                    ? Invalid("file", "a file (.txt, .md or .html) is required")
                    : null);
            }

            if (DocumentText.FormatOf(file.FileName, file.ContentType) is not { } fileFormat)
            {
                return (null, Unsupported($"'{file.FileName}' is not a .txt, .md or .html file."));
            }

            using var stream = file.OpenReadStream();
            if (await DecodeAsync(stream, cancellationToken) is not { } content)
            {
                return (null, Unsupported($"'{file.FileName}' is not UTF-8 text."));
            }

            return (Merge(Field("id"), Field("title") ?? (fileFormat == DocumentFormat.Html ? null : Path.GetFileNameWithoutExtension(file.FileName)),
                Field("kind"), Field("description"), Field("url"), content, fileFormat), null);
        }

        if (DocumentText.FormatOf(null, mediaType) is { } rawFormat)
        {
            if (await DecodeAsync(request.Body, cancellationToken) is not { } content)
            {
                return (null, Unsupported("The body is not UTF-8 text."));
            }

            string? Query(string name) => request.Query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;
            return (Merge(Query("id"), Query("title"), Query("kind"), Query("description"), Query("url"), content, rawFormat), null);
        }

        return (null, Unsupported(string.IsNullOrEmpty(mediaType)
            ? "Send a Content-Type: application/json, multipart/form-data, text/plain, text/markdown or text/html."
            : $"'{mediaType}' is not accepted: send application/json, multipart/form-data, text/plain, text/markdown or text/html."));
    }

    /// <summary>Strict UTF-8 (a BOM is dropped); null when the bytes are not UTF-8 text.</summary>
    private static async Task<string?> DecodeAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static ProblemHttpResult Unsupported(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported document");

    private static ProblemHttpResult Invalid(RecordErrors errors)
    {
        var problem = errors.ToProblem("source");
        var tooLarge = errors.First.Field == "text" && errors.First.Message.Contains("MB", StringComparison.Ordinal);
        return TypedResults.Problem(problem.Detail, statusCode: tooLarge ? StatusCodes.Status413PayloadTooLarge : problem.Status,
            title: tooLarge ? "Document too large" : problem.Title, extensions: problem.Extensions);
    }

    private static ProblemHttpResult Invalid(string field, string message)
    {
        var errors = new RecordErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }
}
