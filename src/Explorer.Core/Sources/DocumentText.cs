using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Explorer.Graph;
using Explorer.Search;

namespace Explorer.Sources;

/// <summary>The formats a source document may arrive in; each is kept as plain text (what quotes are taken from).</summary>
public enum DocumentFormat
{
    Text,
    Markdown,
    Html,
}

/// <summary>A new source document as someone supplies it (a request, a file on the command line).</summary>
public sealed record SourceInput(string? Id, string? Title, string? Kind, string? Description, string? Url, string Content, DocumentFormat Format);

/// <summary>
/// Turns an uploaded document into the plain text Explorer keeps and quotes from: Markdown through Markdig's
/// plain-text renderer, HTML through AngleSharp's HTML5 parser (never a regex): script, style and other
/// non-text elements dropped, block elements on lines of their own, whitespace collapsed as a browser would.
/// Line endings become \n. Also the rules every source obeys (<see cref="ToSource"/>).
/// </summary>
public static class DocumentText
{
    /// <summary>The largest document text, in UTF-8 bytes (5 MB).</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    public const int MaxTitleLength = 300;
    public const int MaxKindLength = 50;
    public const int MaxUrlLength = 2000;
    public const string DefaultKind = "document";

    private static readonly HashSet<string> s_skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "canvas",
    };

    private static readonly HashSet<string> s_blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tbody", "thead", "tfoot", "tr", "ul", "caption", "details", "summary", "body",
    };

    /// <summary>The format a file name (by extension) or a media type names; null when neither is a supported one.</summary>
    public static DocumentFormat? FormatOf(string? fileName, string? mediaType)
    {
        var extension = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        var byName = extension switch
        {
            ".txt" or ".text" => DocumentFormat.Text,
            ".md" or ".markdown" => DocumentFormat.Markdown,
            ".html" or ".htm" => DocumentFormat.Html,
            _ => (DocumentFormat?)null,
        };
        if (byName is not null || !string.IsNullOrEmpty(extension))
        {
            return byName;
        }

        return (mediaType ?? "").Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "text/plain" => DocumentFormat.Text,
            "text/markdown" or "text/x-markdown" => DocumentFormat.Markdown,
            "text/html" or "application/xhtml+xml" => DocumentFormat.Html,
            _ => null,
        };
    }

    /// <summary>Parses a format name as requests give it ("text", "markdown", "html"; case ignored).</summary>
    public static DocumentFormat? ParseFormat(string? name) => (name ?? "text").Trim().ToLowerInvariant() switch
    {
        "text" or "txt" or "plain" => DocumentFormat.Text,
        "markdown" or "md" => DocumentFormat.Markdown,
        "html" or "htm" => DocumentFormat.Html,
        _ => null,
    };

    /// <summary>The plain text of a document in <paramref name="format"/>.</summary>
    public static string ToText(string content, DocumentFormat format)
    {
        var text = format switch
        {
            DocumentFormat.Markdown => Markdig.Markdown.ToPlainText(content),
            DocumentFormat.Html => HtmlText(content, out _),
            _ => content,
        };
        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim('\uFEFF').Trim();
    }

    /// <summary>The title an HTML document gives itself (its &lt;title&gt;, else its first &lt;h1&gt;), if any.</summary>
    public static string? HtmlTitle(string html)
    {
        _ = HtmlText(html, out var title);
        return title;
    }

    /// <summary>
    /// The source <paramref name="input"/> describes, or null with every problem added to
    /// <paramref name="errors"/> by field. A missing id is made from the title (<see cref="Slug"/>).
    /// </summary>
    public static SourceDocument? ToSource(SourceInput input, RecordErrors errors)
    {
        var text = ToText(input.Content, input.Format);
        var title = string.IsNullOrWhiteSpace(input.Title) && input.Format == DocumentFormat.Html ? HtmlTitle(input.Content) : input.Title?.Trim();
        if (string.IsNullOrWhiteSpace(title))
        {
            errors.Add("title", "a title is required");
        }
        else if (title.Length > MaxTitleLength)
        {
            errors.Add("title", $"at most {MaxTitleLength} characters");
        }

        var id = string.IsNullOrWhiteSpace(input.Id) ? Slug(title ?? "") : input.Id.Trim();
        if (!RecordRules.IsValidId(id))
        {
            errors.Add("id", $"'{RecordRules.Clip(id)}' is not a URL-safe id (lowercase letters, digits and single dashes)");
        }

        var kind = string.IsNullOrWhiteSpace(input.Kind) ? DefaultKind : input.Kind.Trim();
        if (kind.Length > MaxKindLength)
        {
            errors.Add("kind", $"at most {MaxKindLength} characters");
        }

        if (input.Description is { Length: > RecordLimits.MaxDescriptionLength })
        {
            errors.Add("description", $"at most {RecordLimits.MaxDescriptionLength} characters");
        }

        var url = string.IsNullOrWhiteSpace(input.Url) ? null : input.Url.Trim();
        if (url is not null && (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")))
        {
            errors.Add("url", $"an absolute http or https URL of at most {MaxUrlLength} characters");
        }

        if (text.Length == 0)
        {
            errors.Add("text", "the document has no text");
        }
        else if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            errors.Add("text", $"at most {MaxBytes / (1024 * 1024)} MB of text");
        }
        else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\t')))
        {
            errors.Add("text", "control characters are not text (is this a binary file?)");
        }

        return errors.Any ? null : new SourceDocument(id, title!, kind, input.Description?.Trim() ?? "", text) { Url = url };
    }

    /// <summary>An id from a title: lowercase ASCII letters and digits in dash-separated runs, at most 80 characters ("doc" when nothing is left).</summary>
    public static string Slug(string title)
    {
        var builder = new StringBuilder();
        foreach (var c in TextNormalizer.Normalize(title))
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }

            if (builder.Length >= 80)
            {
                break;
            }
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "doc" : slug;
    }

    private static string HtmlText(string html, out string? title)
    {
        var document = new HtmlParser().ParseDocument(html);
        title = document.Title is { Length: > 0 } t ? Collapse(t).Trim() : document.QuerySelector("h1")?.TextContent is { } h1 ? Collapse(h1).Trim() : null;
        var builder = new StringBuilder();
        if (document.Body is { } body)
        {
            Walk(body, builder);
        }

        // Each line trimmed; runs of blank lines become one.
        var lines = builder.ToString().Split('\n').Select(l => l.Trim());
        var result = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (result.Length > 0)
            {
                result.Append(blank > 0 ? "\n\n" : "\n");
            }

            result.Append(line);
            blank = 0;
        }

        return result.ToString();
    }

    private static void Walk(INode node, StringBuilder builder)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    builder.Append(child.ParentElement?.LocalName is "pre" ? text.Data : Collapse(text.Data));
                    break;
                case IElement element when s_skipped.Contains(element.LocalName):
                    break;
                case IElement { LocalName: "br" }:
                    builder.Append('\n');
                    break;
                case IElement element when s_blocks.Contains(element.LocalName):
                    builder.Append("\n\n");
                    Walk(element, builder);
                    builder.Append("\n\n");
                    break;
                case IElement { LocalName: "td" or "th" } cell:
                    Walk(cell, builder);
                    builder.Append('\t');
                    break;
                case IElement element:
                    Walk(element, builder);
                    break;
            }
        }
    }

    private static string Collapse(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!space)
                {
                    builder.Append(' ');
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }
}
