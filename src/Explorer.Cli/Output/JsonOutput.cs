using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Explorer.Cli.Output;

/// <summary>The <c>--json</c> output: web defaults (camelCase), enums as strings, like the HTTP API.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },

        // Quotes keep their typographic characters (’ “ ”) instead of \u escapes; stdout is not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write<T>(TextWriter writer, T value)
    {
        writer.WriteLine(JsonSerializer.Serialize(value, Options));
        writer.Flush();
    }
}
