using System.Text.Json;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Http;

/// <summary>Nasty bodies to every endpoint that reads one, as an admin (who may call them all): never a 5xx, always problem+json for a 4xx.</summary>
public sealed class BodyFuzzTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private static readonly string[] s_values =
    [
        "'; DROP TABLE annotations;--", "\" OR 1=1 --", "<script>alert(1)</script>", "\u0000", "a\u0000b", "\u001b[2J", "\uFFFF\uFFFE",
        "\ud800", "\udfff\ud800", "🙂🙃💥", "\u202Eotan\u202C", "e\u0301\u0301\u0301", "北大西洋公约组织", " ", "", new string('a', 10_001),
        new string('€', 3000), "{{7*7}}${7*7}", "../../etc/passwd", "null", "admin", "ADMIN", "viewer", "analyst", "low", "proposed",
    ];

    private static readonly string[] s_rawBodies =
    [
        "", " ", "null", "true", "0", "-1", "1e309", "\"x\"", "[]", "[[[[[[[[[[]]]]]]]]]]", "{", "}", "{}", "{\"text\":}", "{\"text\":\"x\",}",
        "{\"text\":\"x\"}{\"text\":\"y\"}", "{\"text\":\"x\",\"text\":\"y\"}", "\uFEFF{\"text\":\"bom\"}", "{\"text\":\"\\ud800\"}", "{\"text\":\"\\u0000\"}",
        "{\"tags\":null,\"text\":null}", "{\"tags\":[null]}", "{\"disabled\":\"yes\"}", "{\"disabled\":1}", "{\"role\":5}", "{\"password\":[]}",
        new string('[', 5000) + new string(']', 5000),
    ];

    public static TheoryData<string, string> Endpoints => new()
    {
        { "POST", "/api/edges/un-conducted-minusma/annotations" },
        { "POST", "/api/nodes/nato/annotations" },
        { "PUT", "/api/annotations/{note}" },
        { "DELETE", "/api/annotations/{note}" },
        { "POST", "/api/tokens" },
        { "POST", "/api/users" },
        { "PATCH", "/api/users/vic" },
        { "POST", "/api/auth/login" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task NoNastyBodyEverCausesAServerError(string method, string url)
    {
        using var client = factory.ClientFor(AccountsFactory.Admin);
        var bodies = s_rawBodies.Concat(s_values.SelectMany(v => new[]
        {
            JsonSerializer.Serialize(new { text = v, tags = new[] { v }, confidence = v, citation = v, status = v }),
            JsonSerializer.Serialize(new { name = v }),
            JsonSerializer.Serialize(new { userName = v, password = v, role = v }),
            JsonSerializer.Serialize(new { role = v, password = v }),
        }));

        var failures = new List<string>();
        foreach (var body in bodies)
        {
            var target = url.Replace("{note}", await NewNoteAsync(), StringComparison.Ordinal);
            var (status, problem, response) = await client.SendAsync(new HttpMethod(method), target, body, "\"1\"");
            using (response)
            {
                if ((int)status >= 500)
                {
                    failures.Add($"{(int)status} for {Shorten(body)}: {problem}");
                }
                else if ((int)status >= 400 && response.Content.Headers.ContentType?.MediaType != Api.ProblemJson)
                {
                    failures.Add($"{(int)status} without problem+json for {Shorten(body)}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        await client.GetOkAsync("/healthz");
    }

    private async Task<string> NewNoteAsync()
    {
        var write = await factory.Store.AddAnnotationAsync(new Explorer.Annotations.NewAnnotation(
            Explorer.Annotations.AnnotationTargetKind.Edge, "un-conducted-minusma", "fuzz target", [], Explorer.Annotations.Confidence.Low, null, Explorer.Annotations.AnnotationStatus.Proposed, AccountsFactory.Admin));
        return Assert.IsType<Explorer.Annotations.AnnotationWrite.Written>(write).Annotation.Id;
    }

    private static string Shorten(string text) => text.Length > 120 ? text[..120] + "…" : text;
}
