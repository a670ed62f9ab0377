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
/// The "Explorer:Auth" section: anonymous reads (and the host names they are allowed under), the origins
/// that may open the live channel, session lifetime and checks, and the failed sign-in throttle. Writes
/// always need a signed-in analyst or admin, whatever this says.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Explorer:Auth";

    public AnonymousReads AnonymousReads { get; set; } = AnonymousReads.Loopback;

    /// <summary>How long a browser sign-in lasts without activity (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Host names (the Host header, without port) under which a loopback client may read anonymously, besides
    /// localhost, *.localhost, 127.0.0.1 and [::1]. Any other name is refused, so a web page on another site
    /// cannot read through DNS rebinding (its requests carry that site's name).
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Origins (scheme://host[:port]) a browser page may open the live channel from, besides the site's own
    /// (the origin the request was sent to). A WebSocket from any other page is refused.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// How long a session's user (and an open live connection's token) may be taken from memory before the
    /// store is asked again, and how often open live connections are checked. Changes made through this server
    /// apply at once (and drop live connections within one interval); changes made elsewhere (the CLI, another
    /// instance) within two.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Failed sign-ins for one user name from one address before the throttle makes them wait.</summary>
    public int SignInFailureLimit { get; set; } = 5;

    /// <summary>The first wait after <see cref="SignInFailureLimit"/> failures; it doubles with each further failure.</summary>
    public TimeSpan SignInBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait.</summary>
    public TimeSpan SignInBackoffLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failures are forgotten after this long without another one.</summary>
    public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromMinutes(15);
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
