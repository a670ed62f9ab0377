using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Explorer.Server.Infrastructure;

/// <summary>
/// Request logs without secrets. ASP.NET Core's own request lines (category
/// Microsoft.AspNetCore.Hosting.Diagnostics) carry the whole query string, which for the live channel holds
/// <c>access_token</c> and for the first-run link <c>token</c>; they are capped at Warning whatever the
/// configuration says, and this middleware logs each request instead (at Debug, category
/// Explorer.Server.Requests) with those values replaced by <c>***</c>.
/// </summary>
internal static partial class RequestLog
{
    public const string Category = "Explorer.Server.Requests";

    /// <summary>Categories whose lines may echo a request's URL, and the lowest level they may log at.</summary>
    private static readonly (string Category, LogLevel Level)[] s_urlEchoing =
    [
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning),
        ("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Information),
        ("Microsoft.AspNetCore.HttpLogging", LogLevel.None),
    ];

    public static ILoggingBuilder AddRequestLogRedaction(this ILoggingBuilder logging)
    {
        foreach (var (category, level) in s_urlEchoing)
        {
            logging.AddFilter(category, level);
        }

        return logging;
    }

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Debug))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var query = Redact(context.Request.QueryString.Value);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                LogRequest(logger, context.Request.Method, context.Request.Path.Value ?? "", query, context.Response.StatusCode, elapsed);
            }
        });
    }

    /// <summary>The query string with the values of secret parameters replaced by ***.</summary>
    public static string Redact(string? query) =>
        string.IsNullOrEmpty(query) ? "" : SecretParameter().Replace(query, "${name}=***");

    [GeneratedRegex(@"(?<name>(?<=[?&])(access_token|token))=[^&]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretParameter();

    [LoggerMessage(EventId = 1040, Level = LogLevel.Debug, Message = "{Method} {Path}{Query} answered {Status} in {ElapsedMs:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, string query, int status, double elapsedMs);
}
