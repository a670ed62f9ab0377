using System.CommandLine;
using Explorer.Graph;
using Explorer.Seed;
using Microsoft.Data.Sqlite;

namespace Explorer.Cli;

/// <summary>The streams and global options one run of the command line shares with its verbs.</summary>
internal sealed class Cli(TextWriter stdout, TextWriter stderr, TextReader stdin)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public TextReader In { get; } = stdin;

    /// <summary>Whether stdin is a terminal a person types into (so a password can be asked for without echo).</summary>
    public bool InteractiveInput { get; } = ReferenceEquals(stdin, Console.In) && !Console.IsInputRedirected;

    public GlobalOptions Globals { get; } = new();

    /// <summary>Extra sections printed after a verb's help (a description stays one line in the list of verbs).</summary>
    public Dictionary<Command, string> HelpNotes { get; } = [];

    /// <summary>
    /// Wraps a verb's body: gives it a <see cref="Session"/>, disposes the store afterwards and turns the
    /// expected failures (dataset, store, input) into one line on stderr and an exit code.
    /// </summary>
    public Func<ParseResult, CancellationToken, Task<int>> Action(Func<Session, ParseResult, CancellationToken, Task<int>> body) =>
        async (parse, cancellationToken) =>
        {
            await using var session = new Session(this, parse);
            try
            {
                return await body(session, parse, cancellationToken);
            }
            catch (CliException ex)
            {
                return session.Fail(ex.ExitCode, ex.Message);
            }
            catch (SeedValidationException ex)
            {
                return session.Fail(ExitCodes.StoreError, $"dataset error: {ex.Message}");
            }
            catch (SqliteException ex)
            {
                return session.Fail(ExitCodes.StoreError, $"cannot use the database '{session.DatabasePath}': {ex.Message}");
            }
            catch (Explorer.Neo4j.Neo4jException ex)
            {
                return session.Fail(ExitCodes.StoreError, $"cannot use Neo4j at {session.StoreLocation}: {ex.Message}");
            }
            catch (GraphWriteException ex)
            {
                return session.Fail(ExitCodes.StoreError, $"write refused: {ex.Message}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return session.Fail(ExitCodes.StoreError, $"I/O error: {ex.Message}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return session.Fail(ExitCodes.Cancelled, "cancelled");
            }
        };
}

/// <summary>Options every verb accepts (before or after the verb).</summary>
internal sealed class GlobalOptions
{
    public const string DefaultDatabasePath = Explorer.Embedded.DefaultLocations.RelativeDatabasePath;
    public const string DatabasePathVariable = "Explorer__DatabasePath";

    public Option<string?> Db { get; } = new("--db")
    {
        Description = $"The SQLite database file, relative to the working directory [default: ${DatabasePathVariable}, else {DefaultDatabasePath}; these relative to the root of the repository checkout, as the server resolves Explorer:DatabasePath, else to the working directory]. Created and seeded when missing or empty.",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string?> Seed { get; } = new("--seed")
    {
        Description = "The dataset folder (sources.json, nodes.json, edges.json) [default: the nearest graph-seed/ above the program or the working directory].",
        HelpName = "dir",
        Recursive = true,
    };

    public const string StoreVariable = "Explorer__Store";

    public Option<string?> Store { get; } = new("--store")
    {
        Description = $"Where the graph lives: embedded (the SQLite file, see --db) or neo4j (see --neo4j-uri) [default: ${StoreVariable}, else embedded].",
        HelpName = "embedded|neo4j",
        Recursive = true,
    };

    public Option<string?> Neo4jUri { get; } = new("--neo4j-uri")
    {
        Description = "Neo4j's HTTP endpoint (Query API, Neo4j 5.19+), e.g. http://localhost:7474 [default: $Neo4j__Uri].",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> Neo4jDatabase { get; } = new("--neo4j-database")
    {
        Description = "The Neo4j database [default: $Neo4j__Database, else neo4j].",
        HelpName = "name",
        Recursive = true,
    };

    public Option<string?> Neo4jUser { get; } = new("--neo4j-user")
    {
        Description = "Neo4j user [default: $Neo4j__User]; the password comes from $Neo4j__Password (or a bearer token from $Neo4j__Token), never the command line.",
        HelpName = "name",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write machine output to stdout: the HTTP API's JSON shapes (and problem details when a query fails).",
        Recursive = true,
    };
}

/// <summary>An expected failure with its exit code and one-line message.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
