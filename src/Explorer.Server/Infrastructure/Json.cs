using System.Text.Json.Serialization;

namespace Explorer.Server.Infrastructure;

internal static class Json
{
    /// <summary>
    /// Web defaults (camelCase) with enums as their names and strict numbers. Minimal APIs, problem details and the OpenAPI
    /// document all read these options, so the document describes what is sent.
    /// </summary>
    public static IServiceCollection AddExplorerJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());

            // The API reads no bodies; strict numbers keep the document's schemas "integer", not "integer | string".
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
}
