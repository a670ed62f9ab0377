using System.Net;
using Explorer.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// Which names and origins count as Explorer itself. Anonymous reads from this machine need a loopback host
/// name (or one of <see cref="AuthOptions.AllowedHosts"/>), so a page on another site that re-points its DNS
/// name at 127.0.0.1 (DNS rebinding) gets 401. The live channel refuses pages from other origins: browsers
/// send Origin with every WebSocket, and WebSockets are not subject to CORS.
/// </summary>
internal static class SiteOrigins
{
    /// <summary>Whether the Host the request was sent to names this machine (or an allowed name).</summary>
    public static bool IsAllowedLocalHost(HttpContext context, AuthOptions options)
    {
        var host = context.Request.Host;
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host.Trim('[', ']');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address))
            || options.AllowedHosts.Any(allowed => allowed.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether a setting is an origin: http(s), a host, maybe a port, and nothing else.</summary>
    public static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.GetLeftPart(UriPartial.Authority).Equals(value.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a browser page at <paramref name="origin"/> may use the live channel of this request's site.</summary>
    public static bool IsAllowedOrigin(HttpContext context, string origin, AuthOptions options)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false;
        }

        // The site's own origin: the page was served by the host the request was sent to.
        var host = context.Request.Host;
        var samePort = host.Port is { } port ? port == uri.Port : uri.IsDefaultPort;
        if (host.HasValue && uri.Host.Equals(host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase) && samePort)
        {
            return true;
        }

        var authority = uri.GetLeftPart(UriPartial.Authority);
        return options.AllowedOrigins.Any(allowed => allowed.TrimEnd('/').Equals(authority, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Middleware: a request to a hub from a browser page of another origin gets 403.</summary>
    public static Task RefuseForeignHubOrigins(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments(BearerTokenHandler.QueryTokenPath)
            && context.Request.Headers.Origin is [{ } origin]
            && !IsAllowedOrigin(context, origin, context.RequestServices.GetRequiredService<IOptionsMonitor<AuthOptions>>().CurrentValue))
        {
            return context.WriteProblemAsync(
                StatusCodes.Status403Forbidden,
                "Origin not allowed",
                $"The live channel accepts pages of this site only (or of {AuthOptions.Section}:AllowedOrigins); this page is from {origin}.");
        }

        return next(context);
    }
}
