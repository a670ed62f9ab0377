using System.IO.Compression;
using Explorer.Export;
using Explorer.Graph;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.ImportExport;

/// <summary>What to export (the query string of <c>GET /api/export</c>).</summary>
/// <param name="Format">jsonl, csv, graph-seed, graphml or graphology.</param>
/// <param name="Kinds">Only nodes of these kinds (comma-separated).</param>
/// <param name="Types">Only edges of these types (comma-separated).</param>
/// <param name="Ids">Only these nodes (comma-separated, at most 500), with hops: and their neighborhood.</param>
/// <param name="Hops">With ids: also every node within this many hops (0..5).</param>
/// <param name="Status">Only edges with these review statuses (comma-separated: Proposed, Confirmed, Disputed).</param>
public sealed record ExportRequest(string? Format = null, string? Kinds = null, string? Types = null, string? Ids = null, int? Hops = null, string? Status = null);

/// <summary>
/// <c>GET /api/export</c>: the whole graph or a filtered part in any format the import reads, streamed as it is
/// read from the store (a page at a time). A read like any other: viewers and up (and anonymous callers where
/// reads are open). Multi-file formats (csv, graph-seed) come as one zip that <c>POST /api/import</c> takes back.
/// </summary>
internal static class ExportApi
{
    public static IEndpointRouteBuilder MapExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/export", ExportAsync)
            .WithTags("Import and export")
            .WithName("Export")
            .WithSummary("Exports the graph, or part of it, in any import format (a round trip gives the same graph)")
            .WithDescription(
                "format: jsonl (application/x-ndjson), graphml (application/graphml+xml), graphology (application/json), csv " +
                "(application/zip of sources.json, nodes.csv, edges.csv) or graph-seed (application/zip of sources.json, nodes.json, " +
                "edges.json). Filters: kinds, types, status, ids with hops (the neighborhood). Edges come when both ends do; sources: " +
                "all for the whole graph, else those the exported evidence cites. Streamed as it is read; each record is written " +
                "as the store holds it when its page is read.")
            .Produces<string>(StatusCodes.Status200OK, "application/x-ndjson", "application/zip", "application/graphml+xml", "application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportAsync(
        [AsParameters] ExportRequest request, HttpContext http, IGraphStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Format) || GraphExport.Parse(request.Format) is not { } format)
        {
            return BadRequest($"format: {(string.IsNullOrWhiteSpace(request.Format) ? "required" : $"unknown format '{request.Format}'")} (use jsonl, csv, graph-seed, graphml or graphology)");
        }

        var (filter, error) = ExportFilters.Parse(request.Kinds, request.Types, request.Ids, request.Hops, request.Status);
        if (error is not null)
        {
            return BadRequest(error);
        }

        if (filter!.Ids is { } ids)
        {
            var found = await store.GetNodesAsync(ids.ToHashSet(StringComparer.Ordinal), cancellationToken);
            if (ids.FirstOrDefault(id => !found.ContainsKey(id)) is { } missing)
            {
                return TypedResults.Problem($"ids: no node has the id '{missing}'.", statusCode: StatusCodes.Status404NotFound, title: "Node not found");
            }
        }

        var (contentType, fileName) = format switch
        {
            ExportFormat.JsonLines => ("application/x-ndjson", "explorer.jsonl"),
            ExportFormat.GraphMl => ("application/graphml+xml", "explorer.graphml"),
            ExportFormat.Graphology => ("application/json", "explorer.json"),
            ExportFormat.Csv => ("application/zip", "explorer-csv.zip"),
            _ => ("application/zip", "explorer-graph-seed.zip"),
        };

        http.Response.ContentType = contentType + (contentType == "application/zip" ? "" : "; charset=utf-8");
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        var body = http.Response.Body;
        if (contentType != "application/zip")
        {
            await GraphExport.WriteAsync(store, format, filter, _ => new KeepOpen(body), cancellationToken);
            return TypedResults.Empty;
        }

        // The zip's entries finish (the last deflate block, sizes and checksum) and its directory is written with
        // synchronous writes, even through ZipArchive's async API: those few bytes wait in memory (ZipSpool) and go
        // out asynchronously before the next entry and at the end, with the entries' data, which is written async.
        var spool = new ZipSpool(body);
        await using (var zip = await ZipArchive.CreateAsync(spool, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken))
        {
            await GraphExport.WriteAsync(store, format, filter, async (name, token) =>
            {
                await spool.DrainAsync(token);
                return await zip.CreateEntry(name, CompressionLevel.Fastest).OpenAsync(token);
            }, cancellationToken);
        }

        await spool.DrainAsync(cancellationToken);
        return TypedResults.Empty;
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid export");

    /// <summary>
    /// The response body, which a writer may dispose without closing the response. Only asynchronous writes reach
    /// it: synchronous IO stays off, so a synchronous write throws (and the HTTP tests catch one); a synchronous
    /// flush does nothing, since the response flushes when it completes.
    /// </summary>
    private class KeepOpen(Stream inner) : WriteOnlyStream
    {
        protected Stream Inner => inner;

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// The body under a zip: synchronous writes (an entry's last deflate block, data descriptor, the central
    /// directory: small) wait in memory; asynchronous ones (the entries' data) go out after them, and
    /// <see cref="DrainAsync"/> sends what waits.
    /// </summary>
    private sealed class ZipSpool(Stream inner) : KeepOpen(inner)
    {
        private readonly MemoryStream _waiting = new();

        public override void Write(ReadOnlySpan<byte> buffer) => _waiting.Write(buffer);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await DrainAsync(cancellationToken);
            await Inner.WriteAsync(buffer, cancellationToken);
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await DrainAsync(cancellationToken);
            await Inner.FlushAsync(cancellationToken);
        }

        public async ValueTask DrainAsync(CancellationToken cancellationToken)
        {
            if (_waiting.Length > 0)
            {
                await Inner.WriteAsync(_waiting.GetBuffer().AsMemory(0, (int)_waiting.Length), cancellationToken);
                _waiting.SetLength(0);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _waiting.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
