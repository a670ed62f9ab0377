namespace Explorer.Server.Infrastructure;

/// <summary>Refuses requests whose query string is longer than any real query needs (414 problem).</summary>
internal static class RequestLimits
{
    /// <summary>Raw (percent-encoded) characters; GraphQueries caps each text at 500 characters on top.</summary>
    public const int MaxQueryStringLength = 4096;

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use((context, next) =>
        context.Request.QueryString.Value is { Length: > MaxQueryStringLength } query
            ? context.WriteProblemAsync(
                StatusCodes.Status414UriTooLong,
                "Query string too long",
                $"The query string has {query.Length} characters; at most {MaxQueryStringLength} are accepted.")
            : next(context));
}
