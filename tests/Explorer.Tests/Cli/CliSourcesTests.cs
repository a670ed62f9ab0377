namespace Explorer.Tests.Cli;

/// <summary><c>explorer sources add FILE --title ...</c>: a document in, kept as plain text, quotable at once.</summary>
public sealed class CliSourcesTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task AMarkdownFileIsAddedAsTextAndListed()
    {
        var file = Path.Combine(_cli.Directory, "field-report.md");
        await File.WriteAllTextAsync(file, "# Field report\n\nThe **African Union** deployed *AMISOM* to Somalia.\n", TestContext.Current.CancellationToken);

        var added = await _cli.RunAsync("sources", "add", file, "--title", "Field report", "--kind", "report");

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Matches(@"^ok \d+ source field-report \(\d+ characters\)", added.Stdout.Trim());
        var shown = await _cli.RunAsync("source", "field-report");
        Assert.Contains("The African Union deployed AMISOM to Somalia.", shown.Stdout);
        Assert.Contains("field-report", (await _cli.RunAsync("sources")).Stdout);

        var again = await _cli.RunAsync("sources", "add", file, "--title", "Field report");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists already", again.Stderr);
    }

    [Fact]
    public async Task AnUnsupportedFileIsAClearError()
    {
        var file = Path.Combine(_cli.Directory, "scan.pdf");
        await File.WriteAllBytesAsync(file, [0x25, 0x50, 0x44, 0x46], TestContext.Current.CancellationToken);

        var result = await _cli.RunAsync("sources", "add", file, "--title", "Scan");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a .txt, .md or .html file", result.Stderr);
    }
}
