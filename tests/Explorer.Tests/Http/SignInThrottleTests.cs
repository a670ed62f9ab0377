using Explorer.Server.Auth;
using Microsoft.Extensions.Options;

namespace Explorer.Tests.Http;

/// <summary>The sign-in throttle on its own, on a clock the test moves.</summary>
public sealed class SignInThrottleTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (SignInThrottle Throttle, Clock Clock) Create()
    {
        var clock = new Clock();
        var options = new OptionsMonitorStub(new AuthOptions());
        return (new SignInThrottle(options, clock), clock);
    }

    private sealed class OptionsMonitorStub(AuthOptions value) : IOptionsMonitor<AuthOptions>
    {
        public AuthOptions CurrentValue => value;

        public AuthOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AuthOptions, string?> listener) => null;
    }

    [Fact]
    public void TheWaitStartsAtTheFifthFailureAndDoublesWithEachFurtherOneUpToTheLimit()
    {
        var (throttle, clock) = Create();
        var waits = new List<TimeSpan>();
        for (var failure = 1; failure <= 15; failure++)
        {
            throttle.RecordFailure("ana", "10.0.0.1");
            throttle.IsBlocked("ana", "10.0.0.1", out var wait);
            waits.Add(wait);
            clock.Now += wait; // waits its turn, then fails again
        }

        Assert.All(waits.Take(4), w => Assert.Equal(TimeSpan.Zero, w));
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300], waits.Skip(4).Select(w => w.TotalSeconds));
    }

    [Fact]
    public void OnlyTheSameAccountFromTheSameAddressWaits()
    {
        var (throttle, _) = Create();
        for (var i = 0; i < 50; i++)
        {
            throttle.RecordFailure("ana", "10.0.0.1");
            throttle.RecordFailure($"guess-{i}", "10.0.0.1");
        }

        Assert.True(throttle.IsBlocked("ANA", "10.0.0.1", out _));
        Assert.False(throttle.IsBlocked("bo", "10.0.0.1", out _));
        Assert.False(throttle.IsBlocked("ana", "10.0.0.2", out _));
    }

    [Fact]
    public void ASuccessOrAQuietWindowForgetsTheFailures()
    {
        var (throttle, clock) = Create();
        for (var i = 0; i < 5; i++)
        {
            throttle.RecordFailure("ana", "10.0.0.1");
            throttle.RecordFailure("bo", "10.0.0.1");
        }

        throttle.RecordSuccess("ana", "10.0.0.1");
        Assert.False(throttle.IsBlocked("ana", "10.0.0.1", out _));

        clock.Now += new AuthOptions().SignInFailureWindow + TimeSpan.FromSeconds(1);
        throttle.RecordFailure("bo", "10.0.0.1");
        Assert.False(throttle.IsBlocked("bo", "10.0.0.1", out _));
    }
}
