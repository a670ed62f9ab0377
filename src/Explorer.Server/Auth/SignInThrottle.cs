using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// Slows down password guessing without handing anyone a lockout tool. Failures are counted per user name
/// and client address together: after <see cref="AuthOptions.SignInFailureLimit"/> of them, that pair waits
/// <see cref="AuthOptions.SignInBackoff"/> before its next attempt, doubling with every further failure up to
/// <see cref="AuthOptions.SignInBackoffLimit"/>. Another account is never affected, even from the same
/// address (behind a proxy everyone shares one), and neither is the same account from another address.
/// A success clears the pair; a pair is forgotten after <see cref="AuthOptions.SignInFailureWindow"/> without
/// failures. In memory: a restart forgets, which only ever lets someone try again sooner.
/// </summary>
public sealed class SignInThrottle(IOptionsMonitor<AuthOptions> options, TimeProvider time)
{
    /// <summary>Past this many tracked pairs, forgotten ones are swept on the next failure.</summary>
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>Whether an attempt for this user from this address must wait; <paramref name="retryAfter"/> says how long.</summary>
    public bool IsBlocked(string userName, string? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_failures.TryGetValue(Key(userName, address), out var failures))
        {
            return false;
        }

        var now = time.GetUtcNow();
        lock (failures)
        {
            var wait = failures.BlockedUntil - now;
            retryAfter = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return retryAfter > TimeSpan.Zero;
    }

    public void RecordFailure(string userName, string? address)
    {
        var now = time.GetUtcNow();
        var settings = options.CurrentValue;
        if (_failures.Count > SweepThreshold)
        {
            Sweep(now - settings.SignInFailureWindow);
        }

        var failures = _failures.GetOrAdd(Key(userName, address), _ => new Failures());
        lock (failures)
        {
            if (now - failures.Last > settings.SignInFailureWindow)
            {
                failures.Count = 0;
            }

            failures.Count++;
            failures.Last = now;
            if (failures.Count >= settings.SignInFailureLimit)
            {
                failures.BlockedUntil = now + Backoff(failures.Count - settings.SignInFailureLimit, settings);
            }
        }
    }

    /// <summary>A successful sign-in clears the failures of that user from that address.</summary>
    public void RecordSuccess(string userName, string? address) => _failures.TryRemove(Key(userName, address), out _);

    /// <summary>The wait after the limit was reached and <paramref name="beyond"/> more failures followed.</summary>
    private static TimeSpan Backoff(int beyond, AuthOptions settings)
    {
        var wait = settings.SignInBackoff * Math.Pow(2, Math.Min(beyond, 30));
        return wait < settings.SignInBackoffLimit ? wait : settings.SignInBackoffLimit;
    }

    private static string Key(string userName, string? address) => userName.ToUpperInvariant() + "\n" + (address ?? "local");

    private void Sweep(DateTimeOffset cutoff)
    {
        foreach (var (key, failures) in _failures)
        {
            lock (failures)
            {
                if (failures.Last <= cutoff && failures.BlockedUntil <= cutoff)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Failures
    {
        public int Count { get; set; }

        public DateTimeOffset Last { get; set; }

        public DateTimeOffset BlockedUntil { get; set; }
    }
}
