using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Explorer.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// Random tokens and their hashes. A token has 256 random bits, so a plain SHA-256 is the right hash for
/// looking it up (no salt or stretching needed); only the hash is ever stored.
/// </summary>
public static class Secrets
{
    public const string ApiTokenPrefix = "xpl_";
    public const string OneTimePrefix = "xpo_";

    /// <summary>A new token: the prefix, then 43 base64url characters.</summary>
    public static string NewToken(string prefix) => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A short random id (16 hex characters) for naming a token without revealing it.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>: PBKDF2 (HMAC-SHA512,
/// 100,000 iterations, per-password salt) in its versioned format, so hashes can be upgraded in place.
/// </summary>
public static class Passwords
{
    private static readonly PasswordHasher<User> s_hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = 100_000,
    }));

    private static readonly User s_nobody = new("", Role.Viewer, "", true, DateTimeOffset.UnixEpoch);
    private static readonly Lazy<string> s_decoy = new(() => Hash(Secrets.NewToken("")));

    public static string Hash(string password) => s_hasher.HashPassword(s_nobody, password);

    /// <summary>Whether the password matches; <paramref name="rehash"/> says the hash should be upgraded.</summary>
    public static bool Verify(User user, string password, out bool rehash)
    {
        rehash = false;
        if (user.PasswordHash.Length == 0)
        {
            return false;
        }

        var result = s_hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        rehash = result == PasswordVerificationResult.SuccessRehashNeeded;
        return result != PasswordVerificationResult.Failed;
    }

    /// <summary>Spends the time a verification takes, so an unknown user name answers as slowly as a known one.</summary>
    public static void VerifyDecoy(string password) =>
        s_hasher.VerifyHashedPassword(s_nobody, s_decoy.Value, password);

    /// <summary>Null when acceptable, else what is wrong.</summary>
    public static string? Problem(string? password) => password switch
    {
        null or "" => "a password is required",
        { Length: < AccountLimits.MinPasswordLength } => $"at least {AccountLimits.MinPasswordLength} characters",
        { Length: > AccountLimits.MaxPasswordLength } => $"at most {AccountLimits.MaxPasswordLength} characters",
        _ when password.Any(char.IsControl) => "must not contain control characters",
        _ => null,
    };
}
