using System.Text.Json;
using Microsoft.OpenApi;

namespace Explorer.Server.Infrastructure;

internal static class OpenApiSetup
{
    /// <summary>
    /// The OpenAPI document at /openapi/v1.json. Query parameters are named as the API spells them, in camelCase
    /// like its JSON: request records bound with [AsParameters] have PascalCase properties (PathRequest.MaxHops),
    /// and query binding ignores case, so "maxHops" is what the document shows and what clients send.
    /// </summary>
    public static IServiceCollection AddExplorerOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Explorer API";
                document.Info.Description = "How nations, organizations, missions, regions and themes connect. Every edge carries evidence: " +
                    "verbatim quotes from a source document. Every error is RFC 9457 problem+json.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, _, _) =>
            {
                foreach (var parameter in operation.Parameters ?? [])
                {
                    if (parameter is OpenApiParameter { In: ParameterLocation.Query, Name: { } name } query)
                    {
                        query.Name = QueryName(name);
                    }
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>A query parameter's name as the API spells it: maxHops, not MaxHops.</summary>
    public static string QueryName(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
