using System.Security.Claims;
using Explorer.Accounts;
using Explorer.Graph;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Explorer.Server.Auth;

public sealed record NewUserRequest(string? UserName, string? Password, string? Role);

/// <summary>Fields to change; null leaves one as it is.</summary>
public sealed record UserPatchRequest(string? Role, bool? Disabled, string? Password);

public sealed record UserResponse(string UserName, string Role, bool Disabled, bool HasPassword, DateTimeOffset CreatedAt)
{
    public static UserResponse From(User user) => new(user.Name, Roles.Name(user.Role), user.Disabled, user.PasswordHash.Length > 0, user.CreatedAt);
}

public sealed record UserListResponse(IReadOnlyList<UserResponse> Users);

/// <summary>User management, for admins. Users are never deleted, only disabled (their annotations keep an author).</summary>
internal static partial class UsersApi
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(AuthPolicies.Admin);

        users.MapGet("", ListUsers)
            .WithName("ListUsers")
            .WithSummary("Every user with role and state")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

        users.MapGet("/{name}", GetUser)
            .WithName("GetUser")
            .WithSummary("One user")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        users.MapPost("", AddUser)
            .WithName("AddUser")
            .WithSummary("Adds a user with a password and a role (viewer, analyst or admin)")
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status429TooManyRequests);

        users.MapPatch("/{name}", ChangeUser)
            .WithName("ChangeUser")
            .WithSummary("Changes a user's role, disables or enables them, or sets their password")
            .WithDescription("Any change ends the user's browser sessions (and their open live connections); they sign in again with their new role or password. " +
                "Disabling a user also stops their tokens. The last enabled admin cannot be demoted or disabled (409).")
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status429TooManyRequests);

        return app;
    }

    private static async Task<Ok<UserListResponse>> ListUsers(IGraphStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new UserListResponse([.. (await store.ListUsersAsync(cancellationToken)).Select(UserResponse.From)]));

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUser(string name, IGraphStore store, CancellationToken cancellationToken) =>
        await store.GetUserAsync(name, cancellationToken) is { } user
            ? TypedResults.Ok(UserResponse.From(user))
            : Problems.NotFound("User not found", $"name: no user is called '{name}'.");

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> AddUser(
        [FromBody] NewUserRequest request, ClaimsPrincipal admin, IGraphStore store, TimeProvider time, ILogger<NewUserRequest> logger, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (AccountRules.UserNameProblem(request.UserName) is { } nameProblem)
        {
            errors["userName"] = [nameProblem];
        }

        if (Passwords.Problem(request.Password) is { } passwordProblem)
        {
            errors["password"] = [passwordProblem];
        }

        if (!Roles.TryParse(request.Role, out var role))
        {
            errors["role"] = [$"one of {Roles.Names}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid user");
        }

        var user = User.New(request.UserName!, role, Passwords.Hash(request.Password!), time.GetUtcNow());
        if (!await store.AddUserAsync(user, cancellationToken))
        {
            return TypedResults.Problem($"userName: a user called '{user.Name}' exists already.", statusCode: StatusCodes.Status409Conflict, title: "User exists");
        }

        var by = admin.UserName();
        var roleName = Roles.Name(user.Role);
        LogUserChanged(logger, by, user.Name, roleName, user.Disabled);
        return TypedResults.Created($"/api/users/{Uri.EscapeDataString(user.Name)}", UserResponse.From(user));
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> ChangeUser(
        string name, [FromBody] UserPatchRequest request, ClaimsPrincipal admin, IGraphStore store, Sessions sessions, ILogger<NewUserRequest> logger, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        Role? role = null;
        if (request.Role is not null)
        {
            if (Roles.TryParse(request.Role, out var parsed))
            {
                role = parsed;
            }
            else
            {
                errors["role"] = [$"one of {Roles.Names}"];
            }
        }

        if (request.Password is not null && Passwords.Problem(request.Password) is { } passwordProblem)
        {
            errors["password"] = [passwordProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid user change");
        }

        if (await store.GetUserAsync(name, cancellationToken) is not { } current)
        {
            return Problems.NotFound("User not found", $"name: no user is called '{name}'.");
        }

        var change = UserChange.ByAdmin(role, request.Disabled, request.Password is null ? null : Passwords.Hash(request.Password));
        if (await AccountRules.RemovesLastAdminAsync(store, current, change, cancellationToken))
        {
            return TypedResults.Problem($"'{current.Name}' is the last enabled admin; make another admin first.", statusCode: StatusCodes.Status409Conflict, title: "Last admin");
        }

        if (await store.UpdateUserAsync(current.Name, change, cancellationToken) is not { } updated)
        {
            return Problems.NotFound("User not found", $"name: no user is called '{name}'.");
        }

        sessions.Forget(updated.Name);

        var by = admin.UserName();
        var newRole = Roles.Name(updated.Role);
        LogUserChanged(logger, by, updated.Name, newRole, updated.Disabled);
        return TypedResults.Ok(UserResponse.From(updated));
    }

    [LoggerMessage(EventId = 1230, Level = LogLevel.Information, Message = "{Admin} set user {User}: role {Role}, disabled {Disabled}")]
    private static partial void LogUserChanged(ILogger logger, string admin, string user, string role, bool disabled);
}
