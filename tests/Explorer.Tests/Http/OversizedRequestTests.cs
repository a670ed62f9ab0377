using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Http;

/// <summary>The app on a real Kestrel port, so Kestrel's own limits and parsing apply as in production.</summary>
public sealed class KestrelExplorerFactory : ExplorerFactory
{
    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public override ValueTask InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Requests Kestrel could refuse before the app runs. Its limits sit above the app's, so URLs past 8 KB and
/// headers past 32 KB reach the app and get problem+json; what Kestrel alone answers (an empty 400) is
/// pinned here as documented in the README, so a change of behaviour shows.
/// </summary>
public sealed class OversizedRequestTests(KestrelExplorerFactory factory) : IClassFixture<KestrelExplorerFactory>
{
    [Theory]
    [InlineData(9_000)]
    [InlineData(40_000)]
    public async Task AUrlOverEightKilobytesIsAProblemNotAnEmptyAnswer(int length)
    {
        var (status, type, body) = await SendAsync($"GET /api/search?q={new string('a', length)} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(414, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("\"status\":414", body, StringComparison.Ordinal);
        Assert.Contains("\"type\":", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverlongPathIsAProblemToo()
    {
        var (status, type, _) = await SendAsync($"GET /api/nodes/{new string('n', 20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", type);
    }

    [Fact]
    public async Task HeadersOverThirtyTwoKilobytesAreAProblem()
    {
        var (status, type, body) = await SendAsync($"GET /api/nodes/nato HTTP/1.1\r\nHost: localhost\r\nX-Padding: {new string('x', 40_000)}\r\n\r\n");

        Assert.Equal(431, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("32 KB", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreThanAHundredHeaderFieldsAreAProblem()
    {
        var headers = string.Concat(Enumerable.Range(0, 150).Select(i => $"X-Field-{i}: {i}\r\n"));
        var (status, type, _) = await SendAsync($"GET /api/nodes/nato HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n");

        Assert.Equal(431, status);
        Assert.Equal("application/problem+json", type);
    }

    /// <summary>Kestrel refuses these before any middleware, with an empty body no hook can change (README: Errors).</summary>
    [Theory]
    [InlineData("GET /api/nodes/nato%00 HTTP/1.1")]
    [InlineData("GET * HTTP/1.1")]
    [InlineData("GET /api/search?q=nato HTTP/9.9")]
    public async Task WhatKestrelRefusesItselfGetsItsEmptyAnswer(string requestLine)
    {
        var (status, _, body) = await SendAsync($"{requestLine}\r\nHost: localhost\r\n\r\n");

        Assert.True(status is 400 or 405 or 505, $"{status}: {body}");
        Assert.Equal("", body);
    }

    [Fact]
    public async Task AUrlBeyondKestrelsOwnLimitIsStillRefusedCleanly()
    {
        var (status, _, _) = await SendAsync($"GET /api/search?q={new string('a', 70_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(414, status);
    }

    /// <summary>Sends raw bytes (HttpClient would refuse to send most of these) and reads one response.</summary>
    private async Task<(int Status, string? ContentType, string Body)> SendAsync(string request)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var client = new TcpClient();
        await client.ConnectAsync(factory.Address.Host, factory.Address.Port, cancellation);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Replace("Host: localhost\r\n", "Host: localhost\r\nConnection: close\r\n", StringComparison.Ordinal)), cancellation);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(cancellation);
        var head = response.Split("\r\n\r\n", 2);
        var lines = head[0].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1].Trim().Split(';')[0];
        var body = head.Length > 1 ? head[1] : "";
        if (lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Unchunk(body);
        }

        return (status, contentType, body);
    }

    private static string Unchunk(string chunked)
    {
        var result = new StringBuilder();
        var rest = chunked;
        while (rest.Length > 0)
        {
            var end = rest.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(rest[..end], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(rest, end + 2, size);
            rest = rest[(end + 2 + size + 2)..];
        }

        return result.ToString();
    }
}
