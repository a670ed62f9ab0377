namespace Explorer.Server.Infrastructure;

/// <summary>Every log line the server writes, source-generated with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Opening the {Store} store at {Location}")]
    public static partial void StoreOpening(this ILogger logger, string store, string location);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Seeding from {SeedDirectory}")]
    public static partial void SeedStarting(this ILogger logger, string seedDirectory);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Seeding {Phase}: {Done}/{Total}")]
    public static partial void SeedProgress(this ILogger logger, string phase, int done, int total);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Seeded in {ElapsedMs} ms. sources: {Sources}; nodes: {Nodes}; edges: {Edges}")]
    public static partial void SeedFinished(this ILogger logger, long elapsedMs, Explorer.Seed.SeedCounts sources, Explorer.Seed.SeedCounts nodes, Explorer.Seed.SeedCounts edges);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Seeding is off (Explorer:SeedOnStart=false); serving what the store holds")]
    public static partial void SeedSkipped(this ILogger logger);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "No graph-seed folder found above {BaseDirectory} or {WorkingDirectory}; serving what the store holds (set Explorer:SeedPath to seed)")]
    public static partial void SeedNotFound(this ILogger logger, string baseDirectory, string workingDirectory);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Critical, Message = "Explorer cannot start: {Reason}")]
    public static partial void StartupFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Critical, Message = "Explorer stopped on an unexpected error")]
    public static partial void UnexpectedFailure(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Explorer is running at {Urls} ({Store} store {Location}: {Nodes} nodes, {Edges} edges)")]
    public static partial void Running(this ILogger logger, string urls, string store, string location, int nodes, int edges);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Opening {Url} in a browser")]
    public static partial void OpeningBrowser(this ILogger logger, string url);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Could not open a browser at {Url}: {Reason}")]
    public static partial void BrowserFailed(this ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "First run: created the admin user '{User}' without a password")]
    public static partial void AdminCreated(this ILogger logger, string user);

    /// <summary>The link itself (a secret) is printed on the console only, never logged.</summary>
    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "No admin has a password yet: a one-time sign-in link for '{User}' (single use, valid until {Expires}) is printed on the console")]
    public static partial void FirstRunLink(this ILogger logger, string user, string expires);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "No enabled admin exists; add one with '{Command}'")]
    private static partial void NoAdmin(this ILogger logger, string command);

    public static void NoAdmin(this ILogger logger) => logger.NoAdmin(StartupAnnouncer.CliCommand("users add <name> --role admin"));

    [LoggerMessage(EventId = 1030, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    public static partial void UnhandledError(this ILogger logger, Exception exception, string method, string path);
}
