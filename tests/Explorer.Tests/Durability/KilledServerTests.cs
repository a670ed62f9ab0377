using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Explorer.Accounts;
using Explorer.Embedded;
using Explorer.Server.Auth;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Explorer.Tests.Durability;

/// <summary>
/// An acknowledged annotation write survives the server being killed. The real server runs as a child
/// process; four writers stream 500 annotation writes (creates, and edits of some) over HTTP with a bearer
/// token; the server is killed with SIGKILL once 200 writes have been acknowledged, while more are in
/// flight (and once more with SIGTERM instead). After a restart, every write that got a 2xx is there with its history, every annotation's
/// history is one unbroken chain ending in its current state (nothing half-written), and SQLite's
/// integrity check passes.
/// </summary>
public sealed class KilledServerTests : IDisposable
{
    private const int PlannedWrites = 500;
    private const int AcksBeforeKill = 200;
    private const int Writers = 4;
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(4);

    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("explorer.db");

    public void Dispose() => _directory.Dispose();

    /// <summary>What a 2xx acknowledged: the annotation at that version with that text.</summary>
    private sealed record Ack(string Id, long Version, string Text);

    [Fact]
    public Task EveryAcknowledgedAnnotationWriteSurvivesAKillMidStream() => WriteAndStopMidStreamAsync(terminate: false);

    /// <summary>
    /// A graceful stop (SIGTERM, as a rolling deploy or <c>docker stop</c> sends) under the same write load:
    /// requests in flight finish or fail, the process exits by itself with code 0, and again every write that
    /// got a 2xx is there after the restart.
    /// </summary>
    [Fact]
    public Task EveryAcknowledgedAnnotationWriteSurvivesASigtermMidStream() => WriteAndStopMidStreamAsync(terminate: true);

    private async Task WriteAndStopMidStreamAsync(bool terminate)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_timeout);
        var cancellationToken = timeout.Token;
        var token = await CreateWriterAsync();
        string[] settings = ["--Explorer:RateLimit:WritesPerMinute=1000000", "--Explorer:RateLimit:WriteBurst=1000000"];
        var edges = Seeded.Dataset.Edges.Select(e => e.Id).ToArray();

        var acks = new ConcurrentQueue<Ack>();
        var failures = new ConcurrentQueue<string>();
        using (var server = await ExplorerServerProcess.StartAsync(DatabasePath, _directory.Path, cancellationToken, settings))
        {
            using var client = Client(server.Address, token);
            var next = -1;
            var killing = 0;
            var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < PlannedWrites)
                {
                    try
                    {
                        var text = $"durable note {i}\nsecond line";
                        using var created = await client.PostAsJsonAsync($"/api/edges/{edges[i % edges.Length]}/annotations", new { text, tags = new[] { "durability" } }, cancellationToken);
                        if (!created.IsSuccessStatusCode)
                        {
                            if (created.StatusCode == HttpStatusCode.ServiceUnavailable && Volatile.Read(ref killing) == 1)
                            {
                                // Refused while stopping: not acknowledged, so no promise was made.
                                return;
                            }

                            failures.Enqueue($"create {i}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
                            continue;
                        }

                        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
                        acks.Enqueue(new Ack(id, 1, text));
                        if (i % 3 == 0)
                        {
                            var edited = text + " (edited)";
                            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/annotations/{id}") { Content = JsonContent.Create(new { text = edited, status = "confirmed" }) };
                            request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
                            using var edit = await client.SendAsync(request, cancellationToken);
                            if (edit.IsSuccessStatusCode)
                            {
                                acks.Enqueue(new Ack(id, 2, edited));
                            }
                        }
                    }
                    catch (HttpRequestException) when (Volatile.Read(ref killing) == 1)
                    {
                        // In flight when the server died: not acknowledged, so no promise was made.
                        return;
                    }
                    catch (TaskCanceledException) when (Volatile.Read(ref killing) == 1 && !cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }, cancellationToken)).ToArray();

            while (acks.Count < AcksBeforeKill && !writers.All(w => w.IsCompleted))
            {
                await Task.Delay(5, cancellationToken);
            }

            Assert.True(acks.Count >= AcksBeforeKill, $"only {acks.Count} writes acknowledged before the writers stopped:\n{string.Join("\n", failures.Take(10))}\n{server.Output}");
            // The writers keep streaming: requests in flight at the kill fail, and are not acknowledged.
            Volatile.Write(ref killing, 1);
            if (terminate)
            {
                var exitCode = await server.TerminateAsync(cancellationToken);
                Assert.True(exitCode == 0, $"the server exited with {exitCode} after SIGTERM:\n{server.Output}");
            }
            else
            {
                await server.KillAsync(cancellationToken);
            }

            await Task.WhenAll(writers);
        }

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.True(acks.Count < PlannedWrites * 4 / 3, "the kill came after the stream ended: nothing was in flight");

        using (var restarted = await ExplorerServerProcess.StartAsync(DatabasePath, _directory.Path, cancellationToken, settings))
        {
            using var client = Client(restarted.Address, token);
            foreach (var (id, acked) in acks.GroupBy(a => a.Id).Select(g => (g.Key, g.MaxBy(a => a.Version)!)))
            {
                var current = await client.GetOkAsync($"/api/annotations/{id}");
                Assert.True(current.GetProperty("version").GetInt64() >= acked.Version, $"annotation {id} lost acknowledged version {acked.Version}");
                var versions = (await client.GetOkAsync($"/api/annotations/{id}/history")).GetProperty("versions").EnumerateArray().ToList();
                var version = versions.Single(v => v.GetProperty("version").GetInt64() == acked.Version);
                Assert.Equal(acked.Text, version.GetProperty("annotation").GetProperty("text").GetString());
            }

            // Nothing half-written: each annotation's history runs 1..n and ends in its current state.
            var all = (await client.GetOkAsync($"/api/annotations?tag=durability&includeDeleted=true&limit=500")).GetProperty("annotations").EnumerateArray().ToList();
            Assert.True(all.Count >= acks.Select(a => a.Id).Distinct().Count());
            foreach (var annotation in all)
            {
                var id = annotation.GetProperty("id").GetString();
                var versions = (await client.GetOkAsync($"/api/annotations/{id}/history")).GetProperty("versions").EnumerateArray().ToList();
                Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions.Select(v => v.GetProperty("version").GetInt64()));
                Assert.Equal(annotation.GetProperty("version").GetInt64(), versions.Count);
                Assert.Equal(annotation.GetProperty("text").GetString(), versions[^1].GetProperty("annotation").GetProperty("text").GetString());
            }

            await restarted.KillAsync(cancellationToken);
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", (string?)await check.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>An analyst and an API token, written to the database before the server first starts.</summary>
    private async Task<string> CreateWriterAsync()
    {
        var store = EmbeddedStore.Create(DatabasePath);
        await using (store)
        {
            await store.InitializeAsync();
            await store.AddUserAsync(new User("writer", Role.Analyst, Passwords.Hash("a writer's password"), false, DateTimeOffset.UtcNow));
            return (await AccountRules.IssueTokenAsync(store, "writer", "durability test", DateTimeOffset.UtcNow, default))!.Token;
        }
    }

    private static HttpClient Client(Uri address, string token)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
