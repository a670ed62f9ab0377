using System.Text.Encodings.Web;
using Explorer.Graph;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// API tokens: <c>Authorization: Bearer xpl_...</c>, looked up by hash in the store. The token must not be
/// revoked and its owner must exist and be enabled. Browsers cannot set headers on WebSockets, so the live
/// hubs also accept the token as <c>?access_token=</c> (the SignalR convention). A token that is presented
/// but not valid is refused (401), never read as anonymous. Challenges and refusals are problem+json, never
/// a redirect.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IGraphStore store,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>How stale a token's last-used time may get before a request records it (each record is a write).</summary>
    private static readonly TimeSpan s_touchInterval = TimeSpan.FromMinutes(1);

    private const int MaxTokenLength = 256;

    /// <summary>Where browsers send the token in the query (WebSockets cannot carry headers).</summary>
    public const string QueryTokenPath = "/hubs";

    /// <summary>Set in <see cref="HttpContext.Items"/> when a request presented a token that is not valid.</summary>
    public const string RefusedItem = "Explorer.RefusedCredentials";

    /// <summary>Whether the request presented credentials that were refused (such a request is never anonymous).</summary>
    public static bool Refused(HttpContext context) => context.Items.ContainsKey(RefusedItem);

    /// <summary>The token from the Authorization header, or from the query on the hub; null when neither is there.</summary>
    public static string? ReadToken(HttpRequest request, out bool malformed)
    {
        malformed = false;
        var header = request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                malformed = true;
                return null;
            }

            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments(QueryTokenPath) && request.Query["access_token"] is [{ Length: > 0 } fromQuery] ? fromQuery : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var result = await AuthenticateTokenAsync();
        if (result.Failure is not null)
        {
            Context.Items[RefusedItem] = true;
        }

        return result;
    }

    private async Task<AuthenticateResult> AuthenticateTokenAsync()
    {
        var token = ReadToken(Request, out var malformed);
        if (malformed)
        {
            return AuthenticateResult.Fail("Only Bearer tokens are accepted in the Authorization header.");
        }

        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (token.Length is 0 or > MaxTokenLength)
        {
            return AuthenticateResult.Fail("The token is not valid.");
        }

        var cancellationToken = Context.RequestAborted;
        var found = await store.FindApiTokenAsync(Secrets.Hash(token), cancellationToken);
        if (found is null || found.Revoked)
        {
            return AuthenticateResult.Fail("The token is not valid.");
        }

        var user = await store.GetUserAsync(found.Owner, cancellationToken);
        if (user is null || user.Disabled)
        {
            return AuthenticateResult.Fail("The token is not valid.");
        }

        var now = time.GetUtcNow();
        if (found.LastUsedAt is not { } used || now - used > s_touchInterval)
        {
            await store.TouchApiTokenAsync(found.Id, now, cancellationToken);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(Principals.Create(user, AuthSchemes.Bearer, found.Id), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Context.WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", AuthProblems.SignInDetail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Context.WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", AuthProblems.ForbiddenDetail(Context.User));
}
