using Explorer.Graph;

namespace Explorer.Annotations;

/// <summary>What an annotation is about: an edge (the usual case) or a node.</summary>
public enum AnnotationTargetKind
{
    Edge,
    Node,
}

/// <summary>How sure the author is.</summary>
public enum Confidence
{
    Low,
    Medium,
    High,
}

/// <summary>Where the annotation stands in review.</summary>
public enum AnnotationStatus
{
    Proposed,
    Confirmed,
    Disputed,
}

/// <summary>What a version did to its annotation.</summary>
public enum AnnotationAction
{
    Created,
    Updated,
    Deleted,
}

/// <summary>
/// An analyst's note on an edge or node: plain text (newlines kept), tags, confidence, an optional citation
/// (a URL or free text) and a review status. <see cref="Version"/> starts at 1 and grows by one with every
/// committed change; a deleted annotation is kept (soft delete) with <see cref="Deleted"/> set.
/// </summary>
public sealed record Annotation(
    string Id,
    AnnotationTargetKind TargetKind,
    string TargetId,
    string Text,
    IReadOnlyList<string> Tags,
    Confidence Confidence,
    string? Citation,
    AnnotationStatus Status,
    string Author,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    bool Deleted)
{
    /// <summary>The editable fields, in the order history lists them (all of them changed when an annotation is created).</summary>
    public static readonly IReadOnlyList<string> EditableFields = ["text", "tags", "confidence", "citation", "status"];

    /// <summary>What a deletion records as changed.</summary>
    public static readonly IReadOnlyList<string> DeletionFields = ["deleted"];

    /// <summary>
    /// The one guard of an edit or a deletion, in every store: null when <paramref name="current"/> is live
    /// and at <paramref name="expectedVersion"/>; otherwise the refusal (missing or deleted: NotFound; another
    /// version: VersionConflict with the current state). Nothing is written after a refusal.
    /// </summary>
    public static AnnotationWrite? Refusal(Annotation? current, long expectedVersion) => current switch
    {
        null or { Deleted: true } => AnnotationWrite.Missing,
        _ when current.Version != expectedVersion => new AnnotationWrite.VersionConflict(current),
        _ => null,
    };

    /// <summary>This annotation after <paramref name="edit"/>, committed at <paramref name="at"/>: the next version.</summary>
    public Annotation Edited(AnnotationEdit edit, DateTimeOffset at) => this with
    {
        Text = edit.Text,
        Tags = [.. edit.Tags],
        Confidence = edit.Confidence,
        Citation = edit.Citation,
        Status = edit.Status,
        UpdatedAt = at,
        Version = Version + 1,
    };

    /// <summary>
    /// This annotation soft-deleted at <paramref name="at"/>: the next version, kept with <see cref="Deleted"/> set.
    /// (Named for what it returns: <c>Deleted</c> is the flag.)
    /// </summary>
    public Annotation DeletedAt(DateTimeOffset at) => this with { UpdatedAt = at, Version = Version + 1, Deleted = true };

    /// <summary>The editable fields whose value differs from <paramref name="before"/>, in a fixed order (what history records).</summary>
    public List<string> ChangedFrom(Annotation before)
    {
        var changed = new List<string>();
        if (before.Text != Text)
        {
            changed.Add("text");
        }

        if (!before.Tags.SequenceEqual(Tags, StringComparer.Ordinal))
        {
            changed.Add("tags");
        }

        if (before.Confidence != Confidence)
        {
            changed.Add("confidence");
        }

        if (before.Citation != Citation)
        {
            changed.Add("citation");
        }

        if (before.Status != Status)
        {
            changed.Add("status");
        }

        return changed;
    }
}

/// <summary>An annotation to create. The store assigns the id, times and version 1.</summary>
public sealed record NewAnnotation(
    AnnotationTargetKind TargetKind,
    string TargetId,
    string Text,
    IReadOnlyList<string> Tags,
    Confidence Confidence,
    string? Citation,
    AnnotationStatus Status,
    string Author)
{
    /// <summary>The annotation as its creating write stores it: version 1, created and updated at <paramref name="at"/>.</summary>
    public Annotation Created(string id, DateTimeOffset at) =>
        new(id, TargetKind, TargetId, Text, [.. Tags], Confidence, Citation, Status, Author, at, at, 1, false);
}

/// <summary>The editable content of an annotation after an edit: every field, not a patch.</summary>
public sealed record AnnotationEdit(
    string Text,
    IReadOnlyList<string> Tags,
    Confidence Confidence,
    string? Citation,
    AnnotationStatus Status)
{
    public static AnnotationEdit Of(Annotation annotation) =>
        new(annotation.Text, annotation.Tags, annotation.Confidence, annotation.Citation, annotation.Status);
}

/// <summary>
/// One entry of an annotation's append-only history: who (<see cref="By"/>) did what, when, which fields
/// changed, and the annotation as it was right after (<see cref="Annotation"/>). <see cref="Seq"/> is the
/// change log's sequence number of the write.
/// </summary>
public sealed record AnnotationVersion(
    long Version,
    DateTimeOffset At,
    string By,
    AnnotationAction Action,
    IReadOnlyList<string> Changed,
    long Seq,
    Annotation Annotation);

/// <summary>
/// Filters for the recent-activity feed: annotations newest change first. Null filters match everything;
/// <see cref="Since"/> keeps annotations changed strictly after it.
/// </summary>
public sealed record AnnotationQuery(
    string? Author = null,
    string? Tag = null,
    AnnotationStatus? Status = null,
    DateTimeOffset? Since = null,
    int Limit = AnnotationQuery.DefaultLimit,
    bool IncludeDeleted = false)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
}

/// <summary>
/// The outcome of an annotation write. Expected failures are results: the target or annotation does not
/// exist (or was deleted), or the caller's expected version is not the current one.
/// </summary>
public abstract record AnnotationWrite
{
    private AnnotationWrite()
    {
    }

    /// <summary>Committed: the annotation as written and the change-log entry with its sequence number.</summary>
    public sealed record Written(Annotation Annotation, Change Change) : AnnotationWrite;

    /// <summary>No such edge or node to annotate, or no such (live) annotation to edit; nothing was written.</summary>
    public sealed record NotFound : AnnotationWrite;

    /// <summary>The annotation changed since the caller read it; nothing was written.</summary>
    public sealed record VersionConflict(Annotation Current) : AnnotationWrite;

    public static readonly NotFound Missing = new();
}

/// <summary>Limits every store and front end applies to annotation content.</summary>
public static class AnnotationLimits
{
    public const int MaxTextLength = 10_000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;
    public const int MaxCitationLength = 2_000;
    public const int MaxCountTargets = 500;
}
