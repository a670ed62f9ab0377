using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// Ends live connections whose sign-in has ended. Authentication happens once, when a connection opens; this
/// hub filter remembers every signed-in connection and checks it again every
/// <see cref="AuthOptions.SessionCheckInterval"/>, and at once when this server disables a user, changes
/// their role or password, signs them out or revokes a token. A connection whose session or token no
/// longer stands (<see cref="Sessions.StandsAsync"/>) is aborted, so it hears nothing more; reconnecting
/// is refused or, where anonymous reads are allowed, comes back anonymous.
/// </summary>
internal sealed partial class ListenerGuard(Sessions sessions, IOptionsMonitor<AuthOptions> options, ILogger<ListenerGuard> logger)
    : BackgroundService, IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _signedIn = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    /// <summary>Signed-in connections being watched (for tests).</summary>
    internal int Watched => _signedIn.Count;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Context.User?.IsSignedIn() == true)
        {
            _signedIn[context.Context.ConnectionId] = context.Context;
        }

        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _signedIn.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        sessions.Ended += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(options.CurrentValue.SessionCheckInterval, stoppingToken);
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogCheckFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            sessions.Ended -= Wake;
        }
    }

    private void Wake() => _wake.Release();

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, connection) in _signedIn)
        {
            if (connection.User is { } user && !await sessions.StandsAsync(user, cancellationToken))
            {
                _signedIn.TryRemove(id, out _);
                LogEnded(logger, user.Identity?.Name ?? "?", id);
                connection.Abort();
            }
        }
    }

    [LoggerMessage(EventId = 1242, Level = LogLevel.Information, Message = "Closed live connection {ConnectionId} of {User}: the sign-in has ended")]
    private static partial void LogEnded(ILogger logger, string user, string connectionId);

    [LoggerMessage(EventId = 1241, Level = LogLevel.Warning, Message = "Checking live connections against their sign-ins failed; retrying")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
