using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Explorer.Server.Infrastructure;

/// <summary>
/// Refuses requests larger than any real request needs, with a problem: query strings over 4096 characters
/// (414; an endpoint may allow more, see <see cref="WithQueryStringLimit"/>), headers over 32 KB or 100 fields
/// (431) and API request bodies over 128 KB (413). Bodies without a Content-Length are read up to the limit
/// before the endpoint sees them.
/// </summary>
/// <remarks>
/// Kestrel rejects some requests before any middleware runs, with an empty body that no hook can change
/// (a request line or headers beyond its own limits, a malformed request line, <c>%00</c> in the path, an
/// <c>*</c> target on anything but OPTIONS). So its limits sit well above the app's: every request up to
/// twice the app's limits reaches this middleware and gets a problem+json. What still gets Kestrel's empty
/// answer is listed in the README (Errors).
/// </remarks>
internal static class RequestLimits
{
    /// <summary>Raw (percent-encoded) characters; GraphQueries caps each text at 500 characters on top.</summary>
    public const int MaxQueryStringLength = 4096;

    /// <summary>GET /api/annotations/counts takes up to 500 ids in its query.</summary>
    public const int MaxCountsQueryStringLength = 40_000;

    /// <summary>
    /// The largest annotation (10,000 characters) fits even as JSON with every character escaped, as .NET's
    /// serializer sends non-ASCII text: 10,000 emoji are 120 KB as \uD83D\uDE42 escapes.
    /// </summary>
    public const int MaxRequestBodyBytes = 128 * 1024;

    /// <summary>Header names and values together (Kestrel's own default is 32 KB too).</summary>
    public const int MaxRequestHeadersBytes = 32 * 1024;

    /// <summary>Header fields (Kestrel's own default is 100 too).</summary>
    public const int MaxRequestHeaderCount = 100;

    /// <summary>Kestrel's request-line limit: room for the longest query an endpoint accepts, and then some.</summary>
    public const int KestrelMaxRequestLineBytes = 64 * 1024;

    public static IServiceCollection AddRequestLimits(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(options =>
        {
            // Kestrel's limits above the app's, so that the middleware below answers (with a problem) instead
            // of Kestrel (with an empty 400, 414 or 431).
            options.Limits.MaxRequestLineSize = KestrelMaxRequestLineBytes;
            options.Limits.MaxRequestHeadersTotalSize = 2 * MaxRequestHeadersBytes;
            options.Limits.MaxRequestHeaderCount = 2 * MaxRequestHeaderCount;
            // Imports (64 MB) and source documents (5 MB of text) are the largest bodies; the middleware below enforces each endpoint's own limit.
            options.Limits.MaxRequestBodySize = Math.Max(Sources.SourcesApi.MaxBodyBytes, ImportExport.ImportApi.MaxBodyBytes);
        });

    /// <summary>Lets one endpoint accept a larger body than <see cref="MaxRequestBodyBytes"/> (source documents).</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, int maxBytes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new BodyLimit(maxBytes));

    /// <summary>Lets one endpoint accept a longer query string than <see cref="MaxQueryStringLength"/>.</summary>
    public static TBuilder WithQueryStringLimit<TBuilder>(this TBuilder builder, int maxLength)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new QueryStringLimit(maxLength));

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HeadersTooLarge(context.Request.Headers) is { } headers)
        {
            await context.WriteProblemAsync(
                StatusCodes.Status431RequestHeaderFieldsTooLarge,
                "Request headers too large",
                $"The request has {headers}; at most {MaxRequestHeaderCount} header fields of {MaxRequestHeadersBytes / 1024} KB together are accepted.");
            return;
        }

        var limit = context.GetEndpoint()?.Metadata.GetMetadata<QueryStringLimit>()?.MaxLength ?? MaxQueryStringLength;
        if (context.Request.QueryString.Value is { } query && query.Length > limit)
        {
            await context.WriteProblemAsync(
                StatusCodes.Status414UriTooLong,
                "Query string too long",
                $"The query string has {query.Length} characters; at most {limit} are accepted.");
            return;
        }

        var bodyLimit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.MaxBytes ?? MaxRequestBodyBytes;
        if (context.Request.Path.StartsWithSegments("/api") && !await BodyWithinLimitAsync(context, bodyLimit))
        {
            await context.WriteProblemAsync(
                StatusCodes.Status413PayloadTooLarge,
                "Request body too large",
                $"The request body is over {bodyLimit / 1024} KB; at most {bodyLimit / 1024} KB are accepted.");
            return;
        }

        await next(context);
    });

    /// <summary>What is too large about the headers ("120 header fields", "40,000 bytes of headers"), or null.</summary>
    private static string? HeadersTooLarge(IHeaderDictionary headers)
    {
        if (headers.Count > MaxRequestHeaderCount)
        {
            return $"{headers.Count} header fields";
        }

        long bytes = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                bytes += name.Length + (value?.Length ?? 0) + 4; // "name: value\r\n"
            }
        }

        return bytes > MaxRequestHeadersBytes ? $"{bytes:N0} bytes of headers" : null;
    }

    private static async Task<bool> BodyWithinLimitAsync(HttpContext context, int limit)
    {
        var request = context.Request;
        if (request.ContentLength is { } length)
        {
            return length <= limit;
        }

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return true;
        }

        // A chunked body: read it (up to the limit) before anything parses it.
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return false;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        request.Body = buffer;
        request.ContentLength = buffer.Length;
        context.Response.RegisterForDispose(buffer);
        return true;
    }

    private sealed record QueryStringLimit(int MaxLength);

    private sealed record BodyLimit(int MaxBytes);
}
