using System.Globalization;
using System.Threading.RateLimiting;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// Writes are limited per signed-in user (a token bucket: <see cref="RateLimitOptions.WriteBurst"/> at once,
/// then <see cref="RateLimitOptions.WritesPerMinute"/>). Over the limit: 429 problem with Retry-After.
/// </summary>
internal static partial class WriteLimits
{
    public const string Policy = "writes";

    public static IServiceCollection AddWriteLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.WritesPerMinute > 0, $"{RateLimitOptions.Section}:WritesPerMinute must be at least 1.")
            .Validate(o => o.WriteBurst > 0, $"{RateLimitOptions.Section}:WriteBurst must be at least 1.")
            .ValidateOnStart();

        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Policy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var partition = context.User.Identity?.Name is { } name ? "user:" + name.ToUpperInvariant() : "ip:" + context.Connection.RemoteIpAddress;

                // Refilled every second (or slower for limits under one a second), never in one lump a minute.
                var perSecond = limits.WritesPerMinute / 60;
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.WriteBurst,
                    TokensPerPeriod = Math.Max(1, perSecond),
                    ReplenishmentPeriod = perSecond >= 1 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1) / limits.WritesPerMinute,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });

            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var http = context.HttpContext;
                LogRejected(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WriteLimits)), http.User.Identity?.Name ?? "anonymous", http.Request.Path);
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await http.WriteProblemAsync(
                    StatusCodes.Status429TooManyRequests,
                    "Too many writes",
                    $"This user is over the write limit; try again in {seconds} s.");
            };
        });
        return services;
    }

    [LoggerMessage(EventId = 1240, Level = LogLevel.Warning, Message = "Write limit reached for {User} on {Path}")]
    private static partial void LogRejected(ILogger logger, string user, string path);
}
