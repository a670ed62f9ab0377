namespace Explorer.Cli.Output;

/// <summary>Relation labels whose arrow shows the edge's real direction.</summary>
internal static class Arrows
{
    /// <summary>The edge points the way we read: <c>─CONDUCTED→</c>.</summary>
    public static string Forward(string type) => $"─{type}→";

    /// <summary>The edge points back along the way we read: <c>←MEMBER_OF─</c>.</summary>
    public static string Backward(string type) => $"←{type}─";
}
