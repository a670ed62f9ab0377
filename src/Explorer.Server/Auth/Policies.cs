using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>Authentication scheme names.</summary>
public static class AuthSchemes
{
    /// <summary>The default: bearer when the request carries a token, else the cookie.</summary>
    public const string Default = "Explorer";

    public const string Cookie = "Cookie";

    public const string Bearer = "Bearer";

    public const string CookieName = "explorer.auth";
}

/// <summary>Authorization policies, by what they allow.</summary>
public static class AuthPolicies
{
    /// <summary>Reading: any signed-in user, or anyone when <see cref="AuthOptions.AnonymousReads"/> allows it for this client.</summary>
    public const string Viewer = "Viewer";

    /// <summary>Annotating: a signed-in analyst or admin.</summary>
    public const string Analyst = "Analyst";

    /// <summary>Managing users: a signed-in admin.</summary>
    public const string Admin = "Admin";

    /// <summary>Any signed-in user, whatever the role (managing one's own tokens).</summary>
    public const string SignedIn = "SignedIn";
}

/// <summary>The anonymous-read rule as a requirement: met by any signed-in user, or per <see cref="AnonymousReads"/>.</summary>
internal sealed class ReadAccessRequirement : IAuthorizationRequirement;

internal sealed class ReadAccessHandler(IOptionsMonitor<AuthOptions> options) : AuthorizationHandler<ReadAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ReadAccessRequirement requirement)
    {
        var http = context.Resource switch
        {
            HttpContext h => h,
            HubInvocationContext hub => hub.Context.GetHttpContext(),
            _ => null,
        };

        // Credentials that were presented and refused (a revoked token, a disabled user's) never read as anonymous.
        if (http is not null && BearerTokenHandler.Refused(http))
        {
            context.Fail();
            return Task.CompletedTask;
        }

        var settings = options.CurrentValue;
        var allowed = context.User.IsSignedIn() || settings.AnonymousReads switch
        {
            AnonymousReads.Always => true,
            AnonymousReads.Loopback => http is not null && IsLocal(http.Connection.RemoteIpAddress) && SiteOrigins.IsAllowedLocalHost(http, settings),
            _ => false,
        };

        if (allowed)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <summary>A loopback address; no address at all means an in-process host (tests) or a local socket.</summary>
    internal static bool IsLocal(IPAddress? address) =>
        address is null || IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}

internal static class AuthProblems
{
    public const string SignInDetail =
        "Sign in (POST /api/auth/login) or send an API token (Authorization: Bearer ...).";

    public static string ForbiddenDetail(System.Security.Claims.ClaimsPrincipal user) =>
        $"Your role ({user.RoleName() ?? "none"}) does not allow this. Viewers read; analysts annotate; admins manage users.";
}
