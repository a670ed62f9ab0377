using System.Net;
using Explorer.Tests.TestSupport;
using System.Text.Json;

namespace Explorer.Tests.Http;

public sealed class EvidenceApiTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task AnEdgeComesWithEvidenceQuotedVerbatimFromItsSource()
    {
        var edge = await _client.GetOkAsync("/api/edges/nato-conducted-nato-balkans-intervention");

        Assert.Equal("CONDUCTED", edge.GetProperty("type").GetString());
        Assert.Equal("nato", edge.GetProperty("source").GetString());
        Assert.Equal("nato-balkans-intervention", edge.GetProperty("target").GetString());
        await AssertEvidenceIsVerbatimAsync(edge);
    }

    [Fact]
    public async Task EveryQuoteOfEverySampledEdgeIsASubstringOfItsSourceText()
    {
        // A spread of edges across the dataset, each fetched through the API.
        var edges = Seeded.Dataset.Edges;
        var sample = Enumerable.Range(0, 20).Select(i => edges[i * edges.Count / 20]).ToList();

        foreach (var expected in sample)
        {
            var edge = await _client.GetOkAsync($"/api/edges/{Uri.EscapeDataString(expected.Id)}");
            Assert.Equal(expected.Evidence.Count, edge.GetProperty("evidence").GetArrayLength());
            await AssertEvidenceIsVerbatimAsync(edge);
        }
    }

    [Fact]
    public async Task AnUnknownEdgeIsANotFoundProblem()
    {
        await _client.GetProblemAsync("/api/edges/no-such-edge", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SourcesAreListedWithoutTheirText()
    {
        var sources = await _client.GetOkAsync("/api/sources");

        var list = sources.EnumerateArray().ToList();
        Assert.Equal(Seeded.Dataset.Sources.Count, list.Count);
        Assert.All(list, s =>
        {
            Assert.False(string.IsNullOrEmpty(s.GetProperty("id").GetString()));
            Assert.False(string.IsNullOrEmpty(s.GetProperty("title").GetString()));
            Assert.True(s.TryGetProperty("kind", out _));
            Assert.True(s.TryGetProperty("description", out _));
            Assert.False(s.TryGetProperty("text", out _));
        });
    }

    [Fact]
    public async Task ASourceComesWithItsFullText()
    {
        var expected = Seeded.Dataset.Sources[0];

        var source = await _client.GetOkAsync($"/api/sources/{expected.Id}");

        Assert.Equal(expected.Title, source.GetProperty("title").GetString());
        Assert.Equal(expected.Text, source.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AnUnknownSourceIsANotFoundProblem()
    {
        await _client.GetProblemAsync("/api/sources/no-such-source", HttpStatusCode.NotFound);
    }

    private async Task AssertEvidenceIsVerbatimAsync(JsonElement edge)
    {
        var evidence = edge.GetProperty("evidence").EnumerateArray().ToList();
        Assert.NotEmpty(evidence);
        foreach (var item in evidence)
        {
            var quote = item.GetProperty("quote").GetString()!;
            var source = await _client.GetOkAsync($"/api/sources/{item.GetProperty("sourceId").GetString()}");
            Assert.Contains(quote, source.GetProperty("text").GetString()!, StringComparison.Ordinal);
        }
    }
}
