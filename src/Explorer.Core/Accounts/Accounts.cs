namespace Explorer.Accounts;

/// <summary>What a user may do: viewers read, analysts also annotate, admins also manage users and edit any annotation.</summary>
public enum Role
{
    Viewer,
    Analyst,
    Admin,
}

/// <summary>
/// A person who signs in. <see cref="Name"/> is unique ignoring case. <see cref="PasswordHash"/> is a
/// self-describing hash made outside the store (empty: no password, sign-in only by a one-time link or a
/// token). A disabled user can neither sign in nor use their tokens. <see cref="SecurityStamp"/> is copied
/// into every browser session at sign-in; a session whose stamp differs from the user's has ended, so
/// changing the stamp ends all of the user's sessions at once.
/// </summary>
public sealed record User(string Name, Role Role, string PasswordHash, bool Disabled, DateTimeOffset CreatedAt, string SecurityStamp = "")
{
    /// <summary>A new user with a fresh security stamp.</summary>
    public static User New(string name, Role role, string passwordHash, DateTimeOffset createdAt) =>
        new(name, role, passwordHash, false, createdAt, SecurityStamps.New());
}

/// <summary>Security stamps: random, so no one can predict the next one.</summary>
public static class SecurityStamps
{
    public static string New() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

/// <summary>
/// An API token for scripts and the CLI. The store keeps only <see cref="Hash"/>; the token itself is shown
/// once, when it is created. A revoked token is kept (so its owner sees it was revoked) but never accepted.
/// </summary>
public sealed record ApiToken(string Id, string Owner, string Name, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);

/// <summary>
/// The fields of a user to change; null leaves a field as it is. A new <see cref="SecurityStamp"/> ends all of
/// the user's browser sessions: <see cref="ByAdmin"/> and <see cref="EndSessions"/> set one.
/// </summary>
public sealed record UserChange(Role? Role = null, bool? Disabled = null, string? PasswordHash = null, string? SecurityStamp = null)
{
    /// <summary>
    /// A change of role, state or password by an admin (or the CLI): it ends every session of the user, so
    /// the new role, the new password or the disabling applies to every open browser at once.
    /// </summary>
    public static UserChange ByAdmin(Role? role = null, bool? disabled = null, string? passwordHash = null) =>
        new(role, disabled, passwordHash, SecurityStamps.New());

    /// <summary>Ends every browser session of the user (signing out everywhere), changing nothing else.</summary>
    public static UserChange EndSessions() => new(SecurityStamp: SecurityStamps.New());
}

/// <summary>Limits on account fields, checked before anything reaches a store.</summary>
public static class AccountLimits
{
    public const int MaxUserNameLength = 64;
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    public const int MaxTokenNameLength = 100;

    /// <summary>Letters, digits, '.', '_', '-' and '@'; starts with a letter or digit.</summary>
    public static bool IsValidUserName(string? name) =>
        name is { Length: > 0 and <= MaxUserNameLength }
        && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
