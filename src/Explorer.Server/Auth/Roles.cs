using System.Security.Claims;
using Explorer.Accounts;

namespace Explorer.Server.Auth;

/// <summary>Role names on the wire and in claims: "viewer", "analyst", "admin".</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Analyst = "analyst";
    public const string Admin = "admin";

    public static string Name(Role role) => role switch
    {
        Role.Viewer => Viewer,
        Role.Analyst => Analyst,
        Role.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    /// <summary>Parses "viewer", "analyst" or "admin", ignoring case.</summary>
    public static bool TryParse(string? name, out Role role)
    {
        foreach (var candidate in Enum.GetValues<Role>())
        {
            if (string.Equals(name, Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }

    public static string Names => $"{Viewer}, {Analyst}, {Admin}";
}

/// <summary>The principal Explorer signs in: name, role and how it was authenticated.</summary>
public static class Principals
{
    /// <summary>A claim that changes when the password does, so a new password ends older browser sessions.</summary>
    public const string PasswordStampClaim = "explorer:pwd";

    public const string TokenIdClaim = "explorer:token";

    public static ClaimsPrincipal Create(User user, string authenticationType, string? tokenId = null)
    {
        var identity = new ClaimsIdentity(authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, user.Name));
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Name));
        identity.AddClaim(new Claim(ClaimTypes.Role, Roles.Name(user.Role)));
        identity.AddClaim(new Claim(PasswordStampClaim, PasswordStamp(user)));
        if (tokenId is not null)
        {
            identity.AddClaim(new Claim(TokenIdClaim, tokenId));
        }

        return new ClaimsPrincipal(identity);
    }

    /// <summary>Empty for a user without a password (signed in by a one-time link), else a short digest of the hash.</summary>
    public static string PasswordStamp(User user) =>
        user.PasswordHash.Length == 0 ? "" : Secrets.Hash(user.PasswordHash)[..16];

    public static bool IsSignedIn(this ClaimsPrincipal principal) => principal.Identity?.IsAuthenticated == true;

    /// <summary>The signed-in user's name (only call behind a policy that requires one).</summary>
    public static string UserName(this ClaimsPrincipal principal) =>
        principal.Identity?.Name ?? throw new InvalidOperationException("No signed-in user.");

    public static string? RoleName(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.Role);

    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.IsInRole(Roles.Admin);
}
