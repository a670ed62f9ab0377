using System.Diagnostics;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Benchmarks.Http;

/// <summary>
/// <c>dotnet run -c Release --project tests/Explorer.Benchmarks -- http --throughput [--connections 32] [--seconds 10]</c>
/// <para>
/// Read throughput on the seed graph: the real server in this process on a loopback port, and a closed
/// loop of <c>--connections</c> concurrent keep-alive connections per row (each sends its next request
/// when the last answer is read). Rows: <c>/healthz</c> and <c>/api/search</c> (the ceiling: little work
/// per request), <c>/api/paths?mode=shortest</c> as served, and the same with the edge record cache off,
/// which reads every edge's evidence from SQLite per request as before (the baseline). The load generator
/// shares the machine with the server, as any loopback measurement does; the load average is printed.
/// </para>
/// </summary>
public static class ThroughputBenchmark
{
    private static readonly (string From, string To)[] s_pairs =
    [
        ("NATO", "Balkans"), ("UN", "Mali"), ("United States", "Haiti"), ("China", "Somalia"),
        ("Canada", "Darfur"), ("African Union", "soft power"), ("SCO", "peacekeeping"), ("MINUSMA", "AMISOM"),
    ];

    private static readonly string[] s_searches = ["NATO", "Somala", "African", "peace", "United States", "Balkans", "Mali", "soft power"];

    public static async Task<int> RunAsync(string[] args)
    {
        var connections = Option(args, "--connections", 32);
        var seconds = Option(args, "--seconds", 10);
        var folder = Path.Combine(Path.GetTempPath(), "explorer-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var app = ExplorerApp.Create(
            [
                "--urls", "http://127.0.0.1:0",
                $"--Explorer:DatabasePath={Path.Combine(folder, "explorer.db")}",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Explorer.Server.Infrastructure.StartupAnnouncer=None",
            ]);
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var store = (EmbeddedGraphStore)app.Services.GetRequiredService<IGraphStore>();
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var client = new HttpClient(handler) { BaseAddress = address };
            Console.WriteLine($"Read throughput over loopback HTTP, seed graph: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {connections} connections, {seconds} s per row (after 2 s of warm-up), server at {address}");
            Console.WriteLine($"Load average before: {LoadAverage()}");

            string Paths(int i) => $"/api/paths?from={Uri.EscapeDataString(s_pairs[i % s_pairs.Length].From)}&to={Uri.EscapeDataString(s_pairs[i % s_pairs.Length].To)}&mode=shortest";
            var rows = new List<(string Name, Result Result)>
            {
                ("GET /healthz", await RunAsync(client, connections, seconds, _ => "/healthz")),
                ("GET /api/search", await RunAsync(client, connections, seconds, i => $"/api/search?q={Uri.EscapeDataString(s_searches[i % s_searches.Length])}")),
                ("GET /api/paths?mode=shortest", await RunAsync(client, connections, seconds, Paths)),
            };
            store.EdgeRecordCaching = false;
            rows.Add(("  same, evidence from SQLite (before)", await RunAsync(client, connections, seconds, Paths)));
            store.EdgeRecordCaching = true;

            Console.WriteLine();
            Console.WriteLine($"{"",-40} {"req/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}");
            foreach (var (name, result) in rows)
            {
                Console.WriteLine($"{name,-40} {result.PerSecond,10:N0} {result.P50,8:F2} {result.P99,8:F2} {result.Errors,7}");
            }

            Console.WriteLine();
            Console.WriteLine($"Load average after: {LoadAverage()}. Target: /api/paths shortest >= 15,000 req/s with p99 <= 10 ms.");
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

    private sealed record Result(double PerSecond, double P50, double P99, long Errors);

    private static async Task<Result> RunAsync(HttpClient client, int connections, int seconds, Func<int, string> url)
    {
        async Task<(List<double> Latencies, long Errors)> Loop(int worker, DateTime warmUntil, DateTime stopAt)
        {
            var latencies = new List<double>(100_000);
            long errors = 0;
            for (var i = worker; DateTime.UtcNow < stopAt; i += connections)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(url(i), HttpCompletionOption.ResponseContentRead);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (DateTime.UtcNow >= warmUntil)
                {
                    latencies.Add(elapsed);
                    errors += response.IsSuccessStatusCode ? 0 : 1;
                }
            }

            return (latencies, errors);
        }

        var warm = DateTime.UtcNow.AddSeconds(2);
        var stop = warm.AddSeconds(seconds);
        var results = await Task.WhenAll(Enumerable.Range(0, connections).Select(w => Task.Run(() => Loop(w, warm, stop))));
        var all = results.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(all);
        Console.Error.WriteLine($"  {all.Length:N0} requests");
        return new Result(all.Length / (double)seconds, Percentile(all, 0.50), Percentile(all, 0.99), results.Sum(r => r.Errors));
    }

    private static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
