using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Explorer.Server.Auth;

/// <summary>
/// Counts failed sign-ins per user name and per client address over a sliding window; once either has
/// reached the limit, further attempts are refused (429) until the oldest failure leaves the window, even
/// with the right password. In memory: a restart forgets, which only ever lets someone try again sooner.
/// </summary>
public sealed class SignInThrottle(IOptionsMonitor<AuthOptions> options, TimeProvider time)
{
    /// <summary>Past this many tracked keys, expired ones are swept on the next failure.</summary>
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>Whether an attempt is refused now; <paramref name="retryAfter"/> says for how long.</summary>
    public bool IsBlocked(string userName, string? address, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        var settings = options.CurrentValue;
        retryAfter = TimeSpan.Zero;
        foreach (var key in Keys(userName, address))
        {
            if (!_failures.TryGetValue(key, out var failures))
            {
                continue;
            }

            lock (failures)
            {
                Expire(failures, now - settings.SignInFailureWindow);
                if (failures.Count >= settings.SignInFailureLimit)
                {
                    var wait = failures.Peek() + settings.SignInFailureWindow - now;
                    retryAfter = wait > retryAfter ? wait : retryAfter;
                }
            }
        }

        return retryAfter > TimeSpan.Zero;
    }

    public void RecordFailure(string userName, string? address)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > SweepThreshold)
        {
            Sweep(now - options.CurrentValue.SignInFailureWindow);
        }

        foreach (var key in Keys(userName, address))
        {
            var failures = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
            lock (failures)
            {
                failures.Enqueue(now);
            }
        }
    }

    /// <summary>A successful sign-in clears the user name's failures (not the address's).</summary>
    public void RecordSuccess(string userName) => _failures.TryRemove(UserKey(userName), out _);

    private static IEnumerable<string> Keys(string userName, string? address)
    {
        yield return UserKey(userName);
        if (address is not null)
        {
            yield return "ip:" + address;
        }
    }

    private static string UserKey(string userName) => "user:" + userName.ToUpperInvariant();

    private static void Expire(Queue<DateTimeOffset> failures, DateTimeOffset cutoff)
    {
        while (failures.Count > 0 && failures.Peek() <= cutoff)
        {
            failures.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset cutoff)
    {
        foreach (var (key, failures) in _failures)
        {
            lock (failures)
            {
                Expire(failures, cutoff);
                if (failures.Count == 0)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }
}
