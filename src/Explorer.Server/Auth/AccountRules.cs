using Explorer.Accounts;
using Explorer.Graph;

namespace Explorer.Server.Auth;

/// <summary>Account rules the HTTP API and the CLI share: what a valid name is, how a token is issued, the last admin.</summary>
public static class AccountRules
{
    public static string? UserNameProblem(string? name) => AccountLimits.IsValidUserName(name)
        ? null
        : $"1 to {AccountLimits.MaxUserNameLength} letters, digits, '.', '_', '-' or '@', starting with a letter or digit";

    /// <summary>Null when acceptable, else what is wrong with a token name.</summary>
    public static string? TokenNameProblem(string? name) => name switch
    {
        _ when string.IsNullOrWhiteSpace(name) => "a name is required (what the token is for, e.g. 'laptop CLI')",
        { Length: > AccountLimits.MaxTokenNameLength } => $"at most {AccountLimits.MaxTokenNameLength} characters",
        _ when name.Any(char.IsControl) => "must not contain control characters",
        _ => null,
    };

    /// <summary>Creates a token for <paramref name="owner"/>; the caller shows <c>Token</c> once. Null when the owner does not exist.</summary>
    public static async Task<CreatedTokenResponse?> IssueTokenAsync(IGraphStore store, string owner, string name, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = Secrets.NewToken(Secrets.ApiTokenPrefix);
        var record = new ApiToken(Secrets.NewId(), owner, name.Trim(), Secrets.Hash(token), now, null, false);
        return await store.AddApiTokenAsync(record, cancellationToken) ? new CreatedTokenResponse(record.Id, record.Name, token, now) : null;
    }

    /// <summary>Whether a change would leave no enabled admin (so nobody could manage users any more).</summary>
    public static async Task<bool> RemovesLastAdminAsync(IGraphStore store, User current, UserChange change, CancellationToken cancellationToken)
    {
        var staysAdmin = (change.Role ?? current.Role) == Role.Admin && !(change.Disabled ?? current.Disabled);
        if (current.Role != Role.Admin || current.Disabled || staysAdmin)
        {
            return false;
        }

        var users = await store.ListUsersAsync(cancellationToken);
        return !users.Any(u => u.Role == Role.Admin && !u.Disabled && !string.Equals(u.Name, current.Name, StringComparison.OrdinalIgnoreCase));
    }
}
