using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Embedded;

/// <summary>A database made before records were dated gains the columns, keeps its rows, and the next seed dates them.</summary>
public sealed class DatedRecordsMigrationTests
{
    [Fact]
    public async Task AnOlderDatabaseIsMigratedAndTheNextSeedDatesItsRecords()
    {
        using var directory = new TempDirectory();
        var path = directory.File("explorer.db");
        using (var connection = SqliteSchema.Open($"Data Source={path}"))
        {
            SqliteSchema.Migrate(connection, target: 2);
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO nodes (id, kind, name, aliases, description) VALUES ('kfor', 'Mission', 'Kosovo Force', 'KFOR', 'Old description.');
                INSERT INTO nodes (id, kind, name, aliases, description) VALUES ('analyst-node', 'Theme', 'Analyst node', '', 'Added by a user.');
                """;
            insert.ExecuteNonQuery();
        }

        await using var store = EmbeddedStore.Create(path);
        await store.InitializeAsync();
        Assert.Null((await store.GetNodeAsync("kfor"))!.Node.ValidFrom);

        var report = await store.SeedAsync(Seeded.Dataset);

        var seeded = Seeded.Dataset.Nodes.Single(n => n.Id == "kfor");
        Assert.NotNull(seeded.ValidFrom);
        Assert.True((await store.GetNodeAsync("kfor"))!.Node.SameAs(seeded));
        Assert.NotNull(await store.GetNodeAsync("analyst-node"));
        Assert.True(report.Nodes.Updated >= 1);
        var dated = Seeded.Dataset.Edges.First(e => e.ValidFrom is not null);
        Assert.True((await store.GetEdgeAsync(dated.Id))!.SameAs(dated));
    }
}
