using System.CommandLine;
using System.Globalization;
using System.Text;
using Explorer.Accounts;
using Explorer.Cli.Output;
using Explorer.Server.Auth;

namespace Explorer.Cli.Commands;

/// <summary>
/// <c>explorer users add|list|disable|enable</c>: accounts, straight in the database (like <c>seed</c>); a
/// running server sees the change on the next request. Passwords are read from a prompt or stdin, never
/// from the command line.
/// </summary>
internal static class UsersCommand
{
    public static Command Create(Cli cli)
    {
        var command = new Command("users", "Manage accounts: add, list, disable or enable users (viewer, analyst or admin).")
        {
            Add(cli),
            List(cli),
            SetDisabled(cli, disabled: true),
            SetDisabled(cli, disabled: false),
        };
        cli.HelpNotes[command] = """
            Roles:
              viewer   reads (also anonymously, when Explorer:Auth:AnonymousReads allows it)
              analyst  reads and annotates; edits and deletes their own annotations
              admin    all of that, edits or deletes any annotation, manages users
            Examples:
              explorer users add ana --role analyst                 (prompts for the password twice)
              printf '%s\n' "$PASSWORD" | explorer users add ci --role viewer --password-stdin
              explorer users disable ana
            """;
        return command;
    }

    private static Command Add(Cli cli)
    {
        var name = new Argument<string>("name") { Description = "The user name: letters, digits, '.', '_', '-' or '@'." };
        var role = new Option<string>("--role") { Description = "viewer, analyst or admin.", DefaultValueFactory = _ => Roles.Analyst, HelpName = "role" };
        var fromStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin instead of prompting." };
        var command = new Command("add", "Add a user with a password and a role.") { name, role, fromStdin };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var userName = parse.GetValue(name)!.Trim();
            if (AccountRules.UserNameProblem(userName) is { } nameProblem)
            {
                return session.Fail(ExitCodes.InvalidInput, $"name: {nameProblem}");
            }

            if (!Roles.TryParse(parse.GetValue(role), out var parsedRole))
            {
                return session.Fail(ExitCodes.InvalidInput, $"--role: one of {Roles.Names}");
            }

            var password = parse.GetValue(fromStdin) ? await session.In.ReadLineAsync(cancellationToken) : Prompt(cli, session);
            if (Passwords.Problem(password) is { } passwordProblem)
            {
                return session.Fail(ExitCodes.InvalidInput, $"password: {passwordProblem}");
            }

            var store = await session.OpenStoreAsync(seedIfEmpty: false, cancellationToken);
            var user = User.New(userName, parsedRole, Passwords.Hash(password!), DateTimeOffset.UtcNow);
            if (!await store.AddUserAsync(user, cancellationToken))
            {
                return session.Fail(ExitCodes.InvalidInput, $"a user called '{userName}' exists already");
            }

            Write(session, user, $"added {user.Name} ({Roles.Name(user.Role)})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(Cli cli)
    {
        var command = new Command("list", "List every user with role and state.");
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var store = await session.OpenStoreAsync(seedIfEmpty: false, cancellationToken);
            var users = await store.ListUsersAsync(cancellationToken);
            if (session.Json)
            {
                session.WriteJson(new UserListResponse([.. users.Select(UserResponse.From)]));
            }
            else if (users.Count == 0)
            {
                session.Out.WriteLine("No users. The server creates 'admin' on its first start; or: explorer users add <name> --role admin");
            }
            else
            {
                TextLayout.WriteTable(session.Out, ["NAME", "ROLE", "STATE", "PASSWORD", "CREATED"], users.Select(u => (IReadOnlyList<string>)
                [
                    u.Name,
                    Roles.Name(u.Role),
                    u.Disabled ? "disabled" : "enabled",
                    u.PasswordHash.Length > 0 ? "set" : "none",
                    u.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                ]));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command SetDisabled(Cli cli, bool disabled)
    {
        var name = new Argument<string>("name") { Description = "The user name." };
        var command = new Command(
            disabled ? "disable" : "enable",
            disabled ? "Disable a user: no more sign-ins, sessions end, tokens stop working. Annotations stay." : "Enable a disabled user again.")
        {
            name,
        };
        command.SetAction(cli.Action(async (session, parse, cancellationToken) =>
        {
            var userName = parse.GetValue(name)!.Trim();
            var store = await session.OpenStoreAsync(seedIfEmpty: false, cancellationToken);
            if (await store.GetUserAsync(userName, cancellationToken) is not { } current)
            {
                return session.Fail(ExitCodes.NotFound, $"no user is called '{userName}'");
            }

            var change = UserChange.ByAdmin(disabled: disabled);
            if (await AccountRules.RemovesLastAdminAsync(store, current, change, cancellationToken))
            {
                return session.Fail(ExitCodes.InvalidInput, $"'{current.Name}' is the last enabled admin; make another admin first");
            }

            var updated = await store.UpdateUserAsync(current.Name, change, cancellationToken);
            Write(session, updated!, $"{(disabled ? "disabled" : "enabled")} {updated!.Name}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Write(Session session, User user, string text)
    {
        if (session.Json)
        {
            session.WriteJson(UserResponse.From(user));
        }
        else
        {
            session.Out.WriteLine(text);
        }
    }

    /// <summary>Asks twice on the terminal without echoing; without a terminal, asks for --password-stdin.</summary>
    private static string Prompt(Cli cli, Session session)
    {
        if (!cli.InteractiveInput)
        {
            throw new CliException(ExitCodes.InvalidInput, "no terminal to ask for the password on; pass it on stdin with --password-stdin");
        }

        var first = ReadHidden(session, "Password: ");
        var second = ReadHidden(session, "Again: ");
        return first == second ? first : throw new CliException(ExitCodes.InvalidInput, "the passwords differ");
    }

    private static string ReadHidden(Session session, string prompt)
    {
        session.Error.Write(prompt);
        session.Error.Flush();
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                session.Error.WriteLine();
                return password.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }
}
