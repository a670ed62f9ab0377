using System.Diagnostics;
using System.Globalization;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;
using Explorer.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Benchmarks.Http;

/// <summary>
/// <c>dotnet run -c Release --project tests/Explorer.Benchmarks -- http [--requests N]</c>
/// <para>
/// <c>/api/paths</c> on the seed graph over loopback HTTP against the real server in this process (fresh
/// database seeded from graph-seed/), beside two baselines measured in the same run: <c>/healthz</c> (the
/// HTTP round trip with almost no work) and the store's own <c>FindPathsAsync</c> (the work without HTTP).
/// Requests go one at a time from one keep-alive client, cycling over fixed pairs and all three modes.
/// </para>
/// </summary>
public static class PathsOverHttpBenchmark
{
    private static readonly (string From, string To)[] s_pairs =
    [
        ("NATO", "Balkans"), ("UN", "Mali"), ("United States", "Haiti"), ("China", "Somalia"),
        ("Canada", "Darfur"), ("African Union", "soft power"), ("SCO", "peacekeeping"), ("MINUSMA", "AMISOM"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = args.SkipWhile(a => a != "--requests").Skip(1).Select(int.Parse).FirstOrDefault(2000);
        var folder = Path.Combine(Path.GetTempPath(), "explorer-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var database = Path.Combine(folder, "explorer.db");
            await using var app = ExplorerApp.Create(
            [
                "--urls", "http://127.0.0.1:0",
                $"--Explorer:DatabasePath={database}",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Explorer.Server.Infrastructure.StartupAnnouncer=None",
            ]);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var store = app.Services.GetRequiredService<IGraphStore>();
            Console.WriteLine($"/api/paths over loopback HTTP: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {requests} requests per row, server at {address}");

            var modes = new[] { "shortest", "all", "k" };
            string PathUrl(int i)
            {
                var (from, to) = s_pairs[i % s_pairs.Length];
                return $"/api/paths?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}&mode={modes[i / s_pairs.Length % modes.Length]}";
            }

            var ids = new List<(string, string)>();
            foreach (var (from, to) in s_pairs)
            {
                ids.Add(((await store.ResolveAsync(from)).Single().Id, (await store.ResolveAsync(to)).Single().Id));
            }

            var rows = new List<(string Name, double[] Samples)>
            {
                ("GET /healthz (HTTP floor)", await TimeAsync(requests, async i => (await client.GetAsync("/healthz")).EnsureSuccessStatusCode())),
                ("FindPathsAsync (no HTTP)", await TimeAsync(requests, async i =>
                {
                    var (from, to) = ids[i % ids.Count];
                    var mode = (PathMode)(i / ids.Count % 3);
                    _ = await store.FindPathsAsync(new PathQuery(from, to, mode));
                })),
                ("GET /api/paths (all modes)", await TimeAsync(requests, async i => (await client.GetAsync(PathUrl(i))).EnsureSuccessStatusCode())),
                ("GET /api/paths?mode=shortest", await TimeAsync(requests, async i => (await client.GetAsync(PathUrl(i % s_pairs.Length))).EnsureSuccessStatusCode())),
                ("GET /api/paths?mode=k&k=5", await TimeAsync(requests, async i =>
                {
                    var (from, to) = s_pairs[i % s_pairs.Length];
                    (await client.GetAsync($"/api/paths?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}&mode=k&k=5&maxHops=6")).EnsureSuccessStatusCode();
                })),
            };

            Console.WriteLine();
            Console.WriteLine($"{"",-32} {"p50 ms",10} {"p95 ms",10} {"p99 ms",10}");
            foreach (var (name, samples) in rows)
            {
                Array.Sort(samples);
                Console.WriteLine($"{name,-32} {Percentile(samples, 0.50),10:F3} {Percentile(samples, 0.95),10:F3} {Percentile(samples, 0.99),10:F3}");
            }

            Console.WriteLine();
            Console.WriteLine($"Target: /api/paths p50 under 2 ms. Managed heap after the run: {GC.GetTotalMemory(true) / (1024 * 1024)} MiB; process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB.");
            await app.StopAsync();
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<double[]> TimeAsync(int count, Func<int, Task> action)
    {
        for (var i = 0; i < Math.Min(200, count); i++)
        {
            await action(i);
        }

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await action(i);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if ((i + 1) % 500 == 0)
            {
                Console.Error.Write($"\r  {i + 1}/{count}");
            }
        }

        Console.Error.WriteLine();
        return samples;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
