using System.IO.Compression;
using Explorer.Graph;
using Explorer.Import;
using Explorer.Server.Auth;
using Explorer.Server.Infrastructure;
using Explorer.Server.Live;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explorer.Server.ImportExport;

/// <summary>How to run an import over HTTP (the query string of <c>POST /api/import</c>).</summary>
/// <param name="Format">jsonl, csv, graph-seed, graphml or graphology; default: from the file names and content type.</param>
/// <param name="DryRun">Validate and count only: nothing is written.</param>
/// <param name="EvidenceSource">A source document id describing the import: edges without evidence cite the first line of its text.</param>
/// <param name="AllOrNothing">Write nothing at all if any record is invalid (default: write every record that validates).</param>
/// <param name="Name">The file name of a body sent as itself (not multipart or zip), for errors and for telling graph-seed files apart (nodes.json).</param>
public sealed record ImportRequest(string? Format = null, bool? DryRun = null, string? EvidenceSource = null, bool? AllOrNothing = null, string? Name = null);

/// <summary>New, changed, unchanged and removed records of one kind.</summary>
public sealed record ImportCountsResponse(long New, long Changed, long Unchanged, long Removed);

/// <summary>One record that was not (or, in a dry run, would not be) imported: where it is and why.</summary>
/// <param name="File">The file name as uploaded.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column (in CSV the field number).</param>
/// <param name="Element">The record where the format names one ("node 'nato'" in GraphML); null otherwise.</param>
/// <param name="Reason">What is wrong.</param>
public sealed record ImportErrorResponse(string File, long Line, int Column, string? Element, string Reason);

/// <summary>What an import did or, in a dry run, would do.</summary>
/// <param name="DryRun">Whether this was a dry run (nothing written).</param>
/// <param name="Applied">Whether anything was written.</param>
/// <param name="Format">The format read: jsonl, csv, graph-seed, graphml or graphology.</param>
/// <param name="Records">Records read.</param>
/// <param name="EdgesWithoutEvidence">Edge records without evidence of their own: with evidenceSource they cite that source document, without it each is an error.</param>
/// <param name="ErrorCount">Every error; errors lists the first 1,000.</param>
/// <param name="LastSeq">The change-log sequence of the last write (0: none); GET /api/changes?after= shows them.</param>
public sealed record ImportResponse(
    bool DryRun,
    bool Applied,
    string Format,
    long Records,
    ImportCountsResponse Sources,
    ImportCountsResponse Nodes,
    ImportCountsResponse Edges,
    long EdgesWithoutEvidence,
    long ErrorCount,
    IReadOnlyList<ImportErrorResponse> Errors,
    long Batches,
    long LastSeq,
    double ElapsedMs);

/// <summary>
/// <c>POST /api/import</c>: the import pipeline (<see cref="GraphImport"/>) over HTTP, for analysts and admins,
/// with the same sign-in, antiforgery and per-user write limit as every other write. A dry run answers the counts
/// and every error; a real import validates everything first and writes only what validates, in batches, each
/// pushed live as it commits. Re-importing the same data writes nothing.
/// </summary>
internal static class ImportApi
{
    /// <summary>The largest upload (a multipart form, a zip or one file).</summary>
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    /// <summary>A zip may unpack to at most this much, in at most <see cref="MaxZipEntries"/> files (zip bombs are refused).</summary>
    public const long MaxUnzippedBytes = 4L * MaxBodyBytes;

    public const int MaxZipEntries = 16;

    private static readonly string[] s_mediaTypes =
    [
        "multipart/form-data", "application/zip", "application/x-ndjson", "application/jsonl", "text/csv", "application/json",
        "application/graphml+xml", "application/xml", "text/xml",
    ];

    public static IEndpointRouteBuilder MapImport(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/import", ImportAsync)
            .WithTags("Import and export")
            .WithName("Import")
            .WithSummary("Imports nodes, edges and source documents from files (dryRun=true: counts and errors only)")
            .WithDescription(
                "Formats: jsonl (JSON Lines), csv (nodes.csv + edges.csv with neo4j-admin headers, optional sources.json), graph-seed " +
                "(sources.json, nodes.json, edges.json), graphml (as Gephi and yEd write it) and graphology (JSON, as the page exports it); " +
                "format= or from the file names. Send multipart/form-data with one or more files (and an optional 'mapping' part: the mapping " +
                "file of the README), an application/zip of the files (as GET /api/export gives them), or one file as the body with its " +
                "content type (and name= for a graph-seed file). At most 64 MB (413), other content types 415. Everything is validated " +
                "first; then only what validates is written (allOrNothing=true: nothing if anything fails), in batches pushed live. " +
                "200 with new/changed/unchanged counts and every error (file, line, column, element, reason), also when records failed: " +
                "check errorCount. Idempotent: the same files again write nothing. Analysts and admins.")
            .Accepts<IFormFile>(s_mediaTypes[0], s_mediaTypes[1..])
            .WithBodyLimit(MaxBodyBytes)
            .RequireAuthorization(AuthPolicies.Analyst)
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> ImportAsync(
        [AsParameters] ImportRequest request, HttpContext http, IGraphStore store, ChangePublisher publisher, CancellationToken cancellationToken)
    {
        ImportFormat? format = null;
        if (request.Format is { } given)
        {
            if (ImportFormats.Parse(given) is not { } parsed)
            {
                return BadRequest($"format: unknown format '{given}' (use {ImportFormats.Names})");
            }

            format = parsed;
        }

        await using var upload = new Upload();
        var problem = await upload.ReadAsync(http, request.Name, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (upload.Files.Count == 0)
        {
            return BadRequest("the request holds no file to import");
        }

        format ??= ImportFormats.Detect(upload.Files.Select(f => (f.Name, f.Open)).ToList());
        if (format is null)
        {
            return BadRequest($"cannot tell the format from the file names ({string.Join(", ", upload.Files.Select(f => f.Name))}): send format= ({ImportFormats.Names})");
        }

        ImportMapping? mapping = null;
        if (upload.Mapping is { } mappingText)
        {
            var (read, error) = ImportMapping.Parse(mappingText);
            if (error is not null)
            {
                return BadRequest($"mapping: {error}");
            }

            mapping = read;
        }

        var options = new ImportOptions
        {
            DryRun = request.DryRun ?? false,
            EvidenceSource = string.IsNullOrWhiteSpace(request.EvidenceSource) ? null : request.EvidenceSource,
            AllOrNothing = request.AllOrNothing ?? false,
            Mapping = mapping,
            Committed = (_, _) =>
            {
                // Each committed batch goes out live, as any other write does.
                Editing.RecordHttp.Published(publisher);
                return Task.CompletedTask;
            },
        };

        var inputs = upload.Files.Select(f => ImportInput.FromOpen(f.Name, f.Open, f.Length)).ToList();
        var report = await GraphImport.RunAsync(store, inputs, format.Value, options, null, cancellationToken);
        return TypedResults.Ok(ToResponse(report));
    }

    public static ImportResponse ToResponse(ImportReport report)
    {
        static ImportCountsResponse Counts(ImportCounts c) => new(c.New, c.Changed, c.Unchanged, c.Removed);
        return new ImportResponse(
            report.DryRun,
            report.Applied,
            ImportFormats.NameOf(report.Format),
            report.Records,
            Counts(report.Sources),
            Counts(report.Nodes),
            Counts(report.Edges),
            report.EdgesWithoutEvidence,
            report.ErrorCount,
            [.. report.Errors.Select(e => new ImportErrorResponse(e.File, e.Line, e.Column, e.Element, e.Reason))],
            report.Batches,
            report.LastSeq,
            Math.Round(report.Elapsed.TotalMilliseconds, 1));
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid import");

    private static ProblemHttpResult Unsupported(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported import");

    private static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Import too large");

    /// <summary>One uploaded file: its name and a way to read it from the start, as often as the pipeline needs.</summary>
    private sealed record UploadedFile(string Name, Func<Stream> Open, long Length);

    /// <summary>The files of one request, spooled where needed to temporary files that go with the request.</summary>
    private sealed class Upload : IAsyncDisposable
    {
        private readonly List<string> _temporary = [];

        public List<UploadedFile> Files { get; } = [];

        public string? Mapping { get; private set; }

        public async Task<ProblemHttpResult?> ReadAsync(HttpContext http, string? name, CancellationToken cancellationToken)
        {
            var request = http.Request;
            var mediaType = (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
            if (mediaType == "multipart/form-data")
            {
                IFormCollection form;
                try
                {
                    form = await request.ReadFormAsync(cancellationToken);
                }
                catch (InvalidDataException ex)
                {
                    return BadRequest($"not a readable multipart form: {ex.Message}");
                }

                foreach (var file in form.Files)
                {
                    if (file.Name == "mapping")
                    {
                        using var reader = new StreamReader(file.OpenReadStream());
                        Mapping = await reader.ReadToEndAsync(cancellationToken);
                        continue;
                    }

                    var fileName = SafeName(file.FileName);
                    if (fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                    {
                        await using var zip = file.OpenReadStream();
                        if (await UnzipAsync(zip, cancellationToken) is { } zipProblem)
                        {
                            return zipProblem;
                        }

                        continue;
                    }

                    Files.Add(new UploadedFile(fileName, file.OpenReadStream, file.Length));
                }

                if (form.TryGetValue("mapping", out var mappingField) && !string.IsNullOrEmpty(mappingField.ToString()))
                {
                    Mapping = mappingField.ToString();
                }

                return null;
            }

            if (!s_mediaTypes.Contains(mediaType, StringComparer.Ordinal))
            {
                return Unsupported(string.IsNullOrEmpty(mediaType)
                    ? $"Send a Content-Type: {string.Join(", ", s_mediaTypes)}."
                    : $"'{mediaType}' is not accepted: send {string.Join(", ", s_mediaTypes)}.");
            }

            var path = await SpoolAsync(request.Body, cancellationToken);
            if (path is null)
            {
                return TooLarge($"The body is over {MaxBodyBytes / (1024 * 1024)} MB.");
            }

            if (mediaType == "application/zip")
            {
                await using var zip = File.OpenRead(path);
                return await UnzipAsync(zip, cancellationToken);
            }

            var defaultName = mediaType switch
            {
                "text/csv" => "upload.csv",
                "application/x-ndjson" or "application/jsonl" => "upload.jsonl",
                "application/json" => "upload.json",
                _ => "upload.graphml",
            };
            Files.Add(new UploadedFile(string.IsNullOrWhiteSpace(name) ? defaultName : SafeName(name), () => File.OpenRead(path), new FileInfo(path).Length));
            return null;
        }

        /// <summary>The files of a zip, each at most what is left of <see cref="MaxUnzippedBytes"/>; folders inside are flattened.</summary>
        private async Task<ProblemHttpResult?> UnzipAsync(Stream stream, CancellationToken cancellationToken)
        {
            ZipArchive archive;
            try
            {
                archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException ex)
            {
                return BadRequest($"not a readable zip file: {ex.Message}");
            }

            using (archive)
            {
                var entries = archive.Entries.Where(e => e.Name.Length > 0).ToList();
                if (entries.Count > MaxZipEntries)
                {
                    return BadRequest($"the zip holds {entries.Count} files; at most {MaxZipEntries} are imported at once");
                }

                long total = 0;
                foreach (var entry in entries)
                {
                    if (entry.Name == "mapping.json")
                    {
                        using var reader = new StreamReader(entry.Open());
                        Mapping = await reader.ReadToEndAsync(cancellationToken);
                        continue;
                    }

                    string? path;
                    try
                    {
                        await using var content = entry.Open();
                        path = await SpoolAsync(content, cancellationToken, MaxUnzippedBytes - total);
                    }
                    catch (InvalidDataException ex)
                    {
                        return BadRequest($"{entry.FullName} in the zip cannot be read: {ex.Message}");
                    }

                    if (path is null)
                    {
                        return TooLarge($"The zip unpacks to more than {MaxUnzippedBytes / (1024 * 1024)} MB.");
                    }

                    var length = new FileInfo(path).Length;
                    total += length;
                    Files.Add(new UploadedFile(SafeName(entry.Name), () => File.OpenRead(path), length));
                }
            }

            return null;
        }

        /// <summary>Copies a stream to a new temporary file; null (and no file) when it is longer than <paramref name="limit"/>.</summary>
        private async Task<string?> SpoolAsync(Stream source, CancellationToken cancellationToken, long limit = MaxBodyBytes)
        {
            var path = Path.Combine(Path.GetTempPath(), "explorer-import-" + Guid.NewGuid().ToString("N"));
            _temporary.Add(path);
            await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            var buffer = new byte[1 << 16];
            long written = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                written += read;
                if (written > limit)
                {
                    return null;
                }

                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return path;
        }

        /// <summary>A file name without any folder part (names only appear in errors and tell files apart).</summary>
        private static string SafeName(string name)
        {
            var last = name.Replace('\\', '/').Split('/').LastOrDefault(p => p.Length > 0) ?? "upload";
            return last.Length > 200 ? last[..200] : last;
        }

        public ValueTask DisposeAsync()
        {
            foreach (var path in _temporary)
            {
                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                    // Still open on some platform: the temp folder's own cleanup takes it.
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
