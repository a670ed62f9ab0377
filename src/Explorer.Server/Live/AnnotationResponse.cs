using Explorer.Annotations;

namespace Explorer.Server.Live;

/// <summary>
/// An annotation on the wire: the body of the annotation endpoints and the payload of annotation change
/// events (so <c>Live/</c> owns it; features publish into Live, never the other way). Enums are lower-case words: targetKind "edge"|"node",
/// confidence "low"|"medium"|"high", status "proposed"|"confirmed"|"disputed". Text is plain text, returned
/// exactly as written: clients render it as text, never as HTML.
/// </summary>
public sealed record AnnotationResponse(
    string Id,
    string TargetKind,
    string TargetId,
    string Text,
    IReadOnlyList<string> Tags,
    string Confidence,
    string? Citation,
    string Status,
    string Author,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    bool Deleted)
{
    public static AnnotationResponse From(Annotation a) => new(
        a.Id,
        Wire.Name(a.TargetKind),
        a.TargetId,
        a.Text,
        a.Tags,
        Wire.Name(a.Confidence),
        a.Citation,
        Wire.Name(a.Status),
        a.Author,
        a.CreatedAt,
        a.UpdatedAt,
        a.Version,
        a.Deleted);
}

/// <summary>Lower-case wire names of the annotation enums, both ways.</summary>
internal static class Wire
{
    public static string Name(AnnotationTargetKind kind) => kind switch
    {
        AnnotationTargetKind.Edge => "edge",
        _ => "node",
    };

    public static string Name(Confidence confidence) => confidence switch
    {
        Confidence.Low => "low",
        Confidence.Medium => "medium",
        _ => "high",
    };

    public static string Name(AnnotationStatus status) => status switch
    {
        AnnotationStatus.Proposed => "proposed",
        AnnotationStatus.Confirmed => "confirmed",
        _ => "disputed",
    };

    public static string Name(AnnotationAction action) => action switch
    {
        AnnotationAction.Created => "created",
        AnnotationAction.Updated => "updated",
        _ => "deleted",
    };

    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string Choices<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]));
}
