using System.Net;
using System.Net.Http.Headers;
using Explorer.Accounts;
using Explorer.Server.Auth;
using Explorer.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.TestSupport;

/// <summary>
/// The app on a fresh store with one user per role, each with an API token: <c>admin</c> (the first-run admin,
/// given a password), analysts <c>ana</c> and <c>bo</c>, viewer <c>vic</c>. Write limits are lifted (a
/// subclass may set them). A test hook lets a request pretend to come from another machine: header
/// <see cref="RemoteAddressHeader"/> sets the connection's remote address (the in-memory server has none).
/// </summary>
public class AccountsFactory : ExplorerFactory
{
    public const string RemoteAddressHeader = "X-Test-Remote-Address";
    public const string RemoteAddress = "203.0.113.7";
    public const string Password = "a long test password";

    public const string Admin = "admin";
    public const string Ana = "ana";
    public const string Bo = "bo";
    public const string Vic = "vic";

    private readonly Dictionary<string, string> _tokens = [];

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Explorer:RateLimit:WritesPerMinute"] = "1000000",
        ["Explorer:RateLimit:WriteBurst"] = "1000000",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var hash = Passwords.Hash(Password);
        await Store.UpdateUserAsync(Admin, new UserChange(PasswordHash: hash));
        foreach (var (name, role) in new[] { (Ana, Role.Analyst), (Bo, Role.Analyst), (Vic, Role.Viewer) })
        {
            Assert.True(await Store.AddUserAsync(new User(name, role, hash, false, DateTimeOffset.UtcNow)));
        }

        foreach (var name in new[] { Admin, Ana, Bo, Vic })
        {
            _tokens[name] = (await AccountRules.IssueTokenAsync(Store, name, "tests", DateTimeOffset.UtcNow, default))!.Token;
        }
    }

    public string TokenOf(string user) => _tokens[user];

    /// <summary>A client sending <paramref name="user"/>'s bearer token (none: anonymous), from this machine or another.</summary>
    public HttpClient ClientFor(string? user, bool remote = false)
    {
        var client = CreateClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(user));
        }

        if (remote)
        {
            client.DefaultRequestHeaders.Add(RemoteAddressHeader, RemoteAddress);
        }

        return client;
    }

    /// <summary>A new user with a token, for tests that change or disable a user.</summary>
    public async Task<string> AddUserWithTokenAsync(string name, Role role)
    {
        Assert.True(await Store.AddUserAsync(new User(name, role, Passwords.Hash(Password), false, DateTimeOffset.UtcNow)));
        return (await AccountRules.IssueTokenAsync(Store, name, "tests", DateTimeOffset.UtcNow, default))!.Token;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, RemoteAddressFilter>());
    }

    private sealed class RemoteAddressFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteAddressHeader, out var address) && IPAddress.TryParse(address.ToString(), out var ip))
                {
                    context.Connection.RemoteIpAddress = ip;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>Requests with bodies and headers, reading problems and ETags.</summary>
internal static class Writes
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static HttpRequestMessage Json(HttpMethod method, string url, string? json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }

    public static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)> SendAsync(this HttpClient client, HttpMethod method, string url, string? json = null, string? ifMatch = null)
    {
        using var request = Json(method, url, json, ifMatch);
        var response = await client.SendAsync(request, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        var body = text.Length > 0 && text.TrimStart().StartsWith('{') ? Api.Parse(text) : default;
        return (response.StatusCode, body, response);
    }

    /// <summary>Creates an annotation through the API and returns its id (asserts 201).</summary>
    public static async Task<string> AnnotateAsync(this HttpClient client, string edgeId, string text, string extra = "")
    {
        var (status, body, response) = await client.SendAsync(HttpMethod.Post, $"/api/edges/{edgeId}/annotations", $$"""{"text":{{System.Text.Json.JsonSerializer.Serialize(text)}}{{extra}}}""");
        Assert.True(status == HttpStatusCode.Created, $"POST annotation answered {(int)status}: {body}");
        response.Dispose();
        return body.GetProperty("id").GetString()!;
    }

    public static void AssertProblem(HttpResponseMessage response, HttpStatusCode expected, System.Text.Json.JsonElement body, string context)
    {
        Assert.True(response.StatusCode == expected, $"{context}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == Api.ProblemJson, $"{context}: not problem+json ({response.Content.Headers.ContentType})");
        Assert.Equal((int)expected, body.GetProperty("status").GetInt32());
    }
}
