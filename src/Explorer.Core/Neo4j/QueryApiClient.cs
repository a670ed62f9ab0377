using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Explorer.Graph;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Explorer.Neo4j;

/// <summary>What a statement does, which decides when it may be sent again after a failure.</summary>
internal enum QueryAccess
{
    /// <summary>Reads only: sent with <c>accessMode: READ</c>, always safe to repeat.</summary>
    Read,

    /// <summary>Writes that give the same result when repeated (a MERGE/SET, or a write guarded by its change id).</summary>
    IdempotentWrite,

    /// <summary>Writes that must not run twice (redeeming a one-time token): repeated only when they surely did not run.</summary>
    Write,
}

/// <summary>
/// How long to wait and how long to keep trying, as the official drivers do: a retry window of 30 s that starts
/// at the first failure, a first delay of 1 s doubled each time, ±20% jitter
/// (neo4j-java-driver <c>ExponentialBackoffRetryLogic</c>: DEFAULT_MAX_RETRY_TIME_MS, INITIAL_RETRY_DELAY_MS,
/// RETRY_DELAY_MULTIPLIER, RETRY_DELAY_JITTER_FACTOR; the .NET and JavaScript drivers use the same numbers).
/// </summary>
internal sealed record QueryApiPolicy(
    TimeSpan RequestTimeout,
    TimeSpan MaxRetryTime,
    TimeSpan InitialBackoff,
    int ServerTimeoutSeconds)
{
    public const double Multiplier = 2.0;
    public const double Jitter = 0.2;

    public static QueryApiPolicy From(Neo4jOptions options) => new(
        TimeSpan.FromSeconds(options.QueryTimeoutSeconds + 5),
        TimeSpan.FromSeconds(options.MaxRetrySeconds),
        TimeSpan.FromSeconds(1),
        options.QueryTimeoutSeconds);

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based): 1 s, 2 s, 4 s ... each ±20%.</summary>
    public TimeSpan Backoff(int retry)
    {
        var raw = InitialBackoff.TotalMilliseconds * Math.Pow(Multiplier, retry - 1);
        return TimeSpan.FromMilliseconds(raw * (1 - Jitter + (Random.Shared.NextDouble() * 2 * Jitter)));
    }
}

/// <summary>
/// A small typed client for Neo4j's HTTP Query API: every statement is one auto-commit request
/// (<c>POST /db/{db}/query/v2</c>). No explicit transactions: the Query API documents them as working only on
/// Aura and single-instance servers (https://neo4j.com/docs/query-api/current/transactions/, "Run
/// transactions": "Explicit transactions are only available on Aura and on single-instance self-managed
/// servers"), and a cancelled request can leave no transaction open behind it. Bodies are typed JSON both ways
/// (<see cref="TypedJson"/>, with a fallback) so 64-bit integers survive. Retries follow the drivers (see
/// <see cref="MayRepeat"/>); bookmarks chain every request after the ones this process made or observed, and
/// after the current caller's (<see cref="BookmarkScope"/>).
/// </summary>
internal sealed partial class QueryApiClient
{
    /// <summary>
    /// Typed JSON as Neo4j 5.19+ knows it, the media type this client sends and prefers. Neo4j 2025.11 added a
    /// version 1.1 (<c>application/vnd.neo4j.query.v1.1</c>, which the current docs show) that only adds the
    /// Vector and Unsupported types (https://neo4j.com/docs/query-api/current/changelog/, and "Typed JSON"):
    /// Explorer stores neither, and Neo4j 5.26 (the compose file's) does not know v1.1. So: requests are sent as
    /// the first version; answers are accepted as it, as v1.1, or as plain JSON (q-values, in that order), and the
    /// reader takes all three; a server that refuses the first version's requests (415) gets v1.1 from then on.
    /// </summary>
    public const string TypedJson = "application/vnd.neo4j.query";

    /// <summary>Typed JSON version 1.1 (Neo4j 2025.11+).</summary>
    public const string TypedJsonV11 = "application/vnd.neo4j.query.v1.1";

    private static readonly string[] s_requestMediaTypes = [TypedJson, TypedJsonV11];
    private int _requestMediaType;

    private readonly HttpClient _http;
    private readonly Uri _queryUri;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    public QueryApiClient(HttpClient http, Uri serverUri, string database, AuthenticationHeaderValue? authorization, QueryApiPolicy policy, ILogger? logger = null, TimeProvider? time = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _http = http;
        ServerUri = new Uri(serverUri.AbsoluteUri.TrimEnd('/') + "/");
        Database = database;
        _queryUri = new Uri(ServerUri, $"db/{Uri.EscapeDataString(database)}/query/v2");
        _authorization = authorization;
        Policy = policy;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _delay = delay ?? ((wait, token) => Task.Delay(wait, _time, token));
    }

    public Uri ServerUri { get; }

    public string Database { get; }

    public QueryApiPolicy Policy { get; }

    /// <summary>The bookmarks the next request waits for (what this process wrote, read or observed last).</summary>
    public Bookmarks Bookmarks { get; } = new();

    /// <summary>The media type of request bodies: <see cref="TypedJson"/> until a server refuses it with 415.</summary>
    public string RequestMediaType => s_requestMediaTypes[Volatile.Read(ref _requestMediaType)];

    /// <summary>Reads send accessMode: READ (older servers may not accept the field; the probe decides).</summary>
    public bool SendAccessMode { get; set; } = true;

    /// <summary>Reads send maxExecutionTime (seconds) so a runaway read is stopped by the server too.</summary>
    public bool SendMaxExecutionTime { get; set; } = true;

    public static AuthenticationHeaderValue? Authorization(Neo4jOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            return new AuthenticationHeaderValue("Bearer", options.Token);
        }

        var (user, password) = options.Credentials();
        return !string.IsNullOrEmpty(user) ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))) : null;
    }

    /// <summary>Runs one statement in its own auto-commit transaction, retrying what is safe to retry.</summary>
    public Task<QueryResult> RunAsync(string statement, IReadOnlyDictionary<string, object?>? parameters = null, QueryAccess access = QueryAccess.Write, CancellationToken cancellationToken = default) =>
        RetryAsync(access, () => SendAsync(statement, parameters, access, cancellationToken), cancellationToken);

    /// <summary>
    /// Decides which optional request fields this server accepts: older servers reject unknown fields with 400,
    /// so <c>RETURN 1</c> is sent with both, then with accessMode only, then with neither.
    /// Authentication, database and reachability errors surface here with their own kinds.
    /// </summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        foreach (var (accessMode, maxTime) in new[] { (true, true), (true, false), (false, false) })
        {
            (SendAccessMode, SendMaxExecutionTime) = (accessMode, maxTime);
            try
            {
                await RunAsync("RETURN 1 AS ok", null, QueryAccess.Read, cancellationToken);
                return;
            }
            catch (Neo4jException ex) when (ex.Kind == Neo4jErrorKind.Client && ex.Status == HttpStatusCode.BadRequest && (accessMode || maxTime))
            {
                LogFieldRefused(_logger, accessMode ? (maxTime ? "accessMode and maxExecutionTime" : "accessMode") : "none", ex.Message);
            }
        }
    }

    /// <summary>GET / (the discovery document): answers without credentials when the HTTP server is up.</summary>
    public async Task<bool> RootAnswersAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Policy.RequestTimeout);
        try
        {
            using var response = await _http.GetAsync(ServerUri, timeout.Token);
            return (int)response.StatusCode < 500;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a failed request may be sent again, following the drivers' classification
    /// (neo4j-java-driver <c>RetryableException</c>: TransientException, ServiceUnavailableException,
    /// SessionExpiredException) plus one rule the drivers get from Bolt and we must add for HTTP: a request that
    /// may have reached the server is repeated only when repeating it is harmless.
    /// <list type="bullet">
    /// <item>Neo.TransientError.* except Transaction.Terminated and Transaction.LockClientStopped (the drivers
    /// reclassify those two as client errors: someone stopped the transaction on purpose). The server answered
    /// with an error, so the auto-commit transaction rolled back (https://neo4j.com/docs/status-codes/current/,
    /// "Effect on the transaction: Rollback"): any statement may be repeated.</item>
    /// <item>Neo.ClientError.Cluster.NotALeader and Neo.ClientError.General.ForbiddenOnReadOnlyDatabase: the
    /// write reached a member that cannot take it (the drivers map these to SessionExpired). Nothing ran.</item>
    /// <item>No connection could be made: nothing was sent.</item>
    /// <item>Unavailable (502/503/504, or a 500 naming ServiceUnavailable or SessionExpired, as the Query API
    /// reports the drivers' exceptions of those names from its server-side routing), a connection dropped after
    /// sending, or no answer in time: the statement may have committed, so only reads and idempotent writes.</item>
    /// </list>
    /// </summary>
    internal static bool MayRepeat(Neo4jException error, QueryAccess access) => error.Kind switch
    {
        Neo4jErrorKind.Transient => true,
        Neo4jErrorKind.Client => error.Code is "Neo.ClientError.Cluster.NotALeader" or "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
        Neo4jErrorKind.Unavailable when error.NotSent => true,
        Neo4jErrorKind.Unavailable or Neo4jErrorKind.Timeout => access != QueryAccess.Write,
        _ => false,
    };

    internal string Body(string statement, IReadOnlyDictionary<string, object?>? parameters, QueryAccess access, IReadOnlyList<string> bookmarks)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("statement", statement);
            if (parameters is { Count: > 0 })
            {
                writer.WriteStartObject("parameters");
                foreach (var (name, value) in parameters)
                {
                    writer.WritePropertyName(name);
                    QueryValues.WriteTyped(writer, value);
                }

                writer.WriteEndObject();
            }

            if (access == QueryAccess.Read && SendAccessMode)
            {
                writer.WriteString("accessMode", "READ");
            }

            if (access == QueryAccess.Read && SendMaxExecutionTime)
            {
                writer.WriteNumber("maxExecutionTime", Policy.ServerTimeoutSeconds);
            }

            if (bookmarks.Count > 0)
            {
                writer.WriteStartArray("bookmarks");
                foreach (var bookmark in bookmarks)
                {
                    writer.WriteStringValue(bookmark);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One request, no retry; failures as <see cref="Neo4jException"/>. The answer's bookmarks replace the ones sent.</summary>
    private async Task<QueryResult> SendAsync(string statement, IReadOnlyDictionary<string, object?>? parameters, QueryAccess access, CancellationToken cancellationToken)
    {
        // The process's bookmarks, and the current caller's (its own earlier writes, on whichever instance): only
        // this request carries the caller's, and only its answer advances them.
        var scope = BookmarkScope.Current;
        var sent = scope is null ? Bookmarks.Current : [.. Bookmarks.Current.Union(scope.Bookmarks.Current, StringComparer.Ordinal)];
        var mediaType = Volatile.Read(ref _requestMediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, _queryUri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(TypedJson));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(TypedJsonV11, 0.9));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.5));
        request.Headers.Authorization = _authorization;
        request.Content = new StringContent(Body(statement, parameters, access, sent), Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(s_requestMediaTypes[mediaType]);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Policy.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Neo4jException(Neo4jErrorKind.Timeout, $"Neo4j did not answer within {Policy.RequestTimeout.TotalSeconds:0} s", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            // Only a connection that could not be made proves the statement never reached the server.
            var notSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;
            throw new Neo4jException(Neo4jErrorKind.Unavailable, $"Neo4j is unreachable at {ServerUri}: {ex.Message}", inner: ex) { NotSent = notSent };
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.UnsupportedMediaType && mediaType + 1 < s_requestMediaTypes.Length)
            {
                // Refused before running anything: send it again in the next version, and keep that one.
                Interlocked.CompareExchange(ref _requestMediaType, mediaType + 1, mediaType);
                LogMediaTypeRefused(_logger, s_requestMediaTypes[mediaType], RequestMediaType);
                return await SendAsync(statement, parameters, access, cancellationToken);
            }

            (QueryResult Result, IReadOnlyList<(string? Code, string Message)> Errors)? answer = null;
            var parsed = false;
            var empty = response.Content.Headers.ContentLength == 0;
            try
            {
                if (!empty)
                {
                    // Read from the stream as it arrives, row by row: the body is never held whole (QueryResponseReader).
                    await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                    answer = await QueryResponseReader.ReadAsync(body, timeout.Token);
                    parsed = answer is not null;
                    empty = answer is null;
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's or Jetty's error page): judged by the status below.
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new Neo4jException(Neo4jErrorKind.Timeout, $"Neo4j did not finish its answer within {Policy.RequestTimeout.TotalSeconds:0} s", inner: ex);
            }
            catch (HttpRequestException ex)
            {
                throw new Neo4jException(Neo4jErrorKind.Unavailable, $"the connection to Neo4j at {ServerUri} broke during the answer: {ex.Message}", inner: ex);
            }

            var errors = answer?.Errors ?? [];
            var status = response.StatusCode;
            if (status is HttpStatusCode.OK or HttpStatusCode.Accepted && errors.Count == 0)
            {
                if (!parsed && !empty)
                {
                    throw new Neo4jException(Neo4jErrorKind.Protocol, $"the Query API answered {(int)status} with a body that is not JSON", status: status);
                }

                var result = answer?.Result ?? QueryResult.Empty;
                Bookmarks.Advance(sent, result.Bookmarks);
                scope?.Advance(sent, result.Bookmarks, write: access != QueryAccess.Read);
                return result;
            }

            throw Failure(status, errors);
        }
    }

    private Neo4jException Failure(HttpStatusCode status, IReadOnlyList<(string? Code, string Message)> errors)
    {
        var (code, message) = errors.Count > 0 ? errors[0] : (null, "");
        var detail = errors.Count > 0 ? $"{code}: {message}" : $"HTTP {(int)status} {status}";
        var kind = status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Neo4jErrorKind.Authentication,
            HttpStatusCode.NotFound => Neo4jErrorKind.NotFound,
            _ when code?.StartsWith("Neo.TransientError.", StringComparison.Ordinal) == true
                => code is "Neo.TransientError.Transaction.Terminated" or "Neo.TransientError.Transaction.LockClientStopped" ? Neo4jErrorKind.Client : Neo4jErrorKind.Transient,
            HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout => Neo4jErrorKind.Unavailable,
            HttpStatusCode.RequestTimeout => Neo4jErrorKind.Timeout,
            HttpStatusCode.InternalServerError when Names(code, message, "ServiceUnavailable") || Names(code, message, "SessionExpired") => Neo4jErrorKind.Unavailable,
            _ when code?.StartsWith("Neo.DatabaseError.", StringComparison.Ordinal) == true => Neo4jErrorKind.Database,
            _ when code?.StartsWith("Neo.ClientError.Security.", StringComparison.Ordinal) == true => Neo4jErrorKind.Authentication,
            _ when (int)status >= 500 => Neo4jErrorKind.Database,
            _ => Neo4jErrorKind.Client,
        };
        var what = kind switch
        {
            Neo4jErrorKind.Authentication => $"Neo4j refused the credentials ({(int)status}): {detail}",
            Neo4jErrorKind.NotFound when code?.Contains("DatabaseNotFound", StringComparison.Ordinal) == true => $"Neo4j has no database '{Database}': {detail}",
            Neo4jErrorKind.NotFound => $"Neo4j answered 404 for {_queryUri.AbsolutePath}: {detail}",
            Neo4jErrorKind.Unavailable => $"Neo4j is unavailable ({(int)status}): {detail}",
            _ => $"Neo4j refused the request: {detail}",
        };
        return new Neo4jException(kind, what, code, status);

        static bool Names(string? code, string message, string name) =>
            code?.Contains(name, StringComparison.Ordinal) == true || message.Contains(name, StringComparison.Ordinal);
    }

    private async Task<QueryResult> RetryAsync(QueryAccess access, Func<Task<QueryResult>> send, CancellationToken cancellationToken)
    {
        long? firstFailure = null;
        for (var retry = 1; ; retry++)
        {
            try
            {
                return await send();
            }
            catch (Neo4jException ex) when (MayRepeat(ex, access) && !cancellationToken.IsCancellationRequested)
            {
                firstFailure ??= _time.GetTimestamp();
                var elapsed = _time.GetElapsedTime(firstFailure.Value);
                if (elapsed >= Policy.MaxRetryTime)
                {
                    throw;
                }

                var wait = Policy.Backoff(retry);
                LogRetry(_logger, ex.Code ?? ex.Kind.ToString(), retry, elapsed.TotalSeconds, wait.TotalMilliseconds);
                await _delay(wait, cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "Neo4j request failed ({Reason}); retry {Retry} after {ElapsedSeconds:0.0} s of failures, in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, string reason, int retry, double elapsedSeconds, double delayMs);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Neo4j refused request bodies as {Refused} (415); sending {Next} from now on")]
    private static partial void LogMediaTypeRefused(ILogger logger, string refused, string next);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Neo4j refused optional request fields ({Fields}): {Detail}; sending fewer")]
    private static partial void LogFieldRefused(ILogger logger, string fields, string detail);
}
