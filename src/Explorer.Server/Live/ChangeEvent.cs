using Explorer.Annotations;
using Explorer.Graph;

namespace Explorer.Server.Live;

/// <summary>
/// A committed change as pushed to browsers. <see cref="Node"/> or <see cref="Edge"/> carry the record's
/// state after the change (null for removals and for GraphReloaded, after which clients re-fetch).
/// <see cref="Annotation"/> carries the annotation as written by an AnnotationAdded, AnnotationChanged or
/// AnnotationRemoved change (deleted: true for the last), and is null for every other kind. On the wire
/// <see cref="Kind"/> is the enum's name ("NodeUpserted"), as in <c>/api/changes</c>.
/// <see cref="Bookmark"/> is the store's causal-consistency token for a state that includes this change (Neo4j
/// bookmarks; null with the embedded store): the publishing instance shares it with every instance of the
/// deployment through the backplane before sending, so a request any of them serves afterwards reads at least
/// that state.
/// </summary>
public sealed record ChangeEvent(
    long Seq,
    DateTimeOffset At,
    ChangeKind Kind,
    string EntityId,
    Node? Node,
    Edge? Edge,
    AnnotationResponse? Annotation = null,
    string? Bookmark = null)
{
    /// <summary>The event for a committed change, with the state after it of the record it touched.</summary>
    public static ChangeEvent From(Change change, Node? node, Edge? edge, Annotation? annotation) =>
        new(change.Seq, change.At, change.Kind, change.EntityId, node, edge, annotation is null ? null : AnnotationResponse.From(annotation));
}
