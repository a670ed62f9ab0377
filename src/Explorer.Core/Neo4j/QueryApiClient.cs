using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Explorer.Neo4j;

/// <summary>How long to wait and how often to try again.</summary>
internal sealed record QueryApiPolicy(
    TimeSpan RequestTimeout,
    int MaxAttempts,
    TimeSpan InitialBackoff,
    TimeSpan MaxBackoff,
    int ServerTimeoutSeconds)
{
    public static QueryApiPolicy From(Neo4jOptions options) => new(
        TimeSpan.FromSeconds(options.QueryTimeoutSeconds + 5),
        options.MaxAttempts,
        TimeSpan.FromMilliseconds(100),
        TimeSpan.FromSeconds(3),
        options.QueryTimeoutSeconds);

    /// <summary>Exponential backoff with ±20% jitter, capped: 100 ms, 200 ms, 400 ms ... at most <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var raw = InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(raw, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}

/// <summary>
/// A small typed client for Neo4j's HTTP Query API (<c>POST /db/{db}/query/v2</c> and explicit transactions
/// under <c>/db/{db}/query/v2/tx</c>). Bodies are typed JSON (<c>application/vnd.neo4j.query</c>) both ways so
/// 64-bit integers survive. Client and transient errors both arrive as 400: only <c>Neo.TransientError.*</c>,
/// 503 and connection failures are retried, with exponential backoff and a bound on attempts. Reads send
/// <c>accessMode: READ</c> and <c>maxExecutionTime</c> when the server accepts them (see <see cref="ProbeAsync"/>).
/// </summary>
internal sealed partial class QueryApiClient
{
    public const string TypedJson = "application/vnd.neo4j.query";
    public const string AffinityHeader = "neo4j-cluster-affinity";

    private readonly HttpClient _http;
    private readonly Uri _queryUri;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly ILogger _logger;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Lock _bookmarkLock = new();
    private IReadOnlyList<string> _bookmarks = [];

    public QueryApiClient(HttpClient http, Uri serverUri, string database, AuthenticationHeaderValue? authorization, QueryApiPolicy policy, ILogger? logger = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _http = http;
        ServerUri = new Uri(serverUri.AbsoluteUri.TrimEnd('/') + "/");
        Database = database;
        _queryUri = new Uri(ServerUri, $"db/{Uri.EscapeDataString(database)}/query/v2");
        _authorization = authorization;
        Policy = policy;
        _logger = logger ?? NullLogger.Instance;
        _delay = delay ?? Task.Delay;
    }

    public Uri ServerUri { get; }

    public string Database { get; }

    public QueryApiPolicy Policy { get; }

    /// <summary>Reads send accessMode: READ (older servers may not accept the field; the probe decides).</summary>
    public bool SendAccessMode { get; set; } = true;

    /// <summary>Reads send maxExecutionTime (seconds) so a runaway read is stopped by the server too.</summary>
    public bool SendMaxExecutionTime { get; set; } = true;

    public static AuthenticationHeaderValue? Authorization(Neo4jOptions options) =>
        !string.IsNullOrEmpty(options.Token) ? new AuthenticationHeaderValue("Bearer", options.Token)
        : !string.IsNullOrEmpty(options.User) ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{options.Password}")))
        : null;

    /// <summary>Runs one statement in its own (implicit) transaction, retrying transient failures.</summary>
    public Task<QueryResult> RunAsync(string statement, IReadOnlyDictionary<string, object?>? parameters = null, bool read = false, CancellationToken cancellationToken = default) =>
        RetryAsync(() => SendAsync(HttpMethod.Post, _queryUri, Body(statement, parameters, read, includeBookmarks: read), null, cancellationToken), remember: !read, cancellationToken);

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
                await RunAsync("RETURN 1 AS ok", null, read: true, cancellationToken);
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

    /// <summary>Opens an explicit transaction (for writes).</summary>
    public async Task<QueryTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var (_, affinity, root) = await RetryWithHeadersAsync(() => SendRawAsync(HttpMethod.Post, new Uri(_queryUri + "/tx"), "{}", null, cancellationToken), cancellationToken);
        if (!root.TryGetProperty("transaction", out var transaction) || !transaction.TryGetProperty("id", out var id) || id.GetString() is not { Length: > 0 } txId)
        {
            throw new Neo4jException(Neo4jErrorKind.Protocol, "the Query API did not return a transaction id");
        }

        return new QueryTransaction(this, new Uri($"{_queryUri}/tx/{Uri.EscapeDataString(txId)}"), affinity);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in an explicit transaction; rolls back when it throws or returns without
    /// committing. A transient failure before the commit was sent retries the whole unit (the server already
    /// rolled the transaction back); a failure during the commit is not retried, since it may have committed.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<QueryTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var transaction = await BeginAsync(cancellationToken);
            try
            {
                var result = await work(transaction, cancellationToken);
                if (transaction.State == TransactionState.Open)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                }

                return result;
            }
            catch (Neo4jException ex) when (ex.IsRetryable && !transaction.CommitSent && attempt < Policy.MaxAttempts)
            {
                await transaction.RollbackQuietlyAsync();
                var wait = Policy.Backoff(attempt);
                LogRetry(_logger, attempt, Policy.MaxAttempts, ex.Code ?? ex.Kind.ToString(), wait.TotalMilliseconds);
                await _delay(wait, cancellationToken);
            }
            catch
            {
                await transaction.RollbackQuietlyAsync();
                throw;
            }
        }
    }

    internal void RememberBookmarks(IReadOnlyList<string> bookmarks)
    {
        if (bookmarks.Count > 0)
        {
            lock (_bookmarkLock)
            {
                _bookmarks = bookmarks;
            }
        }
    }

    internal string Body(string statement, IReadOnlyDictionary<string, object?>? parameters, bool read, bool includeBookmarks)
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

            if (read && SendAccessMode)
            {
                writer.WriteString("accessMode", "READ");
            }

            if (read && SendMaxExecutionTime)
            {
                writer.WriteNumber("maxExecutionTime", Policy.ServerTimeoutSeconds);
            }

            IReadOnlyList<string> bookmarks;
            lock (_bookmarkLock)
            {
                bookmarks = _bookmarks;
            }

            if (includeBookmarks && bookmarks.Count > 0)
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

    internal async Task<QueryResult> SendAsync(HttpMethod method, Uri uri, string? body, string? affinity, CancellationToken cancellationToken) =>
        (await SendRawAsync(method, uri, body, affinity, cancellationToken)).Result;

    /// <summary>One request, no retry: the result, the cluster affinity header and the parsed body; failures as <see cref="Neo4jException"/>.</summary>
    internal async Task<(QueryResult Result, string? Affinity, JsonElement Root)> SendRawAsync(HttpMethod method, Uri uri, string? body, string? affinity, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(TypedJson));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.5));
        request.Headers.Authorization = _authorization;
        if (affinity is not null)
        {
            request.Headers.TryAddWithoutValidation(AffinityHeader, affinity);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(TypedJson);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Policy.RequestTimeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, timeout.Token);
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new Neo4jException(Neo4jErrorKind.Timeout, $"Neo4j did not answer within {Policy.RequestTimeout.TotalSeconds:0} s ({method} {uri.AbsolutePath})", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new Neo4jException(Neo4jErrorKind.Unavailable, $"Neo4j is unreachable at {ServerUri}: {ex.Message}", inner: ex);
        }

        using (response)
        {
            JsonElement root = default;
            var parsed = false;
            if (text.Length > 0)
            {
                try
                {
                    root = JsonDocument.Parse(text).RootElement.Clone();
                    parsed = true;
                }
                catch (JsonException)
                {
                    // Not JSON (a proxy's or Jetty's error page): judged by the status below.
                }
            }

            var errors = parsed ? QueryValues.ReadErrors(root) : [];
            var status = response.StatusCode;
            if (status is HttpStatusCode.OK or HttpStatusCode.Accepted && errors.Count == 0)
            {
                if (!parsed && text.Length > 0)
                {
                    throw new Neo4jException(Neo4jErrorKind.Protocol, $"the Query API answered {(int)status} with a body that is not JSON", status: status);
                }

                var result = parsed ? QueryValues.ReadResult(root) : QueryResult.Empty;
                var affinityValue = response.Headers.TryGetValues(AffinityHeader, out var values) ? values.FirstOrDefault() : null;
                return (result, affinityValue, parsed ? root : JsonDocument.Parse("{}").RootElement.Clone());
            }

            throw Failure(status, errors, method, uri);
        }
    }

    private Neo4jException Failure(HttpStatusCode status, IReadOnlyList<(string? Code, string Message)> errors, HttpMethod method, Uri uri)
    {
        var (code, message) = errors.Count > 0 ? errors[0] : (null, "");
        var detail = errors.Count > 0 ? $"{code}: {message}" : $"HTTP {(int)status} {status}";
        var kind = status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Neo4jErrorKind.Authentication,
            HttpStatusCode.NotFound => Neo4jErrorKind.NotFound,
            HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout => Neo4jErrorKind.Unavailable,
            HttpStatusCode.RequestTimeout => Neo4jErrorKind.Timeout,
            _ when code?.StartsWith("Neo.TransientError.", StringComparison.Ordinal) == true => Neo4jErrorKind.Transient,
            _ when code?.StartsWith("Neo.DatabaseError.", StringComparison.Ordinal) == true => Neo4jErrorKind.Database,
            _ when code?.StartsWith("Neo.ClientError.Security.", StringComparison.Ordinal) == true => Neo4jErrorKind.Authentication,
            _ when (int)status >= 500 => Neo4jErrorKind.Database,
            _ => Neo4jErrorKind.Client,
        };
        var what = kind switch
        {
            Neo4jErrorKind.Authentication => $"Neo4j refused the credentials ({(int)status}): {detail}",
            Neo4jErrorKind.NotFound when code?.Contains("DatabaseNotFound", StringComparison.Ordinal) == true => $"Neo4j has no database '{Database}': {detail}",
            Neo4jErrorKind.NotFound => $"Neo4j answered 404 for {method} {uri.AbsolutePath}: {detail}",
            Neo4jErrorKind.Unavailable => $"Neo4j is unavailable ({(int)status}): {detail}",
            _ => $"Neo4j refused the request: {detail}",
        };
        return new Neo4jException(kind, what, code, status);
    }

    private async Task<QueryResult> RetryAsync(Func<Task<QueryResult>> send, bool remember, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await send();
                if (remember)
                {
                    RememberBookmarks(result.Bookmarks);
                }

                return result;
            }
            catch (Neo4jException ex) when (ex.IsRetryable && attempt < Policy.MaxAttempts)
            {
                var wait = Policy.Backoff(attempt);
                LogRetry(_logger, attempt, Policy.MaxAttempts, ex.Code ?? ex.Kind.ToString(), wait.TotalMilliseconds);
                await _delay(wait, cancellationToken);
            }
        }
    }

    private async Task<(QueryResult, string?, JsonElement)> RetryWithHeadersAsync(Func<Task<(QueryResult, string?, JsonElement)>> send, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await send();
            }
            catch (Neo4jException ex) when (ex.IsRetryable && attempt < Policy.MaxAttempts)
            {
                var wait = Policy.Backoff(attempt);
                LogRetry(_logger, attempt, Policy.MaxAttempts, ex.Code ?? ex.Kind.ToString(), wait.TotalMilliseconds);
                await _delay(wait, cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Neo4j request failed transiently ({Reason}); attempt {Attempt} of {MaxAttempts}, retrying in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, int maxAttempts, string reason, double delayMs);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Neo4j refused optional request fields ({Fields}): {Detail}; sending fewer")]
    private static partial void LogFieldRefused(ILogger logger, string fields, string detail);
}

internal enum TransactionState
{
    Open,
    Committed,
    RolledBack,
}

/// <summary>An explicit transaction: run statements, then commit (optionally with a last statement) or roll back.</summary>
internal sealed class QueryTransaction(QueryApiClient client, Uri uri, string? affinity)
{
    public TransactionState State { get; private set; }

    /// <summary>The commit request went out: a failure now may or may not have committed.</summary>
    public bool CommitSent { get; private set; }

    public Task<QueryResult> RunAsync(string statement, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        return Guard(client.SendAsync(HttpMethod.Post, uri, client.Body(statement, parameters, read: false, includeBookmarks: false), affinity, cancellationToken));
    }

    /// <summary>Commits; a statement given here runs first, in the same request.</summary>
    public async Task<QueryResult> CommitAsync(string? statement = null, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        CommitSent = true;
        var body = statement is null ? "{}" : client.Body(statement, parameters, read: false, includeBookmarks: false);
        var result = await Guard(client.SendAsync(HttpMethod.Post, new Uri(uri + "/commit"), body, affinity, cancellationToken));
        State = TransactionState.Committed;
        client.RememberBookmarks(result.Bookmarks);
        return result;
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        if (State != TransactionState.Open)
        {
            return;
        }

        State = TransactionState.RolledBack;
        await client.SendAsync(HttpMethod.Delete, uri, null, affinity, cancellationToken);
    }

    /// <summary>Best effort: the server rolls back on its own after an error or when the transaction expires.</summary>
    public async Task RollbackQuietlyAsync()
    {
        try
        {
            await RollbackAsync(CancellationToken.None);
        }
        catch (Neo4jException)
        {
            // Already gone (an error closes the transaction on the server).
        }
    }

    private async Task<QueryResult> Guard(Task<QueryResult> request)
    {
        try
        {
            return await request;
        }
        catch (Neo4jException)
        {
            // Any error closes the transaction on the server.
            State = TransactionState.RolledBack;
            throw;
        }
    }

    private void EnsureOpen()
    {
        if (State != TransactionState.Open)
        {
            throw new InvalidOperationException($"the transaction is {State.ToString().ToLowerInvariant()}");
        }
    }
}
