using System.Globalization;
using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Explorer.Tests.Embedded;

/// <summary>
/// The review-status index holds the edges that are not confirmed only (schema version 9): a database made with
/// the whole-column index is migrated, confirmed edges cost it nothing, and paths kept to statuses still read it.
/// </summary>
public sealed class StatusIndexMigrationTests
{
    [Fact]
    public async Task AnOlderDatabaseGetsAStatusIndexOfTheEdgesNotConfirmedThatTheStatusFilterUses()
    {
        using var directory = new TempDirectory();
        var path = directory.File("explorer.db");
        using (var connection = SqliteSchema.Open($"Data Source={path}"))
        {
            SqliteSchema.Migrate(connection, target: 8);
            Assert.DoesNotContain("WHERE", IndexSql(connection), StringComparison.Ordinal);
        }

        await using (var store = EmbeddedStore.Create(path))
        {
            await store.InitializeAsync();
            await store.SeedAsync(Seeded.Dataset);
            var edge = Seeded.Dataset.Edges[0];
            await store.UpsertEdgeAsync(new Edge("proposed-1", edge.Type, edge.Source, edge.Target, edge.Evidence) { Status = EdgeStatus.Proposed });
        }

        using (var connection = SqliteSchema.Open($"Data Source={path}"))
        {
            Assert.EndsWith("WHERE status <> 'Confirmed'", IndexSql(connection), StringComparison.Ordinal);
            var notConfirmed = Scalar(connection, "SELECT count(*) FROM edges WHERE status <> 'Confirmed'");
            Assert.True(notConfirmed >= 1);
            Assert.True(Scalar(connection, "SELECT count(*) FROM edges") > notConfirmed);
            Assert.Equal(notConfirmed, Scalar(connection, "SELECT count(*) FROM edges INDEXED BY edges_status WHERE status <> 'Confirmed'"));

            // The statement WithoutStatus sends when confirmed edges are kept: SQLite takes the partial index.
            using var plan = new SqliteCommand("EXPLAIN QUERY PLAN SELECT eid FROM edges WHERE status IN ($s0, $s1) AND status <> 'Confirmed' ORDER BY eid", connection);
            plan.Parameters.AddWithValue("$s0", "Proposed");
            plan.Parameters.AddWithValue("$s1", "Disputed");
            using var reader = plan.ExecuteReader();
            var steps = new List<string>();
            while (reader.Read())
            {
                steps.Add(reader.GetString(3));
            }

            Assert.Contains(steps, s => s.Contains("USING COVERING INDEX edges_status", StringComparison.Ordinal));
        }
    }

    private static string IndexSql(SqliteConnection connection)
    {
        using var command = new SqliteCommand("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'edges_status'", connection);
        return (string)command.ExecuteScalar()!;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
