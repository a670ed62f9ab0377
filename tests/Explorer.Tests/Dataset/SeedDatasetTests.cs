using System.Text.Json;
using System.Text.Json.Nodes;
using Explorer.Graph;
using Explorer.Search;
using Explorer.Seed;
using Explorer.Tests.TestSupport;

namespace Explorer.Tests.Dataset;

public sealed class SeedDatasetTests
{
    private static GraphSeed Dataset => Seeded.Dataset;

    [Fact]
    public void TheEssayIsSourceDocumentNumberOneByteForByte()
    {
        var essay = Dataset.Sources[0];
        Assert.Equal("military-engagement-in-global-diplomacy", essay.Id);
        var shared = FindShared("seed/military-engagement-in-global-diplomacy.txt");
        if (shared is not null)
        {
            Assert.Equal(File.ReadAllText(shared), essay.Text);
        }

        Assert.StartsWith("The intricate relationship between military engagement and global diplomacy", essay.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryQuoteOccursVerbatimInItsSource()
    {
        var texts = Dataset.Sources.ToDictionary(s => s.Id, s => s.Text);
        var quotes = 0;
        foreach (var edge in Dataset.Edges)
        {
            Assert.NotEmpty(edge.Evidence);
            foreach (var evidence in edge.Evidence)
            {
                Assert.True(texts.ContainsKey(evidence.SourceId), $"{edge.Id}: unknown source {evidence.SourceId}");
                Assert.True(texts[evidence.SourceId].Contains(evidence.Quote, StringComparison.Ordinal), $"{edge.Id}: quote not verbatim in {evidence.SourceId}: {evidence.Quote}");
                quotes++;
            }
        }

        Assert.True(quotes >= Dataset.Edges.Count);
    }

    [Fact]
    public void EveryNodeHasAtLeastOneEdge()
    {
        var touched = Dataset.Edges.SelectMany(e => new[] { e.Source, e.Target }).ToHashSet();
        Assert.Empty(Dataset.Nodes.Where(n => !touched.Contains(n.Id)).Select(n => n.Id));
    }

    [Fact]
    public void IdsAreUniqueAndUrlSafe()
    {
        Assert.Equal(Dataset.Nodes.Count, Dataset.Nodes.Select(n => n.Id).Distinct().Count());
        Assert.Equal(Dataset.Edges.Count, Dataset.Edges.Select(e => e.Id).Distinct().Count());
        Assert.All(Dataset.Nodes, n => Assert.True(RecordRules.IsValidId(n.Id), n.Id));
        Assert.All(Dataset.Edges, e => Assert.True(RecordRules.IsValidId(e.Id), e.Id));
    }

    [Fact]
    public void NamesAndAliasesIdentifyOneNodeEach()
    {
        var owners = new Dictionary<string, string>();
        foreach (var node in Dataset.Nodes)
        {
            foreach (var name in node.Aliases.Append(node.Name).Append(node.Id))
            {
                var key = TextNormalizer.Normalize(name);
                Assert.True(!owners.TryGetValue(key, out var owner) || owner == node.Id, $"'{name}' names both {owner} and {node.Id}");
                owners[key] = node.Id;
            }
        }
    }

    [Fact]
    public void TheDatasetCoversWhatTheEssayNames()
    {
        var ids = Dataset.Nodes.ToDictionary(n => n.Id, n => n.Kind);
        foreach (var (id, kind) in new[]
        {
            ("nato", NodeKind.Organization), ("un", NodeKind.Organization), ("african-union", NodeKind.Organization), ("sco", NodeKind.Organization),
            ("united-states", NodeKind.Nation), ("haiti", NodeKind.Nation), ("mali", NodeKind.Nation), ("somalia", NodeKind.Nation), ("china", NodeKind.Nation),
            ("minusma", NodeKind.Mission), ("amisom", NodeKind.Mission), ("nato-balkans-intervention", NodeKind.Mission),
            ("balkans", NodeKind.Region), ("darfur", NodeKind.Region),
            ("peacekeeping", NodeKind.Theme), ("soft-power", NodeKind.Theme), ("humanitarian-assistance", NodeKind.Theme), ("hybrid-warfare", NodeKind.Theme), ("resource-constraints", NodeKind.Theme),
        })
        {
            Assert.True(ids.TryGetValue(id, out var actual), $"missing node {id}");
            Assert.Equal(kind, actual);
        }

        Assert.Equal(32, Dataset.Edges.Count(e => e.Type == "MEMBER_OF" && e.Target == "nato"));
        Assert.All(Dataset.Edges, e => Assert.True(Vocabulary.IsEdgeType(e.Type)));
    }

    [Fact]
    public void TheBalkansHoldEveryBalkanCountryNatoMembersIncluded()
    {
        var inBalkans = Dataset.Edges.Where(e => e.Type == "LOCATED_IN" && e.Target == "balkans").Select(e => e.Source).ToHashSet();
        string[] expected = ["albania", "bosnia-and-herzegovina", "bulgaria", "croatia", "greece", "kosovo", "montenegro", "north-macedonia", "romania", "serbia", "slovenia"];

        Assert.Equal(expected, inBalkans.Order(StringComparer.Ordinal));
        Assert.Contains(Dataset.Edges, e => e is { Type: "MEMBER_OF", Source: "croatia", Target: "nato" });
        Assert.Contains(Dataset.Edges, e => e is { Type: "LOCATED_IN", Source: "darfur", Target: "sudan" });
        Assert.Contains(Dataset.Edges, e => e is { Type: "LOCATED_IN", Source: "kosovo", Target: "serbia", ValidTo: "2008-02-17" });
    }

    [Fact]
    public void EveryNationButTheSahrawiRepublicIsADatedMemberOfTheUnitedNations()
    {
        var members = Dataset.Edges.Where(e => e is { Type: "MEMBER_OF", Target: "un" }).ToList();
        var nations = Dataset.Nodes.Where(n => n.Kind == NodeKind.Nation).Select(n => n.Id);

        Assert.Equal(["sahrawi-arab-democratic-republic"], nations.Except(members.Select(e => e.Source)));
        Assert.All(members, e => Assert.NotNull(e.ValidFrom));
        Assert.Equal("1955-12-14", members.Single(e => e.Source == "albania").ValidFrom);
        Assert.Equal("2006-06-28", members.Single(e => e.Source == "montenegro").ValidFrom);
    }

    [Fact]
    public void SuspendedMembersOfTheAfricanUnionDoNotHoldWhileSuspended()
    {
        var mali = Dataset.Edges.Single(e => e.Id == "mali-member-of-african-union");
        var gabon = Dataset.Edges.Single(e => e.Id == "gabon-member-of-african-union");
        var morocco = Dataset.Edges.Single(e => e.Id == "morocco-member-of-african-union");

        Assert.True(mali.HoldsOn(new DateOnly(2019, 1, 1)));
        Assert.False(mali.HoldsOn(new DateOnly(2012, 6, 1)));
        Assert.False(mali.HoldsOn(new DateOnly(2024, 1, 1)));
        Assert.False(gabon.HoldsOn(new DateOnly(2024, 1, 1)));
        Assert.True(gabon.HoldsOn(new DateOnly(2025, 6, 1)));
        Assert.False(morocco.HoldsOn(new DateOnly(2010, 1, 1)));
        Assert.All(Dataset.Edges.Where(e => e.Suspensions.Count > 0), e => Assert.Contains(e.Evidence, q => q.Quote.Contains("suspended", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheBalkanOperationsArePartOfNatosInterventionAndDated()
    {
        string[] operations = ["ifor", "kfor", "operation-allied-force", "operation-deliberate-force", "operation-deny-flight", "sfor"];
        var parts = Dataset.Edges.Where(e => e is { Type: "PART_OF", Target: "nato-balkans-intervention" }).Select(e => e.Source);

        Assert.Equal(operations, parts.Order(StringComparer.Ordinal));
        Assert.All(operations, id => Assert.NotNull(Dataset.Nodes.Single(n => n.Id == id).ValidFrom));
        var kfor = Dataset.Nodes.Single(n => n.Id == "kfor");
        Assert.False(kfor.HoldsOn(new DateOnly(1995, 1, 1)));
        Assert.True(kfor.HoldsOn(new DateOnly(2010, 1, 1)));
    }

    [Fact]
    public void WhatHasEndedIsDescribedInThePastTense()
    {
        var ended = Dataset.Nodes.Where(n => n.ValidTo is not null).ToList();

        Assert.NotEmpty(ended);
        Assert.All(ended, n => Assert.DoesNotMatch(@"\b(is|are|leads|conducts|operates|supports)\b", n.Description));
    }

    [Fact]
    public void EveryPublicRecordQuoteIsAWholeLine()
    {
        var lines = Dataset.Sources.Single(s => s.Id == "public-record").Text.Split('\n').ToHashSet(StringComparer.Ordinal);

        Assert.All(Dataset.Edges.SelectMany(e => e.Evidence).Where(q => q.SourceId == "public-record"), q => Assert.Contains(q.Quote, lines));
    }

    [Fact]
    public void TheGraphIsOneConnectedComponent()
    {
        var neighbours = Dataset.Edges.SelectMany(e => new[] { (e.Source, e.Target), (e.Target, e.Source) }).ToLookup(p => p.Item1, p => p.Item2);
        var seen = new HashSet<string> { "nato" };
        var queue = new Queue<string>(seen);
        while (queue.TryDequeue(out var id))
        {
            foreach (var next in neighbours[id].Where(seen.Add))
            {
                queue.Enqueue(next);
            }
        }

        Assert.Equal(Dataset.Nodes.Count, seen.Count);
    }

    [Fact]
    public void OnlyTheSentencesTheReadmeListsAsUncitedAreUncited()
    {
        var essay = Assert.Single(SeedCheck.Run(Seeded.SeedDirectory).Coverage);

        Assert.Equal(139, essay.Sentences);
        Assert.True(essay.Uncited.Count <= 13, "uncited: " + string.Join(" | ", essay.Uncited.Select(s => s.Text)));
    }

    [Fact]
    public void TheReadmeCountsMatchTheFiles()
    {
        var readme = File.ReadAllText(Path.Combine(Seeded.SeedDirectory, "README.md"));

        Assert.Contains($"| **Total** | **{Dataset.Nodes.Count}** |", readme, StringComparison.Ordinal);
        Assert.Contains($"| **Total** | | **{Dataset.Edges.Count}** |", readme, StringComparison.Ordinal);
        foreach (var kind in Enum.GetValues<NodeKind>())
        {
            Assert.Contains($"| {kind} | {Dataset.Nodes.Count(n => n.Kind == kind)} |", readme, StringComparison.Ordinal);
        }

        foreach (var type in Vocabulary.EdgeTypes.Values)
        {
            var cls = type.Class.ToString().ToLowerInvariant();
            Assert.Contains($"| `{type.Name}` | {cls} | {Dataset.Edges.Count(e => e.Type == type.Name)} |", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MalformedJsonIsReportedWithItsFile()
    {
        using var copy = CopyDataset();
        File.WriteAllText(copy.File("nodes.json"), "[{\"id\": \"nato\",");
        var error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy.Path));
        Assert.Equal("nodes.json", error.File);
        Assert.Contains("invalid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEdgeToAMissingNodeNamesFileRecordAndField()
    {
        using var copy = CopyDataset();
        Mutate(copy.File("edges.json"), edges => edges[0]!["target"] = "atlantis");
        var error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy.Path));
        Assert.Equal("edges.json", error.File);
        Assert.Equal(Dataset.Edges[0].Id, error.Record);
        Assert.Equal("target", error.Field);
        Assert.Contains("atlantis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownKindOrTypeIsRefused()
    {
        using var copy = CopyDataset();
        Mutate(copy.File("nodes.json"), nodes => nodes[1]!["kind"] = "Planet");
        var error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy.Path));
        Assert.Equal(("nodes.json", Dataset.Nodes[1].Id, "kind"), (error.File, error.Record, error.Field));

        using var copy2 = CopyDataset();
        Mutate(copy2.File("edges.json"), edges => edges[2]!["type"] = "INVADED");
        error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy2.Path));
        Assert.Equal(("edges.json", Dataset.Edges[2].Id, "type"), (error.File, error.Record, error.Field));
    }

    [Fact]
    public void AParaphrasedQuoteIsRefused()
    {
        using var copy = CopyDataset();
        Mutate(copy.File("edges.json"), edges => edges[0]!["evidence"]![0]!["quote"] = "NATO was founded by friends.");
        var error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy.Path));
        Assert.Equal("evidence[0].quote", error.Field);
        Assert.Contains("verbatim", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateIdsAndCollidingAliasesAreRefused()
    {
        using var copy = CopyDataset();
        Mutate(copy.File("nodes.json"), nodes => nodes[1]!["id"] = nodes[0]!["id"]!.GetValue<string>());
        var error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy.Path));
        Assert.Equal("id", error.Field);
        Assert.Contains("duplicate", error.Message, StringComparison.Ordinal);

        using var copy2 = CopyDataset();
        Mutate(copy2.File("nodes.json"), nodes => nodes[1]!["aliases"] = new JsonArray("N.A.T.O."));
        error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy2.Path));
        Assert.Equal("aliases", error.Field);
        Assert.Contains("nato", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadDateIsRefusedNamingFileRecordAndField()
    {
        using var copy = CopyDataset();
        Mutate(copy.File("nodes.json"), nodes => nodes[2]!["validTo"] = "1995-13");
        var error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy.Path));
        Assert.Equal(("nodes.json", Dataset.Nodes[2].Id, "validTo"), (error.File, error.Record, error.Field));

        using var copy2 = CopyDataset();
        Mutate(copy2.File("edges.json"), edges =>
        {
            edges[3]!["validFrom"] = "2001";
            edges[3]!["validTo"] = "2000-12-31";
        });
        error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy2.Path));
        Assert.Equal(("edges.json", Dataset.Edges[3].Id, "validTo"), (error.File, error.Record, error.Field));
        Assert.Contains("before validFrom", error.Message, StringComparison.Ordinal);

        using var copy3 = CopyDataset();
        Mutate(copy3.File("edges.json"), edges => edges[4]!["validFrom"] = 1995);
        error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy3.Path));
        Assert.Equal(("edges.json", Dataset.Edges[4].Id, "validFrom"), (error.File, error.Record, error.Field));
    }

    [Fact]
    public void ASuspensionOutsideItsMembershipOrWithoutAStartIsRefused()
    {
        using var copy = CopyDataset();
        Mutate(copy.File("edges.json"), edges =>
        {
            edges[5]!["validTo"] = "2000";
            edges[5]!["suspensions"] = new JsonArray(new JsonObject { ["from"] = "1999", ["to"] = "2001" });
        });
        var error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy.Path));
        Assert.Equal(("edges.json", Dataset.Edges[5].Id, "suspensions[0].to"), (error.File, error.Record, error.Field));

        using var copy2 = CopyDataset();
        Mutate(copy2.File("edges.json"), edges => edges[5]!["suspensions"] = new JsonArray(new JsonObject { ["to"] = "2001" }));
        error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy2.Path));
        Assert.Equal("suspensions[0].from", error.Field);
    }

    [Fact]
    public void AnEdgeBetweenKindsItsTypeDoesNotAllowIsRefused()
    {
        using var copy = CopyDataset();
        var index = Dataset.Edges.ToList().FindIndex(e => e.Type == "MEMBER_OF");
        Mutate(copy.File("edges.json"), edges => edges[index]!["target"] = "balkans");
        var error = Assert.Throws<SeedValidationException>(() => SeedLoader.Load(copy.Path));
        Assert.Equal(("edges.json", Dataset.Edges[index].Id, "target"), (error.File, error.Record, error.Field));
        Assert.Contains("Region", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryEdgeJoinsTheKindsItsTypeAllows()
    {
        var kinds = Dataset.Nodes.ToDictionary(n => n.Id, n => n.Kind);
        Assert.All(Dataset.Edges, e => Assert.Null(Vocabulary.EdgeTypes[e.Type].CheckEnds(kinds[e.Source], kinds[e.Target])));
    }

    [Fact]
    public void EveryDateIsValidAndEverySpanRunsForward()
    {
        foreach (var node in Dataset.Nodes)
        {
            Assert.True(Validity.Check(node.ValidFrom, node.ValidTo).Count == 0, node.Id);
        }

        foreach (var edge in Dataset.Edges)
        {
            Assert.True(Validity.Check(edge.ValidFrom, edge.ValidTo, edge.Suspensions).Count == 0, edge.Id);
        }
    }

    private static TempDirectory CopyDataset()
    {
        var copy = new TempDirectory();
        foreach (var file in Directory.GetFiles(Seeded.SeedDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(Seeded.SeedDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static void Mutate(string file, Action<JsonArray> change)
    {
        var array = JsonNode.Parse(File.ReadAllText(file))!.AsArray();
        change(array);
        File.WriteAllText(file, array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string? FindShared(string relative)
    {
        for (var dir = new DirectoryInfo(Seeded.SeedDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
