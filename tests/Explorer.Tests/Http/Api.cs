using System.Net;
using System.Text.Json;

namespace Explorer.Tests.Http;

/// <summary>Requests that read the wire format (JSON as sent, not our records) and assert the status.</summary>
internal static class Api
{
    public const string ProblemJson = "application/problem+json";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>GET that must answer 200 with JSON; returns the document's root.</summary>
    public static async Task<JsonElement> GetOkAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Parse(body);
    }

    /// <summary>GET that must answer a problem+json with this status; returns the problem.</summary>
    public static async Task<JsonElement> GetProblemAsync(this HttpClient client, string url, HttpStatusCode status)
    {
        using var response = await client.GetAsync(url, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == status, $"GET {url} answered {(int)response.StatusCode}, expected {(int)status}: {body}");
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = Parse(body);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static string Q(string value) => Uri.EscapeDataString(value);

    public static List<string> Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    public static List<string> Ids(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
}
