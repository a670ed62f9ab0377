using Scalar.AspNetCore;

namespace Explorer.Server.Infrastructure;

/// <summary>
/// Security headers on every response. The API gets a strict Content-Security-Policy. The Scalar reference
/// page (/scalar) bootstraps with an inline module script, which Scalar marks with a fresh nonce per request,
/// and styles itself inline; its policy allows exactly that and nothing from other origins. The web front end
/// ("/", "/source", "/app/...") gets <see cref="AppPolicy"/>: scripts, styles and workers from Explorer only,
/// nothing inline (sigma sizes its canvases through the CSSOM, which style-src does not govern).
/// Answers about accounts (users, tokens, sign-in) are never stored by a browser or proxy cache.
/// </summary>
internal static class SecurityHeaders
{
    public const string ApiPolicy = "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

    public const string AppPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self'; " +
        "font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Paths whose answers name users or carry secrets: Cache-Control: no-store.</summary>
    public static bool IsAccountPath(PathString path) =>
        path.StartsWithSegments("/api/users") || path.StartsWithSegments("/api/tokens") || path.StartsWithSegments("/api/auth");

    public static bool IsAppPath(PathString path) =>
        path == "/" || path == "/source" || path.StartsWithSegments(Web.WebApp.RequestPath);

    public static string ScalarPolicy(string? nonce) =>
        $"default-src 'self'; script-src 'self'{(nonce is null ? "" : $" 'nonce-{nonce}'")}; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (IsAccountPath(context.Request.Path))
        {
            headers.CacheControl = "no-store";
        }

        if (context.Request.Path.StartsWithSegments("/scalar"))
        {
            // The nonce exists only once Scalar's endpoint has run, so the header is set as the response starts.
            context.Response.OnStarting(() =>
            {
                var nonce = context.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var value) ? value as string : null;
                context.Response.Headers.ContentSecurityPolicy = ScalarPolicy(nonce);
                return Task.CompletedTask;
            });
        }
        else
        {
            headers.ContentSecurityPolicy = IsAppPath(context.Request.Path) ? AppPolicy : ApiPolicy;
        }

        return next(context);
    });
}
