namespace Explorer.Server.Infrastructure;

internal static class ExplorerDefaults
{
    /// <summary>Where Explorer listens unless Urls, ASPNETCORE_URLS, --urls or HTTP(S)_PORTS say otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static WebApplicationBuilder AddExplorerDefaults(this WebApplicationBuilder builder)
    {
        // The default lives here, not in appsettings.json: a Urls there would override ASPNETCORE_URLS (app
        // settings outrank the host's environment variables), and the file is read from the content root only.
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]) && string.IsNullOrEmpty(configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // A startup failure Explorer has explained in one line is not dumped again with a stack trace.
        // (The rule is for the host's category only, at Information and above as the default level would be.)
        var failures = new StartupFailures();
        builder.Services.AddSingleton(failures);
        builder.Logging.AddRequestLogRedaction();
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && !((failures.Explained || failures.CallerExplains) && level >= LogLevel.Error));
        return builder;
    }
}
