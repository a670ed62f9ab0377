using System.Net;
using System.Text.Json;
using Explorer.Server.Infrastructure;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

public sealed class HostingTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task HealthReportsTheStoreAndTheDatasetsSize()
    {
        var health = await _client.GetOkAsync("/healthz");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("embedded", health.GetProperty("store").GetString());
        Assert.Equal(Seeded.Dataset.Nodes.Count, health.GetProperty("nodes").GetInt32());
        Assert.Equal(Seeded.Dataset.Edges.Count, health.GetProperty("edges").GetInt32());
    }

    [Fact]
    public async Task TheOpenApiDocumentListsEveryEndpointWithItsProblems()
    {
        var document = await _client.GetOkAsync("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        string[] expected =
        [
            "/api/search", "/api/nodes/{id}", "/api/nodes/{id}/neighborhood", "/api/edges/{id}", "/api/sources",
            "/api/sources/{id}", "/api/paths", "/api/query", "/api/changes", "/healthz",
            "/api/edges/{id}/annotations", "/api/nodes/{id}/annotations", "/api/annotations", "/api/annotations/{id}",
            "/api/annotations/{id}/history", "/api/annotations/counts", "/api/auth/login", "/api/auth/me", "/api/tokens", "/api/users",
        ];
        Assert.All(expected, path => Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document"));

        var findPaths = paths.GetProperty("/api/paths").GetProperty("get");
        Assert.Equal("FindPaths", findPaths.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrEmpty(findPaths.GetProperty("summary").GetString()));
        foreach (var status in new[] { "200", "400", "404", "422" })
        {
            Assert.True(findPaths.GetProperty("responses").TryGetProperty(status, out _), $"/api/paths does not declare {status}");
        }

        var problem = findPaths.GetProperty("responses").GetProperty("422").GetProperty("content");
        Assert.True(problem.TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEnumsAsStringsAndNumbersAsNumbers()
    {
        var document = await _client.GetOkAsync("/openapi/v1.json");

        var kinds = document.GetProperty("components").GetProperty("schemas").GetProperty("NodeKind").GetProperty("enum").Strings();
        Assert.Contains("Organization", kinds);
        var limit = document.GetProperty("paths").GetProperty("/api/search").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit");
        Assert.Equal("integer", limit.GetProperty("schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task TheRootServesTheWebPageWhoseScriptsComeOnlyFromExplorer()
    {
        using var response = await _client.GetAsync("/", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Equal(SecurityHeaders.AppPolicy, policy);
        Assert.Contains("script-src 'self';", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("unsafe-eval", policy);

        // Every script and stylesheet is a file under /app, served by Explorer with the same policy; none is inline.
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>");
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Matches("src=\"/app/assets/[^\"]+\\.js\"", s.Value));
        Assert.DoesNotContain("style=", html);
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/app/assets/[^\"]+)\"").Groups[1].Value;
        using var asset = await _client.GetAsync(script, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task TheApiReferenceStaysAtScalarAndTheApiKeepsItsOwnPolicy()
    {
        using var scalar = await _client.GetAsync("/scalar/", TestContext.Current.CancellationToken);
        using var api = await _client.GetAsync("/api/sources", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        Assert.Equal(SecurityHeaders.ApiPolicy, api.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task TheApiReferencePageRunsOnlyScriptsCarryingThisResponsesNonce()
    {
        using var response = await _client.GetAsync("/scalar/", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = System.Text.RegularExpressions.Regex.Match(policy, "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", policy);
        Assert.Contains($"nonce=\"{nonce}\"", html);
        Assert.Contains("openapi/v1.json", html);
    }

    [Fact]
    public async Task ChangesListTheSeedAndSayWhereToContinue()
    {
        var body = await _client.GetOkAsync("/api/changes?after=0&limit=100");

        var changes = body.GetProperty("changes").EnumerateArray().ToList();
        Assert.NotEmpty(changes);
        var last = changes[^1];
        Assert.Equal(last.GetProperty("seq").GetInt64(), body.GetProperty("last").GetInt64());
        Assert.Contains(changes, c => c.GetProperty("kind").GetString() == "GraphReloaded");
        Assert.All(changes, c => Assert.True(c.TryGetProperty("at", out _) && c.TryGetProperty("entityId", out _)));

        var after = await _client.GetOkAsync($"/api/changes?after={body.GetProperty("last").GetInt64()}");
        Assert.Equal(0, after.GetProperty("changes").GetArrayLength());
        Assert.Equal(body.GetProperty("last").GetInt64(), after.GetProperty("last").GetInt64());
    }
}

public sealed class StartupTests
{
    [Fact]
    public async Task RestartingOnTheSameDatabaseReseedsNothing()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Explorer:DatabasePath"] = directory.File("explorer.db") };

        long lastSeq;
        await using (var first = new ConfiguredFactory(settings))
        {
            var changes = await first.CreateClient().GetOkAsync("/api/changes");
            lastSeq = changes.GetProperty("last").GetInt64();
        }

        await using var second = new ConfiguredFactory(settings);
        var client = second.CreateClient();
        var after = await client.GetOkAsync($"/api/changes?after={lastSeq}");
        Assert.Equal(0, after.GetProperty("changes").GetArrayLength());
        var health = await client.GetOkAsync("/healthz");
        Assert.Equal(Seeded.Dataset.Nodes.Count, health.GetProperty("nodes").GetInt32());
    }

    [Fact]
    public async Task WithSeedingOffAFreshStoreStartsEmpty()
    {
        using var directory = new TempDirectory();
        await using var factory = new ConfiguredFactory(new()
        {
            ["Explorer:DatabasePath"] = directory.File("explorer.db"),
            ["Explorer:SeedOnStart"] = "false",
        });

        var health = await factory.CreateClient().GetOkAsync("/healthz");

        Assert.Equal(0, health.GetProperty("nodes").GetInt32());
        Assert.Equal(0, health.GetProperty("edges").GetInt32());
    }

    [Fact]
    public async Task AnotherSeedFolderIsUsedWhenConfigured()
    {
        using var directory = new TempDirectory();
        var seed = TinySeed.Write(directory.File("seed"));
        await using var factory = new ConfiguredFactory(new()
        {
            ["Explorer:DatabasePath"] = directory.File("explorer.db"),
            ["Explorer:SeedPath"] = seed,
        });
        var client = factory.CreateClient();

        var health = await client.GetOkAsync("/healthz");
        var path = await client.GetOkAsync("/api/paths?from=Alpha&to=Gamma");

        Assert.Equal(3, health.GetProperty("nodes").GetInt32());
        Assert.Equal(["alpha", "beta", "gamma"], path.GetProperty("paths")[0].GetProperty("nodes").Strings());
    }

    [Fact]
    public async Task AnInvalidDatasetStopsStartupNamingTheFileRecordAndField()
    {
        using var directory = new TempDirectory();
        var seed = TinySeed.Write(directory.File("seed"), quote: "a sentence the source never says");

        var failure = await StartFailsAsync($"--Explorer:DatabasePath={directory.File("explorer.db")}", $"--Explorer:SeedPath={seed}");

        Assert.Contains("edges.json", failure.Message);
        Assert.Contains("alpha-partnered-with-beta", failure.Message);
        Assert.Contains("evidence[0].quote", failure.Message);
    }

    [Theory]
    [InlineData("Explorer:SeedPath", "/no/such/folder", "SeedPath")]
    [InlineData("Explorer:Store", "Cassandra", "Store")]
    [InlineData("Explorer:DatabasePath", "", "DatabasePath")]
    [InlineData("Explorer:Auth:AnonymousReads", "Sometimes", "AnonymousReads")]
    [InlineData("Explorer:Auth:SignInFailureLimit", "0", "SignInFailureLimit")]
    [InlineData("Explorer:RateLimit:WritesPerMinute", "0", "WritesPerMinute")]
    [InlineData("Explorer:RateLimit:WriteBurst", "-1", "WriteBurst")]
    public async Task InvalidConfigurationStopsStartupNamingTheSetting(string key, string value, string named)
    {
        using var directory = new TempDirectory();

        var failure = await StartFailsAsync($"--Explorer:DatabasePath={directory.File("explorer.db")}", $"--{key}={value}");

        Assert.Contains(named, failure.Message);
    }

    [Fact]
    public async Task AStoreThatCannotBeOpenedStopsStartupSayingWhere()
    {
        using var directory = new TempDirectory();
        var blocker = directory.File("not-a-folder");
        await File.WriteAllTextAsync(blocker, "", TestContext.Current.CancellationToken);

        var failure = await StartFailsAsync($"--Explorer:DatabasePath={Path.Combine(blocker, "explorer.db")}");

        Assert.Contains("embedded store", failure.Message);
        Assert.Contains(blocker, failure.Message);
    }

    /// <summary>Starts the real app (as Program does, on a port nobody uses) and returns why it refused to start.</summary>
    private static async Task<StartupException> StartFailsAsync(params string[] args)
    {
        await using var app = Explorer.Server.ExplorerApp.Create([.. args, "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=None"]);
        return await Assert.ThrowsAsync<StartupException>(() => app.StartAsync(TestContext.Current.CancellationToken));
    }

    private sealed class ConfiguredFactory(Dictionary<string, string?> settings) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

/// <summary>A three-node dataset written to a folder: alpha - beta - gamma, quoting one small source.</summary>
internal static class TinySeed
{
    public static string Write(string folder, string quote = "Alpha works with Beta.")
    {
        Directory.CreateDirectory(Path.Combine(folder, "sources"));
        File.WriteAllText(Path.Combine(folder, "sources", "notes.txt"), "Alpha works with Beta. Beta lies in Gamma.");
        File.WriteAllText(Path.Combine(folder, "sources.json"), JsonSerializer.Serialize(new[]
        {
            new { id = "notes", title = "Notes", file = "sources/notes.txt", kind = "reference", description = "Test notes." },
        }));
        File.WriteAllText(Path.Combine(folder, "nodes.json"), JsonSerializer.Serialize(new[]
        {
            new { id = "alpha", kind = "Nation", name = "Alpha", aliases = Array.Empty<string>(), description = "A." },
            new { id = "beta", kind = "Nation", name = "Beta", aliases = Array.Empty<string>(), description = "B." },
            new { id = "gamma", kind = "Region", name = "Gamma", aliases = Array.Empty<string>(), description = "G." },
        }));
        File.WriteAllText(Path.Combine(folder, "edges.json"), JsonSerializer.Serialize(new[]
        {
            new { id = "alpha-partnered-with-beta", type = "PARTNERED_WITH", source = "alpha", target = "beta", evidence = new[] { new { sourceId = "notes", quote } } },
            new { id = "beta-located-in-gamma", type = "LOCATED_IN", source = "beta", target = "gamma", evidence = new[] { new { sourceId = "notes", quote = "Beta lies in Gamma." } } },
        }));
        return folder;
    }
}
