using Explorer.Accounts;
using Explorer.Graph;
using Explorer.Server.Infrastructure;

namespace Explorer.Server.Auth;

/// <summary>
/// Keeps the two-command start: on a store with no users, creates the admin user <c>admin</c> (no password)
/// and a one-time sign-in link valid for 24 hours, which <see cref="Infrastructure.StartupAnnouncer"/> prints
/// once the server listens. While no enabled admin has a password, every start issues a fresh link, so a
/// missed or expired link never locks the admin out; each new link retires the older ones. Runs after the
/// store is opened, before Kestrel listens.
/// </summary>
internal sealed class FirstRun(IGraphStore store, FirstRunLink link, TimeProvider time, ILogger<FirstRun> logger) : IHostedService
{
    public const string AdminName = "admin";
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(24);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await store.CountUsersAsync(cancellationToken) == 0
            && await store.AddUserAsync(User.New(AdminName, Role.Admin, "", now), cancellationToken))
        {
            logger.AdminCreated(AdminName);
        }

        var admins = (await store.ListUsersAsync(cancellationToken)).Where(u => u.Role == Role.Admin && !u.Disabled).ToList();
        if (admins.Any(a => a.PasswordHash.Length > 0))
        {
            return;
        }

        if (admins.FirstOrDefault() is not { } admin)
        {
            logger.NoAdmin();
            return;
        }

        var token = Secrets.NewToken(Secrets.OneTimePrefix);
        var expires = now + LinkLifetime;
        if (await store.AddOneTimeTokenAsync(Secrets.Hash(token), admin.Name, expires, cancellationToken))
        {
            link.Set(admin.Name, token, expires);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The one-time sign-in link issued at this start (if any), held only in memory until it is printed.</summary>
public sealed class FirstRunLink
{
    public string? UserName { get; private set; }

    public string? Token { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public void Set(string userName, string token, DateTimeOffset expiresAt) => (UserName, Token, ExpiresAt) = (userName, token, expiresAt);

    public static string Url(string origin, string token) => $"{origin.TrimEnd('/')}/api/auth/one-time?token={Uri.EscapeDataString(token)}";
}
