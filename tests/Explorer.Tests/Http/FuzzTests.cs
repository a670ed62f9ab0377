using System.Net;

namespace Explorer.Tests.Http;

/// <summary>Nasty inputs in every parameter of every endpoint: the answer is a 2xx or a 4xx problem, never a 5xx.</summary>
public sealed class FuzzTests(ExplorerFactory factory) : IClassFixture<ExplorerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    /// <summary>Already percent-encoded, so raw bytes (NUL, invalid UTF-8) reach the server as such.</summary>
    public static readonly string[] Inputs =
    [
        Uri.EscapeDataString("'; DROP TABLE nodes;--"),
        Uri.EscapeDataString("\" OR 1=1 --"),
        Uri.EscapeDataString("MATCH (n) DETACH DELETE n"),
        "%00",
        "nato%00",
        "%ED%A0%80",
        "%FF%FE",
        "%",
        "%%",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        Uri.EscapeDataString("<script>alert(1)</script>"),
        Uri.EscapeDataString("{{7*7}}${7*7}"),
        Uri.EscapeDataString("北大西洋公约组织"),
        Uri.EscapeDataString("🙂🙃💥"),
        Uri.EscapeDataString("\u202Eotan\u202C"),
        Uri.EscapeDataString("e\u0301\u0301\u0301\u0301"),
        Uri.EscapeDataString("\uFFFF\uFFFE"),
        Uri.EscapeDataString(new string('a', 600)),
        Uri.EscapeDataString(new string('€', 400)),
        new string('x', 5000),
        Uri.EscapeDataString(string.Join(",", Enumerable.Repeat("nato", 200))),
        Uri.EscapeDataString(" "),
        "",
        ",,,",
        "-1",
        "0",
        "2147483648",
        "-2147483649",
        "9223372036854775808",
        "1e309",
        "NaN",
        "0x10",
        "1.5",
        "null",
        "true",
        Uri.EscapeDataString("NATO to"),
        Uri.EscapeDataString("to to to to to"),
        Uri.EscapeDataString("-> -> ->"),
        Uri.EscapeDataString("how is  related to ?"),
        Uri.EscapeDataString("neighbors of"),
    ];

    public static readonly string[] Templates =
    [
        "/api/search?q={0}",
        "/api/search?q=nato&kinds={0}",
        "/api/search?q=nato&limit={0}",
        "/api/search?q={0}&q={0}",
        "/api/nodes/{0}",
        "/api/nodes/{0}/neighborhood",
        "/api/nodes/nato/neighborhood?depth={0}",
        "/api/nodes/nato/neighborhood?kinds={0}&types={0}",
        "/api/nodes/nato/neighborhood?limit={0}&offset={0}",
        "/api/nodes/nato/neighborhood?offset={0}",
        "/api/edges/{0}",
        "/api/sources/{0}",
        "/api/sources/{0}/suggestions",
        "/api/paths?from={0}&to=mali",
        "/api/paths?from=nato&to={0}",
        "/api/paths?from=nato&to=mali&mode={0}",
        "/api/paths?from=nato&to=mali&mode=k&k={0}",
        "/api/paths?from=nato&to=mali&maxHops={0}",
        "/api/paths?from=nato&to=mali&types={0}&kinds={0}",
        "/api/paths?from=nato&to=mali&direction={0}",
        "/api/paths?from=nato&to=mali&avoid={0}",
        "/api/query?q={0}",
        "/api/changes?after={0}",
        "/api/changes?limit={0}",
        "/api/edges/{0}/annotations",
        "/api/nodes/{0}/annotations",
        "/api/annotations?author={0}&tag={0}",
        "/api/annotations?status={0}",
        "/api/annotations?since={0}",
        "/api/annotations?limit={0}&includeDeleted={0}",
        "/api/annotations/{0}",
        "/api/annotations/{0}/history",
        "/api/annotations/counts?targets={0}",
        "/api/annotations/counts?targets=nato&kind={0}",
        "/api/auth/one-time?token={0}",
    ];

    public static TheoryData<string> Endpoints => [.. Templates];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task NoNastyInputEverCausesAServerError(string template)
    {
        var failures = new List<string>();
        foreach (var input in Inputs)
        {
            if (template.StartsWith("/api/nodes/{0}", StringComparison.Ordinal) || template.StartsWith("/api/edges/{0}", StringComparison.Ordinal) || template.StartsWith("/api/sources/{0}", StringComparison.Ordinal)
                || template.StartsWith("/api/annotations/{0}", StringComparison.Ordinal))
            {
                if (input.Contains("%00", StringComparison.Ordinal))
                {
                    // A NUL in the path never reaches the app: Kestrel answers 400 itself, the in-memory test server throws.
                    continue;
                }
            }

            var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, input);
            using var response = await _client.GetAsync(url, TestContext.Current.CancellationToken);
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (status >= 500)
            {
                failures.Add($"{status} for {Shorten(url)}: {Shorten(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))}");
            }
            else if (status >= 400 && mediaType != Api.ProblemJson)
            {
                failures.Add($"{status} without problem+json ({mediaType}) for {Shorten(url)}");
            }
            else if (status is < 400 and not (int)HttpStatusCode.OK)
            {
                failures.Add($"unexpected {status} for {Shorten(url)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
