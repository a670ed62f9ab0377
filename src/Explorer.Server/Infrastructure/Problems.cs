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
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path);
        services.AddExceptionHandler<ExplorerExceptionHandler>();

        // Binding failures (limit=abc, depth=1.5) throw BadHttpRequestException naming the parameter, in every
        // environment, so the exception handler answers them with a 400 problem instead of a bare 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

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
