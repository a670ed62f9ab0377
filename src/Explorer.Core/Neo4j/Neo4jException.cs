using System.Net;

namespace Explorer.Neo4j;

/// <summary>What went wrong talking to Neo4j; decides whether a request is retried.</summary>
public enum Neo4jErrorKind
{
    /// <summary>The statement or request is wrong (Neo.ClientError.*): never retried.</summary>
    Client,

    /// <summary>Neo.TransientError.* (deadlock, leader switch ...) except the two the drivers treat as client errors: retried with backoff.</summary>
    Transient,

    /// <summary>Neo.DatabaseError.* or an unexpected 5xx.</summary>
    Database,

    /// <summary>401/403: bad credentials or not allowed.</summary>
    Authentication,

    /// <summary>404: the database does not exist, or the Query API is not enabled.</summary>
    NotFound,

    /// <summary>The server cannot be reached, answered 502/503/504, or reported ServiceUnavailable/SessionExpired.</summary>
    Unavailable,

    /// <summary>No answer within the request timeout.</summary>
    Timeout,

    /// <summary>An answer that is not what the Query API sends.</summary>
    Protocol,
}

/// <summary>A failed Query API request. <see cref="Code"/> is Neo4j's status code (e.g. Neo.ClientError.Statement.SyntaxError) when it sent one.</summary>
public sealed class Neo4jException(Neo4jErrorKind kind, string message, string? code = null, HttpStatusCode? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public Neo4jErrorKind Kind { get; } = kind;

    public string? Code { get; } = code;

    public HttpStatusCode? Status { get; } = status;

    /// <summary>The request surely never reached the server (no connection could be made), so nothing ran.</summary>
    public bool NotSent { get; init; }
}
