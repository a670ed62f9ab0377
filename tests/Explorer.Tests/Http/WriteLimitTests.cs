using System.Net;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

/// <summary>A low write limit: a burst of 3, then one a minute (so a slow machine cannot refill the bucket mid-test).</summary>
public sealed class LowWriteLimitFactory : AccountsFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Explorer:RateLimit:WritesPerMinute"] = "1",
        ["Explorer:RateLimit:WriteBurst"] = "3",
    };
}

public sealed class WriteLimitTests(LowWriteLimitFactory factory) : IClassFixture<LowWriteLimitFactory>
{
    [Fact]
    public async Task AUserOverTheWriteLimitGets429WithRetryAfterWhileOthersWriteOn()
    {
        using var ana = factory.ClientFor(AccountsFactory.Ana);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        System.Text.Json.JsonElement problem = default;
        for (var i = 0; i < 6 && limited is null; i++)
        {
            var (status, body, response) = await ana.SendAsync(HttpMethod.Post, "/api/edges/un-conducted-minusma/annotations", $$"""{"text":"burst {{i}}"}""");
            statuses.Add(status);
            if (status == HttpStatusCode.TooManyRequests)
            {
                (limited, problem) = (response, body);
            }
        }

        Assert.NotNull(limited);
        Assert.True(statuses.Count(s => s == HttpStatusCode.Created) >= 3, string.Join(", ", statuses));
        Writes.AssertProblem(limited, HttpStatusCode.TooManyRequests, problem, "over the write limit");
        Assert.True(limited.Headers.RetryAfter?.Delta is { } wait && wait >= TimeSpan.FromSeconds(1) && wait <= TimeSpan.FromMinutes(1), $"429 with Retry-After {limited.Headers.RetryAfter}");

        // Reads are not limited, and the limit is per user.
        await ana.GetOkAsync("/api/annotations");
        using var bo = factory.ClientFor(AccountsFactory.Bo);
        var (boStatus, _, _) = await bo.SendAsync(HttpMethod.Post, "/api/edges/un-conducted-minusma/annotations", """{"text":"bo is fine"}""");
        Assert.Equal(HttpStatusCode.Created, boStatus);
    }
}
