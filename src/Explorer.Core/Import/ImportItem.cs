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
internal sealed record SourceRecord(string? Id, string? Title, string? Kind, string? Description, string? Text, string? File, string? Url = null);

/// <summary>Where a record or one of its fields is: 1-based line and column.</summary>
internal readonly record struct Position(long Line, int Column);

/// <summary>Where a record's fields are, shared by every record of a file (a CSV header): no object per record.</summary>
internal interface IFieldColumns
{
    /// <summary>Where the field named as the record rules name it ("kind", "evidence[0].quote") is on <paramref name="line"/>; null: at the record.</summary>
    Position? Locate(long line, string field);
}

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

    /// <summary>An edge's review status as the record gives it (null: none given; a new edge is then confirmed).</summary>
    public string? Status { get; init; }

    /// <summary>The element the record is, for errors, where the format has elements ("node 'nato'").</summary>
    public string? Element { get; init; }

    /// <summary>The id a removal names.</summary>
    public string? Id { get; init; }

    /// <summary>Where a field named as the record rules name it ("kind", "evidence[0].quote") is; null: at the record.</summary>
    public Func<string, Position?>? Locate { get; init; }

    /// <summary>Where each field is, for a reader whose records share one layout (CSV): used before <see cref="Locate"/>.</summary>
    public IFieldColumns? Columns { get; init; }

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

    /// <summary>This record with its node or edge replaced (a mapping file's kinds and types applied).</summary>
    public ImportItem With(NodeRecord? node, EdgeRecord? edge) => new()
    {
        File = File, At = At, Kind = Kind, Node = node, Edge = edge, Source = Source, Status = Status, Element = Element, Id = Id,
        Locate = Locate, Columns = Columns, Error = Error, ErrorAt = ErrorAt, Fatal = Fatal,
    };

    public static ImportItem Failed(string file, Position at, string error, bool fatal = false) =>
        new() { File = file, At = at, Error = error, Fatal = fatal };

    /// <summary>Where a field named as the record rules name it is; null: at the record (or not known).</summary>
    public Position? Where(string field) => Columns?.Locate(At.Line, field) ?? Locate?.Invoke(field);

    public ImportError ToError(string reason, string? field = null)
    {
        var at = (field is null ? null : Where(field)) ?? At;
        return new ImportError(File, at.Line, at.Column, reason) { Element = Element };
    }
}
