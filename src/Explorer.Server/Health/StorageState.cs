using Explorer.Graph;

namespace Explorer.Server.Health;

/// <summary>
/// Whether storage currently refuses writes (a full disk, I/O errors, a read-only file system). The exception
/// handler reports each fault; a write that succeeds at least <see cref="Settle"/> after the last refusal ends
/// it (near a full disk, a small write may still fit between refusals: that does not end the fault). So an
/// operator reads one log line when a fault begins and one when it ends (with how many requests it refused);
/// <c>/health/ready</c> reports it as degraded. Nothing is cached: every write still tries the store, so
/// writes resume by themselves once space is freed.
/// </summary>
public sealed partial class StorageState(ILogger<StorageState> logger, TimeProvider time)
{
    /// <summary>How long writes must have gone without a refusal before a success ends the fault.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private Episode? _current;

    /// <summary>The fault in progress, or null while storage accepts writes.</summary>
    public (StorageFault Fault, DateTimeOffset Since, long Refused)? Current
    {
        get
        {
            lock (_lock)
            {
                return _current is { } episode ? (episode.Fault, episode.Since, episode.Refused) : null;
            }
        }
    }

    /// <summary>A request failed on <paramref name="fault"/>. Logs only when this begins a fault (or changes its kind).</summary>
    public void Failed(StorageFault fault)
    {
        lock (_lock)
        {
            if (_current is { } episode && episode.Fault.Kind == fault.Kind)
            {
                episode.Refused++;
                episode.LastRefused = time.GetUtcNow();
                return;
            }

            _current = new Episode(fault, time.GetUtcNow()) { Refused = 1, LastRefused = time.GetUtcNow() };
        }

        LogFaultBegan(logger, fault.Kind, fault.Reason);
    }

    /// <summary>A write succeeded: ends the fault in progress, if any.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _current) is null)
        {
            return;
        }

        Episode? ended;
        lock (_lock)
        {
            ended = _current;
            if (ended is null || time.GetUtcNow() - ended.LastRefused < Settle)
            {
                return;
            }

            _current = null;
        }

        if (ended is not null)
        {
            var duration = (long)(time.GetUtcNow() - ended.Since).TotalMilliseconds;
            LogFaultEnded(logger, ended.Fault.Kind, duration, ended.Refused);
        }
    }

    private sealed class Episode(StorageFault fault, DateTimeOffset since)
    {
        public StorageFault Fault { get; } = fault;

        public DateTimeOffset Since { get; } = since;

        public long Refused { get; set; }

        public DateTimeOffset LastRefused { get; set; }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Error, Message = "Storage fault began ({Kind}): {Reason}. Writes are refused until storage recovers; reads go on")]
    private static partial void LogFaultBegan(ILogger logger, StorageFaultKind kind, string reason);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Storage fault ended ({Kind}): writes succeed again after {DurationMs} ms; {Refused} requests were refused meanwhile")]
    private static partial void LogFaultEnded(ILogger logger, StorageFaultKind kind, long durationMs, long refused);
}
