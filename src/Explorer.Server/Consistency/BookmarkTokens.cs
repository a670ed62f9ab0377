using System.Security.Cryptography;
using Explorer.Graph;
using Microsoft.AspNetCore.DataProtection;

namespace Explorer.Server.Consistency;

/// <summary>
/// Read-your-writes for each browser across server instances. A response to a request that wrote carries the
/// store's bookmarks after that write in the <see cref="Header"/> header, and every change event carries the
/// bookmarks of a state that includes it; the page sends the newest it holds back on each request, and the
/// instance that serves it (any of them) makes that request's store queries wait for them
/// (<see cref="BookmarkScope"/>), so the browser that wrote reads its write even when a load balancer sends its
/// next request to an instance that has not heard of the write yet.
/// <para>
/// The bookmarks travel protected (ASP.NET Core data protection: encrypted and authenticated with the keys the
/// instances share, see Auth's keys folder) and time-limited (<see cref="Lifetime"/>): a browser can neither forge
/// one nor read what it holds, and a token applies to the one request that brought it, never to the process.
/// A token that does not unprotect (tampered, expired, from another deployment's keys) is ignored with a log
/// line rather than refused: the request is served as if it carried none, which loses nothing but the wait.
/// </para>
/// </summary>
public sealed partial class BookmarkTokens(IDataProtectionProvider protection, TimeProvider time, ILogger<BookmarkTokens> logger)
{
    /// <summary>The request and response header that carries tokens (the request: comma-separated, newest last).</summary>
    public const string Header = "Explorer-Bookmark";

    /// <summary>
    /// How long a token is honoured. Long enough for any browser to make its next request, and far longer than
    /// an instance needs to hear of a change through the backplane, after which the token adds nothing.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>At most this many tokens are read from one request, and the header is ignored past this length.</summary>
    public const int MaxTokens = 4;

    public const int MaxHeaderLength = 8192;

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Explorer.Server.Consistency.Bookmarks.v1").ToTimeLimitedDataProtector();

    /// <summary>A token for these bookmarks, valid for <see cref="Lifetime"/> from now.</summary>
    public string Issue(IEnumerable<string> bookmarks) =>
        _protector.Protect(string.Join('\n', bookmarks), time.GetUtcNow() + Lifetime);

    /// <summary>The bookmarks in a request's header value; tokens that do not unprotect are left out (and logged).</summary>
    public IReadOnlyList<string> Read(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return [];
        }

        if (header.Length > MaxHeaderLength)
        {
            LogIgnored(logger, $"header longer than {MaxHeaderLength} characters");
            return [];
        }

        var bookmarks = new List<string>();
        foreach (var token in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(MaxTokens))
        {
            try
            {
                bookmarks.AddRange(_protector.Unprotect(token, out _).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
            catch (CryptographicException ex)
            {
                // Tampered, expired, or protected with keys this instance does not have. The reason, never the token.
                LogIgnored(logger, ex.Message);
            }
        }

        return [.. bookmarks.Distinct(StringComparer.Ordinal).TakeLast(Bookmarks.Cap)];
    }

    [LoggerMessage(EventId = 1150, Level = LogLevel.Information, Message = "Ignored a bookmark token the browser sent ({Reason}); its request reads without waiting for it")]
    private static partial void LogIgnored(ILogger logger, string reason);
}

/// <summary>Registers the tokens and runs each request in its own <see cref="BookmarkScope"/>.</summary>
public static class BookmarkScopes
{
    public static IServiceCollection AddBookmarkTokens(this IServiceCollection services)
    {
        services.AddSingleton<BookmarkTokens>();
        return services;
    }

    /// <summary>
    /// Each request's store queries wait for the bookmarks its <see cref="BookmarkTokens.Header"/> carries (and
    /// for nothing another request brought); a response to a request that wrote gets a token for the state after
    /// its write, set as the response starts (a store without bookmarks, the embedded one, never sets one).
    /// </summary>
    public static IApplicationBuilder UseBookmarkScopes(this IApplicationBuilder app)
    {
        // Resolved per request, not while the pipeline is built: building the protector reads the validated
        // options, and an invalid setting must stop start-up through its own check (naming the setting).
        return app.Use(async (context, next) =>
        {
            var tokens = context.RequestServices.GetRequiredService<BookmarkTokens>();
            using var scope = BookmarkScope.Begin(tokens.Read(context.Request.Headers[BookmarkTokens.Header].ToString()));
            context.Response.OnStarting(() =>
            {
                if (scope.Wrote && scope.Bookmarks.Current is { Count: > 0 } bookmarks)
                {
                    context.Response.Headers[BookmarkTokens.Header] = tokens.Issue(bookmarks);
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
    }
}
