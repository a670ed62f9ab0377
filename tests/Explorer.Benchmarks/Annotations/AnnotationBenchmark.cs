using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Explorer.Accounts;
using Explorer.Annotations;
using Explorer.Embedded;
using Explorer.Server;
using Explorer.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;

namespace Explorer.Benchmarks.Annotations;

/// <summary>
/// <c>dotnet run -c Release --project tests/Explorer.Benchmarks -- annotations [--writes N] [--clients N] [--broadcasts N]</c>
/// <para>
/// Annotation writes and their live fan-out, against the real server (in this process, on a loopback port,
/// on a fresh database in a temp folder). A write counts when its 2xx arrives, which is after its
/// synchronous=FULL commit: acknowledged means durable. Baselines measured in the same run: a bare SQLite
/// insert-and-commit with the same durability settings (the fsync floor), and the store's own write (no HTTP).
/// </para>
/// </summary>
public static class AnnotationBenchmark
{
    private const string Edge = "un-conducted-minusma";

    public static async Task<int> RunAsync(string[] args)
    {
        var writes = Option(args, "--writes", 1000);
        var clients = Option(args, "--clients", 100);
        var broadcasts = Option(args, "--broadcasts", 200);
        const int Writers = 8;

        var folder = Path.Combine(Path.GetTempPath(), "explorer-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"Annotation benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}, database in {folder}");
            Console.WriteLine();

            var database = Path.Combine(folder, "explorer.db");
            var (store, tokens) = await PrepareAsync(database, Writers);
            await using var app = ExplorerApp.Create(
            [
                "--urls", "http://127.0.0.1:0",
                $"--Explorer:DatabasePath={database}",
                "--Explorer:RateLimit:WritesPerMinute=100000000",
                "--Explorer:RateLimit:WriteBurst=100000000",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Explorer.Server.Infrastructure.StartupAnnouncer=None",
            ]);
            await app.StartAsync();
            var address = new Uri(app.Urls.First());
            using var http = Client(address, tokens[0]);
            var writerClients = tokens.Select(t => Client(address, t)).ToList();
            await HttpWritesAsync([http], 100); // warm-up: JIT, connection pool, SQLite pages
            await HttpWritesAsync(writerClients, 100);

            // Round-robin, so that whatever else the machine does in the meantime lands on every row alike.
            var floor = new Timings([], TimeSpan.Zero);
            var storeOnly = new Timings([], TimeSpan.Zero);
            var single = new Timings([], TimeSpan.Zero);
            var concurrent = new Timings([], TimeSpan.Zero);
            const int Rounds = 10;
            for (var round = 0; round < Rounds; round++)
            {
                floor = floor.Add(SqliteFloor(Path.Combine(folder, "floor.db"), writes / Rounds));
                storeOnly = storeOnly.Add(await StoreWritesAsync(store, writes / Rounds));
                single = single.Add(await HttpWritesAsync([http], writes / Rounds));
                concurrent = concurrent.Add(await HttpWritesAsync(writerClients, writes * 2 / Rounds));
            }

            writerClients.ForEach(c => c.Dispose());
            await store.DisposeAsync();

            var fanOut = await FanOutAsync(address, http, clients, broadcasts);

            Console.WriteLine("Writes (acknowledged = committed with synchronous=FULL)      p50 ms   p95 ms   p99 ms   writes/s");
            Row("  baseline: bare SQLite insert + commit, 1 writer", floor);
            Row("  baseline: store AddAnnotationAsync, 1 writer", storeOnly);
            Row("  HTTP POST annotation, 1 writer", single);
            Row($"  HTTP POST annotation, {Writers} concurrent writers", concurrent);
            Console.WriteLine();
            Console.WriteLine($"Fan-out to {clients} hub clients (.NET SignalR, WebSockets), {broadcasts} writes, {fanOut.FromResponse.Count} deliveries");
            Console.WriteLine("                                                               p50 ms   p99 ms   max ms");
            LatencyRow("  write response -> receipt in each client", fanOut.FromResponse);
            LatencyRow("  write request sent -> receipt in each client", fanOut.FromRequest);
            Console.WriteLine($"  deliveries missing: {fanOut.Missing}");
            Console.WriteLine();
            Console.WriteLine($"Load average at the end: {LoadAverage()} (other work on the machine shows up in every row, baselines included)");
            Console.WriteLine($"Targets: write p95 < 10 ms -> {(concurrent.Percentile(95) < 10 && single.Percentile(95) < 10 ? "met" : "NOT met")}; " +
                $"fan-out p99 < 50 ms -> {(Stats.Percentile(fanOut.FromResponse, 99) < 50 ? "met" : "NOT met")}");

            await app.StopAsync();
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        }
    }

    /// <summary>Latencies in milliseconds, with the wall time they took.</summary>
    private sealed record Timings(List<double> Milliseconds, TimeSpan Elapsed)
    {
        public double Percentile(double p) => Stats.Percentile(Milliseconds, p);

        public double PerSecond => Milliseconds.Count / Elapsed.TotalSeconds;

        public Timings Add(Timings more) => new([.. Milliseconds, .. more.Milliseconds], Elapsed + more.Elapsed);
    }

    private sealed record FanOut(List<double> FromResponse, List<double> FromRequest, int Missing);

    /// <summary>The floor: one small row per transaction on the same durability settings as the store.</summary>
    private static Timings SqliteFloor(string path, int count)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, text TEXT NOT NULL);";
            pragma.ExecuteNonQuery();
        }

        var timings = new List<double>(count);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO t (text) VALUES ($text)";
            insert.Parameters.AddWithValue("$text", $"floor {i}");
            insert.ExecuteNonQuery();
            transaction.Commit();
            timings.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return new Timings(timings, total.Elapsed);
    }

    /// <summary>A seeded store with an analyst per writer (the write limit is per user) and their tokens.</summary>
    private static async Task<(EmbeddedGraphStore Store, List<string> Tokens)> PrepareAsync(string database, int writers)
    {
        var store = new EmbeddedGraphStore(database);
        await store.InitializeAsync();
        await store.SeedAsync(Explorer.Seed.SeedLoader.Load(Explorer.Seed.SeedLoader.FindSeedDirectory() ?? throw new InvalidOperationException("graph-seed/ not found")));
        var tokens = new List<string>();
        var hash = Passwords.Hash("benchmark password");
        for (var i = 0; i < writers; i++)
        {
            await store.AddUserAsync(new User($"writer{i}", Role.Analyst, hash, false, DateTimeOffset.UtcNow));
            tokens.Add((await AccountRules.IssueTokenAsync(store, $"writer{i}", "benchmark", DateTimeOffset.UtcNow, default))!.Token);
        }

        return (store, tokens);
    }

    private static async Task<Timings> StoreWritesAsync(EmbeddedGraphStore store, int count)
    {
        var timings = new List<double>(count);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var write = await store.AddAnnotationAsync(new NewAnnotation(AnnotationTargetKind.Edge, Edge, $"store write {i}", ["bench"], Confidence.Medium, null, AnnotationStatus.Proposed, "writer0"));
            timings.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (write is not AnnotationWrite.Written)
            {
                throw new InvalidOperationException($"store write {i} failed: {write}");
            }
        }

        return new Timings(timings, total.Elapsed);
    }

    /// <summary>Writes split over the given clients, each client one writer in a loop.</summary>
    private static async Task<Timings> HttpWritesAsync(IReadOnlyList<HttpClient> clients, int count)
    {
        var timings = new ConcurrentBag<double>();
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await client.PostAsJsonAsync($"/api/edges/{Edge}/annotations", new { text = $"benchmark write {i}\nmandate renewed 2013, see S/RES/2100", tags = new[] { "bench" }, confidence = "high" });
                timings.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                response.EnsureSuccessStatusCode();
            }
        })));
        return new Timings([.. timings], total.Elapsed);
    }

    /// <summary>
    /// Connects the clients, then makes writes one after another (25 ms apart, so each write's fan-out is
    /// measured on its own) and records when each client receives each write's change.
    /// </summary>
    private static async Task<FanOut> FanOutAsync(Uri address, HttpClient writer, int clientCount, int writes)
    {
        var received = new ConcurrentDictionary<(int Client, string Id), long>();
        var connections = new List<HubConnection>();
        for (var c = 0; c < clientCount; c++)
        {
            var client = c;
            var connection = new HubConnectionBuilder().WithUrl(new Uri(address, "/hubs/graph")).Build();
            connection.On<JsonElement>("Changed", change =>
            {
                var now = Stopwatch.GetTimestamp();
                if (change.TryGetProperty("annotation", out var annotation) && annotation.ValueKind == JsonValueKind.Object)
                {
                    received.TryAdd((client, annotation.GetProperty("id").GetString()!), now);
                }
            });
            await connection.StartAsync();
            connections.Add(connection);
        }

        var sent = new List<(string Id, long Request, long Response)>();
        for (var i = 0; i < writes; i++)
        {
            var request = Stopwatch.GetTimestamp();
            using var response = await writer.PostAsJsonAsync($"/api/edges/{Edge}/annotations", new { text = $"broadcast {i}" });
            var responded = Stopwatch.GetTimestamp();
            response.EnsureSuccessStatusCode();
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            sent.Add((id, request, responded));
            await Task.Delay(25);
        }

        var deadline = Stopwatch.StartNew();
        while (received.Count < clientCount * writes && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var fromResponse = new List<double>();
        var fromRequest = new List<double>();
        var missing = 0;
        foreach (var (id, request, responded) in sent)
        {
            for (var c = 0; c < clientCount; c++)
            {
                if (received.TryGetValue((c, id), out var at))
                {
                    fromResponse.Add(Stopwatch.GetElapsedTime(responded, at).TotalMilliseconds);
                    fromRequest.Add(Stopwatch.GetElapsedTime(request, at).TotalMilliseconds);
                }
                else
                {
                    missing++;
                }
            }
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        return new FanOut(fromResponse, fromRequest, missing);
    }

    private static HttpClient Client(Uri address, string token)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static void Row(string label, Timings timings) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-62}{timings.Percentile(50),7:F2}  {timings.Percentile(95),7:F2}  {timings.Percentile(99),7:F2}  {timings.PerSecond,9:F0}"));

    private static void LatencyRow(string label, List<double> milliseconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-62}{Stats.Percentile(milliseconds, 50),7:F2}  {Stats.Percentile(milliseconds, 99),7:F2}  {(milliseconds.Count > 0 ? milliseconds.Max() : double.NaN),7:F2}"));

    /// <summary>The 1-, 5- and 15-minute load averages (Linux), to read the figures against.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }
}

internal static class Stats
{
    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
