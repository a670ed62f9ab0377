using Explorer.Accounts;

namespace Explorer.Neo4j;

/// <summary>
/// Users, API tokens and one-time sign-in tokens in Neo4j (<c>:User</c>, <c>:ApiToken</c>, <c>:OneTimeToken</c>),
/// with the embedded store's semantics. Only hashes are stored. Names are unique and matched ignoring case
/// through a folded key (<c>nameKey</c>, <c>ownerKey</c>) under a uniqueness constraint; the exact spelling
/// is kept in <c>name</c> and copied to the tokens. Each write is one auto-committed statement and, as in the
/// embedded store, makes no change-log entry. No relationships are used (edge counts count every relationship).
/// </summary>
internal sealed partial class Neo4jGraphStore
{
    public async Task<int> CountUsersAsync(CancellationToken cancellationToken = default) =>
        (int)(await ReadAsync(Cypher.CountUsers, [], cancellationToken)).Single().Long("count");

    public async Task<bool> AddUserAsync(User user, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await WriteStatementAsync(Cypher.AddUser, QueryAccess.Write, Params(
                ("name", user.Name),
                ("nameKey", Fold(user.Name)),
                ("role", user.Role.ToString()),
                ("passwordHash", user.PasswordHash),
                ("disabled", user.Disabled),
                ("createdAt", Iso(user.CreatedAt)),
                ("securityStamp", user.SecurityStamp)), cancellationToken)).Single().Long("created") == 1;
        }
        catch (Neo4jException ex) when (ex.Code == ConstraintViolation)
        {
            // A concurrent add of the same name won.
            return false;
        }
    }

    public async Task<User?> GetUserAsync(string name, CancellationToken cancellationToken = default) =>
        First((await ReadAsync(Cypher.UserByName, Params(("nameKey", Fold(name))), cancellationToken)).Records) is { } record ? ReadUser(record) : null;

    public async Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(Cypher.ListUsers, [], cancellationToken)).Records.Select(ReadUser)];

    public async Task<User?> UpdateUserAsync(string name, UserChange change, CancellationToken cancellationToken = default) =>
        First((await WriteStatementAsync(Cypher.UpdateUser, QueryAccess.IdempotentWrite, Params(
            ("nameKey", Fold(name)),
            ("role", change.Role?.ToString()),
            ("disabled", change.Disabled),
            ("passwordHash", change.PasswordHash),
            ("securityStamp", change.SecurityStamp)), cancellationToken)).Records) is { } record ? ReadUser(record) : null;

    public async Task<bool> AddApiTokenAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await WriteStatementAsync(Cypher.AddApiToken, QueryAccess.Write, Params(
                ("id", token.Id),
                ("ownerKey", Fold(token.Owner)),
                ("name", token.Name),
                ("hash", token.Hash),
                ("createdAt", Iso(token.CreatedAt)),
                ("revoked", token.Revoked)), cancellationToken)).Single().Long("created") == 1;
        }
        catch (Neo4jException ex) when (ex.Code == ConstraintViolation)
        {
            // A concurrent add took the id or the hash.
            return false;
        }
    }

    public async Task<ApiToken?> FindApiTokenAsync(string hash, CancellationToken cancellationToken = default) =>
        First((await ReadAsync(Cypher.ApiTokenByHash, Params(("hash", hash)), cancellationToken)).Records) is { } record ? ReadToken(record) : null;

    public async Task<ApiToken?> GetApiTokenAsync(string id, CancellationToken cancellationToken = default) =>
        First((await ReadAsync(Cypher.ApiTokenById, Params(("id", id)), cancellationToken)).Records) is { } record ? ReadToken(record) : null;

    public async Task<IReadOnlyList<ApiToken>> ListApiTokensAsync(string owner, CancellationToken cancellationToken = default) =>
        [.. (await ReadAsync(Cypher.ApiTokensOfOwner, Params(("ownerKey", Fold(owner))), cancellationToken)).Records.Select(ReadToken)];

    public Task TouchApiTokenAsync(string id, DateTimeOffset usedAt, CancellationToken cancellationToken = default) =>
        WriteStatementAsync(Cypher.TouchApiToken, QueryAccess.IdempotentWrite, Params(("id", id), ("at", Iso(usedAt))), cancellationToken);

    public async Task<bool> RevokeApiTokenAsync(string id, CancellationToken cancellationToken = default) =>
        (await WriteStatementAsync(Cypher.RevokeApiToken, QueryAccess.Write, Params(("id", id)), cancellationToken)).Single().Long("revoked") == 1;

    public async Task<bool> AddOneTimeTokenAsync(string hash, string userName, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        (await WriteStatementAsync(Cypher.AddOneTimeToken, QueryAccess.Write, Params(("hash", hash), ("nameKey", Fold(userName)), ("expiresAt", Iso(expiresAt)), ("now", Iso(DateTimeOffset.UtcNow))), cancellationToken))
            .Single().Long("created") == 1;

    public async Task<string?> RedeemOneTimeTokenAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        First((await WriteStatementAsync(Cypher.RedeemOneTimeToken, QueryAccess.Write, Params(("hash", hash), ("now", Iso(now))), cancellationToken)).Records)?.StringOrNull("userName");

    /// <summary>
    /// One auto-committed write statement (no change-log entry). <paramref name="access"/> says whether running
    /// it twice is harmless (setting fields) or not (adding a user, redeeming a one-time token, revoking a
    /// token: a second run after a first that committed would answer "taken", "used" or "already revoked"), and
    /// so whether the client may resend it when it cannot know whether the first attempt ran.
    /// </summary>
    private Task<QueryResult> WriteStatementAsync(string statement, QueryAccess access, Dictionary<string, object?> parameters, CancellationToken cancellationToken) =>
        _client.RunAsync(statement, parameters, access, cancellationToken);

    private static User ReadUser(QueryRecord r) => new(
        r.String("name"),
        Enum.Parse<Role>(r.String("role")),
        r.StringOrNull("passwordHash") ?? "",
        r.Bool("disabled"),
        ParseTime(r.String("createdAt")),
        r.StringOrNull("securityStamp") ?? "");

    private static ApiToken ReadToken(QueryRecord r) => new(
        r.String("id"),
        r.String("owner"),
        r.String("name"),
        r.String("hash"),
        ParseTime(r.String("createdAt")),
        r.StringOrNull("lastUsedAt") is { } used ? ParseTime(used) : null,
        r.Bool("revoked"));
}
