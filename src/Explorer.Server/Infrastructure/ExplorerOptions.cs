using Microsoft.Extensions.Options;

namespace Explorer.Server.Infrastructure;

/// <summary>Where the graph lives: the embedded SQLite store, or Neo4j (configured by the "Neo4j" section).</summary>
public enum StoreKind
{
    Embedded,
    Neo4j,
}

/// <summary>
/// The "Explorer" configuration section. Environment variables override it, e.g.
/// <c>Explorer__DatabasePath=/var/lib/explorer/explorer.db</c> or <c>Explorer__SeedOnStart=false</c>.
/// </summary>
public sealed class ExplorerOptions
{
    public const string Section = "Explorer";

    public StoreKind Store { get; set; } = StoreKind.Embedded;

    /// <summary>
    /// The embedded store's SQLite file. Unset: data/explorer.db. A relative path is taken from the root of the
    /// repository checkout (outside a checkout, the working directory), the same rule as the CLI's, so the
    /// server and every CLI verb open one file (see <see cref="Explorer.Embedded.DefaultLocations"/>).
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// A cap on the embedded database's size in MiB (unset: none). Past it, writes are refused with 507 as on a
    /// full disk while reads go on; raising it (and restarting) or deleting data lets writes resume.
    /// </summary>
    public double? MaxDatabaseSizeMB { get; set; }

    /// <summary>The dataset folder (nodes.json, edges.json, sources.json); null looks for graph-seed/ above the app and the working directory.</summary>
    public string? SeedPath { get; set; }

    /// <summary>Upserts the dataset into the store at startup (idempotent: unchanged records are left alone).</summary>
    public bool SeedOnStart { get; set; } = true;

    /// <summary>
    /// The folder of the data protection keys that encrypt sign-in cookies, antiforgery tokens and bookmark tokens.
    /// Unset: a <c>keys</c> folder beside the embedded store's database; with Neo4j, ASP.NET Core's default (the
    /// user profile). Instances behind one load balancer must share it (compose mounts one volume in each), or a
    /// cookie or bookmark one of them issued is refused by the others.
    /// </summary>
    public string? KeysPath { get; set; }

    /// <summary>Opens the API reference in a browser once the server listens (interactive sessions only).</summary>
    public bool OpenBrowser { get; set; }

    /// <summary>The database file as an absolute path (not from the content root: see <see cref="DatabasePath"/>).</summary>
    public string DatabaseFullPath() => Explorer.Embedded.DefaultLocations.ResolveDatabasePath(DatabasePath);

    /// <summary>The dataset folder as an absolute path, or null when none is configured or found.</summary>
    public string? SeedDirectory(string contentRoot) =>
        SeedPath is { Length: > 0 } configured
            ? Path.GetFullPath(configured, contentRoot)
            : Explorer.Seed.SeedLoader.FindSeedDirectory();
}

internal static class ExplorerOptionsRegistration
{
    public static IServiceCollection AddExplorerOptions(this IServiceCollection services)
    {
        services.AddOptions<ExplorerOptions>()
            .BindConfiguration(ExplorerOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => Enum.IsDefined(o.Store), $"{ExplorerOptions.Section}:Store must be one of: {string.Join(", ", Enum.GetNames<StoreKind>())}.")
            .Validate(o => o.DatabasePath is null || (o.DatabasePath.Trim().Length > 0 && o.DatabasePath.IndexOfAny(Path.GetInvalidPathChars()) < 0), $"{ExplorerOptions.Section}:DatabasePath is not a valid path.")
            .Validate(o => o.MaxDatabaseSizeMB is null or > 0, $"{ExplorerOptions.Section}:MaxDatabaseSizeMB must be a positive number of MiB.")
            .Validate<IHostEnvironment>(
                (o, env) => o.SeedPath is not { Length: > 0 } || Directory.Exists(o.SeedDirectory(env.ContentRootPath)),
                $"{ExplorerOptions.Section}:SeedPath does not name an existing folder.")
            .ValidateOnStart();
        services.AddOptions<Explorer.Neo4j.Neo4jOptions>().BindConfiguration(Explorer.Neo4j.Neo4jOptions.Section);
        services.AddSingleton<IValidateOptions<ExplorerOptions>, Neo4jSettingsValidator>();
        return services;
    }
}

/// <summary>With Explorer:Store=Neo4j, the "Neo4j" section must be usable: each problem names its setting.</summary>
internal sealed class Neo4jSettingsValidator(IOptions<Explorer.Neo4j.Neo4jOptions> neo4j) : IValidateOptions<ExplorerOptions>
{
    public ValidateOptionsResult Validate(string? name, ExplorerOptions options) =>
        options.Store == StoreKind.Neo4j && neo4j.Value.Problems() is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;
}
