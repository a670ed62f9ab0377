using System.Diagnostics;
using System.Text.RegularExpressions;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Deployment;

/// <summary>
/// docker-compose.yml as the Neo4j image reads it. No Docker engine runs here, so these check what decides
/// whether the stack starts: the image's entrypoint turns every NEO4J_* variable it does not itself read into a
/// setting, and Neo4j 5 refuses unknown settings (docker-image-src/5/coredb/docker-entrypoint.sh, "ENVIRONMENT
/// VARIABLE CONFIGURATIONS"); the healthcheck runs inside the image, with its tools only.
/// </summary>
public sealed partial class ComposeFileTests
{
    /// <summary>The entrypoint's own variables (its not_configs list).</summary>
    private static readonly string[] s_entrypointVariables =
    [
        "NEO4J_ACCEPT_LICENSE_AGREEMENT", "NEO4J_AUTH", "NEO4J_AUTH_PATH", "NEO4J_DEBUG", "NEO4J_EDITION",
        "NEO4J_HOME", "NEO4J_PLUGINS", "NEO4J_SHA256", "NEO4J_TARBALL", "NEO4J_DEPRECATION_WARNING",
    ];

    /// <summary>Settings we set, as named in https://neo4j.com/docs/operations-manual/current/configuration/configuration-settings/ .</summary>
    private static readonly string[] s_settings = ["server.memory.heap.initial_size", "server.memory.heap.max_size", "server.memory.pagecache.size"];

    [Fact]
    public void EveryNeo4jVariableIsOneTheEntrypointReadsOrNamesARealSetting()
    {
        var variables = Neo4jVariable().Matches(Compose()).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(variables);
        Assert.DoesNotContain("NEO4J_PASSWORD", variables); // became "PASSWORD=..." and stopped Neo4j from starting
        Assert.All(variables, variable => Assert.True(
            s_entrypointVariables.Contains(variable) || s_settings.Contains(AsSetting(variable)),
            $"{variable} would become the setting '{AsSetting(variable)}', which Neo4j does not know"));
    }

    [Fact]
    public void CredentialsComeFromOneSecretFileNotTheEnvironment()
    {
        var compose = Compose();

        Assert.Contains("NEO4J_AUTH_PATH: /run/secrets/neo4j_auth", compose, StringComparison.Ordinal);
        Assert.Contains("Neo4j__AuthFile: /run/secrets/neo4j_auth", compose, StringComparison.Ordinal);
        Assert.DoesNotContain("Neo4j__Password", compose, StringComparison.Ordinal);
        Assert.DoesNotContain("NEO4J_AUTH:", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHealthcheckRunsARealQueryWithToolsTheImageHas()
    {
        var neo4j = Section(Compose(), "  neo4j:", "  explorer:");
        var healthcheck = string.Join('\n', Section(neo4j, "healthcheck:", "interval:").Split('\n').Where(line => !line.TrimStart().StartsWith('#')));

        Assert.Contains("wget", healthcheck, StringComparison.Ordinal);        // installed by every variant of the image
        Assert.DoesNotContain("curl", healthcheck, StringComparison.Ordinal);  // purged from the image after the build
        Assert.Contains("/db/neo4j/query/v2", healthcheck, StringComparison.Ordinal);
    }

    [Fact]
    public void BoltIsPublishedForTheNeo4jBrowserAndMemoryIsSet()
    {
        var neo4j = Section(Compose(), "  neo4j:", "  explorer:");

        Assert.Contains(":7687\"", neo4j, StringComparison.Ordinal);
        Assert.Contains("NEO4J_server_memory_heap_max__size", neo4j, StringComparison.Ordinal);
        Assert.Contains("NEO4J_server_memory_pagecache_size", neo4j, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSecondInstanceRequiresItsBackplaneAndExplorerRefusesToStartWithoutIt()
    {
        Assert.Contains("Explorer__Redis__Required: \"true\"", Section(Compose(), "  explorer-2:", "  redis:"), StringComparison.Ordinal);

    }

    [Fact]
    public async Task AnInstanceThatRequiresRedisAndHasNoneSaysSoInOneLineAndExitsWithCode1()
    {
        using var directory = new TempDirectory();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory.Path,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Explorer.Server.dll"), "--urls", "http://127.0.0.1:0", "--Explorer:Redis:Required=true",
            $"--Explorer:DatabasePath={directory.File("explorer.db")}", "--Explorer:SeedOnStart=false", "--Explorer:OpenBrowser=false",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("Explorer__Redis__ConnectionString");
        start.Environment.Remove("Redis__ConnectionString");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await errors;

        Assert.True(process.ExitCode == 1, $"exit code {process.ExitCode}:\n{text}");
        var reason = Assert.Single(text.Split('\n'), line => line.Contains("Explorer:Redis:Required is set", StringComparison.Ordinal));
        Assert.Contains("EXPLORER_REDIS=redis:6379", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
        Assert.False(File.Exists(directory.File("explorer.db")), "the store was opened before the check");
    }

    [Fact]
    public async Task DockerComposeAcceptsTheFileWithEveryProfile()
    {
        if (!File.Exists("/usr/bin/docker-compose"))
        {
            Assert.Skip("docker-compose is not installed (apt install docker-compose)");
        }

        var (code, output) = await RunAsync("/usr/bin/docker-compose", "--profile", "scale", "--profile", "embedded", "config", "-q");

        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task TheScriptsAreValidShell()
    {
        foreach (var script in new[] { "compose-smoke.sh", "neo4j-backup.sh" })
        {
            var (code, output) = await RunAsync("bash", "-n", Path.Combine(Root(), "scripts", script));
            Assert.True(code == 0, $"{script}: {output}");
        }
    }

    /// <summary>The entrypoint's rule: drop NEO4J_, '_' becomes '.', and '__' (now '..') becomes '_'.</summary>
    private static string AsSetting(string variable) => variable["NEO4J_".Length..].Replace('_', '.').Replace("..", "_", StringComparison.Ordinal);

    private static string Section(string text, string from, string to)
    {
        var start = text.IndexOf(from, StringComparison.Ordinal);
        var end = text.IndexOf(to, start + from.Length, StringComparison.Ordinal);
        return text[start..end];
    }

    private static string Compose() => File.ReadAllText(Path.Combine(Root(), "docker-compose.yml"));

    private static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "docker-compose.yml")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("docker-compose.yml not found above the test binaries");
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = Root(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"^\s+-?\s*(NEO4J_[A-Za-z0-9_]+)\s*[:=]", RegexOptions.Multiline)]
    private static partial Regex Neo4jVariable();
}
