using System.Net;
using System.Net.Http.Json;
using Explorer.Accounts;
using Explorer.Server.Auth;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Http;

/// <summary>
/// The outside audit's session-ending matrix: signing out, a new password, a new role and disabling each end
/// every browser session of the user, including a copy of the cookie replayed later; one-time links retire.
/// </summary>
public sealed class SessionEndingTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string Edge = "un-conducted-minusma";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string> Endings => ["logout", "password", "role", "disabled"];

    /// <summary>A browser session: the cookie as the server set it and the antiforgery token bound to it.</summary>
    private sealed record Session(string Cookie, string Antiforgery);

    private async Task<Session> SignInAsync(string user, string password = AccountsFactory.Password)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AuthSchemes.CookieName + "=", StringComparison.Ordinal)).Split(';')[0];
        return await WithAntiforgeryAsync(cookie);
    }

    private async Task<Session> WithAntiforgeryAsync(string cookie)
    {
        using var client = Browser(cookie);
        using var response = await client.GetAsync("/api/auth/antiforgery", Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xsrf = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("explorer.xsrf=", StringComparison.Ordinal)).Split(';')[0];
        var token = Api.Parse(await response.Content.ReadAsStringAsync(Cancellation)).GetProperty("token").GetString()!;
        return new Session($"{cookie}; {xsrf}", token);
    }

    /// <summary>A client that sends exactly this cookie header (a replayed copy ignores any Set-Cookie).</summary>
    private HttpClient Browser(string cookie)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private async Task<bool> SignedInAsync(Session session)
    {
        using var client = Browser(session.Cookie);
        return (await client.GetOkAsync("/api/auth/me")).GetProperty("authenticated").GetBoolean();
    }

    private async Task<HttpStatusCode> WriteAsync(Session session)
    {
        using var client = Browser(session.Cookie);
        client.DefaultRequestHeaders.Add(AuthRegistration.AntiforgeryHeader, session.Antiforgery);
        var (status, _, response) = await client.SendAsync(HttpMethod.Post, $"/api/edges/{Edge}/annotations", """{"text":"with an old cookie"}""");
        response.Dispose();
        return status;
    }

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task EachEndingEndsEveryBrowserSessionOfTheUserAndACopiedCookieWritesNothing(string ending)
    {
        var name = $"{ending}-{Guid.NewGuid():N}"[..20];
        await factory.AddUserWithTokenAsync(name, Role.Analyst);
        var laptop = await SignInAsync(name);
        var phone = await SignInAsync(name);
        var bystander = await SignInAsync(AccountsFactory.Bo);
        Assert.Equal(HttpStatusCode.Created, await WriteAsync(laptop));

        using var admin = factory.ClientFor(AccountsFactory.Admin);
        var body = ending switch
        {
            "password" => """{"password":"another long password"}""",
            "role" => """{"role":"viewer"}""",
            "disabled" => """{"disabled":true}""",
            _ => null,
        };
        if (body is null)
        {
            using var client = Browser(laptop.Cookie);
            client.DefaultRequestHeaders.Add(AuthRegistration.AntiforgeryHeader, laptop.Antiforgery);
            using var logout = await client.PostAsync("/api/auth/logout", null, Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }
        else
        {
            var (status, _, response) = await admin.SendAsync(HttpMethod.Patch, $"/api/users/{name}", body);
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.False(await SignedInAsync(laptop), $"{ending}: the laptop's session still stands");
        Assert.False(await SignedInAsync(phone), $"{ending}: the phone's session still stands");
        Assert.Equal(HttpStatusCode.Unauthorized, await WriteAsync(laptop));
        Assert.Equal(HttpStatusCode.Unauthorized, await WriteAsync(phone));
        Assert.True(await SignedInAsync(bystander), $"{ending}: another user's session ended too");
    }

    [Fact]
    public async Task ALoginThatUpgradesAPasswordHashEndsNoSession()
    {
        var name = $"rehash-{Guid.NewGuid():N}"[..16];
        await factory.AddUserWithTokenAsync(name, Role.Viewer);
        var first = await SignInAsync(name);

        // The store rewrites the hash (as a login does when the hashing parameters grew) without a new stamp.
        await factory.Store.UpdateUserAsync(name, new UserChange(PasswordHash: Passwords.Hash(AccountsFactory.Password)), Cancellation);
        factory.Services.GetRequiredService<Sessions>().Forget(name);

        Assert.True(await SignedInAsync(first));
    }

    [Fact]
    public async Task ASessionOpenedByAOneTimeLinkEndsWhenThePasswordIsSetAndNoLinkWorksAfterwards()
    {
        var name = $"linked-{Guid.NewGuid():N}"[..16];
        Assert.True(await factory.Store.AddUserAsync(User.New(name, Role.Admin, "", DateTimeOffset.UtcNow), Cancellation));
        var older = Secrets.NewToken(Secrets.OneTimePrefix);
        var used = Secrets.NewToken(Secrets.OneTimePrefix);
        var spare = Secrets.NewToken(Secrets.OneTimePrefix);
        await factory.Store.AddOneTimeTokenAsync(Secrets.Hash(older), name, DateTimeOffset.UtcNow.AddHours(24), Cancellation);
        await factory.Store.AddOneTimeTokenAsync(Secrets.Hash(used), name, DateTimeOffset.UtcNow.AddHours(24), Cancellation);

        using var anonymous = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        await anonymous.GetProblemAsync($"/api/auth/one-time?token={Api.Q(older)}", HttpStatusCode.BadRequest);
        using var redeemed = await anonymous.GetAsync($"/api/auth/one-time?token={Api.Q(used)}", Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, redeemed.StatusCode);
        var session = await WithAntiforgeryAsync(redeemed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AuthSchemes.CookieName + "=", StringComparison.Ordinal)).Split(';')[0]);
        Assert.True(await SignedInAsync(session));

        // A start before the password is set issues one more link; then the user sets a password, twice.
        await factory.Store.AddOneTimeTokenAsync(Secrets.Hash(spare), name, DateTimeOffset.UtcNow.AddHours(24), Cancellation);
        using (var self = Browser(session.Cookie))
        {
            self.DefaultRequestHeaders.Add(AuthRegistration.AntiforgeryHeader, session.Antiforgery);
            var (status, _, response) = await self.SendAsync(HttpMethod.Patch, $"/api/users/{name}", """{"password":"the first real password"}""");
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.False(await SignedInAsync(session));
        await anonymous.GetProblemAsync($"/api/auth/one-time?token={Api.Q(spare)}", HttpStatusCode.BadRequest);
        await anonymous.GetProblemAsync($"/api/auth/one-time?token={Api.Q(older)}", HttpStatusCode.BadRequest);
    }
}

/// <summary>Restarts of a server whose admin has no password yet: only the newest first-run link signs in.</summary>
public sealed class FirstRunRestartTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<string> StartAgainAsync()
    {
        await ActivatorUtilities.CreateInstance<FirstRun>(factory.Services).StartAsync(Cancellation);
        return factory.Services.GetRequiredService<FirstRunLink>().Token!;
    }

    [Fact]
    public async Task EachStartRetiresTheEarlierLinksSoOnlyTheNewestSignsIn()
    {
        var first = factory.Services.GetRequiredService<FirstRunLink>().Token!;
        var second = await StartAgainAsync();
        var third = await StartAgainAsync();
        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());

        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.GetProblemAsync(FirstRunLink.Url("http://localhost", first), HttpStatusCode.BadRequest);
        await browser.GetProblemAsync(FirstRunLink.Url("http://localhost", second), HttpStatusCode.BadRequest);
        using var signIn = await browser.GetAsync(FirstRunLink.Url("http://localhost", third), Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("admin", (await browser.GetOkAsync("/api/auth/me")).GetProperty("userName").GetString());
    }
}
