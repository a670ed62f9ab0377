using Explorer.Graph;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Http;

/// <summary>
/// The whole app in memory on its own fresh database in a temp folder, seeded from graph-seed/ by the app's
/// own startup. Used as a class fixture, so every test class has a store nobody else writes to.
/// </summary>
public class ExplorerFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public string DatabasePath => _directory.File("explorer.db");

    public TempDirectory Directory => _directory;

    public IGraphStore Store => Services.GetRequiredService<IGraphStore>();

    /// <summary>Extra configuration for a subclass (Explorer:SeedPath, Explorer:SeedOnStart ...).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Explorer:DatabasePath", DatabasePath);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Starts the app (so seeding has happened) before the first test; subclasses add data here.</summary>
    public virtual ValueTask InitializeAsync()
    {
        _ = Server;
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
