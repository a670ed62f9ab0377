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
    /// <summary>The user's security stamp at sign-in: a browser session stands while the user's stamp is the same.</summary>
    public const string SecurityStampClaim = "explorer:stamp";

    public const string TokenIdClaim = "explorer:token";

    public static ClaimsPrincipal Create(User user, string authenticationType, string? tokenId = null)
    {
        var identity = new ClaimsIdentity(authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, user.Name));
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Name));
        identity.AddClaim(new Claim(ClaimTypes.Role, Roles.Name(user.Role)));
        identity.AddClaim(new Claim(SecurityStampClaim, user.SecurityStamp));
        if (tokenId is not null)
        {
            identity.AddClaim(new Claim(TokenIdClaim, tokenId));
        }

        return new ClaimsPrincipal(identity);
    }

    public static bool IsSignedIn(this ClaimsPrincipal principal) => principal.Identity?.IsAuthenticated == true;

    /// <summary>The signed-in user's name (only call behind a policy that requires one).</summary>
    public static string UserName(this ClaimsPrincipal principal) =>
        principal.Identity?.Name ?? throw new InvalidOperationException("No signed-in user.");

    public static string? RoleName(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.Role);

    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.IsInRole(Roles.Admin);
}
