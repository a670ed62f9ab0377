namespace Explorer.Query;

/// <summary>
/// An expected failure of a query (bad input, unknown or ambiguous node), shaped so the server can send it
/// as RFC 9457 problem+json and the CLI can print it. <see cref="Extensions"/> carries e.g. candidates.
/// </summary>
public sealed record QueryProblem(int Status, string Title, string Detail, IReadOnlyDictionary<string, object?>? Extensions = null)
{
    public static QueryProblem Invalid(string field, string message) =>
        new(400, "Invalid query parameter", $"{field}: {message}", new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { [field] = [message] },
        });
}

/// <summary>Either a value or a problem.</summary>
public sealed class Outcome<T>
    where T : class
{
    private Outcome(T? value, QueryProblem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public QueryProblem? Problem { get; }

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(QueryProblem problem) => new(null, problem);
}
