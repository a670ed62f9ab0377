using System.Text.Json;

namespace Explorer.Import;

/// <summary>
/// Reads the graph-seed layout: a JSON array of records per file (<c>sources.json</c>, <c>nodes.json</c>,
/// <c>edges.json</c>, told apart by name), each record with the line and column where it starts, and its
/// fields' positions for errors.
/// </summary>
internal static class GraphSeedRecords
{
    /// <summary>What a graph-seed file holds, by its name (null: not a graph-seed file).</summary>
    public static RecordKind? KindOf(string name)
    {
        var lower = name.ToLowerInvariant();
        return lower.Contains("sources", StringComparison.Ordinal) ? RecordKind.Source
            : lower.Contains("nodes", StringComparison.Ordinal) ? RecordKind.Node
            : lower.Contains("edges", StringComparison.Ordinal) ? RecordKind.Edge
            : null;
    }

    public static IEnumerable<ImportItem> Read(string file, RecordKind kind, TextReader text)
    {
        byte[] bytes;
        try
        {
            bytes = System.Text.Encoding.UTF8.GetBytes(text.ReadToEnd());
        }
        catch (System.Text.DecoderFallbackException)
        {
            return [ImportItem.Failed(file, new Position(1, 1), "not UTF-8 text (save the file as UTF-8)", fatal: true)];
        }

        var lines = new LineTable(bytes);
        var items = new List<ImportItem>();
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return [ImportItem.Failed(file, new Position(1, 1), "expected a JSON array of records", fatal: true)];
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var offset = start + reader.TokenStartIndex;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    items.Add(ImportItem.Failed(file, lines.At(offset), "expected an object"));
                    reader.Skip();
                    continue;
                }

                reader.Skip();
                var slice = bytes.AsMemory((int)offset, (int)(start + reader.BytesConsumed - offset));
                using var document = JsonDocument.Parse(slice);
                Position? Locate(string field) => JsonRecords.Offset(slice.Span, field) is { } at ? lines.At(offset + at) : null;
                items.Add(JsonRecords.Record(file, lines.At(offset), kind, document.RootElement, Locate));
            }
        }
        catch (JsonException ex)
        {
            items.Add(ImportItem.Failed(file, new Position((ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1), $"invalid JSON: {JsonRecords.FirstSentence(ex.Message)}", fatal: true));
        }

        return items;
    }
}

/// <summary>Line and column of a byte offset (columns in characters).</summary>
internal sealed class LineTable(byte[] bytes)
{
    private readonly List<int> _starts = Starts(bytes);

    public Position At(long offset)
    {
        var line = _starts.BinarySearch((int)offset);
        line = line >= 0 ? line : ~line - 1;
        var column = System.Text.Encoding.UTF8.GetCharCount(bytes, _starts[line], (int)offset - _starts[line]) + 1;
        return new Position(line + 1, column);
    }

    private static List<int> Starts(byte[] bytes)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }
}
