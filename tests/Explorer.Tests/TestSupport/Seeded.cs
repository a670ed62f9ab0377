using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;

namespace Explorer.Tests.TestSupport;

/// <summary>The repository's graph-seed dataset and fresh stores seeded with it.</summary>
public static class Seeded
{
    private static readonly Lazy<GraphSeed> s_seed = new(() => SeedLoader.Load(SeedDirectory));

    public static string SeedDirectory =>
        SeedLoader.FindSeedDirectory() ?? throw new InvalidOperationException("graph-seed/ not found above the test binaries.");

    /// <summary>The dataset, loaded and validated once per test run.</summary>
    public static GraphSeed Dataset => s_seed.Value;

    /// <summary>A new embedded store in its own temp directory, seeded with the dataset.</summary>
    public static async Task<(IGraphStore Store, TempDirectory Directory)> EmbeddedStoreAsync()
    {
        var directory = new TempDirectory();
        var store = EmbeddedStore.Create(directory.File("explorer.db"));
        await store.InitializeAsync();
        await store.SeedAsync(Dataset);
        return (store, directory);
    }
}
