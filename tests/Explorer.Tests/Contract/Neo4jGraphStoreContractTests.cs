using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Explorer.Graph;
using Explorer.Neo4j;

namespace Explorer.Tests.Contract;

/// <summary>
/// The same contract suite against Neo4j: a server named by EXPLORER_TEST_NEO4J_URI (+ _USER, _PASSWORD,
/// _DATABASE), else a neo4j:5 container started with Testcontainers where a Docker engine exists. With
/// neither, every test reports SKIPPED with the reason; never passed. Each test class instance empties the
/// database first, so tests do not see each other's writes (run against a throwaway database).
/// </summary>
[Collection(Neo4jServerGroup.Name)]
public sealed class Neo4jGraphStoreContractTests(Neo4jServer server) : GraphStoreContract
{
    protected override async Task<IGraphStore> CreateEmptyStoreAsync()
    {
        if (server.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await server.WipeAsync();
        var store = Neo4jStore.Create(server.Options);
        await store.InitializeAsync();
        return store;
    }
}

[CollectionDefinition(Name)]
public sealed class Neo4jServerGroup : ICollectionFixture<Neo4jServer>
{
    public const string Name = "neo4j";
}

/// <summary>One Neo4j for the whole run (or the reason there is none).</summary>
public sealed class Neo4jServer : IAsyncLifetime
{
    public const string Image = "neo4j:5";
    private const string Password = "explorer-test-password";
    private IContainer? _container;

    public Neo4jOptions Options { get; private set; } = new();

    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("EXPLORER_TEST_NEO4J_URI") is { Length: > 0 } uri)
        {
            Options = new Neo4jOptions
            {
                Uri = uri,
                User = Environment.GetEnvironmentVariable("EXPLORER_TEST_NEO4J_USER") ?? "neo4j",
                Password = Environment.GetEnvironmentVariable("EXPLORER_TEST_NEO4J_PASSWORD"),
                Database = Environment.GetEnvironmentVariable("EXPLORER_TEST_NEO4J_DATABASE") ?? Neo4jOptions.DefaultDatabase,
            };
            return;
        }

        try
        {
            _container = new ContainerBuilder(Image)
                .WithEnvironment("NEO4J_AUTH", $"neo4j/{Password}")
                .WithPortBinding(7474, assignRandomHostPort: true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request
                    .ForPath("/db/neo4j/query/v2")
                    .ForPort(7474)
                    .WithMethod(HttpMethod.Post)
                    .WithBasicAuthentication("neo4j", Password)
                    .WithContent(() => new StringContent("{\"statement\": \"RETURN 1\"}", System.Text.Encoding.UTF8, "application/json"))
                    .ForStatusCode(System.Net.HttpStatusCode.Accepted)))
                .Build();
            await _container.StartAsync();
            Options = new Neo4jOptions { Uri = $"http://{_container.Hostname}:{_container.GetMappedPublicPort(7474)}", User = "neo4j", Password = Password };
        }
        catch (DockerUnavailableException ex)
        {
            SkipReason = $"No Neo4j to run against: EXPLORER_TEST_NEO4J_URI is not set and Testcontainers found no Docker engine ({ex.Message.Split('\n')[0]})";
        }
    }

    /// <summary>Removes everything Explorer wrote (nodes, sources, change log), keeping the schema.</summary>
    public async Task WipeAsync()
    {
        using var http = new HttpClient();
        var client = new QueryApiClient(http, new Uri(Options.Uri!), Options.Database, QueryApiClient.Authorization(Options), QueryApiPolicy.From(Options));
        await client.RunAsync("MATCH (n) WHERE n:Node OR n:Source OR n:Change OR n:ChangeLog OR n:Annotation OR n:AnnotationVersion OR n:User OR n:ApiToken OR n:OneTimeToken DETACH DELETE n");
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
