using Explorer.Embedded;
using Explorer.Graph;
using Explorer.Seed;
using Explorer.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Explorer.Tests.Living;

/// <summary>
/// Start-up from the index snapshot (<c>&lt;db&gt;.index</c>): a usable one is loaded and the changes after it
/// replayed; a missing, stale-beyond-repair, damaged, truncated, other-format or other-database one is detected
/// and the index rebuilt from SQLite, saying why. Either way every answer equals a from-SQLite rebuild's
/// (<see cref="IncrementalIndexTests.CompareWithRebuildAsync"/>: nodes, degrees, neighborhoods, paths, search).
/// </summary>
public sealed class IndexSnapshotTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AStartWithAValidSnapshotLoadsItAndAnswersLikeARebuild()
    {
        var path = await SeededWithSnapshotAsync("valid.db", seed: 1);

        await using var store = new EmbeddedGraphStore(path);
        await store.InitializeAsync(Cancellation);

        Assert.Equal("snapshot", store.StartupSource);
        await IncrementalIndexTests.CompareWithRebuildAsync(store, path, new Random(1), Cancellation);
    }

    [Fact]
    public async Task WritesAfterTheSnapshotAreReplayedFromTheChangeLog()
    {
        var path = await SeededWithSnapshotAsync("stale.db", seed: 2);
        var snapshotSeq = HeaderOf(path).Seq;
        await using (var writer = new EmbeddedGraphStore(path))
        {
            await writer.InitializeAsync(Cancellation);
            await RandomWritesAsync(writer, new Random(2), 60);
        }

        Assert.Equal(snapshotSeq, HeaderOf(path).Seq);
        Assert.True(MaxSeq(path) > snapshotSeq + 50, "the snapshot is stale: writes came after it");

        await using var store = new EmbeddedGraphStore(path);
        await store.InitializeAsync(Cancellation);

        Assert.Equal("snapshot", store.StartupSource);
        await IncrementalIndexTests.CompareWithRebuildAsync(store, path, new Random(2), Cancellation);
    }

    [Fact]
    public async Task AMissingSnapshotIsRebuiltFromTheDatabaseAndWrittenAgain()
    {
        var path = await SeededWithSnapshotAsync("missing.db", seed: 3);
        File.Delete(path + IndexSnapshot.Suffix);

        await using var store = new EmbeddedGraphStore(path);
        await store.InitializeAsync(Cancellation);
        await store.WaitForSnapshotAsync();

        Assert.Equal("there is none", store.StartupSource);
        Assert.Equal(MaxSeq(path), HeaderOf(path).Seq);
        await IncrementalIndexTests.CompareWithRebuildAsync(store, path, new Random(3), Cancellation);
    }

    public static TheoryData<string, string> Damages => new()
    {
        { "byte flipped in a section", "fails its checksum" },
        { "byte flipped in the header", "header fails its checksum" },
        { "truncated", "truncated" },
        { "cut inside its header", "truncated" },
        { "another format", "format 99" },
        { "format 3, before the name walk's shapes were stored", "format 3, this Explorer reads format 5" },
        { "format 4, before the id map was stored", "format 4, this Explorer reads format 5" },
        { "not a snapshot", "not an Explorer index snapshot" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task ADamagedSnapshotIsDetectedAndRebuilt(string damage, string reason)
    {
        var path = await SeededWithSnapshotAsync($"damaged-{Math.Abs(damage.GetHashCode(StringComparison.Ordinal))}.db", seed: 4);
        var snapshot = path + IndexSnapshot.Suffix;
        var bytes = await File.ReadAllBytesAsync(snapshot, Cancellation);
        switch (damage)
        {
            case "byte flipped in a section":
                bytes[bytes.Length - 7] ^= 0x10;
                break;
            case "byte flipped in the header":
                bytes[20] ^= 0x01;
                break;
            case "truncated":
                bytes = bytes[..(bytes.Length * 2 / 3)];
                break;
            case "cut inside its header":
                bytes = bytes[..40];
                break;
            case "another format":
                BitConverter.GetBytes(99).CopyTo(bytes, 8);
                break;
            case "format 3, before the name walk's shapes were stored":
                // Format 3's header: the same fixed part with its 31 sections (no shapes), its own checksum.
                bytes = OlderFormatOf(bytes, 3, [.. Enumerable.Range(0, 26), .. Enumerable.Range(21 + 13, 5)]);
                break;
            case "format 4, before the id map was stored":
                // Format 4's header: format 5's sections but the last (the id map), its own checksum.
                bytes = OlderFormatOf(bytes, 4, [.. Enumerable.Range(0, 47)]);
                break;
            default:
                // Longer than format 5's header, so the magic is what gives it away.
                bytes = [.. "SQLite format 3\0 and so on, a header of some other file"u8, .. new byte[8192]];
                break;
        }

        await File.WriteAllBytesAsync(snapshot, bytes, Cancellation);
        using var log = new LogCapture();

        await using var store = new EmbeddedGraphStore(path, new EmbeddedStoreOptions(Logger: log.CreateLogger("Explorer.Embedded")));
        await store.InitializeAsync(Cancellation);

        Assert.Contains(reason, store.StartupSource, StringComparison.Ordinal);
        var line = Assert.Single(log.Lines).Message;
        Assert.Contains("not used", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
        await IncrementalIndexTests.CompareWithRebuildAsync(store, path, new Random(4), Cancellation);

        // The rebuilt index is written back in the background: the next start uses it again.
        await store.WaitForSnapshotAsync();
        await using var again = new EmbeddedGraphStore(path);
        await again.InitializeAsync(Cancellation);
        Assert.Equal("snapshot", again.StartupSource);
    }

    [Fact]
    public async Task ASnapshotOfAnotherDatabaseIsDetectedAndRebuilt()
    {
        // Two databases with the same graph, seeded apart: the same sequence numbers, different change rows.
        var first = await SeededWithSnapshotAsync("first.db", seed: 5);
        var second = await SeededWithSnapshotAsync("second.db", seed: 5);
        await using (var writer = new EmbeddedGraphStore(second) { IndexSnapshots = false })
        {
            await writer.InitializeAsync(Cancellation);
            await RandomWritesAsync(writer, new Random(6), 20);
        }

        File.Copy(first + IndexSnapshot.Suffix, second + IndexSnapshot.Suffix, overwrite: true);

        await using var store = new EmbeddedGraphStore(second);
        await store.InitializeAsync(Cancellation);

        Assert.Contains("another database", store.StartupSource, StringComparison.Ordinal);
        await IncrementalIndexTests.CompareWithRebuildAsync(store, second, new Random(5), Cancellation);
    }

    [Fact]
    public async Task ASnapshotAheadOfTheDatabaseIsDetectedAndRebuilt()
    {
        // A database put back from an older copy, next to the snapshot of its newer self.
        var path = await SeededWithSnapshotAsync("ahead.db", seed: 7);
        var older = _directory.File("older.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await connection.OpenAsync(Cancellation);
            await using var copy = new SqliteConnection($"Data Source={older};Pooling=false");
            await copy.OpenAsync(Cancellation);
            connection.BackupDatabase(copy);
        }

        await using (var writer = new EmbeddedGraphStore(path) { CompactionFloor = 1 })
        {
            await writer.InitializeAsync(Cancellation);
            await RandomWritesAsync(writer, new Random(7), 10);
            await writer.WaitForCompactionAsync();
            await writer.WaitForSnapshotAsync();
        }

        Assert.True(HeaderOf(path).Seq > MaxSeq(older), "the compaction wrote a newer snapshot");
        File.Copy(path + IndexSnapshot.Suffix, older + IndexSnapshot.Suffix, overwrite: true);

        await using var store = new EmbeddedGraphStore(older);
        await store.InitializeAsync(Cancellation);

        Assert.Contains("log ends at", store.StartupSource, StringComparison.Ordinal);
        await IncrementalIndexTests.CompareWithRebuildAsync(store, older, new Random(7), Cancellation);
    }

    [Fact]
    public async Task BulkBatchesAfterTheSnapshotAreReplayedFromTheirOneChangeRowEach()
    {
        var path = await SeededWithSnapshotAsync("bulk.db", seed: 12);
        var snapshotSeq = HeaderOf(path).Seq;
        var random = new Random(12);
        await using (var writer = new EmbeddedGraphStore(path) { IndexSnapshots = false })
        {
            await writer.InitializeAsync(Cancellation);
            // Few nodes (search answers are compared whole), many edges: new ones and some of the seed's moved.
            var nodes = Enumerable.Range(0, 30).Select(i => $"n{i}").Concat(Enumerable.Range(0, 40).Select(i => $"bulk-{i}")).ToList();
            GraphWrite Edge(int i) => new GraphWrite.UpsertEdge(new Edge(i % 10 == 0 ? $"e{i % 45}" : $"bulk-e{i}",
                IncrementalIndexTests.Pick(random, IncrementalIndexTests.EdgeTypes), IncrementalIndexTests.Pick(random, nodes), IncrementalIndexTests.Pick(random, nodes), IncrementalIndexTests.SomeEvidence));
            var first = Enumerable.Range(0, 40).Select(i => (GraphWrite)new GraphWrite.UpsertNode(IncrementalIndexTests.RandomNode(random, $"bulk-{i}")))
                .Append(new GraphWrite.UpsertNode(IncrementalIndexTests.RandomNode(random, "n3")))
                .Concat(Enumerable.Range(0, 1000).Select(Edge));
            var second = Enumerable.Range(1000, 1500).Select(Edge);
            await writer.ApplyBatchAsync([.. first], Cancellation);
            await writer.ApplyBatchAsync([.. second], Cancellation);
            await writer.FinishBulkAsync(Cancellation);
        }

        Assert.Equal(snapshotSeq + 2, MaxSeq(path));

        await using var store = new EmbeddedGraphStore(path);
        await store.InitializeAsync(Cancellation);

        Assert.Equal("snapshot", store.StartupSource);
        Assert.NotNull(await store.GetNodeAsync("bulk-39", Cancellation));
        await IncrementalIndexTests.CompareWithRebuildAsync(store, path, new Random(12), Cancellation);
    }

    [Fact]
    public async Task ABulkLoadOfNodesEndsWithASnapshotTheNextStartLoadsInsteadOfRebuilding()
    {
        // More changes since the last snapshot than a start replays (500 here; 100,000 by default), and no compaction
        // during the load (as when a long load's compactions are paced): its end must leave a snapshot a start can use.
        var path = await SeededWithSnapshotAsync("bulk-nodes.db", seed: 13);
        var random = new Random(13);
        await using (var writer = new EmbeddedGraphStore(path) { SnapshotReplayLimit = 500, CompactionFloor = 1_000_000, NameOverlayLimit = 1_000_000 })
        {
            await writer.InitializeAsync(Cancellation);
            for (var batch = 0; batch < 2; batch++)
            {
                await writer.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => (GraphWrite)new GraphWrite.UpsertNode(IncrementalIndexTests.RandomNode(random, $"bulk-{batch}-{i}")))], Cancellation);
            }

            await writer.FinishBulkAsync(Cancellation);
        }

        Assert.Equal(MaxSeq(path), HeaderOf(path).Seq);
        await using var store = new EmbeddedGraphStore(path) { SnapshotReplayLimit = 500 };
        await store.InitializeAsync(Cancellation);

        Assert.Equal("snapshot", store.StartupSource);
        Assert.NotNull(await store.GetNodeAsync("bulk-1-999", Cancellation));
        await IncrementalIndexTests.CompareWithRebuildAsync(store, path, new Random(13), Cancellation);
    }

    [Fact]
    public async Task ARelayoutsSnapshotIsWrittenOnceItIsBuiltBeforeItWaitsForTheWriteLock()
    {
        // A bulk load of edges builds the endpoint indexes under the write lock at its end (~6 s at 1M) while its
        // relayout runs: the relayout's snapshot must not wait for that lock to be written. Here the compaction waits
        // (in its test hook, before it takes the lock) for the snapshot, which must then be on disk at the load's seq.
        var path = await SeededWithSnapshotAsync("relayout-snapshot.db", seed: 14);
        var random = new Random(14);
        var onDisk = new List<long>();
        EmbeddedGraphStore? self = null;
        await using (var writer = self = new EmbeddedGraphStore(path)
        {
            SnapshotReplayLimit = 500,
            CompactionFloor = 1_000_000,
            NameOverlayLimit = 1_000_000,
            CompactionBuilt = async () =>
            {
                await self!.WaitForSnapshotAsync();
                onDisk.Add(HeaderOf(path).Seq);
            },
        })
        {
            await writer.InitializeAsync(Cancellation);
            for (var batch = 0; batch < 2; batch++)
            {
                await writer.ApplyBatchAsync([.. Enumerable.Range(0, 1000).Select(i => (GraphWrite)new GraphWrite.UpsertNode(IncrementalIndexTests.RandomNode(random, $"bulk-{batch}-{i}")))], Cancellation);
            }

            await writer.FinishBulkAsync(Cancellation);
            await writer.WaitForCompactionAsync();
        }

        Assert.Equal([MaxSeq(path)], onDisk);
    }

    [Fact]
    public async Task ASeedAfterTheSnapshotIsTooMuchToReplayAndRebuilds()
    {
        var path = await SeededWithSnapshotAsync("reseeded.db", seed: 8);
        await using (var seeder = new EmbeddedGraphStore(path) { IndexSnapshots = false })
        {
            await seeder.InitializeAsync(Cancellation);
            var random = new Random(9);
            await seeder.SeedAsync(new GraphSeed([], [IncrementalIndexTests.RandomNode(random, "late-1"), IncrementalIndexTests.RandomNode(random, "late-2")], []), null, Cancellation);
        }

        await using var store = new EmbeddedGraphStore(path);
        await store.InitializeAsync(Cancellation);

        Assert.Contains("reseeded", store.StartupSource, StringComparison.Ordinal);
        Assert.NotNull(await store.GetNodeAsync("late-2", Cancellation));
        await IncrementalIndexTests.CompareWithRebuildAsync(store, path, new Random(8), Cancellation);
    }

    [Fact]
    public async Task CompactionWritesAFreshSnapshotInTheBackground()
    {
        var path = await SeededWithSnapshotAsync("compacted.db", seed: 10);
        var before = HeaderOf(path).Seq;
        await using (var store = new EmbeddedGraphStore(path) { CompactionFloor = 8, NameOverlayLimit = 8 })
        {
            await store.InitializeAsync(Cancellation);
            await RandomWritesAsync(store, new Random(10), 40);
            await store.WaitForCompactionAsync();
            await store.WaitForSnapshotAsync();
            Assert.True(store.SnapshotSeq > before, "a compaction wrote a newer snapshot");
        }

        Assert.True(HeaderOf(path).Seq > before);
        await using var reopened = new EmbeddedGraphStore(path);
        await reopened.InitializeAsync(Cancellation);
        Assert.Equal("snapshot", reopened.StartupSource);
        await IncrementalIndexTests.CompareWithRebuildAsync(reopened, path, new Random(10), Cancellation);
    }

    [Fact]
    public async Task AnAbandonedStoreLeavesTheLastSnapshotAndAHalfWrittenFileThatAreHandled()
    {
        // As a kill -9 leaves things: the store never disposed, writes after its snapshot, and the temporary
        // file of a snapshot write from a process that no longer exists.
        var path = await SeededWithSnapshotAsync("abandoned.db", seed: 11);
        var store = new EmbeddedGraphStore(path);
        await store.InitializeAsync(Cancellation);
        await RandomWritesAsync(store, new Random(11), 30);
        var leftover = $"{path}{IndexSnapshot.Suffix}.999999999.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(leftover, new byte[1000], Cancellation);
        SqliteConnection.ClearAllPools();

        await using var restarted = new EmbeddedGraphStore(path);
        await restarted.InitializeAsync(Cancellation);

        Assert.Equal("snapshot", restarted.StartupSource);
        Assert.False(File.Exists(leftover));
        await IncrementalIndexTests.CompareWithRebuildAsync(restarted, path, new Random(11), Cancellation);
    }

    /// <summary>A database with a random graph (seeded) and the snapshot written after that seed.</summary>
    private async Task<string> SeededWithSnapshotAsync(string name, int seed)
    {
        var path = _directory.File(name);
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, 30).Select(i => IncrementalIndexTests.RandomNode(random, $"n{i}")).ToList();
        var edges = Enumerable.Range(0, 45).Select(i => new Edge($"e{i}", IncrementalIndexTests.Pick(random, IncrementalIndexTests.EdgeTypes), nodes[random.Next(nodes.Count)].Id, nodes[random.Next(nodes.Count)].Id, IncrementalIndexTests.SomeEvidence)).ToList();
        await using var store = new EmbeddedGraphStore(path);
        await store.InitializeAsync(Cancellation);
        await store.SeedAsync(new GraphSeed([new SourceDocument("src", "Source", "essay", "", "quote")], nodes, edges), null, Cancellation);
        await store.WaitForSnapshotAsync();
        Assert.Equal(MaxSeq(path), HeaderOf(path).Seq);
        return path;
    }

    /// <summary>Node and edge upserts (new, renamed, moved) and removals.</summary>
    private static async Task RandomWritesAsync(EmbeddedGraphStore store, Random random, int writes)
    {
        var nextNode = 1000;
        var nextEdge = 1000;
        for (var step = 0; step < writes; step++)
        {
            var live = (await store.SearchAsync(new SearchQuery("n", null, 100), Cancellation)).Select(h => h.Id).ToList();
            live.AddRange(Enumerable.Range(0, 30).Select(i => $"n{i}").Where(id => store.Index.Ordinal(id) is not null));
            live = [.. live.Distinct().Where(id => store.Index.Ordinal(id) is not null)];
            var action = random.Next(10);
            if (action < 3 || live.Count < 2)
            {
                var id = random.Next(3) == 0 && live.Count > 0 ? IncrementalIndexTests.Pick(random, live) : $"n{nextNode++}";
                await store.UpsertNodeAsync(IncrementalIndexTests.RandomNode(random, id), Cancellation);
            }
            else if (action < 7)
            {
                var id = random.Next(3) == 0 ? $"e{random.Next(45)}" : $"e{nextEdge++}";
                await store.UpsertEdgeAsync(new Edge(id, IncrementalIndexTests.Pick(random, IncrementalIndexTests.EdgeTypes), IncrementalIndexTests.Pick(random, live), IncrementalIndexTests.Pick(random, live), IncrementalIndexTests.SomeEvidence), Cancellation);
            }
            else if (action < 9)
            {
                await store.RemoveEdgeAsync($"e{random.Next(45)}", Cancellation);
            }
            else
            {
                await store.RemoveNodeAsync(IncrementalIndexTests.Pick(random, live), Cancellation);
            }
        }
    }

    /// <summary>
    /// The snapshot as an older format laid it out: the same fixed header part with that format and its sections,
    /// <paramref name="kept"/> of this format's (format 3: the node columns, the topology, the row ids, then the
    /// keys' and the tokens' five arrays each, without the walk shapes after each; format 4: all but the id map at
    /// the end), packed after its shorter header, and its own header checksum.
    /// </summary>
    private static byte[] OlderFormatOf(byte[] current, int format, int[] kept)
    {
        const int fixedPart = 48;
        var headerBytes = fixedPart + (kept.Length * 24) + 8;
        var header = new byte[headerBytes];
        current.AsSpan(0, fixedPart).CopyTo(header);
        BitConverter.GetBytes(format).CopyTo(header, 8);
        BitConverter.GetBytes(kept.Length).CopyTo(header, 12);
        var body = new List<byte>();
        for (var section = 0; section < kept.Length; section++)
        {
            var from = fixedPart + (kept[section] * 24);
            var (offset, length) = (BitConverter.ToInt64(current, from), BitConverter.ToInt64(current, from + 8));
            var at = fixedPart + (section * 24);
            BitConverter.GetBytes((long)headerBytes + body.Count).CopyTo(header, at);
            current.AsSpan(from + 8, 16).CopyTo(header.AsSpan(at + 8));
            body.AddRange(current.AsSpan((int)offset, (int)length));
        }

        BitConverter.GetBytes(System.IO.Hashing.XxHash3.HashToUInt64(header.AsSpan(0, headerBytes - 8))).CopyTo(header, headerBytes - 8);
        return [.. header, .. body];
    }

    private static IndexSnapshot.Header HeaderOf(string path)
    {
        using var file = File.OpenHandle(path + IndexSnapshot.Suffix);
        return IndexSnapshot.ReadHeader(file);
    }

    private static long MaxSeq(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(seq), 0) FROM changes";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
