using System.Diagnostics;
using Explorer.Graph;
using Explorer.Server.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Infrastructure;

/// <summary>
/// Once the server listens, logs one line with its URL(s) and the store, and (if asked, and a person is
/// watching) opens the API reference in a browser. Failing to open a browser is only logged.
/// </summary>
internal sealed class StartupAnnouncer(
    IServer server,
    IGraphStore store,
    IOptions<ExplorerOptions> options,
    IOptions<Explorer.Neo4j.Neo4jOptions> neo4j,
    FirstRunLink firstRun,
    ILogger<StartupAnnouncer> logger) : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var urls = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(Displayable)
            .ToList();
        var counts = await store.CountAsync(cancellationToken);
        var listening = urls.Count > 0 ? string.Join(", ", urls) : "(no addresses: hosted in-process)";
        var location = options.Value.Location(neo4j.Value);
        logger.Running(listening, store.Name, location, counts.Nodes, counts.Edges);
        AnnounceFirstRunLink(urls.Count > 0 ? urls[0] : "http://localhost");

        if (options.Value.OpenBrowser && urls.Count > 0 && IsInteractive())
        {
            OpenBrowser(urls[0]);
        }
    }

    /// <summary>
    /// The one-time admin sign-in link, once, on the console (standard output, so it reaches container logs
    /// too); the log line says where to look without the secret. It works once, within 24 hours.
    /// </summary>
    private void AnnounceFirstRunLink(string origin)
    {
        if (firstRun.Token is not { } token || firstRun.UserName is not { } user)
        {
            return;
        }

        var url = FirstRunLink.Url(origin, token);
        var expires = firstRun.ExpiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        logger.FirstRunLink(user, expires);
        Console.Out.WriteLine($"""

            ==> Explorer has no admin password yet. Sign in as '{user}' with this one-time link (valid until {expires}):
                {url}
                Then set a password (PATCH /api/users/{user}) or add users with '{CliCommand("users add <name> --role analyst")}'.

            """);
        Console.Out.Flush();
    }

    /// <summary>
    /// A CLI command as it works here: <c>dotnet run --project .../src/Explorer.Cli -- ...</c> in a checkout,
    /// <c>explorer ...</c> (the .NET tool, see README "Command line") elsewhere.
    /// </summary>
    internal static string CliCommand(string arguments)
    {
        var project = Path.Combine(Explorer.Embedded.DefaultLocations.BaseDirectory(), "src", "Explorer.Cli");
        return File.Exists(Path.Combine(project, "Explorer.Cli.csproj"))
            ? $"dotnet run --project {project} -- {arguments}"
            : $"explorer {arguments}";
    }

    /// <summary>Wildcard hosts (0.0.0.0, [::], +, *) become localhost so the URL can be clicked.</summary>
    internal static string Displayable(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return address;
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.GetLeftPart(UriPartial.Authority);
    }

    private static bool IsInteractive() =>
        Environment.UserInteractive
        && !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    private void OpenBrowser(string url)
    {
        logger.OpeningBrowser(url);
        try
        {
            var start = OperatingSystem.IsWindows() ? new ProcessStartInfo(url) { UseShellExecute = true }
                : OperatingSystem.IsMacOS() ? new ProcessStartInfo("open", [url])
                : new ProcessStartInfo("xdg-open", [url]);
            start.RedirectStandardOutput = !OperatingSystem.IsWindows();
            start.RedirectStandardError = !OperatingSystem.IsWindows();
            using var process = Process.Start(start);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            logger.BrowserFailed(url, ex.Message);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
