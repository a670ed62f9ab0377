namespace Explorer.Server.Live;

internal static class LiveApi
{
    public const string HubPath = "/hubs/graph";

    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddSignalR(options => options.StatefulReconnectBufferSize = 1_000_000);
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
