using System.Diagnostics;
using System.Text.Json;
using Explorer.Neo4j;

namespace Explorer.Tests.Neo4j;

/// <summary>
/// Every statement in <see cref="Cypher"/> goes through Neo4j's own Cypher front end
/// (@neo4j-cypher/language-support's lintCypherQuery: parser and semantic analysis) with a schema listing our
/// labels, relationship types, property keys, parameters, functions and procedures. No diagnostics allowed.
/// </summary>
public sealed class CypherLintTests
{
    private static readonly SemaphoreSlim s_install = new(1, 1);

    [Fact]
    public async Task EveryStatementTheNeo4jStoreSendsPassesNeo4jsCypherLinter()
    {
        var statements = Cypher.All().ToList();
        Assert.True(statements.Count > 100, "the generated statement sets should be there");

        var diagnostics = await LintAsync(statements);

        Assert.True(diagnostics.Count == 0, $"{diagnostics.Count} diagnostics:\n" + string.Join("\n", diagnostics.Select(d => d.ToString())));
    }

    [Fact]
    public async Task TheLinterReallyChecksSemanticsAndTheSchema()
    {
        var diagnostics = await LintAsync(
        [
            ("undefined-variable", "MATCH (n:Node {id: $id}) RETURN b"),
            ("unknown-label", "MATCH (n:Person {id: $id}) RETURN n"),
            ("unknown-parameter", "MATCH (n:Node {id: $nope}) RETURN n"),
            ("unknown-function", "MATCH (n:Node) RETURN toUpper(n.name)"),
        ]);

        Assert.Contains(diagnostics, d => d.Statement == "undefined-variable" && d.Severity == "error" && d.Message.Contains("`b` not defined", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Statement == "unknown-label" && d.Message.Contains("Person", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Statement == "unknown-parameter" && d.Severity == "error");
        Assert.Contains(diagnostics, d => d.Statement == "unknown-function" && d.Severity == "error");
    }

    [Fact]
    public void StatementsNeverEmbedAnythingButVocabularyNames()
    {
        // Labels and relationship types in the text are ours; everything else arrives as a $parameter.
        foreach (var (name, statement) in Cypher.All())
        {
            Assert.DoesNotContain("'{", statement, StringComparison.Ordinal);
            Assert.True(!statement.Contains("MATCH", StringComparison.Ordinal) || statement.Contains("LIMIT", StringComparison.Ordinal) || !statement.Contains("*..", StringComparison.Ordinal), name);
        }

        Assert.All(Cypher.AllShortestModern.Values.Concat(Cypher.AllShortestLegacy.Values), s => Assert.Contains("LIMIT $limit", s, StringComparison.Ordinal));
    }

    public sealed record Diagnostic(string Statement, string Severity, string Message, int Line, int Column, string Text)
    {
        public override string ToString() => $"  [{Severity}] {Statement} {Line}:{Column} near '{Text}': {Message}";
    }

    private static async Task<List<Diagnostic>> LintAsync(IEnumerable<(string Name, string Statement)> statements)
    {
        var folder = LintFolder();
        await EnsureInstalledAsync(folder);
        var input = Path.Combine(Path.GetTempPath(), $"explorer-cypher-{Guid.NewGuid():N}.json");
        var schema = new
        {
            labels = Cypher.Labels,
            relationshipTypes = Cypher.EdgeTypes,
            propertyKeys = Cypher.PropertyKeys,
            parameters = Cypher.Parameters.ToDictionary(p => p, _ => (object)"value"),
        };
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new
        {
            statements = statements.Select(s => new { name = s.Name, statement = s.Statement }),
            schema,
        }));
        try
        {
            var (code, stdout, stderr) = await RunAsync("node", ["lint.mjs", input], folder);
            Assert.True(code == 0, $"node lint.mjs failed ({code}): {stderr}");
            return JsonSerializer.Deserialize<List<Diagnostic>>(stdout, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static async Task EnsureInstalledAsync(string folder)
    {
        await s_install.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "@neo4j-cypher", "language-support")))
            {
                var (code, stdout, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder);
                Assert.True(code == 0, $"npm ci in {folder} failed ({code}):\n{stdout}\n{stderr}");
            }
        }
        finally
        {
            s_install.Release();
        }
    }

    private static string LintFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Explorer.Tests", "Neo4j", "cypher-lint");
            if (File.Exists(Path.Combine(candidate, "lint.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Explorer.Tests/Neo4j/cypher-lint/lint.mjs not found above the test binaries");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, string[] args, string directory)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Generous: the linter parses a few hundred statements, and CI machines may be busy.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
