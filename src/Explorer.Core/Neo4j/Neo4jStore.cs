using Explorer.Graph;
using Microsoft.Extensions.Logging;

namespace Explorer.Neo4j;

/// <summary>Creates the Neo4j store; the store itself and its client stay internal.</summary>
public static class Neo4jStore
{
    /// <summary>A Neo4j store for these options (validated here), not yet initialized: call InitializeAsync.</summary>
    public static IGraphStore Create(Neo4jOptions options, ILoggerFactory? loggers = null)
    {
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            // Each request has its own timeout (QueryApiPolicy.RequestTimeout).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var client = new QueryApiClient(http, new Uri(options.Uri!), options.Database, QueryApiClient.Authorization(options), QueryApiPolicy.From(options), loggers?.CreateLogger("Explorer.Neo4j"));
        return new Neo4jGraphStore(client, loggers?.CreateLogger("Explorer.Neo4j"), http, TimeSpan.FromSeconds(options.IndexWaitSeconds));
    }
}
