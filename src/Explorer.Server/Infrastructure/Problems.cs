using Explorer.Query;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Explorer.Server.Infrastructure;

/// <summary>RFC 9457 problem+json for every error: query problems, binding failures, unknown routes, exceptions.</summary>
internal static class Problems
{
    public static IServiceCollection AddExplorerProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Type ??= TypeOf(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
        });
        services.AddExceptionHandler<ExplorerExceptionHandler>();

        // Binding failures (limit=abc, depth=1.5) throw BadHttpRequestException naming the parameter, in every
        // environment, so the exception handler answers them with a 400 problem instead of a bare 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// The specification defining a status, for the statuses ASP.NET Core leaves without a <c>type</c>
    /// (it fills in 400-409, 412, 415, 422, 426 and 5xx); anything else is "about:blank" (RFC 9457 4.2.1).
    /// </summary>
    public static string TypeOf(int status) => status switch
    {
        StatusCodes.Status410Gone => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11",
        StatusCodes.Status413PayloadTooLarge => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        StatusCodes.Status414UriTooLong => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.15",
        StatusCodes.Status428PreconditionRequired => "https://www.rfc-editor.org/rfc/rfc6585#section-3",
        StatusCodes.Status429TooManyRequests => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "https://www.rfc-editor.org/rfc/rfc6585#section-5",
        StatusCodes.Status507InsufficientStorage => "https://www.rfc-editor.org/rfc/rfc4918#section-11.5",
        _ => "about:blank",
    };

    /// <summary>A query engine problem as problem+json; its extensions (candidates, suggestions, errors, field) become top-level members.</summary>
    public static ProblemHttpResult ToHttp(this QueryProblem problem) =>
        TypedResults.Problem(problem.Detail, statusCode: problem.Status, title: problem.Title, extensions: problem.Extensions);

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    /// <summary>Declares the problem responses an endpoint can give, so the OpenAPI document is truthful.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    /// <summary>Writes a problem outside an endpoint (middleware).</summary>
    public static Task WriteProblemAsync(this HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
