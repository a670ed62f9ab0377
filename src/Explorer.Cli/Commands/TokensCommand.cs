using System.CommandLine;
using System.Globalization;
using Explorer.Cli.Output;
using Explorer.Server.Auth;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer tokens create|list|revoke</c>: API tokens for scripts, straight in the database. A new token is
/// printed once (only its hash is stored); send it as <c>Authorization: Bearer &lt;token&gt;</c>.
/// </summary>
internal static class TokensCommand
{
    public static Command Create(Cli cli)
    {
        var command = new Command("tokens", "Manage API tokens: create (printed once), list or revoke.")
        {
            CreateToken(cli),
            List(cli),
            Revoke(cli),
        };
        cli.HelpNotes[command] = """
            Examples:
              TOKEN=$(explorer tokens create ana --name "laptop script")
              curl -H "Authorization: Bearer $TOKEN" http://localhost:5080/api/auth/me
              explorer tokens list ana
              explorer tokens revoke 3f9c0a1b2c3d4e5f
            """;
        return command;
    }

    private static Command CreateToken(Cli cli)
    {
        var user = new Argument<string>("user") { Description = "Whose token it is: it acts with their role." };
        var name = new Option<string>("--name") { Description = "What the token is for, e.g. 'nightly import'.", Required = true, HelpName = "name" };
        var command = new Command("create", "Create an API token for a user and print it (once: it cannot be shown again).") { user, name };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var tokenName = parse.GetValue(name);
            if (AccountRules.TokenNameProblem(tokenName) is { } problem)
            {
                return session.Fail(ExitCodes.InvalidInput, $"--name: {problem}");
            }

            var owner = parse.GetValue(user)!.Trim();
            var store = await session.OpenStoreAsync(seedIfEmpty: false, cancellationToken);
            if (await store.GetUserAsync(owner, cancellationToken) is not { } account)
            {
                return session.Fail(ExitCodes.NotFound, $"no user is called '{owner}'");
            }

            var created = await AccountRules.IssueTokenAsync(store, account.Name, tokenName!, DateTimeOffset.UtcNow, cancellationToken);
            if (session.Json)
            {
                session.WriteJson(created);
            }
            else
            {
                // The token alone on stdout, so $(explorer tokens create ...) captures it; the rest on stderr.
                await session.Out.WriteLineAsync(created!.Token);
                await session.Error.WriteLineAsync($"explorer: token {created.Id} ('{created.Name}') for {account.Name}{(account.Disabled ? " (disabled: the token will not work until the user is enabled)" : "")}; it is shown only this once");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(Cli cli)
    {
        var user = new Argument<string>("user") { Description = "Whose tokens to list." };
        var command = new Command("list", "List a user's API tokens (ids, names, last use; never the tokens).") { user };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var owner = parse.GetValue(user)!.Trim();
            var store = await session.OpenStoreAsync(seedIfEmpty: false, cancellationToken);
            if (await store.GetUserAsync(owner, cancellationToken) is null)
            {
                return session.Fail(ExitCodes.NotFound, $"no user is called '{owner}'");
            }

            var tokens = await store.ListApiTokensAsync(owner, cancellationToken);
            if (session.Json)
            {
                session.WriteJson(new TokenListResponse([.. tokens.Select(TokenResponse.From)]));
            }
            else if (tokens.Count == 0)
            {
                session.Out.WriteLine($"No tokens for {owner}.");
            }
            else
            {
                TextLayout.WriteTable(session.Out, ["ID", "NAME", "CREATED", "LAST USED", "STATE"], tokens.Select(t => (IReadOnlyList<string>)
                [
                    t.Id,
                    t.Name,
                    Time(t.CreatedAt),
                    t.LastUsedAt is { } used ? Time(used) : "never",
                    t.Revoked ? "revoked" : "active",
                ]));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Revoke(Cli cli)
    {
        var id = new Argument<string>("id") { Description = "The token's id (see 'explorer tokens list <user>')." };
        var command = new Command("revoke", "Revoke an API token for good.") { id };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var tokenId = parse.GetValue(id)!.Trim();
            var store = await session.OpenStoreAsync(seedIfEmpty: false, cancellationToken);
            if (await store.GetApiTokenAsync(tokenId, cancellationToken) is not { } token)
            {
                return session.Fail(ExitCodes.NotFound, $"no token has the id '{tokenId}'");
            }

            await store.RevokeApiTokenAsync(tokenId, cancellationToken);
            if (session.Json)
            {
                session.WriteJson(TokenResponse.From(token with { Revoked = true }));
            }
            else
            {
                session.Out.WriteLine(token.Revoked ? $"token {token.Id} of {token.Owner} was already revoked" : $"revoked token {token.Id} ('{token.Name}') of {token.Owner}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
