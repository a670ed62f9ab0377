using Explorer.Graph;

namespace Explorer.Suggestions;

/// <summary>What an analyst decided about a suggestion.</summary>
public enum SuggestionVerdict
{
    /// <summary>Accepted: a proposed edge quoting the suggestion's sentence was created (<see cref="SuggestionReview.EdgeId"/>).</summary>
    Accepted,

    /// <summary>Dismissed: no longer listed unless asked for.</summary>
    Dismissed,
}

/// <summary>
/// An analyst's verdict on one suggestion of one source document: who, when, and for an acceptance the edge it
/// created. A suggestion is reviewed at most once (its id is stable for the same document text).
/// </summary>
public sealed record SuggestionReview(string SourceId, string SuggestionId, SuggestionVerdict Verdict, string By, DateTimeOffset At, string? EdgeId);

/// <summary>The outcome of recording a verdict: written, refused because it was reviewed already, or (an acceptance) the edge refused.</summary>
public abstract record ReviewWrite
{
    private ReviewWrite()
    {
    }

    /// <summary>Committed; <paramref name="Edge"/> is the edge an acceptance created (null for a dismissal).</summary>
    public sealed record Written(SuggestionReview Review, RecordWrite.Written? Edge) : ReviewWrite;

    /// <summary>Somebody reviewed this suggestion first: nothing was written.</summary>
    public sealed record AlreadyReviewed(SuggestionReview Existing) : ReviewWrite;

    /// <summary>The acceptance's edge was refused (its id taken, an end missing): nothing was written.</summary>
    public sealed record EdgeRefused(RecordWrite Refusal) : ReviewWrite;
}
