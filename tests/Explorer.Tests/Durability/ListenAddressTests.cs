using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Durability;

/// <summary>Where the real server listens when the address comes from the environment.</summary>
public sealed class ListenAddressTests
{
    [Fact]
    public async Task AspNetCoreUrlsIsWhereTheServerListensEvenBesideItsAppSettings()
    {
        // The server's own appsettings.json in the working directory, as when it is started from its folder: a Urls
        // setting there would outrank ASPNETCORE_URLS, and the server would listen elsewhere (this start times out).
        using var directory = new TempDirectory();
        var settings = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        Assert.True(File.Exists(settings), $"the server's appsettings.json is not next to the tests in {AppContext.BaseDirectory}");
        File.Copy(settings, directory.File("appsettings.json"));

        // StartAsync returns once /healthz answers at the address given in ASPNETCORE_URLS.
        using var server = await ExplorerServerProcess.StartAsync(
            directory.File("explorer.db"), directory.Path, addressInEnvironment: true, TestContext.Current.CancellationToken,
            "--Explorer:SeedOnStart=false");
    }
}
