using System.Globalization;
using Explorer.Accounts;
using Microsoft.Data.Sqlite;

namespace Explorer.Embedded;

/// <summary>Users, API tokens and one-time sign-in tokens in the embedded store. Only hashes are stored.</summary>
internal sealed partial class EmbeddedGraphStore
{
    private const string UserSelectSql = "SELECT name, role, password_hash, disabled, created_at, security_stamp FROM users";
    private const string TokenSelectSql = "SELECT id, owner, name, hash, created_at, last_used_at, revoked FROM api_tokens";

    public Task<int> CountUsersAsync(CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT count(*) FROM users");
        return Task.FromResult(Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    public Task<bool> AddUserAsync(User user, CancellationToken cancellationToken = default) =>
        AccountWriteAsync(connection =>
        {
            using var insert = Command(connection, null, """
                INSERT INTO users (name, role, password_hash, disabled, created_at, security_stamp) VALUES ($name, $role, $hash, $disabled, $created, $stamp)
                ON CONFLICT(name) DO NOTHING
                """);
            Bind(
                insert,
                ("$name", user.Name),
                ("$role", user.Role.ToString()),
                ("$hash", user.PasswordHash),
                ("$disabled", user.Disabled ? 1 : 0),
                ("$created", Iso(user.CreatedAt)),
                ("$stamp", user.SecurityStamp));
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<User?> GetUserAsync(string name, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, UserSelectSql + " WHERE name = $name");
        Bind(command, ("$name", name));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadUser(reader) : null);
    }

    public Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, UserSelectSql + " ORDER BY name");
        using var reader = command.ExecuteReader();
        var users = new List<User>();
        while (reader.Read())
        {
            users.Add(ReadUser(reader));
        }

        return Task.FromResult<IReadOnlyList<User>>(users);
    }

    public Task<User?> UpdateUserAsync(string name, UserChange change, CancellationToken cancellationToken = default) =>
        AccountWriteAsync(connection =>
        {
            using var update = Command(connection, null, """
                UPDATE users SET role = coalesce($role, role), disabled = coalesce($disabled, disabled), password_hash = coalesce($hash, password_hash),
                    security_stamp = coalesce($stamp, security_stamp)
                WHERE name = $name
                RETURNING name, role, password_hash, disabled, created_at, security_stamp
                """);
            Bind(
                update,
                ("$name", name),
                ("$role", (object?)change.Role?.ToString() ?? DBNull.Value),
                ("$disabled", change.Disabled is { } disabled ? (disabled ? 1 : 0) : DBNull.Value),
                ("$hash", (object?)change.PasswordHash ?? DBNull.Value),
                ("$stamp", (object?)change.SecurityStamp ?? DBNull.Value));
            using var reader = update.ExecuteReader();
            return reader.Read() ? ReadUser(reader) : null;
        }, cancellationToken);

    public Task<bool> AddApiTokenAsync(ApiToken token, CancellationToken cancellationToken = default) =>
        AccountWriteAsync(connection =>
        {
            // The owner's name is taken from the users table, so the token carries its exact spelling.
            using var insert = Command(connection, null, """
                INSERT INTO api_tokens (id, owner, name, hash, created_at, last_used_at, revoked)
                SELECT $id, u.name, $name, $hash, $created, NULL, $revoked FROM users u WHERE u.name = $owner
                ON CONFLICT DO NOTHING
                """);
            Bind(
                insert,
                ("$id", token.Id),
                ("$owner", token.Owner),
                ("$name", token.Name),
                ("$hash", token.Hash),
                ("$created", Iso(token.CreatedAt)),
                ("$revoked", token.Revoked ? 1 : 0));
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<ApiToken?> FindApiTokenAsync(string hash, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReadToken(TokenSelectSql + " WHERE hash = $value", hash));

    public Task<ApiToken?> GetApiTokenAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReadToken(TokenSelectSql + " WHERE id = $value", id));

    public Task<IReadOnlyList<ApiToken>> ListApiTokensAsync(string owner, CancellationToken cancellationToken = default)
    {
        using var connection = Open();
        using var command = Command(connection, null, TokenSelectSql + " WHERE owner = $owner COLLATE NOCASE ORDER BY created_at, id");
        Bind(command, ("$owner", owner));
        using var reader = command.ExecuteReader();
        var tokens = new List<ApiToken>();
        while (reader.Read())
        {
            tokens.Add(ReadToken(reader));
        }

        return Task.FromResult<IReadOnlyList<ApiToken>>(tokens);
    }

    public Task TouchApiTokenAsync(string id, DateTimeOffset usedAt, CancellationToken cancellationToken = default) =>
        AccountWriteAsync(connection =>
        {
            using var update = Command(connection, null, "UPDATE api_tokens SET last_used_at = $at WHERE id = $id");
            Bind(update, ("$id", id), ("$at", Iso(usedAt)));
            return update.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> RevokeApiTokenAsync(string id, CancellationToken cancellationToken = default) =>
        AccountWriteAsync(connection =>
        {
            using var update = Command(connection, null, "UPDATE api_tokens SET revoked = 1 WHERE id = $id AND revoked = 0");
            Bind(update, ("$id", id));
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<bool> AddOneTimeTokenAsync(string hash, string userName, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        AccountWriteAsync(connection =>
        {
            // One transaction: the new link replaces every unused older one of the user.
            using var transaction = connection.BeginTransaction();
            using var insert = Command(connection, transaction, """
                INSERT INTO one_time_tokens (hash, user_name, expires_at, used_at)
                SELECT $hash, u.name, $expires, NULL FROM users u WHERE u.name = $user
                """);
            Bind(insert, ("$hash", hash), ("$user", userName), ("$expires", Iso(expiresAt)));
            if (insert.ExecuteNonQuery() != 1)
            {
                return false;
            }

            using var retire = Command(connection, transaction, """
                UPDATE one_time_tokens SET used_at = $now
                WHERE user_name = $user COLLATE NOCASE AND used_at IS NULL AND hash <> $hash
                """);
            Bind(retire, ("$hash", hash), ("$user", userName), ("$now", Iso(DateTimeOffset.UtcNow)));
            retire.ExecuteNonQuery();
            transaction.Commit();
            return true;
        }, cancellationToken);

    public Task<string?> RedeemOneTimeTokenAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        AccountWriteAsync(connection =>
        {
            // One statement: the check and the use are atomic, so a link works once.
            using var update = Command(connection, null, """
                UPDATE one_time_tokens SET used_at = $now
                WHERE hash = $hash AND used_at IS NULL AND expires_at > $now
                RETURNING user_name
                """);
            Bind(update, ("$hash", hash), ("$now", Iso(now)));
            return update.ExecuteScalar() as string;
        }, cancellationToken);

    /// <summary>One account write (a single statement, so its own transaction), serialized with the other writes.</summary>
    private async Task<T> AccountWriteAsync<T>(Func<SqliteConnection, T> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            return write(connection);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private ApiToken? ReadToken(string sql, string value)
    {
        using var connection = Open();
        using var command = Command(connection, null, sql);
        Bind(command, ("$value", value));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadToken(reader) : null;
    }

    private static ApiToken ReadToken(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        ParseTime(reader.GetString(4)),
        reader.IsDBNull(5) ? null : ParseTime(reader.GetString(5)),
        reader.GetInt64(6) != 0);

    private static User ReadUser(SqliteDataReader reader) => new(
        reader.GetString(0),
        Enum.Parse<Role>(reader.GetString(1)),
        reader.GetString(2),
        reader.GetInt64(3) != 0,
        ParseTime(reader.GetString(4)),
        reader.GetString(5));
}
