using System.Text.Json.Nodes;

namespace Explorer.Tests.Deployment;

/// <summary>
/// The runtime settings the built programs start with (their runtimeconfig.json, copied beside the tests): `explorer serve`
/// runs the same server as Explorer.Server, and the CLI's bulk import was measured with the server collector
/// (tests/Explorer.Benchmarks/README.md, "Bulk import", session 21).
/// </summary>
public sealed class RuntimeConfigTests
{
    [Theory]
    [InlineData("explorer")]
    [InlineData("Explorer.Server")]
    public void TheCliAndTheServerRunTheServerGarbageCollector(string program)
    {
        var path = Path.Combine(AppContext.BaseDirectory, program + ".runtimeconfig.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;

        Assert.True(config["runtimeOptions"]?["configProperties"]?["System.GC.Server"]?.GetValue<bool>() ?? false, $"{path} does not set System.GC.Server");
    }
}
