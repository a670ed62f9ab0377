using Explorer.Query;

namespace Explorer.Cli.Output;

/// <summary>How a <see cref="QueryProblem"/> is printed and which exit code it gives.</summary>
internal static class Problems
{
    /// <summary>404 → 1 (not found); 400 and 422 → 2 (invalid or ambiguous); anything else → 3.</summary>
    public static int ExitCode(QueryProblem problem) => problem.Status switch
    {
        404 => ExitCodes.NotFound,
        400 or 422 => ExitCodes.InvalidInput,
        _ => ExitCodes.StoreError,
    };

    /// <summary>The detail, plus "did you mean: nato (NATO), ..." when the problem lists candidates or suggestions.</summary>
    public static string Describe(QueryProblem problem)
    {
        var nodes = NodeRefs(problem, "candidates") ?? NodeRefs(problem, "suggestions");
        return nodes is { Count: > 0 }
            ? $"{problem.Detail} Did you mean: {string.Join(", ", nodes.Select(n => $"{n.Id} ({n.Name})"))}?"
            : problem.Detail;
    }

    /// <summary>RFC 9457 problem details, the body the HTTP API sends for the same problem.</summary>
    public static Dictionary<string, object?> ToJson(QueryProblem problem)
    {
        var json = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = problem.Status switch
            {
                400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
                422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
                _ => "about:blank",
            },
            ["title"] = problem.Title,
            ["status"] = problem.Status,
            ["detail"] = problem.Detail,
        };
        foreach (var (key, value) in problem.Extensions ?? new Dictionary<string, object?>())
        {
            json[key] = value;
        }

        return json;
    }

    private static List<NodeRef>? NodeRefs(QueryProblem problem, string key) =>
        problem.Extensions is { } extensions && extensions.TryGetValue(key, out var value) && value is IEnumerable<NodeRef> refs
            ? [.. refs]
            : null;
}
