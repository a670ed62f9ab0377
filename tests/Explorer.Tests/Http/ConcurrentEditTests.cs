using System.Net;
using System.Net.Http.Json;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

/// <summary>
/// Two people edit the same annotation at the same moment, both from version 1: exactly one wins, the other
/// gets 412, the history is one chain of versions, and the loser's text is nowhere (nothing silently
/// overwritten). Analysts may only edit their own annotations, so the two editors are the author in two
/// sessions (a browser and a script) and the author against an admin. Repeated to give the race many chances.
/// </summary>
public sealed class ConcurrentEditTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private const string Edge = "nato-conducted-nato-balkans-intervention";
    private const int Rounds = 15;

    [Fact]
    public async Task TheAuthorInTwoSessionsRacingOneWinsTheOtherGets412()
    {
        using var browser = factory.CreateClient();
        using (var login = await browser.PostAsJsonAsync("/api/auth/login", new { userName = AccountsFactory.Ana, password = AccountsFactory.Password }, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        browser.DefaultRequestHeaders.Add("X-XSRF-TOKEN", (await browser.GetOkAsync("/api/auth/antiforgery")).GetProperty("token").GetString());
        using var script = factory.ClientFor(AccountsFactory.Ana);

        await RaceAsync(script, browser, script);
    }

    [Fact]
    public async Task TheAuthorAndAnAdminRacingOneWinsTheOtherGets412()
    {
        using var author = factory.ClientFor(AccountsFactory.Ana);
        using var admin = factory.ClientFor(AccountsFactory.Admin);

        await RaceAsync(author, author, admin);
    }

    private static async Task RaceAsync(HttpClient owner, HttpClient first, HttpClient second)
    {
        for (var round = 0; round < Rounds; round++)
        {
            var id = await owner.AnnotateAsync(Edge, $"round {round}: original");
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var texts = new[] { $"round {round}: edit A", $"round {round}: edit B" };
            var edits = new[] { first, second }.Select((client, i) => Task.Run(async () =>
            {
                await start.Task;
                var (status, _, response) = await client.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", $$"""{"text":"{{texts[i]}}"}""", "\"1\"");
                response.Dispose();
                return status;
            })).ToArray();
            start.SetResult();
            var statuses = await Task.WhenAll(edits);

            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
            var winner = texts[Array.IndexOf(statuses, HttpStatusCode.OK)];
            var loser = texts[Array.IndexOf(statuses, HttpStatusCode.PreconditionFailed)];

            var current = await owner.GetOkAsync($"/api/annotations/{id}");
            Assert.Equal(2, current.GetProperty("version").GetInt64());
            Assert.Equal(winner, current.GetProperty("text").GetString());
            var versions = (await owner.GetOkAsync($"/api/annotations/{id}/history")).GetProperty("versions").EnumerateArray().ToList();
            Assert.Equal([1L, 2L], versions.Select(v => v.GetProperty("version").GetInt64()));
            Assert.Equal(winner, versions[1].GetProperty("annotation").GetProperty("text").GetString());
            Assert.DoesNotContain(versions, v => v.GetProperty("annotation").GetProperty("text").GetString() == loser);

            // The loser re-reads and applies the edit on top: the chain goes on, nothing lost.
            var loserClient = statuses[0] == HttpStatusCode.PreconditionFailed ? first : second;
            var (retried, _, retryResponse) = await loserClient.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", $$"""{"text":"{{loser}} (after {{winner}})"}""", "\"2\"");
            retryResponse.Dispose();
            Assert.Equal(HttpStatusCode.OK, retried);
            Assert.Equal(3, (await owner.GetOkAsync($"/api/annotations/{id}/history")).GetProperty("versions").GetArrayLength());
        }
    }
}
