using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Explorer.Accounts;
using Explorer.Server.Auth;
using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Http;

/// <summary>Browser sign-in (cookie + antiforgery), API tokens, user management and the failed sign-in throttle.</summary>
public sealed class AuthApiTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string Edge = "un-conducted-minusma";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A cookie-keeping client signed in with a password; asserts 200.</summary>
    private async Task<HttpClient> SignInAsync(string user, string password = AccountsFactory.Password)
    {
        var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var answer = await client.GetOkAsync("/api/auth/antiforgery");
        Assert.Equal("X-XSRF-TOKEN", answer.GetProperty("headerName").GetString());
        return answer.GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task SigningInSetsAStrictHttpOnlyCookieAndMeNamesTheUser()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { userName = "ANA", password = AccountsFactory.Password }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Api.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("ana", body.GetProperty("userName").GetString());
        Assert.Equal("analyst", body.GetProperty("role").GetString());
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("explorer.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var me = await client.GetOkAsync("/api/auth/me");
        Assert.True(me.GetProperty("authenticated").GetBoolean());
        Assert.Equal("ana", me.GetProperty("userName").GetString());
        Assert.Equal("analyst", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task AWrongPasswordIsAProblemAndSetsNoCookie()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { userName = "vic", password = "not the password" }, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Api.ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.False((await client.GetOkAsync("/api/auth/me")).GetProperty("authenticated").GetBoolean());
    }

    [Fact]
    public async Task ACookieSignedInWriteNeedsTheAntiforgeryHeader()
    {
        using var client = await SignInAsync(AccountsFactory.Ana);

        var (_, refused, refusedResponse) = await client.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"from the browser"}""");
        Writes.AssertProblem(refusedResponse, HttpStatusCode.BadRequest, refused, "cookie write without X-XSRF-TOKEN");

        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", "forged");
        var (_, forged, forgedResponse) = await client.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"from the browser"}""");
        Writes.AssertProblem(forgedResponse, HttpStatusCode.BadRequest, forged, "cookie write with a forged X-XSRF-TOKEN");

        client.DefaultRequestHeaders.Remove("X-XSRF-TOKEN");
        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", await AntiforgeryTokenAsync(client));
        var (status, created, _) = await client.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"from the browser"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("ana", created.GetProperty("author").GetString());
    }

    [Fact]
    public async Task BearerWritesNeedNoAntiforgeryToken()
    {
        using var client = factory.ClientFor(AccountsFactory.Bo);

        var (status, _, _) = await client.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"from a script"}""");

        Assert.Equal(HttpStatusCode.Created, status);
    }

    [Fact]
    public async Task AnApiRequestIsNeverRedirectedToALoginPage()
    {
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(AccountsFactory.RemoteAddressHeader, AccountsFactory.RemoteAddress);

        using var response = await client.GetAsync("/api/search?q=nato", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(Api.ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task LoggingOutEndsTheSession()
    {
        using var client = await SignInAsync(AccountsFactory.Vic);
        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", await AntiforgeryTokenAsync(client));

        using var response = await client.PostAsync("/api/auth/logout", null, Cancellation);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False((await client.GetOkAsync("/api/auth/me")).GetProperty("authenticated").GetBoolean());
    }

    [Fact]
    public async Task FiveWrongPasswordsForAUserFromOneAddressMakeTheSixthAttemptWaitEvenIfRight()
    {
        var name = "throttled-" + Guid.NewGuid().ToString("N")[..6];
        await factory.AddUserWithTokenAsync(name, Role.Viewer);
        using var client = factory.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/auth/login", new { userName = name, password = "wrong password " + i }, Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var blocked = await client.PostAsJsonAsync("/api/auth/login", new { userName = name, password = AccountsFactory.Password }, Cancellation);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal(Api.ProblemJson, blocked.Content.Headers.ContentType?.MediaType);
        Assert.True(blocked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
    }

    [Fact]
    public async Task FailedSignInsForOneAccountNeverBlockAnotherAccountsRightPasswordFromTheSameAddress()
    {
        // Behind a proxy every user shares one address: the audit locked everybody out with five requests.
        using var proxy = factory.CreateClient();
        proxy.DefaultRequestHeaders.Add(AccountsFactory.RemoteAddressHeader, "198.51.100.23");
        for (var i = 0; i < 12; i++)
        {
            using var wrong = await proxy.PostAsJsonAsync("/api/auth/login", new { userName = i % 2 == 0 ? AccountsFactory.Ana : $"guess-{i}", password = "password123" }, Cancellation);
            Assert.True(wrong.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"attempt {i}: {(int)wrong.StatusCode}");
        }

        using var vic = await proxy.PostAsJsonAsync("/api/auth/login", new { userName = AccountsFactory.Vic, password = AccountsFactory.Password }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, vic.StatusCode);

        using var anaAtHome = factory.CreateClient();
        anaAtHome.DefaultRequestHeaders.Add(AccountsFactory.RemoteAddressHeader, "192.0.2.44");
        using var home = await anaAtHome.PostAsJsonAsync("/api/auth/login", new { userName = AccountsFactory.Ana, password = AccountsFactory.Password }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task AOneTimeLinkSignsInOnceAndRedirectsHome()
    {
        var name = "newcomer-" + Guid.NewGuid().ToString("N")[..6];
        Assert.True(await factory.Store.AddUserAsync(User.New(name, Role.Viewer, "", DateTimeOffset.UtcNow), Cancellation));
        var token = Secrets.NewToken(Secrets.OneTimePrefix);
        Assert.True(await factory.Store.AddOneTimeTokenAsync(Secrets.Hash(token), name, DateTimeOffset.UtcNow.AddHours(1), Cancellation));
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        using var first = await client.GetAsync($"/api/auth/one-time?token={Uri.EscapeDataString(token)}", Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/", first.Headers.Location?.OriginalString);
        Assert.Equal(name, (await client.GetOkAsync("/api/auth/me")).GetProperty("userName").GetString());

        using var anotherBrowser = factory.CreateClient(new() { AllowAutoRedirect = false });
        await anotherBrowser.GetProblemAsync($"/api/auth/one-time?token={Uri.EscapeDataString(token)}", HttpStatusCode.BadRequest);
        Assert.False((await anotherBrowser.GetOkAsync("/api/auth/me")).GetProperty("authenticated").GetBoolean());
    }

    [Fact]
    public async Task DisablingAUserEndsTheirSessionsAndTokens()
    {
        var name = "leaver-" + Guid.NewGuid().ToString("N")[..6];
        var token = await factory.AddUserWithTokenAsync(name, Role.Analyst);
        using var browser = await SignInAsync(name);
        using var script = factory.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.True((await script.GetOkAsync("/api/auth/me")).GetProperty("authenticated").GetBoolean());

        using var admin = factory.ClientFor(AccountsFactory.Admin);
        var (status, _, _) = await admin.SendAsync(HttpMethod.Patch, $"/api/users/{name}", """{"disabled":true}""");
        Assert.Equal(HttpStatusCode.OK, status);

        Assert.False((await browser.GetOkAsync("/api/auth/me")).GetProperty("authenticated").GetBoolean());
        var (_, problem, response) = await script.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"after leaving"}""");
        Writes.AssertProblem(response, HttpStatusCode.Unauthorized, problem, "a disabled user's token");
        using var login = await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = name, password = AccountsFactory.Password }, Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task ARoleChangeEndsOpenSessionsAndTheNextSignInCarriesTheNewRole()
    {
        var name = "promoted-" + Guid.NewGuid().ToString("N")[..6];
        await factory.AddUserWithTokenAsync(name, Role.Viewer);
        using var browser = await SignInAsync(name);
        browser.DefaultRequestHeaders.Add("X-XSRF-TOKEN", await AntiforgeryTokenAsync(browser));
        var (before, _, _) = await browser.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"as a viewer"}""");
        Assert.Equal(HttpStatusCode.Forbidden, before);

        using var admin = factory.ClientFor(AccountsFactory.Admin);
        await admin.SendAsync(HttpMethod.Patch, $"/api/users/{name}", """{"role":"analyst"}""");
        var (ended, _, _) = await browser.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"with the old session"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, ended);

        using var again = await SignInAsync(name);
        again.DefaultRequestHeaders.Add("X-XSRF-TOKEN", await AntiforgeryTokenAsync(again));
        var (after, _, _) = await again.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"as an analyst"}""");
        Assert.Equal(HttpStatusCode.Created, after);
    }

    [Fact]
    public async Task ANewPasswordEndsSessionsSignedInWithTheOldOne()
    {
        var name = "reset-" + Guid.NewGuid().ToString("N")[..6];
        await factory.AddUserWithTokenAsync(name, Role.Viewer);
        using var browser = await SignInAsync(name);

        using var admin = factory.ClientFor(AccountsFactory.Admin);
        await admin.SendAsync(HttpMethod.Patch, $"/api/users/{name}", """{"password":"a brand new password"}""");

        Assert.False((await browser.GetOkAsync("/api/auth/me")).GetProperty("authenticated").GetBoolean());
        using var again = await SignInAsync(name, "a brand new password");
    }

    [Fact]
    public async Task ATokenIsShownOnceWorksUntilRevokedAndOnlyItsOwnerCanRevokeIt()
    {
        using var ana = factory.ClientFor(AccountsFactory.Ana);
        var (status, created, _) = await ana.SendAsync(HttpMethod.Post, "/api/tokens", """{"name":"nightly script"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.GetProperty("id").GetString()!;
        var token = created.GetProperty("token").GetString()!;
        Assert.StartsWith("xpl_", token, StringComparison.Ordinal);

        var listed = (await ana.GetOkAsync("/api/tokens")).GetProperty("tokens").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        Assert.Equal("nightly script", listed.GetProperty("name").GetString());
        Assert.False(listed.TryGetProperty("token", out _));

        using var script = factory.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal("ana", (await script.GetOkAsync("/api/auth/me")).GetProperty("userName").GetString());

        using var bo = factory.ClientFor(AccountsFactory.Bo);
        var (_, notBos, notBosResponse) = await bo.SendAsync(HttpMethod.Delete, $"/api/tokens/{id}");
        Writes.AssertProblem(notBosResponse, HttpStatusCode.NotFound, notBos, "revoking someone else's token");

        var (revoked, _, _) = await ana.SendAsync(HttpMethod.Delete, $"/api/tokens/{id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked);
        var (_, problem, response) = await script.SendAsync(HttpMethod.Get, "/api/tokens");
        Writes.AssertProblem(response, HttpStatusCode.Unauthorized, problem, "a revoked token");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.True((await ana.GetOkAsync("/api/tokens")).GetProperty("tokens").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id).GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task TheStoreHoldsHashesNeverPasswordsOrTokens()
    {
        using var ana = factory.ClientFor(AccountsFactory.Ana);
        var (_, created, _) = await ana.SendAsync(HttpMethod.Post, "/api/tokens", """{"name":"hash check"}""");
        var token = created.GetProperty("token").GetString()!;

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = factory.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(Cancellation);
        foreach (var table in new[] { "users", "api_tokens", "one_time_tokens" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            using var reader = await command.ExecuteReaderAsync(Cancellation);
            while (await reader.ReadAsync(Cancellation))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? "" : reader.GetValue(i).ToString()!;
                    Assert.DoesNotContain(token, value, StringComparison.Ordinal);
                    Assert.DoesNotContain(AccountsFactory.Password, value, StringComparison.Ordinal);
                }
            }
        }

        Assert.NotNull(await factory.Store.FindApiTokenAsync(Secrets.Hash(token), Cancellation));
        var hash = (await factory.Store.GetUserAsync(AccountsFactory.Ana, Cancellation))!.PasswordHash;
        Assert.Equal(0x01, Convert.FromBase64String(hash)[0]); // Identity's V3 format: PBKDF2 with a per-password salt
    }

    [Fact]
    public async Task AnswersAboutUsersTokensAndSignInAreNeverCached()
    {
        using var admin = factory.ClientFor(AccountsFactory.Admin);
        foreach (var url in new[] { "/api/users", "/api/users/ana", "/api/tokens", "/api/auth/me" })
        {
            using var response = await admin.GetAsync(url, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{url}: Cache-Control is '{response.Headers.CacheControl}'");
        }

        using var created = await admin.PostAsJsonAsync("/api/tokens", new { name = "shown once" }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore == true, "a new token's answer may be cached");
    }

    [Fact]
    public async Task AdminsAddAndChangeUsersAndTheLastAdminStays()
    {
        using var admin = factory.ClientFor(AccountsFactory.Admin);
        var name = "new-" + Guid.NewGuid().ToString("N")[..6];

        var (status, created, response) = await admin.SendAsync(HttpMethod.Post, "/api/users", $$"""{"userName":"{{name}}","password":"{{AccountsFactory.Password}}","role":"analyst"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("analyst", created.GetProperty("role").GetString());
        Assert.Equal($"/api/users/{name}", response.Headers.Location?.OriginalString);
        using var signedIn = await SignInAsync(name);

        var (_, duplicate, duplicateResponse) = await admin.SendAsync(HttpMethod.Post, "/api/users", $$"""{"userName":"{{name.ToUpperInvariant()}}","password":"{{AccountsFactory.Password}}","role":"viewer"}""");
        Writes.AssertProblem(duplicateResponse, HttpStatusCode.Conflict, duplicate, "a duplicate user name");

        var (_, invalid, invalidResponse) = await admin.SendAsync(HttpMethod.Post, "/api/users", """{"userName":"no spaces allowed","password":"short","role":"boss"}""");
        Writes.AssertProblem(invalidResponse, HttpStatusCode.BadRequest, invalid, "an invalid user");
        Assert.Equal(["password", "role", "userName"], invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        var (_, unknown, unknownResponse) = await admin.SendAsync(HttpMethod.Patch, "/api/users/nobody-here", """{"disabled":true}""");
        Writes.AssertProblem(unknownResponse, HttpStatusCode.NotFound, unknown, "changing an unknown user");

        var (_, last, lastResponse) = await admin.SendAsync(HttpMethod.Patch, "/api/users/admin", """{"role":"viewer"}""");
        Writes.AssertProblem(lastResponse, HttpStatusCode.Conflict, last, "demoting the last admin");
        Assert.Equal(Role.Admin, (await factory.Store.GetUserAsync("admin", Cancellation))!.Role);
    }
}

/// <summary>The first start of an empty store: an admin without a password and a one-time link that signs in.</summary>
public sealed class FirstRunTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    [Fact]
    public async Task TheFirstStartCreatesAnAdminWhoseLinkSignsInOnceToSetAPassword()
    {
        var admin = (await factory.Store.GetUserAsync("admin", TestContext.Current.CancellationToken))!;
        Assert.Equal(Role.Admin, admin.Role);
        Assert.Equal("", admin.PasswordHash);
        var link = factory.Services.GetRequiredService<FirstRunLink>();
        Assert.Equal("admin", link.UserName);
        Assert.InRange(link.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24));

        using var browser = factory.CreateClient();
        var url = FirstRunLink.Url("http://localhost", link.Token!);
        using (var signIn = await browser.GetAsync(url, TestContext.Current.CancellationToken))
        {
            Assert.True(signIn.IsSuccessStatusCode, $"the link answered {(int)signIn.StatusCode}");
        }

        Assert.Equal("admin", (await browser.GetOkAsync("/api/auth/me")).GetProperty("userName").GetString());
        var token = (await browser.GetOkAsync("/api/auth/antiforgery")).GetProperty("token").GetString()!;
        browser.DefaultRequestHeaders.Add("X-XSRF-TOKEN", token);
        var (status, _, _) = await browser.SendAsync(HttpMethod.Patch, "/api/users/admin", """{"password":"the admin's new password"}""");
        Assert.Equal(HttpStatusCode.OK, status);

        using var again = factory.CreateClient();
        using var reused = await again.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        using var login = await again.PostAsJsonAsync("/api/auth/login", new { userName = "admin", password = "the admin's new password" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }
}
