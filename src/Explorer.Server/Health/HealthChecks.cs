using System.Globalization;
using Explorer.Graph;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Explorer.Server.Health;

/// <summary>Readiness: the store answers a query that reaches its database, and its index is loaded.</summary>
internal sealed class StoreHealthCheck(IGraphStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // The change log lives in the database (SQLite or Neo4j); the counts come from the loaded index.
            var lastSeq = await store.GetLastSeqAsync(cancellationToken);
            var counts = await store.CountAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["store"] = store.Name,
                ["nodes"] = counts.Nodes,
                ["edges"] = counts.Edges,
                ["lastSeq"] = lastSeq,
            };
            if (store.ServerVersion is { } version)
            {
                data["serverVersion"] = version;
            }

            return HealthCheckResult.Healthy($"the {store.Name} store answers; its index holds {counts.Nodes} nodes and {counts.Edges} edges", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the {store.Name} store does not answer: {StorageFault.From(ex)?.Reason ?? ex.Message}");
        }
    }
}

/// <summary>Degraded while storage refuses writes (see <see cref="StorageState"/>): reads go on, so the instance stays in rotation.</summary>
internal sealed class StorageHealthCheck(StorageState storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (storage.Current is not { } current)
        {
            return Task.FromResult(HealthCheckResult.Healthy("storage accepts writes"));
        }

        var refusal = current.Fault.Kind == StorageFaultKind.Full ? "writes are refused with 507" : "writes are refused with 503";
        var data = new Dictionary<string, object>
        {
            ["fault"] = current.Fault.Kind.ToString(),
            ["since"] = current.Since.ToString("O", CultureInfo.InvariantCulture),
            ["refused"] = current.Refused,
        };
        return Task.FromResult(HealthCheckResult.Degraded($"storage is {(current.Fault.Kind == StorageFaultKind.Full ? "full" : "failing")}: {current.Fault.Reason}; {refusal}, reads go on", data: data));
    }
}

/// <summary>Not ready once shutdown has begun, so a load balancer stops sending new requests at once.</summary>
internal sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("shutting down")
            : HealthCheckResult.Healthy("running"));
}
