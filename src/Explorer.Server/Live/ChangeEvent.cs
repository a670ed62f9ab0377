using Explorer.Annotations;
using Explorer.Graph;

namespace Explorer.Server.Live;

/// <summary>
/// A committed change as pushed to browsers. <see cref="Node"/> or <see cref="Edge"/> carry the record's
/// state after the change (null for removals and for GraphReloaded, after which clients re-fetch).
/// <see cref="Annotation"/> carries the annotation as written by an AnnotationAdded, AnnotationChanged or
/// AnnotationRemoved change (deleted: true for the last), and is null for every other kind. On the wire
/// <see cref="Kind"/> is the enum's name ("NodeUpserted"), as in <c>/api/changes</c>.
/// <see cref="Bookmark"/> is an opaque token for a state that includes this change (the store's bookmarks,
/// protected by <see cref="Consistency.BookmarkTokens"/>; null with the embedded store): a browser sends it back
/// in the <c>Explorer-Bookmark</c> header, so its next request reads at least that state on any instance. The
/// publishing instance also shares the raw bookmarks with the other instances through the backplane.
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
