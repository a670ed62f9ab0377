using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Explorer.Tests.Durability;

/// <summary>
/// A bulk import commits whole batches: <c>explorer import FILE --batch 1000</c> is killed with SIGKILL after its
/// first acknowledgements, while it is still writing; the database must then hold exactly the first N·1000
/// records (whole batches, each with its one change-log row), every acknowledged one among them, and pass
/// SQLite's integrity check. No sleeps: the test waits on acknowledgements, under one overall timeout.
/// </summary>
public sealed class KilledBatchImportTests : IDisposable
{
    private const int Records = 100_000;
    private const int Batch = 1000;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AKillDuringABulkImportLeavesWholeBatchesOnly()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        var cancellationToken = timeout.Token;
        var file = _directory.File("bulk.jsonl");
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, Records).Select(i =>
            $$$"""{"node":{"id":"bulk-{{{i}}}","kind":"Theme","name":"Bulk theme {{{i}}}"}}"""), cancellationToken);
        var database = _directory.File("explorer.db");

        var acknowledged = new List<string>();
        using (var child = ExplorerImportProcess.Start(database, file, "--batch", Batch.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            while (acknowledged.Count < (2 * Batch) + 1)
            {
                acknowledged.Add((await child.ReadAckAsync(cancellationToken)).Split(' ')[3]);
            }

            await child.KillAsync(cancellationToken);
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        var imported = await ScalarAsync(connection, "SELECT count(*) FROM nodes WHERE id LIKE 'bulk-%'");
        var batchRows = await ScalarAsync(connection, "SELECT count(*) FROM changes WHERE kind = 'GraphReloaded' AND entity_id = 'import' AND rows IS NOT NULL");
        var changes = await ScalarAsync(connection, "SELECT coalesce(sum(row_id), 0) FROM changes WHERE kind = 'GraphReloaded' AND entity_id = 'import'");
        var highest = await ScalarAsync(connection, "SELECT coalesce(max(CAST(substr(id, 6) AS INTEGER)), -1) FROM nodes WHERE id LIKE 'bulk-%'");

        Assert.True(imported < Records, $"the import finished ({imported} records) before the kill: nothing was tested");
        Assert.Equal(0, imported % Batch);
        Assert.True(imported >= acknowledged.Count, $"{acknowledged.Count} acknowledged, {imported} in the file");
        Assert.Equal(imported, changes);
        Assert.Equal(imported / Batch, batchRows);
        Assert.Equal(imported - 1, highest);
        Assert.Equal(Enumerable.Range(0, acknowledged.Count).Select(i => $"bulk-{i}"), acknowledged);
        Assert.Equal("ok", (string?)await new SqliteCommand("PRAGMA integrity_check;", connection).ExecuteScalarAsync(cancellationToken));
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
