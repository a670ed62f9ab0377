namespace Explorer.Server.Auth;

/// <summary>Who may read without signing in.</summary>
public enum AnonymousReads
{
    /// <summary>Anonymous reads from loopback addresses (this machine); everyone else signs in.</summary>
    Loopback,

    /// <summary>Anyone may read.</summary>
    Always,

    /// <summary>Every read needs a signed-in user.</summary>
    Never,
}

/// <summary>
/// The "Explorer:Auth" section: anonymous reads, session lifetime and the failed sign-in throttle. Writes
/// always need a signed-in analyst or admin, whatever this says.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Explorer:Auth";

    public AnonymousReads AnonymousReads { get; set; } = AnonymousReads.Loopback;

    /// <summary>How long a browser sign-in lasts without activity (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Failed sign-ins per user name, and per client address, within <see cref="SignInFailureWindow"/> before 429.</summary>
    public int SignInFailureLimit { get; set; } = 5;

    public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The "Explorer:RateLimit" section: writes per signed-in user (token bucket refilled every second).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Explorer:RateLimit";

    /// <summary>Sustained writes per user per minute.</summary>
    public int WritesPerMinute { get; set; } = 60;

    /// <summary>Writes a user may make at once before the sustained rate applies.</summary>
    public int WriteBurst { get; set; } = 20;
}
