using Explorer.Annotations;
using Explorer.Server.Live;

namespace Explorer.Server.Annotations;

/// <summary>
/// Checks annotation bodies and turns them into store records, collecting every problem by field. Text is
/// kept exactly as sent (newlines, markup, quotes and all); what is refused is what no plain text needs:
/// C0 control characters other than tab, line feed and carriage return, and broken UTF-16.
/// </summary>
internal static class AnnotationInput
{
    public static NewAnnotation? ForCreate(AnnotationRequest request, AnnotationTargetKind kind, string targetId, string author, Dictionary<string, string[]> errors)
    {
        var text = Text(request.Text, required: true, errors);
        var tags = Tags(request.Tags, errors);
        var confidence = Choice(request.Confidence, Confidence.Medium, "confidence", errors);
        var status = Choice(request.Status, AnnotationStatus.Proposed, "status", errors);
        var citation = Citation(request.Citation, errors);
        return errors.Count > 0 ? null : new NewAnnotation(kind, targetId, text!, tags ?? [], confidence, citation.Value, status, author);
    }

    /// <summary>The edit a PUT asks for: fields left out keep <paramref name="current"/>'s values.</summary>
    public static AnnotationEdit? ForEdit(AnnotationRequest request, Annotation current, Dictionary<string, string[]> errors)
    {
        var text = Text(request.Text, required: false, errors);
        var tags = Tags(request.Tags, errors);
        var confidence = Choice(request.Confidence, current.Confidence, "confidence", errors);
        var status = Choice(request.Status, current.Status, "status", errors);
        var citation = Citation(request.Citation, errors);
        return errors.Count > 0
            ? null
            : new AnnotationEdit(text ?? current.Text, tags ?? current.Tags, confidence, citation.Given ? citation.Value : current.Citation, status);
    }

    private static string? Text(string? text, bool required, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            if (required)
            {
                errors["text"] = ["a text is required"];
            }

            return null;
        }

        var problem = string.IsNullOrWhiteSpace(text) ? "must not be empty"
            : TextProblem(text, allowLineBreaks: true)
            ?? (Length(text) > AnnotationLimits.MaxTextLength ? $"at most {AnnotationLimits.MaxTextLength} characters (this one has {Length(text)})" : null);
        if (problem is not null)
        {
            errors["text"] = [problem];
        }

        return text;
    }

    private static List<string>? Tags(IReadOnlyList<string>? tags, Dictionary<string, string[]> errors)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count > AnnotationLimits.MaxTags)
        {
            errors["tags"] = [$"at most {AnnotationLimits.MaxTags} tags"];
            return null;
        }

        var result = new List<string>();
        var problems = new List<string>();
        foreach (var raw in tags)
        {
            var tag = raw?.Trim();
            var problem = string.IsNullOrEmpty(tag) ? "a tag must not be empty"
                : TextProblem(tag, allowLineBreaks: false)
                ?? (Length(tag) > AnnotationLimits.MaxTagLength ? $"a tag has at most {AnnotationLimits.MaxTagLength} characters" : null);
            if (problem is not null)
            {
                problems.Add(problem);
            }
            else if (!result.Contains(tag!, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(tag!);
            }
        }

        if (problems.Count > 0)
        {
            errors["tags"] = [.. problems.Distinct()];
        }

        return result;
    }

    /// <summary>Given says the field was sent; "" (or blanks) means "no citation".</summary>
    private static (bool Given, string? Value) Citation(string? citation, Dictionary<string, string[]> errors)
    {
        if (citation is null)
        {
            return (false, null);
        }

        var trimmed = citation.Trim();
        var problem = TextProblem(trimmed, allowLineBreaks: false)
            ?? (Length(trimmed) > AnnotationLimits.MaxCitationLength ? $"at most {AnnotationLimits.MaxCitationLength} characters" : null);
        if (problem is not null)
        {
            errors["citation"] = [problem];
        }

        return (true, trimmed.Length == 0 ? null : trimmed);
    }

    private static T Choice<T>(string? value, T fallback, string field, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (value is null)
        {
            return fallback;
        }

        if (Wire.TryParse<T>(value, out var parsed))
        {
            return parsed;
        }

        errors[field] = [$"one of {Wire.Choices<T>()}"];
        return fallback;
    }

    /// <summary>Characters as a person counts them: Unicode scalar values (an emoji is one).</summary>
    private static int Length(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>Null when fine; otherwise names the first offending character.</summary>
    internal static string? TextProblem(string text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return $"is not valid Unicode text (an unpaired surrogate at position {i})";
            }

            var allowed = allowLineBreaks ? c is '\n' or '\r' or '\t' : c == '\t';
            if (c < 0x20 && !allowed)
            {
                return $"must not contain control characters (U+{(int)c:X4} at position {i}); {(allowLineBreaks ? "tab, line feed and carriage return are allowed" : "line breaks are not allowed here")}";
            }
        }

        return null;
    }
}
