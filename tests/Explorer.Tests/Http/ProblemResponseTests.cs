using System.Net;

namespace Explorer.Tests.Http;

public sealed class ProblemResponseTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("/api/search?q=nato&limit=abc", "limit")]
    [InlineData("/api/search?q=nato&limit=1.5", "limit")]
    [InlineData("/api/search?q=nato&limit=99999999999", "limit")]
    [InlineData("/api/nodes/nato/neighborhood?offset=x", "offset")]
    [InlineData("/api/changes?after=yesterday", "after")]
    public async Task AParameterThatIsNotANumberIsABadRequestNamingIt(string url, string parameter)
    {
        var problem = await _client.GetProblemAsync(url, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
        Assert.StartsWith(parameter, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/api/nope")]
    [InlineData("/api/nodes/nato/nope")]
    public async Task AnUnknownRouteIsANotFoundProblem(string url)
    {
        await _client.GetProblemAsync(url, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AWrongMethodIsAProblem()
    {
        using var response = await _client.DeleteAsync("/api/nodes/nato/neighborhood", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(Api.ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnOverlongQueryStringIsRefusedWithAProblem()
    {
        var problem = await _client.GetProblemAsync($"/api/search?q={new string('a', 5000)}", HttpStatusCode.RequestUriTooLong);

        Assert.Contains("4096", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnOverlongSearchTextIsABadRequest()
    {
        var problem = await _client.GetProblemAsync($"/api/search?q={new string('a', 501)}", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _));
    }

    [Fact]
    public async Task ChangesRefuseANegativeAfterAndALimitOverAThousand()
    {
        await _client.GetProblemAsync("/api/changes?after=-1", HttpStatusCode.BadRequest);
        await _client.GetProblemAsync("/api/changes?limit=1001", HttpStatusCode.BadRequest);
        await _client.GetProblemAsync("/api/changes?limit=0", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ProblemsCarryATraceIdAndTheRequestPath()
    {
        var problem = await _client.GetProblemAsync("/api/edges/no-such-edge", HttpStatusCode.NotFound);

        Assert.Equal("/api/edges/no-such-edge", problem.GetProperty("instance").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData("/api/search?q=nato")]
    [InlineData("/api/nodes/nope-nope")]
    [InlineData("/nope")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string url)
    {
        using var response = await _client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
    }
}
