using System.Collections.Concurrent;
using System.Net;
using Explorer.Accounts;
using Explorer.Server.Auth;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explorer.Tests.Http;

/// <summary>The app with every log category at Trace, each line (message and values) kept for the test to read.</summary>
public sealed class EverythingLoggedFactory : AccountsFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new Capture(Lines)));
    }

    private sealed class Capture(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue("scope: " + state);
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {formatter(state, exception)} | {values} | {exception}");
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>Tokens and sign-in links never reach a log, even with every category at Trace.</summary>
public sealed class LogRedactionTests(EverythingLoggedFactory factory) : IClassFixture<EverythingLoggedFactory>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BearerTokensAndOneTimeLinksNeverAppearInTheLogsButTheRequestsDo()
    {
        var token = factory.TokenOf(AccountsFactory.Vic);
        using var anonymous = factory.CreateClient();
        using var negotiate = await anonymous.PostAsync($"/hubs/graph/negotiate?negotiateVersion=1&access_token={Api.Q(token)}", null, Cancellation);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        using var wrong = await anonymous.PostAsync("/hubs/graph/negotiate?negotiateVersion=1&access_token=xpl_not-a-real-token-but-secret", null, Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var bearer = factory.ClientFor(AccountsFactory.Ana);
        await bearer.GetOkAsync("/api/search?q=nato");

        var name = $"linked-{Guid.NewGuid():N}"[..16];
        await factory.Store.AddUserAsync(User.New(name, Role.Viewer, "", DateTimeOffset.UtcNow), Cancellation);
        var link = Secrets.NewToken(Secrets.OneTimePrefix);
        await factory.Store.AddOneTimeTokenAsync(Secrets.Hash(link), name, DateTimeOffset.UtcNow.AddHours(1), Cancellation);
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false });
        using var signIn = await browser.GetAsync($"/api/auth/one-time?token={Api.Q(link)}", Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var lines = factory.Lines.ToList();
        foreach (var secret in new[] { token, "xpl_not-a-real-token-but-secret", factory.TokenOf(AccountsFactory.Ana), link })
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        }

        Assert.Contains(lines, line => line.Contains("/hubs/graph/negotiate?negotiateVersion=1&access_token=***", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("/api/auth/one-time?token=***", StringComparison.Ordinal));
    }
}
