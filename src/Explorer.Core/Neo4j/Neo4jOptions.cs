using System.Text.RegularExpressions;

namespace Explorer.Neo4j;

/// <summary>
/// Where the Neo4j store lives and how to sign in: the "Neo4j" configuration section
/// (<c>Neo4j__Uri</c>, <c>Neo4j__Database</c>, <c>Neo4j__User</c> and <c>Neo4j__Password</c>, or
/// <c>Neo4j__AuthFile</c>, or <c>Neo4j__Token</c>).
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

    /// <summary>
    /// A file holding <c>user/password</c>, the format of the Neo4j image's <c>NEO4J_AUTH</c> and
    /// <c>NEO4J_AUTH_PATH</c> file (a Docker secret), so Explorer and Neo4j read one secret; used instead of
    /// <see cref="User"/>/<see cref="Password"/>. Read at start; a trailing newline is ignored.
    /// </summary>
    public string? AuthFile { get; set; }

    /// <summary>A bearer token (SSO); used instead of <see cref="User"/>/<see cref="Password"/>.</summary>
    public string? Token { get; set; }

    /// <summary>Longest a read may run on the server (sent as maxExecutionTime) and on the wire.</summary>
    public int QueryTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How long a failed request that is safe to repeat keeps being retried, as the official drivers do
    /// (their default maximum transaction retry time is 30 s).
    /// </summary>
    public int MaxRetrySeconds { get; set; } = 30;

    /// <summary>How long start-up waits for Neo4j to bring new indexes online (they are built in the background).</summary>
    public int IndexWaitSeconds { get; set; } = 300;

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
        var hasFile = !string.IsNullOrEmpty(AuthFile);
        if ((hasToken ? 1 : 0) + (hasFile ? 1 : 0) + (hasUser || !string.IsNullOrEmpty(Password) ? 1 : 0) > 1)
        {
            problems.Add($"{Section}:Token, {Section}:AuthFile and {Section}:User/{Section}:Password are alternatives: set one of them.");
        }
        else if (!hasToken && !hasFile && hasUser != !string.IsNullOrEmpty(Password))
        {
            problems.Add($"{Section}:User and {Section}:Password go together.");
        }
        else if (hasFile && ReadAuthFile(AuthFile!) is { Problem: { } problem })
        {
            problems.Add(problem);
        }

        if (QueryTimeoutSeconds is < 1 or > 3600)
        {
            problems.Add($"{Section}:QueryTimeoutSeconds must be between 1 and 3600.");
        }

        if (MaxRetrySeconds is < 0 or > 600)
        {
            problems.Add($"{Section}:MaxRetrySeconds must be between 0 and 600.");
        }

        if (IndexWaitSeconds is < 1 or > 86_400)
        {
            problems.Add($"{Section}:IndexWaitSeconds must be between 1 and 86400.");
        }

        return problems;
    }

    /// <summary>The user and password to sign in with: from <see cref="AuthFile"/> when set, else <see cref="User"/>/<see cref="Password"/>.</summary>
    public (string? User, string? Password) Credentials()
    {
        if (string.IsNullOrEmpty(AuthFile))
        {
            return (User, Password);
        }

        var (user, password, problem) = ReadAuthFile(AuthFile);
        return problem is null ? (user, password) : throw new InvalidOperationException(problem);
    }

    /// <summary>
    /// Reads a <c>user/password</c> file as the Neo4j image's entrypoint does (its <c>set_initial_password</c>
    /// splits NEO4J_AUTH at the first '/'; a third part <c>/true</c> only asks for a password change):
    /// https://github.com/neo4j/docker-neo4j/blob/master/docker-image-src/5/coredb/docker-entrypoint.sh
    /// </summary>
    internal static (string? User, string? Password, string? Problem) ReadAuthFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).TrimEnd('\r', '\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, null, $"{Section}:AuthFile '{path}' cannot be read: {ex.Message}");
        }

        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            // Never echo the content: it is a password.
            return (null, null, $"{Section}:AuthFile '{path}' must hold user/password (the format of NEO4J_AUTH).");
        }

        return (parts[0], parts[1], null);
    }

    /// <summary>Where the store is, for log lines (never the credentials).</summary>
    public string Describe() => $"{Uri?.TrimEnd('/')} (database {Database})";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9.\-]{0,62}$")]
    private static partial Regex DatabaseName();
}
