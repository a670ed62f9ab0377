using Explorer.Graph;
using Explorer.Server.Live;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.TestSupport;

/// <summary>
/// A deployment in one test: a redis-server of the test's own on a free port (<see cref="RedisServer"/>) and
/// two Explorer instances on real Kestrel ports over one store (a shared SQLite file stands in for Neo4j) and
/// that Redis as their backplane, under a channel prefix of their own. Skips the test when redis-server is
/// not installed (.ci/run installs it).
/// </summary>
public sealed class BackplaneCluster : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly RedisServer _redis;

    private BackplaneCluster(RedisServer redis, string prefix)
    {
        _redis = redis;
        Prefix = prefix;
        A = new Instance(_directory.File("explorer.db"), redis.Endpoint, prefix, seed: true);
        A.Start();
        B = new Instance(_directory.File("explorer.db"), redis.Endpoint, prefix, seed: false);
        B.Start();
    }

    public Instance A { get; }

    public Instance B { get; }

    /// <summary>The Redis endpoint (host:port) both instances use.</summary>
    public string Redis => _redis.Endpoint;

    /// <summary>The key and channel prefix the instances share.</summary>
    public string Prefix { get; }

    public static async Task<BackplaneCluster> StartAsync(string name)
    {
        var redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        if (redis is null)
        {
            Assert.Skip("redis-server is not installed (apt-get install redis-server); .ci/run installs it");
        }

        try
        {
            return new BackplaneCluster(redis, $"explorer-{name}-{Guid.NewGuid():N}");
        }
        catch
        {
            redis.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        _redis.Dispose();
        _directory.Dispose();
    }

    /// <summary>One Explorer on a real Kestrel port.</summary>
    public sealed class Instance(string databasePath, string redis, string prefix, bool seed) : WebApplicationFactory<Program>
    {
        public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        public IGraphStore Store => Services.GetRequiredService<IGraphStore>();

        public ChangePublisher Publisher => Services.GetRequiredService<ChangePublisher>();

        public void Start()
        {
            UseKestrel(0);
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Explorer:DatabasePath", databasePath);
            builder.UseSetting("Explorer:SeedOnStart", seed ? "true" : "false");
            builder.UseSetting("Explorer:Redis:ConnectionString", redis);
            builder.UseSetting("Explorer:Redis:ChannelPrefix", prefix);
        }
    }
}
