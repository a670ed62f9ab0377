using System.Text.Json.Serialization;

namespace Explorer.Server.Live;

internal static class LiveApi
{
    public const string HubPath = "/hubs/graph";

    /// <summary>
    /// The hub and the change publisher. With Redis configured (see <see cref="RedisSettings"/>) SignalR uses the
    /// Redis backplane and one instance at a time publishes (see <see cref="LiveBackplane"/>). Clients of a
    /// scaled-out deployment need sticky sessions, or WebSockets only with negotiation skipped.
    /// </summary>
    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration configuration)
    {
        // Enums travel as their names, as over HTTP (Infrastructure/Json.cs): a change's kind, a node's kind.
        var signalR = services.AddSignalR(options => options.StatefulReconnectBufferSize = 1_000_000)
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        var redisSettings = RedisSettings.From(configuration);
        if (redisSettings is null && configuration.GetValue<bool>("Explorer:Redis:Required"))
        {
            // A scaled-out instance (compose's scale profile) without its backplane would serve browsers that
            // never hear about other instances' writes: refuse to start, saying what to set, in one line (the
            // first thing the host starts, before the store is opened or seeded; see RedisRequired).
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService, RedisRequired>());
        }

        if (redisSettings is { } redis)
        {
            signalR.AddStackExchangeRedis(redis.ConnectionString, options => options.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(redis.ChannelPrefix));
            services.AddSingleton(redis);
            services.AddSingleton<LiveBackplane>();
            services.AddHostedService<PresenceSync>();
        }

        // A graceful stop waits at most this long for requests in flight; hub connections are closed at its start.
        services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<ChangePublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangePublisher>());
        return services;
    }

    /// <summary>How long a graceful stop may wait for requests in flight.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fast, graceful shutdown of the live channel. When the host starts stopping, SignalR closes every hub
    /// connection (clients switch to "Reconnecting" at once) — but clients reconnect immediately, and a
    /// connection accepted after that close would hold the stop open until <see cref="ShutdownTimeout"/>. So
    /// from then on the hub answers 503 with Retry-After: reconnecting clients keep retrying (another
    /// instance, or this one once restarted) and the process exits as soon as the requests in flight finish.
    /// </summary>
    public static IApplicationBuilder UseLiveShutdown(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (context, next) =>
        {
            if (stopping.IsCancellationRequested && context.Request.Path.StartsWithSegments(HubPath, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                context.Response.Headers.Connection = "close";
                return;
            }

            await next(context);
        });
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<GraphHub>(HubPath, options => options.AllowStatefulReconnects = true);
        return app;
    }
}

/// <summary>
/// Stops the start of an instance that must have a Redis backplane and has none, with one line saying what to
/// set (through <see cref="Infrastructure.StartupFailures"/>: exit code 1, no stack trace).
/// </summary>
internal sealed class RedisRequired(Infrastructure.StartupFailures failures, ILogger<RedisRequired> logger) : IHostedService
{
    public const string Reason = "Explorer:Redis:Required is set (this instance is one of several) but no Redis is configured: set Explorer__Redis__ConnectionString " +
        "(with docker compose: EXPLORER_REDIS=redis:6379 docker compose --profile scale up)";

    public Task StartAsync(CancellationToken cancellationToken) => throw failures.Fail(logger, Reason);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
