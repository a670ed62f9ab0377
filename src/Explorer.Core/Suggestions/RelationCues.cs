using Explorer.Graph;
using Explorer.Search;

namespace Explorer.Suggestions;

/// <summary>
/// The words that state a relation clearly enough to propose its type ("member of", "deployed to",
/// "conducted", "exemplifies"), each mapped to a type of the <see cref="Vocabulary"/>.
/// </summary>
/// <remarks>
/// A cue counts only between the two mentions, outside any other mention; the one nearest the later mention
/// wins. It reads from the earlier mention to the later one, unless it is a reversing cue ("such as", "arise
/// from", "took over from") or a passive ("conducted by", "enhanced by"). The type must allow the two nodes'
/// kinds in that direction; when only the other direction fits and the kinds decide it (a nation is a member of
/// an organization, never the reverse), that direction is taken. A cue whose type fits neither way is no cue.
/// Words are matched normalized (<see cref="TextNormalizer"/>); a pattern ending in <c>*</c> matches any word
/// it begins ("enhanc*": enhances, enhanced, enhancing).
/// </remarks>
public static class RelationCues
{
    private sealed record Cue(string Type, string[] Words, bool Reverse)
    {
        public string Phrase => string.Join(' ', Words);
    }

    // Longer phrases first, so "led to" is read before "to" at the same place.
    private static readonly Cue[] s_cues = [.. AllCues().OrderByDescending(c => c.Words.Length)];

    private static Cue[] AllCues() =>
    [
        .. Make("MEMBER_OF", false, "member of", "members of", "member state of", "member states of", "joined", "joins", "membership in", "membership of", "belongs to", "belong to"),
        .. Make("MEMBER_OF", true, "includes", "include", "including", "included", "comprises", "comprising", "members include", "whose members", "its members", "member states", "member state", "members"),
        .. Make("CONDUCTED", false, "conducted", "conducts", "conduct", "led", "leads", "launched", "ran", "runs", "deployed", "carried out", "undertook", "operated", "established", "mission of", "intervention"),
        .. Make("AUTHORIZED", false, "authorized", "authorised", "authorizes", "authorises", "mandated", "mandates", "approved"),
        .. Make("DEPLOYED_TO", false, "deployed to", "deployed in", "in", "to", "into", "across", "operating in", "operated in", "stationed in", "intervened in", "intervention in", "mission in", "presence in"),
        .. Make("PROVIDED_AID_TO", false, "aid to", "assistance to", "relief to", "support to", "provided", "provides", "providing", "delivered", "sent", "helped", "assisted", "supported"),
        .. Make("PARTNERED_WITH", false, "partnered with", "partnership with", "partnerships with", "cooperated with", "cooperation with", "collaborated with", "collaboration with", "ties with", "alongside", "together with", "allied with"),
        .. Make("LOCATED_IN", false, "located in", "lies in", "in", "region of", "part of", "within", "province of"),
        .. Make("PART_OF", false, "part of", "within", "operation of", "component of"),
        .. Make("SUCCEEDED_BY", false, "succeeded by", "replaced by", "handed over to", "transitioned to", "transitioned into", "became", "gave way to", "followed by"),
        .. Make("SUCCEEDED_BY", true, "took over from", "succeeded", "replaced", "successor to", "successor of", "followed"),
        .. Make("EXEMPLIFIES", false, "exemplif*", "example of", "examples of", "illustrat*", "case of", "embod*", "epitomi*", "instance of"),
        .. Make("EXEMPLIFIES", true, "such as", "like", "for example", "for instance", "including", "e g", "notably"),
        .. Make("FOCUSES_ON", false, "focus*", "aims at", "aim at", "dedicated to", "committed to", "centred on", "centered on", "priorit*"),
        .. Make("ADDRESSES", false, "address*", "tackl*", "combat*", "counter", "counters", "countered", "countering", "prevent*", "respond* to", "fight*", "mitigat*", "resolv*", "protect* against", "deter", "deters", "deterred", "deterring"),
        .. Make("SUPPORTS", false, "promot*", "strengthen*", "enhanc*", "facilitat*", "bolster*", "foster*", "support*", "reinforc*", "improv*", "build*", "ensur*", "boost*", "contribut* to"),
        .. Make("CONSTRAINS", false, "limit*", "hinder*", "undermin*", "constrain*", "complicat*", "imped*", "restrict*", "strain*", "hamper*", "weaken*", "erod*", "threaten*"),
        .. Make("LEADS_TO", false, "led to", "lead to", "leads to", "leading to", "result* in", "caus*", "exacerbat*", "fuel*", "heighten*", "trigger*", "escalat*", "provok*"),
        .. Make("LEADS_TO", true, "arise from", "arises from", "arising from", "result* from", "stem* from", "driven by", "caused by"),
        .. Make("TRANSFORMS", false, "transform*", "reshap*", "redefin*", "reshaped", "changed the nature of"),
        .. Make("COMPLEMENTS", false, "complement*", "alongside", "goes hand in hand with"),
        .. Make("ASPECT_OF", false, "component of", "components of", "tool of", "tools of", "tool for", "aspect of", "aspects of", "form of", "forms of", "element of", "elements of", "area of", "part of", "dimension of"),
    ];

    private static IEnumerable<Cue> Make(string type, bool reverse, params string[] phrases)
    {
        if (!Vocabulary.IsEdgeType(type))
        {
            throw new InvalidOperationException($"{type} is not in the vocabulary.");
        }

        return phrases.Select(p => new Cue(type, p.Split(' '), reverse));
    }

    /// <summary>
    /// The type a cue between the two mentions gives the pair, with the direction it reads in; null when no cue
    /// fits. <paramref name="between"/> are the normalized words between the mentions that belong to no mention,
    /// in text order.
    /// </summary>
    internal static TypedPair? Type(Mention earlier, Mention later, IReadOnlyList<string> between)
    {
        // Nearest the later mention first: scan cue end positions from the right.
        for (var end = between.Count; end > 0; end--)
        {
            foreach (var cue in s_cues)
            {
                var start = end - cue.Words.Length;
                if (start < 0 || !Matches(cue.Words, between, start))
                {
                    continue;
                }

                var passive = end < between.Count && between[end] == "by" && !cue.Reverse;
                var reversed = cue.Reverse ^ passive;
                var (source, target) = reversed ? (later, earlier) : (earlier, later);
                var info = Vocabulary.EdgeTypes[cue.Type];
                if (info.CheckEnds(source.Kind, target.Kind) is null)
                {
                    return new TypedPair(source, target, cue.Type, cue.Phrase + (passive ? " by" : ""));
                }

                // The kinds decide the direction when only the other one fits and the type cannot join them both ways.
                if (info.CheckEnds(target.Kind, source.Kind) is null && info.CheckEnds(source.Kind, target.Kind) is not null && !Symmetric(info, source.Kind, target.Kind))
                {
                    return new TypedPair(target, source, cue.Type, cue.Phrase + (passive ? " by" : ""));
                }
            }
        }

        return null;
    }

    /// <summary>Whether some vocabulary type can join these two kinds in one direction or the other.</summary>
    internal static bool Joinable(NodeKind a, NodeKind b) =>
        Vocabulary.EdgeTypes.Values.Any(t => t.CheckEnds(a, b) is null || t.CheckEnds(b, a) is null);

    private static bool Symmetric(EdgeTypeInfo info, NodeKind a, NodeKind b) =>
        info.CheckEnds(a, b) is null && info.CheckEnds(b, a) is null;

    private static bool Matches(string[] pattern, IReadOnlyList<string> words, int start)
    {
        for (var k = 0; k < pattern.Length; k++)
        {
            var p = pattern[k];
            var w = words[start + k];
            var ok = p.EndsWith('*') ? w.StartsWith(p.AsSpan(0, p.Length - 1), StringComparison.Ordinal) : w == p;
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A pair read in a direction, with the type a cue gives it and the cue's words.</summary>
internal sealed record TypedPair(Mention Source, Mention Target, string Type, string Cue);
