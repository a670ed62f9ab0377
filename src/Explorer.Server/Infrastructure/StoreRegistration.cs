using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Neo4j;
using Explorer.Query;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Infrastructure;

internal static class StoreRegistration
{
    /// <summary>
    /// Registers the configured <see cref="IGraphStore"/> (the one switch on <see cref="ExplorerOptions.Store"/>),
    /// the query engine over it, and the hosted services that open and seed the store before Kestrel listens
    /// and announce the server once it does.
    /// </summary>
    public static IServiceCollection AddExplorerStore(this IServiceCollection services)
    {
        services.AddSingleton<IGraphStore>(sp =>
        {
            var options = sp.ExplorerSettings();
            return options.Store switch
            {
                StoreKind.Embedded => EmbeddedStore.Create(
                    options.DatabaseFullPath(),
                    new EmbeddedStoreOptions(
                        options.MaxDatabaseSizeMB is { } megabytes ? (long)(megabytes * 1024 * 1024) : null,
                        sp.GetRequiredService<ILoggerFactory>().CreateLogger("Explorer.Embedded"))),
                StoreKind.Neo4j => Neo4jStore.Create(sp.GetRequiredService<IOptions<Neo4jOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()),
                _ => throw new InvalidOperationException($"Unknown store '{options.Store}'."),
            };
        });
        services.AddSingleton<GraphQueries>();

        // Hosted services start in registration order, all before the server (ASP.NET Core starts it last).
        services.AddHostedService<StoreStartup>();
        services.AddHostedService<StartupAnnouncer>();
        return services;
    }

    /// <summary>
    /// The validated options. Invalid configuration stops startup with one line naming what is wrong; this
    /// runs while the host creates its hosted services, before any other use of the options.
    /// </summary>
    public static ExplorerOptions ExplorerSettings(this IServiceProvider services) => services.Settings<ExplorerOptions>();

    /// <summary>Options of type <typeparamref name="T"/>, or startup stopped with one line saying what is wrong with them.</summary>
    public static T Settings<T>(this IServiceProvider services)
        where T : class
    {
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            throw services.GetRequiredService<StartupFailures>().Fail(services.GetRequiredService<ILogger<T>>(), $"invalid configuration: {string.Join(" ", ex.Failures)}", ex);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is FormatException format)
        {
            // The binder could not convert a value, e.g. Explorer:Store=Neo4j before that store exists.
            throw services.GetRequiredService<StartupFailures>().Fail(services.GetRequiredService<ILogger<T>>(), $"invalid configuration: {ex.Message} {format.Message}", ex);
        }
    }

    /// <summary>Where the store keeps the graph, for log lines: the database file as configured, or the Neo4j server and database.</summary>
    public static string Location(this ExplorerOptions options, Neo4jOptions neo4j) => options.Store switch
    {
        StoreKind.Embedded => options.DatabaseFullPath(),
        StoreKind.Neo4j => neo4j.Describe(),
        _ => options.Store.ToString(),
    };
}
