using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Server.Auth;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Cli;

/// <summary><c>explorer users</c> and <c>explorer tokens</c> act on the store: hashes only, the token printed once.</summary>
public sealed class CliAccountsTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<IGraphStore> OpenAsync()
    {
        var store = EmbeddedStore.Create(_cli.DatabasePath);
        await store.InitializeAsync();
        return store;
    }

    [Fact]
    public async Task UsersAddReadsThePasswordFromStdinAndStoresOnlyAHash()
    {
        var added = await _cli.RunWithInputAsync("a very long password\n", "users", "add", "ana", "--role", "analyst", "--password-stdin");

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("added ana (analyst)", added.Stdout, StringComparison.Ordinal);
        await using var store = await OpenAsync();
        var ana = (await store.GetUserAsync("ana"))!;
        Assert.Equal(Explorer.Accounts.Role.Analyst, ana.Role);
        Assert.DoesNotContain("a very long password", ana.PasswordHash, StringComparison.Ordinal);
        Assert.True(Passwords.Verify(ana, "a very long password", out _));
    }

    [Fact]
    public async Task UsersListShowsRolesAndStateAndDisableDisables()
    {
        await _cli.RunWithInputAsync("first password!\n", "users", "add", "root", "--role", "admin", "--password-stdin");
        await _cli.RunWithInputAsync("second password\n", "users", "add", "vic", "--role", "viewer", "--password-stdin");

        var disabled = await _cli.RunAsync("users", "disable", "vic");
        var list = await _cli.RunAsync("users", "list");

        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.Matches(@"root\s+admin\s+enabled\s+set", list.Stdout);
        Assert.Matches(@"vic\s+viewer\s+disabled\s+set", list.Stdout);
        var json = Api.Parse((await _cli.RunAsync("users", "list", "--json")).Stdout);
        Assert.Equal(["root", "vic"], json.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("userName").GetString()));
    }

    [Theory]
    [InlineData("short\n", new[] { "users", "add", "x", "--password-stdin" })]
    [InlineData("a long password\n", new[] { "users", "add", "bad name", "--password-stdin" })]
    [InlineData("a long password\n", new[] { "users", "add", "x", "--role", "boss", "--password-stdin" })]
    [InlineData("", new[] { "users", "add", "x" })]
    public async Task InvalidUsersAreRefusedWithExitCode2(string stdin, string[] args)
    {
        var result = await _cli.RunWithInputAsync(stdin, args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.StartsWith("explorer: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADuplicateUserAnUnknownUserAndTheLastAdminAreRefused()
    {
        await _cli.RunWithInputAsync("a long password\n", "users", "add", "root", "--role", "admin", "--password-stdin");

        Assert.Equal(2, (await _cli.RunWithInputAsync("another password\n", "users", "add", "ROOT", "--password-stdin")).ExitCode);
        Assert.Equal(1, (await _cli.RunAsync("users", "disable", "nobody")).ExitCode);
        Assert.Equal(2, (await _cli.RunAsync("users", "disable", "root")).ExitCode);
        Assert.Equal(1, (await _cli.RunAsync("tokens", "create", "nobody", "--name", "x")).ExitCode);
    }

    [Fact]
    public async Task ACreatedTokenIsPrintedOnceWorksOverHttpAndCanBeRevoked()
    {
        await using var factory = new CliDatabaseFactory(_cli.DatabasePath);
        await factory.InitializeAsync();
        await _cli.RunWithInputAsync("a long password\n", "users", "add", "ana", "--role", "analyst", "--password-stdin");

        var created = await _cli.RunAsync("tokens", "create", "ana", "--name", "laptop script");
        Assert.True(created.ExitCode == 0, created.ToString());
        var token = created.Stdout.Trim();
        Assert.StartsWith(Secrets.ApiTokenPrefix, token, StringComparison.Ordinal);
        Assert.Contains("shown only this once", created.Stderr, StringComparison.Ordinal);

        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var write = await client.PostAsJsonAsync("/api/edges/un-conducted-minusma/annotations", new { text = "from a CLI token" }, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        }

        var list = await _cli.RunAsync("tokens", "list", "ana");
        Assert.Contains("laptop script", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list.Stdout, StringComparison.Ordinal);
        var id = Api.Parse((await _cli.RunAsync("tokens", "list", "ana", "--json")).Stdout).GetProperty("tokens")[0].GetProperty("id").GetString()!;

        var revoked = await _cli.RunAsync("tokens", "revoke", id);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Matches(@"revoked\s*$", (await _cli.RunAsync("tokens", "list", "ana")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]);
        using var refused = await client.GetAsync("/api/tokens", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, (await _cli.RunAsync("tokens", "revoke", "no-such-token")).ExitCode);
    }

    [Fact]
    public async Task HelpListsTheAccountVerbs()
    {
        var root = await CliRunner.RunRawAsync("--help");
        var users = await CliRunner.RunRawAsync("users", "--help");
        var tokens = await CliRunner.RunRawAsync("tokens", "--help");

        Assert.Contains("users", root.Stdout, StringComparison.Ordinal);
        Assert.Contains("tokens", root.Stdout, StringComparison.Ordinal);
        Assert.Contains("--password-stdin", (await CliRunner.RunRawAsync("users", "add", "--help")).Stdout, StringComparison.Ordinal);
        Assert.Contains("analyst", users.Stdout, StringComparison.Ordinal);
        Assert.Contains("revoke", tokens.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The server on the CLI's database, as when both run on one machine.</summary>
    private sealed class CliDatabaseFactory(string databasePath) : ExplorerFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Explorer:DatabasePath"] = databasePath };
    }
}
