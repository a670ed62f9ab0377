using System.Text.Json;

namespace Explorer.Graph;

/// <summary>What an analyst's write touched: a node, an edge or a source document (history is kept per record).</summary>
public enum RecordKind
{
    Node,
    Edge,
    Source,
}

/// <summary>What a version did to its record.</summary>
public enum RecordAction
{
    Created,
    Updated,
    Deleted,
}

/// <summary>
/// One entry of a node's, edge's or source's append-only history: who (<see cref="By"/>) did what, when, which
/// fields changed, why where the write says (<see cref="Note"/>: "source 'x' deleted"), and the record as it was
/// right after (<see cref="State"/>: the node or edge; a source without its text), so a deleted record stays
/// readable. <see cref="Seq"/> is the change log's sequence number of the write.
/// </summary>
public sealed record RecordVersion(
    long Version,
    DateTimeOffset At,
    string By,
    RecordAction Action,
    IReadOnlyList<string> Changed,
    long Seq,
    string? Note,
    JsonElement State);

/// <summary>
/// The outcome of an analyst's write to a node, edge or source. Expected refusals are results, and after one
/// nothing is written.
/// </summary>
public abstract record RecordWrite
{
    private RecordWrite()
    {
    }

    /// <summary>Committed at <paramref name="Version"/>, with every change-log entry the write made (cascades add some).</summary>
    public sealed record Written(long Version, IReadOnlyList<Change> Changes) : RecordWrite;

    /// <summary>No such (live) record.</summary>
    public sealed record NotFound : RecordWrite;

    /// <summary>A record with this id exists already (a create).</summary>
    public sealed record AlreadyExists : RecordWrite;

    /// <summary>The record changed since the caller read it (now at <paramref name="Current"/>).</summary>
    public sealed record VersionConflict(long Current) : RecordWrite;

    /// <summary>
    /// A deletion refused because edges still depend on the record (a node's edges, a source's citing edges):
    /// their ids (at most <see cref="RecordWrites.MaxListedEdges"/>) and how many there are.
    /// </summary>
    public sealed record InUse(IReadOnlyList<string> EdgeIds, int Count) : RecordWrite;

    /// <summary>An edge's end does not exist (a node deleted meanwhile).</summary>
    public sealed record MissingNode(string NodeId) : RecordWrite;

    public static readonly NotFound Missing = new();

    public static readonly AlreadyExists Exists = new();
}

/// <summary>Shared by both stores: what history entries hold, so both record the same thing.</summary>
public static class RecordWrites
{
    /// <summary>How many dependent edge ids a refused deletion names (the count says how many there are).</summary>
    public const int MaxListedEdges = 100;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The JSON a history entry keeps of a node.</summary>
    public static string Snapshot(Node node) => JsonSerializer.Serialize(node, s_json);

    /// <summary>The JSON a history entry keeps of an edge.</summary>
    public static string Snapshot(Edge edge) => JsonSerializer.Serialize(edge, s_json);

    /// <summary>The JSON a history entry keeps of a source: its metadata (the text can be megabytes; "text" in Changed says it changed).</summary>
    public static string Snapshot(SourceDocument source) => JsonSerializer.Serialize(source.Info, s_json);

    public static JsonElement Parse(string snapshot)
    {
        using var document = JsonDocument.Parse(snapshot);
        return document.RootElement.Clone();
    }

    /// <summary>Every field of a node, edge or source (what a creation or deletion records as changed).</summary>
    public static IReadOnlyList<string> AllFields(RecordKind kind) => kind switch
    {
        RecordKind.Node => ["kind", "name", "aliases", "description", "validFrom", "validTo"],
        RecordKind.Edge => ["type", "source", "target", "evidence", "validFrom", "validTo", "suspensions", "status"],
        _ => ["title", "kind", "description", "url", "text"],
    };

    public static readonly IReadOnlyList<string> DeletionFields = ["deleted"];
}
