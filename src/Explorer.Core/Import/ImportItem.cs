using Explorer.Graph;

namespace Explorer.Import;

internal enum RecordKind
{
    Source,
    Node,
    Edge,
    RemoveNode,
    RemoveEdge,
}

/// <summary>A source document as a graph-seed <c>sources.json</c> gives it: its text inline, or in a file next to it.</summary>
internal sealed record SourceRecord(string? Id, string? Title, string? Kind, string? Description, string? Text, string? File);

/// <summary>Where a record or one of its fields is: 1-based line and column.</summary>
internal readonly record struct Position(long Line, int Column);

/// <summary>
/// One record as a reader found it, with where it is (and where each of its fields is, for errors), or the
/// problem that kept it from being read. <see cref="Fatal"/>: the rest of the input cannot be read.
/// </summary>
internal sealed class ImportItem
{
    public required string File { get; init; }

    public required Position At { get; init; }

    public RecordKind Kind { get; init; }

    public NodeRecord? Node { get; init; }

    public EdgeRecord? Edge { get; init; }

    public SourceRecord? Source { get; init; }

    /// <summary>The id a removal names.</summary>
    public string? Id { get; init; }

    /// <summary>Where a field named as the record rules name it ("kind", "evidence[0].quote") is; null: at the record.</summary>
    public Func<string, Position?>? Locate { get; init; }

    public string? Error { get; init; }

    /// <summary>Where <see cref="Error"/> is, when not at the record.</summary>
    public Position? ErrorAt { get; init; }

    public bool Fatal { get; init; }

    public string KindName => Kind switch
    {
        RecordKind.Source => "source",
        RecordKind.Node => "node",
        RecordKind.Edge => "edge",
        RecordKind.RemoveNode => "removeNode",
        _ => "removeEdge",
    };

    public static ImportItem Failed(string file, Position at, string error, bool fatal = false) =>
        new() { File = file, At = at, Error = error, Fatal = fatal };

    public ImportError ToError(string reason, string? field = null)
    {
        var at = (field is null ? null : Locate?.Invoke(field)) ?? At;
        return new ImportError(File, at.Line, at.Column, reason);
    }
}
