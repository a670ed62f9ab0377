using Microsoft.Extensions.FileProviders;

namespace Explorer.Server.Web;

/// <summary>
/// The browser front end (src/Explorer.Web, built by Vite into wwwroot/app): "/" serves its page and
/// "/app/..." its hashed assets. Everything is served by Explorer itself; no CDN. When the front end was not
/// built (the build target was skipped), "/" falls back to the API reference so the server stays usable.
/// </summary>
internal static partial class WebApp
{
    public const string RequestPath = "/app";
    private const string AssetsPath = "/app/assets";

    /// <summary>
    /// The built front end: wwwroot/app under the content root (dotnet run), else next to the binaries
    /// (published image, the CLI's serve verb). Null when neither holds an index.html.
    /// </summary>
    public static string? FindAppDirectory(string contentRoot) =>
        new[] { Path.Combine(contentRoot, "wwwroot", "app"), Path.Combine(AppContext.BaseDirectory, "wwwroot", "app") }
            .FirstOrDefault(directory => File.Exists(Path.Combine(directory, "index.html")));

    public static WebApplication MapWebApp(this WebApplication app)
    {
        var directory = FindAppDirectory(app.Environment.ContentRootPath);
        if (directory is null)
        {
            LogFrontEndMissing(app.Logger);
            app.MapGet("/", () => TypedResults.Redirect("/scalar/")).ExcludeFromDescription().AllowAnonymous();
            return app;
        }

        var files = new PhysicalFileProvider(directory);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = RequestPath,
            OnPrepareResponse = context =>
            {
                // Vite names assets by content hash, so they never change under the same URL.
                if (context.Context.Request.Path.StartsWithSegments(AssetsPath))
                {
                    context.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                }
            },
        });

        // The page itself is never cached: it names the current assets.
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Page(context, files, "index.html")).ExcludeFromDescription().AllowAnonymous();
        app.MapMethods("/source", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Page(context, files, "source.html")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static IResult Page(HttpContext context, PhysicalFileProvider files, string name)
    {
        var file = files.GetFileInfo(name);
        if (!file.Exists || file.PhysicalPath is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(file.PhysicalPath, "text/html; charset=utf-8");
    }

    [LoggerMessage(EventId = 1041, Level = LogLevel.Warning, Message = "The web front end is not built (no wwwroot/app/index.html); \"/\" redirects to the API reference. Build with Node.js installed to get it.")]
    private static partial void LogFrontEndMissing(ILogger logger);
}
