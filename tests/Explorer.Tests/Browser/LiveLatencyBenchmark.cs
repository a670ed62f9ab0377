using System.Diagnostics;
using Explorer.Graph;
using Explorer.Server.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Explorer.Tests.Browser;

/// <summary>
/// A benchmark, not a test (explicit: it runs only when asked, see tests/Explorer.Benchmarks/README.md):
/// the time from a write's response (the store committed and returned) to the change drawn on the canvas
/// of a second browser, median over 100 writes. The page stamps each change's first frame (drawnAt).
/// </summary>
public sealed class LiveLatencyBenchmark(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int Writes = 100;

    [Fact(Explicit = true)]
    public async Task LiveDeltaReachesASecondBrowserQuickly()
    {
        await using var writer = await ExplorerPage.OpenAsync(fixture);
        await using var viewer = await ExplorerPage.OpenAsync(fixture);
        var publisher = fixture.Services.GetRequiredService<ChangePublisher>();
        var latencies = new List<double>();

        for (var i = 0; i < Writes; i++)
        {
            var change = await fixture.Store.UpsertNodeAsync(new Node("latency-probe", NodeKind.Theme, $"Latency probe {i}", [], ""), TestContext.Current.CancellationToken);
            var responded = EpochMs();
            publisher.Signal();
            await viewer.WaitAsync($"window.__explorer.drawnAt({change.Seq}) > 0");
            var drawn = await viewer.Page.EvaluateAsync<double>($"window.__explorer.drawnAt({change.Seq})");
            latencies.Add(drawn - responded);
        }

        latencies.Sort();
        var line = $"live delta, write response to drawn in a second browser: median {latencies[Writes / 2]:F1} ms, " +
            $"p95 {latencies[(int)(Writes * 0.95)]:F1} ms, min {latencies[0]:F1} ms, max {latencies[^1]:F1} ms over {Writes} writes";
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine(line);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(BrowserFixture.ScreenshotPath("x"))!, "..", "live-latency.txt"), line + Environment.NewLine);
        Assert.Equal(Writes, latencies.Count);
    }

    private static double EpochMs() => (Stopwatch.GetTimestamp() - s_origin) * 1000.0 / Stopwatch.Frequency + s_originEpochMs;

    private static readonly long s_origin = Stopwatch.GetTimestamp();
    private static readonly double s_originEpochMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
