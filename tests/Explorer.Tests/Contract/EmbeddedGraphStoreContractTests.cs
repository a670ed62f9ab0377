using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Contract;

public sealed class EmbeddedGraphStoreContractTests : GraphStoreContract
{
    private readonly TempDirectory _directory = new();

    protected override async Task<IGraphStore> CreateEmptyStoreAsync()
    {
        var store = EmbeddedStore.Create(_directory.File("explorer.db"));
        await store.InitializeAsync();
        return store;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
