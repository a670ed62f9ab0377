using System.Text.RegularExpressions;

namespace Explorer.Neo4j;

/// <summary>
/// Where the Neo4j store lives and how to sign in: the "Neo4j" configuration section
/// (<c>Neo4j__Uri</c>, <c>Neo4j__Database</c>, <c>Neo4j__User</c>, <c>Neo4j__Password</c> or <c>Neo4j__Token</c>).
/// Explorer talks to Neo4j's HTTP Query API (Neo4j 5.19+; on by default from 5.25), so the URI is the
/// HTTP(S) endpoint, e.g. http://localhost:7474, not bolt://.
/// </summary>
public sealed partial class Neo4jOptions
{
    public const string Section = "Neo4j";
    public const string DefaultDatabase = "neo4j";

    /// <summary>The server's HTTP endpoint, e.g. http://neo4j:7474.</summary>
    public string? Uri { get; set; }

    public string Database { get; set; } = DefaultDatabase;

    /// <summary>Basic authentication user (with <see cref="Password"/>).</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>A bearer token (SSO); used instead of <see cref="User"/>/<see cref="Password"/>.</summary>
    public string? Token { get; set; }

    /// <summary>Longest a read may run on the server (sent as maxExecutionTime) and on the wire.</summary>
    public int QueryTimeoutSeconds { get; set; } = 30;

    /// <summary>Attempts for a request that failed transiently (Neo.TransientError.*, 503, connection failure).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Every configuration problem, each a sentence naming the setting; empty when the options are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Uri))
        {
            problems.Add($"{Section}:Uri is required with the Neo4j store (the HTTP endpoint, e.g. http://localhost:7474).");
        }
        else if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            problems.Add($"{Section}:Uri must be an absolute http:// or https:// address of Neo4j's HTTP endpoint (the Query API), not '{Uri}'.");
        }

        if (string.IsNullOrWhiteSpace(Database) || !DatabaseName().IsMatch(Database))
        {
            problems.Add($"{Section}:Database must be a Neo4j database name (letters, digits, dots and dashes), not '{Database}'.");
        }

        var hasToken = !string.IsNullOrEmpty(Token);
        var hasUser = !string.IsNullOrEmpty(User);
        if (hasToken && (hasUser || !string.IsNullOrEmpty(Password)))
        {
            problems.Add($"{Section}:Token and {Section}:User/{Section}:Password are alternatives: set one or the other.");
        }
        else if (!hasToken && hasUser != !string.IsNullOrEmpty(Password))
        {
            problems.Add($"{Section}:User and {Section}:Password go together.");
        }

        if (QueryTimeoutSeconds is < 1 or > 3600)
        {
            problems.Add($"{Section}:QueryTimeoutSeconds must be between 1 and 3600.");
        }

        if (MaxAttempts is < 1 or > 20)
        {
            problems.Add($"{Section}:MaxAttempts must be between 1 and 20.");
        }

        return problems;
    }

    /// <summary>Where the store is, for log lines (never the credentials).</summary>
    public string Describe() => $"{Uri?.TrimEnd('/')} (database {Database})";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9.\-]{0,62}$")]
    private static partial Regex DatabaseName();
}
