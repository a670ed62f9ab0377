using Explorer.Server.Live;

namespace Explorer.Server.Annotations;

public sealed record AnnotationListResponse(IReadOnlyList<AnnotationResponse> Annotations);

/// <summary>One version: who (<see cref="By"/>) did what (created|updated|deleted) when, which fields changed, and the state after it.</summary>
public sealed record AnnotationVersionResponse(long Version, DateTimeOffset At, string By, string Action, IReadOnlyList<string> Changed, long Seq, AnnotationResponse Annotation);

public sealed record AnnotationHistoryResponse(string AnnotationId, IReadOnlyList<AnnotationVersionResponse> Versions);

public sealed record AnnotationCountsResponse(IReadOnlyDictionary<string, int> Counts);

/// <summary>
/// The body of POST (create) and PUT (edit). On POST only text is required (confidence defaults to medium,
/// status to proposed). On PUT, fields left out keep their current value; citation "" removes the citation.
/// </summary>
public sealed record AnnotationRequest(string? Text, IReadOnlyList<string>? Tags, string? Confidence, string? Citation, string? Status);
