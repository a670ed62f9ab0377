using System.Collections.Concurrent;
using System.Net;
using Explorer.Graph;
using Explorer.Server.Health;
using Explorer.Server.Infrastructure;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Explorer.Tests.Operations;

/// <summary>The app on a database capped at <see cref="CapMiB"/> (SQLite's max_page_count), with its log lines kept.</summary>
public sealed class CappedDatabaseFactory : AccountsFactory
{
    public const int CapMiB = 8;

    public LogCapture Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["Explorer:MaxDatabaseSizeMB"] = CapMiB.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}

public sealed class StorageFaultTests(CappedDatabaseFactory factory) : IClassFixture<CappedDatabaseFactory>
{
    private const int FaultBegan = 1300;
    private const int FaultEnded = 1301;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFullDatabaseRefusesWritesWith507LoggedOnceKeepsReadsAndAcknowledgedWritesAndRecoversByItself()
    {
        // Fill the database up to a few pages below its cap with a table the server knows nothing about.
        using (var filler = Connect())
        {
            Execute(filler, "CREATE TABLE ballast (b BLOB)");
            var pageSize = Scalar(filler, "PRAGMA page_size");
            var target = (CappedDatabaseFactory.CapMiB * 1024L * 1024 / pageSize) - 40;
            for (var pages = Scalar(filler, "PRAGMA page_count"); pages < target; pages = Scalar(filler, "PRAGMA page_count"))
            {
                Execute(filler, $"INSERT INTO ballast VALUES (zeroblob({Math.Clamp((target - pages) * pageSize / 2, 1, 256 * 1024)}))");
            }
        }

        var acknowledged = new ConcurrentDictionary<string, string>();
        var full = 0;
        var text = new string('x', 3000);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            using var client = factory.ClientFor(AccountsFactory.Ana);
            for (var i = 0; Volatile.Read(ref full) < 40 && i < 2000; i++)
            {
                var note = $"{w}/{i} {text}";
                var (status, body, response) = await client.SendAsync(HttpMethod.Post, "/api/edges/un-conducted-minusma/annotations", $$"""{"text":"{{note}}"}""");
                if (status == HttpStatusCode.Created)
                {
                    acknowledged[body.GetProperty("id").GetString()!] = note;
                }
                else
                {
                    Writes.AssertProblem(response, HttpStatusCode.InsufficientStorage, body, $"a write on a full database (errors logged: {string.Join(" | ", factory.Logs.Lines.Where(l => l.Level >= LogLevel.Error).Select(l => l.Message))})");
                    Assert.Equal("Storage is full", body.GetProperty("title").GetString());
                    Interlocked.Increment(ref full);
                }

                response.Dispose();
            }
        })).ToList();
        await Task.WhenAll(writers);

        Assert.True(full >= 40, $"the database never filled up ({acknowledged.Count} writes acknowledged)");
        Assert.NotEmpty(acknowledged);
        Assert.Equal(1, factory.Logs.Count(FaultBegan));
        Assert.Equal(0, factory.Logs.Count(FaultEnded));
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Level >= LogLevel.Error && l.Event.Id != FaultBegan);

        // Degraded, not down: reads go on.
        using var reader = factory.ClientFor(AccountsFactory.Vic);
        var ready = await reader.GetOkAsync("/health/ready");
        Assert.Equal("degraded", ready.GetProperty("status").GetString());
        var storage = ready.GetProperty("checks").GetProperty("storage");
        Assert.Equal("degraded", storage.GetProperty("status").GetString());
        Assert.Contains("full", storage.GetProperty("description").GetString(), StringComparison.Ordinal);
        await reader.GetOkAsync("/api/paths?from=nato&to=balkans");
        await reader.GetOkAsync($"/api/annotations/{acknowledged.Keys.First()}");

        // An operator frees space; nothing is restarted or reconfigured, and the next writes succeed.
        using (var filler = Connect())
        {
            Execute(filler, "DROP TABLE ballast");
        }

        using (var ana = factory.ClientFor(AccountsFactory.Ana))
        {
            // Every write now succeeds; the fault ends with the first one after StorageState.Settle.
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 10 || factory.Logs.Count(FaultEnded) == 0; i++)
            {
                patience.Token.ThrowIfCancellationRequested();
                acknowledged[await ana.AnnotateAsync("un-conducted-minusma", $"after {i}")] = $"after {i}";
            }
        }

        Assert.Equal(1, factory.Logs.Count(FaultBegan));
        Assert.Equal(1, factory.Logs.Count(FaultEnded));
        Assert.Equal("healthy", (await reader.GetOkAsync("/health/ready")).GetProperty("status").GetString());

        // Every acknowledged write is in the database file, as written, and the file is intact.
        using var check = Connect();
        Assert.Equal("ok", ScalarText(check, "PRAGMA integrity_check"));
        var stored = new Dictionary<string, string>();
        using (var select = check.CreateCommand())
        {
            select.CommandText = "SELECT id, text FROM annotations";
            using var rows = select.ExecuteReader();
            while (rows.Read())
            {
                stored[rows.GetString(0)] = rows.GetString(1);
            }
        }

        Assert.All(acknowledged, pair => Assert.True(stored.TryGetValue(pair.Key, out var found) && found == pair.Value, $"acknowledged annotation {pair.Key} is missing"));
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = factory.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 10000");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? ScalarText(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }
}

public sealed class TransientStorageFaultTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    [Theory]
    [InlineData(10, "disk I/O error")]
    [InlineData(8, "attempt to write a readonly database")]
    public async Task IoErrorsAndReadOnlyStorageAnswer503WithRetryAfter(int sqliteCode, string message)
    {
        var handler = ActivatorUtilities.CreateInstance<ExplorerExceptionHandler>(factory.Services);
        var context = new DefaultHttpContext { RequestServices = factory.Services };
        context.Request.Method = "POST";
        context.Request.Path = "/api/edges/x/annotations";
        context.Response.Body = new MemoryStream();

        Assert.True(await handler.TryHandleAsync(context, new SqliteException(message, sqliteCode), TestContext.Current.CancellationToken));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal(ExplorerExceptionHandler.StorageRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        var problem = Api.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Storage unavailable", problem.GetProperty("title").GetString());
        Assert.Equal(StorageFaultKind.Unavailable, factory.Services.GetRequiredService<StorageState>().Current?.Fault.Kind);
        factory.Services.GetRequiredService<StorageState>().Succeeded();
    }

    [Fact]
    public void OnlyStorageFaultsAreClassifiedAsSuch()
    {
        Assert.Equal(StorageFaultKind.Full, StorageFault.From(new SqliteException("database or disk is full", 13))?.Kind);
        Assert.Equal(StorageFaultKind.Full, StorageFault.From(new InvalidOperationException("wrapped", new SqliteException("full", 13)))?.Kind);
        Assert.Null(StorageFault.From(new SqliteException("UNIQUE constraint failed", 19)));
        Assert.Null(StorageFault.From(new InvalidOperationException("a bug")));
    }
}
