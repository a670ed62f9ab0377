using System.Text.RegularExpressions;
using Explorer.Graph;
using Explorer.Query;
using Explorer.Server.Health;
using Microsoft.AspNetCore.Diagnostics;

namespace Explorer.Server.Infrastructure;

/// <summary>
/// The one exception handler: maps the few domain exceptions to problems and anything else to a generic 500
/// that reveals nothing. Expected failures are results, not exceptions, so the 500 branch should stay cold.
/// </summary>
internal sealed partial class ExplorerExceptionHandler(ILogger<ExplorerExceptionHandler> logger, StorageState storage) : IExceptionHandler
{
    /// <summary>Client closed request (nginx's code): nothing is sent, the status only shows in logs.</summary>
    public const int ClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            httpContext.Response.StatusCode = ClientClosedRequest;
            return true;
        }

        if (exception is BadHttpRequestException && BindingFailure().Match(exception.Message) is { Success: true } binding)
        {
            // "Failed to bind parameter "Nullable<int> limit" from "abc"." becomes a problem naming the parameter
            // as the API spells it ("Limit", a property of an [AsParameters] request, is "limit").
            var value = binding.Groups["value"].Value;
            var shown = value.Length > 100 ? value[..100] + "…" : value;
            var expected = binding.Groups["type"].Value.Contains("int", StringComparison.OrdinalIgnoreCase) || binding.Groups["type"].Value.Contains("long", StringComparison.OrdinalIgnoreCase)
                ? "a whole number"
                : "a valid value";
            await QueryProblem.Invalid(OpenApiSetup.QueryName(binding.Groups["name"].Value), $"'{shown}' is not {expected}").ToHttp().ExecuteAsync(httpContext);
            return true;
        }

        if (exception is BadHttpRequestException { InnerException: System.Text.Json.JsonException json })
        {
            // Malformed JSON or a value of the wrong type: name where, not the .NET type it was bound to.
            var field = JsonField(json.Path);
            var problem = json.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type" : "is not valid JSON";
            await InvalidBody(field, problem).ToHttp().ExecuteAsync(httpContext);
            return true;
        }

        if (exception is BadHttpRequestException missing && missing.Message.Contains("was not provided from body", StringComparison.Ordinal))
        {
            await InvalidBody("body", "a JSON body is required").ToHttp().ExecuteAsync(httpContext);
            return true;
        }

        if (StorageFault.From(exception) is { } fault)
        {
            // Logged once per fault by StorageState, not per request; the store itself is left as it was.
            storage.Failed(fault);
            if (!httpContext.Response.HasStarted)
            {
                await WriteStorageProblemAsync(httpContext, fault);
            }

            return true;
        }

        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } bad => (bad.StatusCode, "Unsupported media type", "Send the body as JSON (Content-Type: application/json)."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } bad => (bad.StatusCode, "Request body too large", bad.Message),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            GraphWriteException write => (StatusCodes.Status409Conflict, "Write refused", write.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error", "An unexpected error occurred. It has been logged."),
        };

        if (status >= 500)
        {
            logger.UnhandledError(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (httpContext.Response.HasStarted)
        {
            return true;
        }

        await httpContext.WriteProblemAsync(status, title, detail);
        return true;
    }

    /// <summary>Seconds a client should wait before retrying a write refused by a transient storage fault.</summary>
    public const int StorageRetryAfterSeconds = 5;

    private static Task WriteStorageProblemAsync(HttpContext context, StorageFault fault)
    {
        if (fault.Kind == StorageFaultKind.Full)
        {
            return context.WriteProblemAsync(
                StatusCodes.Status507InsufficientStorage,
                "Storage is full",
                "The server's storage is full, so nothing was written. Reads still work; writes succeed again once an operator frees space.");
        }

        context.Response.Headers.RetryAfter = StorageRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return context.WriteProblemAsync(
            StatusCodes.Status503ServiceUnavailable,
            "Storage unavailable",
            $"The server's storage failed ({fault.Reason}), so nothing was written. Retry in a few seconds.");
    }

    private static QueryProblem InvalidBody(string field, string message) =>
        QueryProblem.Invalid(field, message) with { Title = "Invalid request body" };

    /// <summary>"$.tags[2]" becomes "tags"; the whole body (or an unknown place) is "body".</summary>
    private static string JsonField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$" || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return "body";
        }

        var field = path[2..];
        var end = field.IndexOfAny(['.', '[']);
        return end > 0 ? field[..end] : field;
    }

    [GeneratedRegex("^Failed to bind parameter \"(?<type>[^\"]*?) ?(?<name>[A-Za-z_][A-Za-z0-9_]*)\" from \"(?<value>.*)\"\\.$", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();
}
