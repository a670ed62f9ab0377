using System.Security.Claims;
using Explorer.Accounts;
using Explorer.Graph;
using Explorer.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Explorer.Server.Auth;

public sealed record TokenRequest(string? Name);

/// <summary>A new token: <see cref="Token"/> is shown this once and never again (only its hash is kept).</summary>
public sealed record CreatedTokenResponse(string Id, string Name, string Token, DateTimeOffset CreatedAt);

public sealed record TokenResponse(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked)
{
    public static TokenResponse From(ApiToken token) => new(token.Id, token.Name, token.CreatedAt, token.LastUsedAt, token.Revoked);
}

public sealed record TokenListResponse(IReadOnlyList<TokenResponse> Tokens);

/// <summary>API tokens for scripts and the CLI, created and revoked by their owner.</summary>
internal static partial class TokensApi
{
    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/tokens").WithTags("Tokens").RequireAuthorization(AuthPolicies.SignedIn);

        tokens.MapGet("", ListTokens)
            .WithName("ListTokens")
            .WithSummary("Your API tokens (without the tokens themselves)")
            .ProducesProblems(StatusCodes.Status401Unauthorized);

        tokens.MapPost("", CreateToken)
            .WithName("CreateToken")
            .WithSummary("Creates an API token for you; the response shows it once")
            .WithDescription("Send it as 'Authorization: Bearer <token>'. It acts with your role until revoked or your account is disabled.")
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);

        tokens.MapDelete("/{id}", RevokeToken)
            .WithName("RevokeToken")
            .WithSummary("Revokes one of your tokens (admins: anyone's)")
            .RequireRateLimiting(WriteLimits.Policy)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        return app;
    }

    private static async Task<Ok<TokenListResponse>> ListTokens(ClaimsPrincipal user, IGraphStore store, CancellationToken cancellationToken)
    {
        var tokens = await store.ListApiTokensAsync(user.UserName(), cancellationToken);
        return TypedResults.Ok(new TokenListResponse([.. tokens.Select(TokenResponse.From)]));
    }

    private static async Task<Results<Created<CreatedTokenResponse>, ValidationProblem, ProblemHttpResult>> CreateToken(
        [FromBody] TokenRequest request, ClaimsPrincipal user, IGraphStore store, TimeProvider time, ILogger<TokenRequest> logger, CancellationToken cancellationToken)
    {
        if (AccountRules.TokenNameProblem(request.Name) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [problem] }, title: "Invalid token request");
        }

        var owner = user.UserName();
        var created = await AccountRules.IssueTokenAsync(store, owner, request.Name!, time.GetUtcNow(), cancellationToken);
        if (created is null)
        {
            return Problems.NotFound("User not found", $"user '{owner}' no longer exists.");
        }

        LogCreated(logger, owner, created.Id, created.Name);
        return TypedResults.Created((string?)null, created);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeToken(
        string id, ClaimsPrincipal user, IGraphStore store, Sessions sessions, ILogger<TokenRequest> logger, CancellationToken cancellationToken)
    {
        var token = await store.GetApiTokenAsync(id, cancellationToken);
        var caller = user.UserName();

        // Someone else's token is "not found" to a non-admin: ids are not secrets, but there is nothing to see.
        if (token is null || (!string.Equals(token.Owner, caller, StringComparison.OrdinalIgnoreCase) && !user.IsAdmin()))
        {
            return Problems.NotFound("Token not found", $"id: you have no token '{id}'.");
        }

        await store.RevokeApiTokenAsync(id, cancellationToken);
        sessions.ForgetToken(id);
        LogRevoked(logger, caller, id, token.Owner);
        return TypedResults.NoContent();
    }

    [LoggerMessage(EventId = 1220, Level = LogLevel.Information, Message = "{User} created API token {TokenId} ({Name})")]
    private static partial void LogCreated(ILogger logger, string user, string tokenId, string name);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Information, Message = "{User} revoked API token {TokenId} of {Owner}")]
    private static partial void LogRevoked(ILogger logger, string user, string tokenId, string owner);
}
