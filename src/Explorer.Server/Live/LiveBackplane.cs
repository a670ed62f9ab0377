using StackExchange.Redis;

namespace Explorer.Server.Live;

/// <summary>
/// Scale-out settings: with a Redis connection string, SignalR uses the Redis backplane (a message sent by any
/// instance reaches clients of every instance) and change publishing is coordinated through Redis.
/// Read from <c>Explorer:Redis:ConnectionString</c>, <c>Redis:ConnectionString</c> or <c>Explorer:Redis</c>;
/// <c>Explorer:Redis:ChannelPrefix</c> keeps deployments sharing one Redis apart.
/// </summary>
public sealed record RedisSettings(string ConnectionString, string ChannelPrefix)
{
    public const string DefaultChannelPrefix = "explorer";

    public static RedisSettings? From(IConfiguration configuration)
    {
        var connection = configuration["Explorer:Redis:ConnectionString"] is { Length: > 0 } a ? a
            : configuration["Redis:ConnectionString"] is { Length: > 0 } b ? b
            : configuration["Explorer:Redis"] is { Length: > 0 } c ? c
            : null;
        return connection is null ? null : new RedisSettings(connection, configuration["Explorer:Redis:ChannelPrefix"] is { Length: > 0 } prefix ? prefix : DefaultChannelPrefix);
    }
}

/// <summary>
/// Makes one instance of a scaled-out deployment the publisher of the shared change log, so each change is
/// broadcast once and in order across the deployment: instances compete for a lease in Redis (renewed on
/// every poll); only the holder reads the log and sends through the backplane, and records the last seq it
/// sent, so a successor continues from there instead of repeating or skipping. Writers on any instance call
/// <see cref="ChangePublisher.Signal"/>, which wakes the publisher through a Redis channel.
/// </summary>
public sealed partial class LiveBackplane(RedisSettings settings, ILogger<LiveBackplane> logger) : IAsyncDisposable
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    /// <summary>How long an instance's presence entry lives without renewal (it renews every <see cref="PresenceSync.Interval"/>).</summary>
    public static readonly TimeSpan PresenceLease = TimeSpan.FromSeconds(8);

    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _connect = new(1, 1);
    private ConnectionMultiplexer? _redis;
    private bool _leading;

    private RedisKey LeaseKey => $"{settings.ChannelPrefix}:live:publisher";

    private RedisKey MarkerKey => $"{settings.ChannelPrefix}:live:published";

    private RedisKey PresenceInstancesKey => $"{settings.ChannelPrefix}:presence:instances";

    private RedisKey PresenceKey(string instance) => $"{settings.ChannelPrefix}:presence:{instance}";

    private RedisChannel WakeChannel => RedisChannel.Literal($"{settings.ChannelPrefix}:live:wake");

    private RedisChannel BookmarkChannel => RedisChannel.Literal($"{settings.ChannelPrefix}:live:bookmark");

    public bool IsLeading => _leading;

    /// <summary>
    /// Connects and calls <paramref name="onWake"/> whenever any instance signals a committed write, and
    /// <paramref name="onBookmark"/> with the store bookmark the publisher shares before it sends changes.
    /// </summary>
    public async Task SubscribeAsync(Action onWake, Action<string> onBookmark)
    {
        var subscriber = (await ConnectAsync()).GetSubscriber();
        await subscriber.SubscribeAsync(WakeChannel, (_, _) => onWake());
        await subscriber.SubscribeAsync(BookmarkChannel, (_, message) =>
        {
            if (message.HasValue && !message.IsNullOrEmpty)
            {
                onBookmark(message.ToString());
            }
        });
    }

    /// <summary>Tells every instance the store state the next published changes belong to (read-your-writes across instances).</summary>
    public async Task ShareBookmarkAsync(string bookmark) =>
        await (await ConnectAsync()).GetSubscriber().PublishAsync(BookmarkChannel, bookmark);

    /// <summary>Takes or renews the publisher lease; true while this instance holds it.</summary>
    public async Task<bool> TryLeadAsync()
    {
        var db = (await ConnectAsync()).GetDatabase();
        var leading = await db.LockExtendAsync(LeaseKey, _instance, Lease) || await db.LockTakeAsync(LeaseKey, _instance, Lease);
        if (leading != _leading)
        {
            LogLeadership(logger, leading ? "now publishes" : "no longer publishes", _instance);
        }

        _leading = leading;
        return leading;
    }

    /// <summary>The last seq the deployment's publisher sent (null before any).</summary>
    public async Task<long?> PublishedAsync()
    {
        var value = await (await ConnectAsync()).GetDatabase().StringGetAsync(MarkerKey);
        return value.TryParse(out long seq) ? seq : null;
    }

    public async Task SetPublishedAsync(long seq) =>
        await (await ConnectAsync()).GetDatabase().StringSetAsync(MarkerKey, seq);

    /// <summary>Tells the publisher (whichever instance it is) that a write committed.</summary>
    public void Wake()
    {
        if (_redis is { IsConnected: true } redis)
        {
            redis.GetSubscriber().Publish(WakeChannel, "1", CommandFlags.FireAndForget);
        }
    }

    /// <summary>
    /// Renews this instance's presence lease, replacing its entry with <paramref name="viewers"/> when given. The
    /// entry is a hash that expires with the lease, one field per connection: the field is the connection id, then
    /// '|' and the browser id when the page sent one; the value is the signed-in user, "" for anonymous. (An
    /// instance from before browser ids wrote bare connection ids: its pages are counted one by one.) A sorted set
    /// lists the instances by lease end, so readers skip and prune the dead.
    /// </summary>
    public async Task WritePresenceAsync(IReadOnlyList<Viewer>? viewers)
    {
        var db = (await ConnectAsync()).GetDatabase();
        var key = PresenceKey(_instance);
        var transaction = db.CreateTransaction();
        if (viewers is not null)
        {
            _ = transaction.KeyDeleteAsync(key);
            if (viewers.Count > 0)
            {
                _ = transaction.HashSetAsync(key, [.. viewers.Select(v => new HashEntry(v.Browser is null ? v.Connection : $"{v.Connection}|{v.Browser}", v.User ?? ""))]);
            }
        }

        _ = transaction.KeyExpireAsync(key, PresenceLease);
        _ = transaction.SortedSetAddAsync(PresenceInstancesKey, _instance, DateTimeOffset.UtcNow.Add(PresenceLease).ToUnixTimeMilliseconds());
        await transaction.ExecuteAsync();
    }

    /// <summary>The viewers of every other live instance, one per connection.</summary>
    public async Task<IReadOnlyList<Viewer>> ReadPresenceAsync()
    {
        var db = (await ConnectAsync()).GetDatabase();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await db.SortedSetRemoveRangeByScoreAsync(PresenceInstancesKey, double.NegativeInfinity, now);
        var viewers = new List<Viewer>();
        foreach (var instance in await db.SortedSetRangeByScoreAsync(PresenceInstancesKey, now, double.PositiveInfinity))
        {
            if (instance.ToString() == _instance)
            {
                continue;
            }

            foreach (var entry in await db.HashGetAllAsync(PresenceKey(instance.ToString())))
            {
                var field = entry.Name.ToString();
                var bar = field.IndexOf('|', StringComparison.Ordinal);
                viewers.Add(new Viewer(
                    bar < 0 ? field : field[..bar],
                    entry.Value.IsNullOrEmpty ? null : entry.Value.ToString(),
                    bar < 0 ? null : Viewer.ValidBrowser(field[(bar + 1)..])));
            }
        }

        return viewers;
    }

    /// <summary>Withdraws this instance's viewers (on shutdown), so the others stop counting them at once.</summary>
    public async Task RemovePresenceAsync()
    {
        if (_redis is { IsConnected: true } redis)
        {
            var db = redis.GetDatabase();
            await db.SortedSetRemoveAsync(PresenceInstancesKey, _instance);
            await db.KeyDeleteAsync(PresenceKey(_instance));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            if (_leading)
            {
                await _redis.GetDatabase().LockReleaseAsync(LeaseKey, _instance);
            }

            await _redis.CloseAsync();
            _redis.Dispose();
        }

        _connect.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        if (_redis is not null)
        {
            return _redis;
        }

        await _connect.WaitAsync();
        try
        {
            if (_redis is null)
            {
                var options = ConfigurationOptions.Parse(settings.ConnectionString);
                options.AbortOnConnectFail = false;
                _redis = await ConnectionMultiplexer.ConnectAsync(options);
            }

            return _redis;
        }
        finally
        {
            _connect.Release();
        }
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "This instance {Change} live changes for the deployment ({Instance})")]
    private static partial void LogLeadership(ILogger logger, string change, string instance);
}
