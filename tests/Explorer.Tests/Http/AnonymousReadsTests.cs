using System.Net;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

/// <summary>Explorer:Auth:AnonymousReads=Never: every read needs a signed-in user, even from this machine.</summary>
public sealed class NeverAnonymousFactory : AccountsFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Explorer:Auth:AnonymousReads"] = "Never",
    };
}

/// <summary>Explorer:Auth:AnonymousReads=Always: anyone may read, from anywhere; writes still need an analyst.</summary>
public sealed class AlwaysAnonymousFactory : AccountsFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Explorer:Auth:AnonymousReads"] = "Always",
    };
}

public sealed class NeverAnonymousReadsTests(NeverAnonymousFactory factory) : IClassFixture<NeverAnonymousFactory>
{
    [Fact]
    public async Task EvenALocalAnonymousReadIsRefusedButAViewerReads()
    {
        using var anonymous = factory.ClientFor(null);
        await anonymous.GetProblemAsync("/api/search?q=nato", HttpStatusCode.Unauthorized);
        await anonymous.GetProblemAsync("/api/annotations", HttpStatusCode.Unauthorized);
        await anonymous.GetOkAsync("/healthz");

        using var viewer = factory.ClientFor(AccountsFactory.Vic, remote: true);
        await viewer.GetOkAsync("/api/search?q=nato");
    }

    [Fact]
    public async Task TheHubTakesATokenInTheQueryAsBrowsersSendItOverWebSockets()
    {
        using var anonymous = factory.ClientFor(null);
        const string negotiate = "/hubs/graph/negotiate?negotiateVersion=1";

        using var refused = await anonymous.PostAsync(negotiate, null, TestContext.Current.CancellationToken);
        using var admitted = await anonymous.PostAsync($"{negotiate}&access_token={Uri.EscapeDataString(factory.TokenOf(AccountsFactory.Vic))}", null, TestContext.Current.CancellationToken);
        using var elsewhere = await anonymous.GetAsync($"/api/search?q=nato&access_token={Uri.EscapeDataString(factory.TokenOf(AccountsFactory.Vic))}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode); // only the hub reads tokens from the query
    }
}

public sealed class AlwaysAnonymousReadsTests(AlwaysAnonymousFactory factory) : IClassFixture<AlwaysAnonymousFactory>
{
    [Fact]
    public async Task ARemoteAnonymousReadIsAllowedButAWriteIsNot()
    {
        using var anonymous = factory.ClientFor(null, remote: true);
        await anonymous.GetOkAsync("/api/search?q=nato");
        await anonymous.GetOkAsync("/api/annotations");

        var (_, problem, response) = await anonymous.SendAsync(HttpMethod.Post, "/api/edges/un-conducted-minusma/annotations", """{"text":"anonymous"}""");
        Writes.AssertProblem(response, HttpStatusCode.Unauthorized, problem, "an anonymous write");
    }
}
