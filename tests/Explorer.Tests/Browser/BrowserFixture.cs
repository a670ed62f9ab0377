using Explorer.Accounts;
using Explorer.Server.Auth;
using Explorer.Tests.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Explorer.Tests.Browser;

/// <summary>
/// The app on a real Kestrel port (its own temp database, seeded) plus the machine's Chromium driven by
/// Playwright. Never downloads a browser: without /usr/bin/chromium (or EXPLORER_CHROMIUM) every browser test
/// reports SKIPPED with the reason. WebGL runs on SwiftShader, so tests wait on page state, never on sleeps.
/// </summary>
public sealed class BrowserFixture : ExplorerFactory
{
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("EXPLORER_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    /// <summary>Why browser tests cannot run here, or null.</summary>
    public string? SkipReason { get; private set; }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Everyone's password. Users: admin, analysts ana and bo, viewer vic.</summary>
    public const string Password = "a long test password";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Explorer:RateLimit:WritesPerMinute"] = "1000000",
        ["Explorer:RateLimit:WriteBurst"] = "1000000",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("urls", "http://127.0.0.1:0");
    }

    public override async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            SkipReason = $"Chromium not found at {ChromiumPath} (install it with apt-get install -y chromium, or set EXPLORER_CHROMIUM).";
            return;
        }

        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        var hash = Passwords.Hash(Password);
        await Store.UpdateUserAsync("admin", new UserChange(PasswordHash: hash));
        foreach (var (name, role) in new[] { ("ana", Role.Analyst), ("bo", Role.Analyst), ("vic", Role.Viewer) })
        {
            await Store.AddUserAsync(new User(name, role, hash, false, DateTimeOffset.UtcNow));
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            ],
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>Where screenshots go: tests/Explorer.Tests/TestResults/screenshots (gitignored), kept after the run.</summary>
    public static string ScreenshotPath(string name)
    {
        var directory = AppContext.BaseDirectory;
        var project = directory;
        while (project is not null && !File.Exists(Path.Combine(project, "Explorer.Tests.csproj")))
        {
            project = Path.GetDirectoryName(project);
        }

        var folder = Path.Combine(project ?? directory, "TestResults", "screenshots");
        System.IO.Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}
