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
/// token). A disabled user can neither sign in nor use their tokens.
/// </summary>
public sealed record User(string Name, Role Role, string PasswordHash, bool Disabled, DateTimeOffset CreatedAt);

/// <summary>
/// An API token for scripts and the CLI. The store keeps only <see cref="Hash"/>; the token itself is shown
/// once, when it is created. A revoked token is kept (so its owner sees it was revoked) but never accepted.
/// </summary>
public sealed record ApiToken(string Id, string Owner, string Name, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);

/// <summary>The fields of a user an admin may change; null leaves a field as it is.</summary>
public sealed record UserChange(Role? Role = null, bool? Disabled = null, string? PasswordHash = null);

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
