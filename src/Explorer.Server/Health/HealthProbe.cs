namespace Explorer.Server.Health;

/// <summary>
/// <c>dotnet Explorer.Server.dll healthcheck [url]</c>: exits 0 when the readiness endpoint answers 200
/// (healthy or degraded), else 1. For container health checks in images without curl or wget (the
/// Dockerfile's HEALTHCHECK and docker-compose.yml use it). The default URL is
/// <c>http://localhost:8080/health/ready</c>, or <c>EXPLORER_HEALTHCHECK_URL</c>.
/// </summary>
public static class HealthProbe
{
    public const string Verb = "healthcheck";

    public static int Run(string[] args)
    {
        var url = args.Length > 1 ? args[1]
            : Environment.GetEnvironmentVariable("EXPLORER_HEALTHCHECK_URL") is { Length: > 0 } configured ? configured
            : "http://localhost:8080/health/ready";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Console.WriteLine($"{(int)response.StatusCode} {body}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            Console.Error.WriteLine($"{url}: {ex.Message}");
            return 1;
        }
    }
}
