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
            // never hear about other instances' writes: refuse to start, saying what to set.
            throw new InvalidOperationException(
                "Explorer:Redis:Required is set (this instance is one of several) but no Redis is configured: set Explorer__Redis__ConnectionString " +
                "(with docker compose: EXPLORER_REDIS=redis:6379 docker compose --profile scale up).");
        }

        if (redisSettings is { } redis)
        {
            signalR.AddStackExchangeRedis(redis.ConnectionString, options => options.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(redis.ChannelPrefix));
            services.AddSingleton(redis);
            services.AddSingleton<LiveBackplane>();
        }

        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<ChangePublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangePublisher>());
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<GraphHub>(HubPath, options => options.AllowStatefulReconnects = true);
        return app;
    }
}
