using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace Explorer.Benchmarks.Live;

/// <summary>
/// <c>dotnet run -c Release --project tests/Explorer.Benchmarks -- shutdown [--clients 1000] [--rounds 3] [--chromium PATH]</c>
/// <para>
/// How long a graceful stop takes with live clients connected: the real server as a child process
/// (<c>dotnet Explorer.Server.dll</c>, embedded store, seeded), one page open in the machine's headless
/// Chromium (showing "Live"), and <c>--clients</c> SignalR clients connected over WebSockets from this
/// process (each reconnecting at once when dropped, as the page does), then SIGTERM. Measured from the
/// signal: when the host logs that it is stopping, when the page shows it is no longer live, when every
/// client has seen its connection drop, and when the process has exited. The baseline, in the same run, is
/// the same server with no client and no page.
/// </para>
/// </summary>
public static class ShutdownBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Option(args, "--clients", 1000);
        var rounds = Option(args, "--rounds", 3);
        var chromium = args.SkipWhile(a => a != "--chromium").Skip(1).FirstOrDefault() ?? Environment.GetEnvironmentVariable("EXPLORER_CHROMIUM") ?? "/usr/bin/chromium";
        var withPage = File.Exists(chromium);
        var server = Path.Combine(AppContext.BaseDirectory, "Explorer.Server.dll");
        Console.WriteLine($"Graceful shutdown (SIGTERM) with live clients: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {rounds} rounds, load average before {LoadAverage()}");
        if (!withPage)
        {
            Console.WriteLine($"(no Chromium at {chromium}: rows without a page; pass --chromium PATH)");
        }

        using var playwright = withPage ? await Playwright.CreateAsync() : null;
        await using var browser = playwright is null ? null : await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader", "--disable-dev-shm-usage", "--no-first-run"],
        });
        Console.WriteLine($"{"clients",8} {"page",5} {"round",6} {"connect s",10} {"stopping ms",12} {"page left Live ms",18} {"all dropped ms",15} {"exited ms",10} {"exit code",10}");
        var results = new List<(string Row, Round Round)>();
        foreach (var (count, page) in new[] { (0, false), (clients, browser is not null) })
        {
            for (var round = 1; round <= rounds; round++)
            {
                var result = await RoundAsync(server, count, page ? browser : null);
                results.Add(($"{count} clients{(page ? " and a page" : "")}", result));
                Console.WriteLine($"{count,8} {(page ? "yes" : "no"),5} {round,6} {result.ConnectSeconds,10:F1} {Ms(result.Stopping),12} {Ms(result.PageLeftLive),18} {Ms(result.AllDropped),15} {Ms(result.Exited),10} {result.ExitCode,10}");
            }
        }

        foreach (var group in results.GroupBy(r => r.Row))
        {
            var exits = group.Select(r => r.Round.Exited ?? double.NaN).Order().ToList();
            Console.WriteLine($"{group.Key}: SIGTERM to exit median {exits[exits.Count / 2]:F0} ms, worst {exits[^1]:F0} ms");
        }

        Console.WriteLine($"Load average after: {LoadAverage()}. Target: under 2,000 ms from SIGTERM to exit with 1,000 hub clients.");
        return 0;
    }

    private sealed record Round(double ConnectSeconds, double? Stopping, double? PageLeftLive, double? AllDropped, double? Exited, int ExitCode);

    private static async Task<Round> RoundAsync(string serverDll, int clientCount, IBrowser? browser)
    {
        var folder = Path.Combine(Path.GetTempPath(), "explorer-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[]
        {
            serverDll, "--urls", $"http://127.0.0.1:{port}", $"--Explorer:DatabasePath={Path.Combine(folder, "explorer.db")}",
            "--Explorer:OpenBrowser=false", "--Explorer:Auth:AnonymousReads=Always",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var clock = new Stopwatch();
        double? stopping = null;
        var output = new List<string>();
        using var process = Process.Start(start)!;
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(line);
                if (clock.IsRunning && stopping is null && line.Contains("Application is shutting down", StringComparison.Ordinal))
                {
                    stopping = clock.Elapsed.TotalMilliseconds;
                }
            }
        }

        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var connections = new List<HubConnection>();
        IBrowserContext? context = null;
        try
        {
            await WaitUntilHealthyAsync(address, process, output);
            IPage? page = null;
            if (browser is not null)
            {
                context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
                page = await context.NewPageAsync();
                await page.GotoAsync(address + "");
                await page.WaitForFunctionAsync("() => document.querySelector('#connection')?.textContent === 'Live'", null, new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 50 });
            }

            var connecting = Stopwatch.StartNew();
            var dropped = 0;
            long allDroppedAt = 0;
            for (var batch = 0; batch < clientCount; batch += 50)
            {
                var opened = await Task.WhenAll(Enumerable.Range(batch, Math.Min(50, clientCount - batch)).Select(async _ =>
                {
                    var connection = new HubConnectionBuilder()
                        .WithUrl(new Uri(address, "/hubs/graph"), options => options.Transports = HttpTransportType.WebSockets)
                        .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)])
                        .Build();
                    connection.Reconnecting += _ => Dropped();
                    connection.Closed += _ => Dropped();
                    await connection.StartAsync();
                    return connection;
                }));
                connections.AddRange(opened);
            }

            Task Dropped()
            {
                if (Interlocked.Increment(ref dropped) == clientCount)
                {
                    Interlocked.Exchange(ref allDroppedAt, clock.ElapsedTicks);
                }

                return Task.CompletedTask;
            }

            var connectSeconds = connecting.Elapsed.TotalSeconds;
            await Task.Delay(1000); // let the connections settle (presence broadcasts, handshakes)
            clock.Start();
            Signal(process.Id, "TERM");
            var pageLeftLive = page is null ? Task.FromResult<double?>(null) : Task.Run(async () =>
            {
                await page.WaitForFunctionAsync("() => document.querySelector('#connection')?.textContent !== 'Live'", null, new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 10 });
                return (double?)clock.Elapsed.TotalMilliseconds;
            });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var exited = clock.Elapsed.TotalMilliseconds;
            var leftLive = await pageLeftLive;
            double? allDropped = clientCount == 0 ? null : Interlocked.Read(ref allDroppedAt) is var at and > 0 ? at * 1000.0 / Stopwatch.Frequency : null;
            lock (output)
            {
                return new Round(connectSeconds, stopping, leftLive, allDropped, exited, process.ExitCode);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            foreach (var connection in connections)
            {
                _ = connection.DisposeAsync().AsTask();
            }

            if (context is not null)
            {
                await context.CloseAsync();
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // The server may still hold the file for a moment; the temp folder is cleaned up eventually.
            }
        }
    }

    private static async Task WaitUntilHealthyAsync(Uri address, Process process, List<string> output)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"the server exited ({process.ExitCode}):\n{string.Join('\n', output)}");
                }
            }

            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the server did not become ready within 120 s");
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private static string Ms(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "-";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
