using System.Collections.Concurrent;
using System.Security.Claims;
using Explorer.Accounts;
using Explorer.Graph;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// Whether a signed-in principal still stands: a browser session while its user exists, is enabled and has
/// the security stamp the session was signed in with; an API token while it is not revoked and its owner
/// is enabled. Users and tokens are read from the store at most once per
/// <see cref="AuthOptions.SessionCheckInterval"/>; whatever this server changes is forgotten at once
/// (<see cref="Forget"/>), and <see cref="Ended"/> tells the live channel to check its connections now.
/// </summary>
public sealed class Sessions(IGraphStore store, TimeProvider time, IOptionsMonitor<AuthOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry<User>> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Entry<ApiToken>> _tokens = new(StringComparer.Ordinal);

    /// <summary>Raised after this server changed a user or revoked a token.</summary>
    public event Action? Ended;

    /// <summary>The user behind a session, from memory when read recently.</summary>
    public async ValueTask<User?> UserAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_users.TryGetValue(name, out var cached) && now - cached.At < options.CurrentValue.SessionCheckInterval)
        {
            return cached.Value;
        }

        var user = await store.GetUserAsync(name, cancellationToken);
        _users[name] = new Entry<User>(user, now);
        return user;
    }

    /// <summary>Whether a principal signed in earlier still stands (anonymous: nothing to end, true).</summary>
    public async ValueTask<bool> StandsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!principal.IsSignedIn() || principal.Identity?.Name is not { } name)
        {
            return true;
        }

        if (principal.FindFirstValue(Principals.TokenIdClaim) is { } tokenId)
        {
            return await TokenStandsAsync(tokenId, cancellationToken)
                && await UserAsync(name, cancellationToken) is { Disabled: false };
        }

        return await UserAsync(name, cancellationToken) is { Disabled: false } user
            && principal.FindFirstValue(Principals.SecurityStampClaim) == user.SecurityStamp;
    }

    /// <summary>Call after changing a user: their sessions are checked against the store at their next request.</summary>
    public void Forget(string userName)
    {
        _users.TryRemove(userName, out _);
        Ended?.Invoke();
    }

    /// <summary>Call after revoking a token.</summary>
    public void ForgetToken(string tokenId)
    {
        _tokens.TryRemove(tokenId, out _);
        Ended?.Invoke();
    }

    private async ValueTask<bool> TokenStandsAsync(string tokenId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_tokens.TryGetValue(tokenId, out var cached) || now - cached.At >= options.CurrentValue.SessionCheckInterval)
        {
            cached = new Entry<ApiToken>(await store.GetApiTokenAsync(tokenId, cancellationToken), now);
            _tokens[tokenId] = cached;
        }

        return cached.Value is { Revoked: false };
    }

    private sealed record Entry<T>(T? Value, DateTimeOffset At)
        where T : class;
}
