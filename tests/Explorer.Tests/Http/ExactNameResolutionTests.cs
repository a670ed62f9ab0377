using System.Net;
using static Explorer.Tests.Http.Api;

namespace Explorer.Tests.Http;

/// <summary>
/// Where an endpoint takes a node (<c>/api/nodes/{x}</c>, the ends of a path, <c>avoid</c>) only an id, a
/// name or an alias names it, compared without case, accents or punctuation; anything else is a 404 that
/// suggests what the user might have meant. Fuzzy reading stays in search and in phrases, which say what
/// they read.
/// </summary>
public sealed class ExactNameResolutionTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("nato", "nato")]                                // id
    [InlineData("NATO", "nato")]                                // name, any case
    [InlineData("north atlantic treaty ORGANISATION", "nato")]  // alias, any case
    [InlineData("OTAN", "nato")]                                // alias
    [InlineData("Cote d'Ivoire", "cote-d-ivoire")]              // accents ignored
    [InlineData("CÔTE D’IVOIRE", "cote-d-ivoire")]              // typographic apostrophe
    [InlineData("U.N.", "un")]                                  // punctuation ignored
    [InlineData("the Balkans", "balkans")]                      // a leading article
    [InlineData("  Mali  ", "mali")]                            // surrounding spaces
    [InlineData("Union of the Comoros", "comoros")]             // a whole alias
    public async Task AnIdANameOrAnAliasNamesTheNode(string term, string id)
    {
        var node = await _client.GetOkAsync($"/api/nodes/{Q(term)}");

        Assert.Equal(id, node.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("Atlantic", "nato")]             // one word of an alias
    [InlineData("Malii", "mali")]                // a typo
    [InlineData("nato2", "nato")]                // a typo
    [InlineData("Somala", "somalia")]            // a typo
    [InlineData("Union", "comoros")]             // the start of an alias
    [InlineData("Shanghai Cooperation", "sco")]  // the start of a name
    [InlineData("to to to", null)]
    [InlineData("\" OR \"\"=\"", null)]
    [InlineData("Qqqqqqqqqqqq", null)]
    public async Task AnythingElseIsNotFoundWithSuggestions(string term, string? suggested)
    {
        var problem = await _client.GetProblemAsync($"/api/nodes/{Q(term)}", HttpStatusCode.NotFound);

        Assert.Equal("id", problem.GetProperty("field").GetString());
        Assert.Contains($"'{term.Trim()}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var suggestions = problem.GetProperty("suggestions").Ids();
        Assert.True(suggestions.Count <= 5, string.Join(", ", suggestions));
        if (suggested is not null)
        {
            Assert.Contains(suggested, suggestions);
        }
    }

    [Theory]
    [InlineData("from=Malii&to=nato", "from")]
    [InlineData("from=mali&to=nato2", "to")]
    [InlineData("from=Atlantic&to=Balkans", "from")]
    [InlineData("from=NATO&to=Balkans&avoid=Union", "avoid")]
    public async Task ThePathsEndsAndAvoidResolveOnlyExactly(string query, string field)
    {
        var problem = await _client.GetProblemAsync($"/api/paths?{query}", HttpStatusCode.NotFound);

        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task TheNeighborhoodResolvesOnlyExactly()
    {
        await _client.GetProblemAsync("/api/nodes/Atlantic/neighborhood", HttpStatusCode.NotFound);
        var body = await _client.GetOkAsync("/api/nodes/OTAN/neighborhood");
        Assert.Equal("nato", body.GetProperty("center").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("NATO")]
    [InlineData("north atlantic alliance")]
    [InlineData("the Balkans")]
    [InlineData("nato, balkans")]
    public async Task AvoidingAnEndOfThePathIsABadRequest(string avoid)
    {
        var problem = await _client.GetProblemAsync($"/api/paths?from=nato&to=balkans&avoid={Q(avoid)}", HttpStatusCode.BadRequest);

        Assert.Contains("avoid", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("avoid: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NATO to Balkans", "paths from 'NATO' to 'Balkans'")]
    [InlineData("Atlantic to Balkans", "paths from 'Atlantic' (read as NATO) to 'Balkans'")]
    [InlineData("Somala to Malii", "paths from 'Somala' (read as Somalia) to 'Malii' (read as Mali)")]
    [InlineData("neighbors of Atlantic", "neighbors of 'Atlantic' (read as NATO)")]
    public async Task APhraseMayReadANameLooselyAndSaysWhatItRead(string phrase, string interpretation)
    {
        var body = await _client.GetOkAsync($"/api/query?q={Q(phrase)}");

        Assert.Equal(interpretation, body.GetProperty("interpretation").GetString());
    }
}
