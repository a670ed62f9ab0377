using System.Text.Json;
using System.Text.Json.Nodes;
using Explorer.Tests.Http;

namespace Explorer.Tests.Browser;

/// <summary>
/// The page's API types are generated (openapi-typescript, on every web build) from
/// src/Explorer.Web/openapi/v1.json. This test keeps that file equal to what the server serves at /openapi/v1.json,
/// so a server change that the page was not rebuilt against fails the run instead of drifting silently.
/// Set EXPLORER_UPDATE_OPENAPI=1 to rewrite the file from the server (then rebuild: the page's types follow).
/// </summary>
public sealed class OpenApiContractTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 2 };

    [Fact]
    public async Task ThePagesCheckedInOpenApiDocumentIsTheOneTheServerServes()
    {
        using var client = factory.CreateClient();
        var served = Normalize(JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!);
        var path = Path.Combine(FrontEndUnitTests.RepositoryRoot(), "src", "Explorer.Web", "openapi", "v1.json");

        if (Environment.GetEnvironmentVariable("EXPLORER_UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, served + "\n", TestContext.Current.CancellationToken);
        }

        var checkedIn = File.Exists(path) ? Normalize(JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!) : "(missing)";
        Assert.True(served == checkedIn,
            "src/Explorer.Web/openapi/v1.json differs from the server's /openapi/v1.json: the page's generated API types are stale. " +
            "Run `EXPLORER_UPDATE_OPENAPI=1 dotnet test --filter ThePagesCheckedInOpenApiDocumentIsTheOneTheServerServes`, rebuild, and fix what the type check reports.");
    }

    /// <summary>The document without what depends on where it was served from (servers), indented.</summary>
    private static string Normalize(JsonNode document)
    {
        document.AsObject().Remove("servers");
        return document.ToJsonString(Indented);
    }
}
