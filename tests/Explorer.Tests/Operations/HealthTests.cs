using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Operations;

public sealed class HealthTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task LivenessAnswersHealthyWithoutCheckingTheStore()
    {
        var live = await _client.GetOkAsync("/health/live");

        Assert.Equal("healthy", live.GetProperty("status").GetString());
        Assert.Empty(live.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task ReadinessReportsTheStoreItsIndexStorageAndShutdown()
    {
        var ready = await _client.GetOkAsync("/health/ready");

        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        var checks = ready.GetProperty("checks");
        Assert.Equal(["shutdown", "storage", "store"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        var store = checks.GetProperty("store");
        Assert.Equal("healthy", store.GetProperty("status").GetString());
        Assert.Equal(Seeded.Dataset.Nodes.Count, store.GetProperty("data").GetProperty("nodes").GetInt32());
        Assert.Equal(Seeded.Dataset.Edges.Count, store.GetProperty("data").GetProperty("edges").GetInt32());
        Assert.Equal("storage accepts writes", checks.GetProperty("storage").GetProperty("description").GetString());
    }
}
