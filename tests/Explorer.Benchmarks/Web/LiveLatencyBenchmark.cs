using System.Diagnostics;
using System.Globalization;
using Explorer.Graph;
using Explorer.Server;
using Explorer.Server.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Explorer.Benchmarks.Web;

/// <summary>
/// <c>dotnet run -c Release --project tests/Explorer.Benchmarks -- live [--writes N] [--chromium PATH]</c>
/// <para>
/// The time from a write's response (the store committed and returned) to the change drawn on the canvas of a
/// second browser: the real server in this process on a loopback port (fresh database seeded from
/// graph-seed/), two pages in the machine's headless Chromium; the page stamps each change's first frame
/// (<c>window.__explorer.drawnAt(seq)</c>). Prints the median, p95, min and max.
/// </para>
/// </summary>
public static class LiveLatencyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var writes = Option(args, "--writes") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : 100;
        var chromium = Option(args, "--chromium") ?? Environment.GetEnvironmentVariable("EXPLORER_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"Chromium not found at {chromium}: install it (apt-get install -y chromium) or pass --chromium PATH.");
            return 2;
        }

        var folder = Path.Combine(Path.GetTempPath(), "explorer-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var app = ExplorerApp.Create(
            [
                "--urls", "http://127.0.0.1:0",
                $"--Explorer:DatabasePath={Path.Combine(folder, "explorer.db")}",
                "--Explorer:OpenBrowser=false",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Explorer.Server.Infrastructure.StartupAnnouncer=None",
            ]);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            var store = app.Services.GetRequiredService<IGraphStore>();
            var publisher = app.Services.GetRequiredService<ChangePublisher>();

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader", "--disable-dev-shm-usage", "--no-first-run"],
            });
            var writer = await OpenAsync(browser, address);
            var viewer = await OpenAsync(browser, address);
            Console.WriteLine($"live delta latency: {Environment.ProcessorCount} cores, .NET {Environment.Version}, Chromium at {chromium}, server at {address}, {writes} writes");

            var latencies = new List<double>(writes);
            for (var i = 0; i < writes; i++)
            {
                var change = await store.UpsertNodeAsync(new Node("latency-probe", NodeKind.Theme, $"Latency probe {i}", [], ""));
                var responded = EpochMs();
                publisher.Signal();
                await WaitAsync(viewer, $"window.__explorer.drawnAt({change.Seq}) > 0");
                latencies.Add(await viewer.EvaluateAsync<double>($"window.__explorer.drawnAt({change.Seq})") - responded);
            }

            await writer.Context.CloseAsync();
            await viewer.Context.CloseAsync();
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"live delta, write response to drawn in a second browser: median {latencies[writes / 2]:F1} ms, p95 {latencies[(int)(writes * 0.95)]:F1} ms, " +
                $"min {latencies[0]:F1} ms, max {latencies[^1]:F1} ms over {writes} writes"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, string address)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(address + "/");
        await WaitAsync(page, "window.__explorer && window.__explorer.ready");
        return page;
    }

    private static async Task WaitAsync(IPage page, string condition) =>
        await page.WaitForFunctionAsync($"() => {condition}", null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 50 });

    private static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    private static double EpochMs() => (Stopwatch.GetTimestamp() - s_origin) * 1000.0 / Stopwatch.Frequency + s_originEpochMs;

    private static readonly long s_origin = Stopwatch.GetTimestamp();
    private static readonly double s_originEpochMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
