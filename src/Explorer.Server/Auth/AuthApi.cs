using System.Security.Claims;
using Explorer.Accounts;
using Explorer.Graph;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Explorer.Server.Auth;

public sealed record LoginRequest(string? UserName, string? Password);

public sealed record SignedInResponse(string UserName, string Role);

public sealed record MeResponse(bool Authenticated, string? UserName, string? Role);

public sealed record AntiforgeryResponse(string Token, string HeaderName);

/// <summary>Browser sign-in: a cookie (explorer.auth) after a password or a one-time link; who am I; antiforgery tokens.</summary>
internal static partial class AuthApi
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth").AllowAnonymous();

        auth.MapPost("/login", Login)
            .WithName("Login")
            .WithSummary("Sign in with a user name and password; sets the session cookie")
            .WithDescription("Wrong credentials give 401. After 5 failures for one user name from one client address, that user name from that address " +
                "waits (429 with Retry-After: 1 s, doubling with each further failure, at most 5 minutes); other users and other addresses are not affected. " +
                "State-changing requests made with the cookie need the X-XSRF-TOKEN header (GET /api/auth/antiforgery).")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);

        auth.MapPost("/logout", Logout)
            .WithName("Logout")
            .WithSummary("Signs out: ends every browser session of the signed-in user and clears the cookie")
            .WithDescription("Every session of the user ends, on every device and every open live connection. API tokens stay valid until revoked.");

        auth.MapGet("/me", Me)
            .WithName("Me")
            .WithSummary("Who is signed in (by cookie or token), if anyone");

        auth.MapGet("/antiforgery", Antiforgery)
            .WithName("Antiforgery")
            .WithSummary("An antiforgery token for the X-XSRF-TOKEN header of cookie-authenticated writes")
            .WithDescription("Fetch it after signing in: the token is bound to the signed-in user.");

        auth.MapGet("/one-time", OneTime)
            .WithName("OneTimeSignIn")
            .WithSummary("Signs in with a one-time link (printed at first start) and redirects to /")
            .WithDescription("A link works once, within 24 hours of being issued, only while it is the newest link issued for its user, and only while that user has no password.")
            .ProducesProblems(StatusCodes.Status400BadRequest);

        return app;
    }

    private static async Task<Results<Ok<SignedInResponse>, ValidationProblem, ProblemHttpResult>> Login(
        [FromBody] LoginRequest request, HttpContext http, IGraphStore store, SignInThrottle throttle, ILogger<SignInThrottle> logger, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.UserName) || request.UserName.Length > AccountLimits.MaxUserNameLength)
        {
            errors["userName"] = ["a user name is required"];
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > AccountLimits.MaxPasswordLength)
        {
            errors["password"] = ["a password is required"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid sign-in request");
        }

        var userName = request.UserName!;
        var address = http.Connection.RemoteIpAddress?.ToString();
        if (throttle.IsBlocked(userName, address, out var retryAfter))
        {
            LogThrottled(logger, userName, address ?? "local");
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem($"Too many failed sign-ins; try again in {seconds} s.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts");
        }

        var user = await store.GetUserAsync(userName, cancellationToken);
        var rehash = false;
        var valid = user is not null ? Passwords.Verify(user, request.Password!, out rehash) : Decoy(request.Password!);
        if (!valid || user is null || user.Disabled)
        {
            throttle.RecordFailure(userName, address);
            LogFailed(logger, userName, address ?? "local");
            return TypedResults.Problem("The user name or password is wrong, or the account is disabled.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
        }

        throttle.RecordSuccess(userName, address);
        if (rehash)
        {
            user = await store.UpdateUserAsync(user.Name, new UserChange(PasswordHash: Passwords.Hash(request.Password!)), cancellationToken) ?? user;
        }

        await SignInAsync(http, user);
        LogSignedIn(logger, user.Name, "password");
        return TypedResults.Ok(new SignedInResponse(user.Name, Roles.Name(user.Role)));
    }

    private static async Task<NoContent> Logout(HttpContext http, ClaimsPrincipal user, IGraphStore store, Sessions sessions, ILogger<SignInThrottle> logger, CancellationToken cancellationToken)
    {
        await http.SignOutAsync(AuthSchemes.Cookie);
        if (user.Identity is { AuthenticationType: AuthSchemes.Cookie, Name: { } name })
        {
            // A new security stamp ends every session of the user, this cookie included, even if a copy of it survives.
            await store.UpdateUserAsync(name, UserChange.EndSessions(), cancellationToken);
            sessions.Forget(name);
            LogSignedOut(logger, name);
        }

        return TypedResults.NoContent();
    }

    private static Ok<MeResponse> Me(ClaimsPrincipal user) =>
        TypedResults.Ok(user.IsSignedIn() ? new MeResponse(true, user.UserName(), user.RoleName()) : new MeResponse(false, null, null));

    private static Ok<AntiforgeryResponse> Antiforgery(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new AntiforgeryResponse(tokens.RequestToken!, AuthRegistration.AntiforgeryHeader));
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> OneTime(
        string? token, HttpContext http, IGraphStore store, TimeProvider time, ILogger<SignInThrottle> logger, CancellationToken cancellationToken)
    {
        var name = token is { Length: > 0 and <= 256 } ? await store.RedeemOneTimeTokenAsync(Secrets.Hash(token), time.GetUtcNow(), cancellationToken) : null;
        var user = name is null ? null : await store.GetUserAsync(name, cancellationToken);

        // A link is for setting up a user without a password; once the password is set, no older link works.
        if (user is null || user.Disabled || user.PasswordHash.Length > 0)
        {
            return TypedResults.Problem("This sign-in link is unknown, expired or already used.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid sign-in link");
        }

        await SignInAsync(http, user);
        LogSignedIn(logger, user.Name, "one-time link");
        return TypedResults.Redirect("/");
    }

    private static async Task SignInAsync(HttpContext http, User user)
    {
        var principal = Principals.Create(user, AuthSchemes.Cookie);
        await http.SignInAsync(AuthSchemes.Cookie, principal, new AuthenticationProperties { IsPersistent = true });
        http.User = principal;
    }

    private static bool Decoy(string password)
    {
        Passwords.VerifyDecoy(password);
        return false;
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "{User} signed in ({Method})")]
    private static partial void LogSignedIn(ILogger logger, string user, string method);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Information, Message = "{User} signed out")]
    private static partial void LogSignedOut(ILogger logger, string user);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "Failed sign-in for {User} from {Address}")]
    private static partial void LogFailed(ILogger logger, string user, string address);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "Sign-in refused for {User} from {Address}: too many failures")]
    private static partial void LogThrottled(ILogger logger, string user, string address);
}
