using System.Diagnostics;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Text;
using System.Text.Json.Nodes;
using Explorer.Embedded;
using Explorer.Graph;
using Microsoft.Data.Sqlite;

namespace Explorer.Benchmarks.Startup;

/// <summary>
/// Start-up of the embedded store (issue 9 item 5), side by side in one run, each in a fresh process: a
/// rebuild from SQLite alone (no snapshot), then a start from the index snapshot that rebuild wrote, then a
/// start from that snapshot with changes committed after it to replay. Reports wall and CPU time, peak RSS,
/// the whole index heap, the snapshot's size and write time, how fast the file can be pulled into memory by
/// a straight read and by a memory map, and checks the starts answer alike (a digest of paths, search,
/// degrees and neighborhoods over sampled nodes).
/// </summary>
internal static class StartupBenchmark
{
    private const string SeedFormat = "startup-v1";

    public static async Task<int> RunAsync(string[] args)
    {
        var nodes = 1_000_000;
        var m = 5;
        var runs = 2;
        var replay = 10_000;
        string? outDir = null;
        var seedOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size": nodes = ParseSize(args[++i]); break;
                case "--m": m = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--replay": replay = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out": outDir = args[++i]; break;
                case "--seed-only": seedOnly = true; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}: startup [--size 100k|1m] [--m 5] [--runs 2] [--replay 10000] [--out DIR] [--seed-only]");
                    return 2;
            }
        }

        outDir ??= Path.Combine("artifacts", "bench", "startup-" + nodes.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(outDir);
        var database = Path.GetFullPath(Path.Combine(outDir, "explorer.db"));
        var report = new JsonObject { ["nodes"] = nodes, ["m"] = m, ["load_before"] = ProcStatus.LoadAverage() };
        Progress.Line($"startup: {Format.Count(nodes)} nodes, m={m}; load {ProcStatus.LoadAverage()}");
        var seedSeconds = Seed(database, nodes, m);
        report["seed_seconds"] = double.IsNaN(seedSeconds) ? null : seedSeconds; // NaN: an existing file was reused (JSON has no NaN)
        report["database_bytes"] = new FileInfo(database).Length;
        if (seedOnly)
        {
            return 0;
        }

        // 1. Rebuild from SQLite alone (the snapshot deleted first); the child then writes the snapshot and times it.
        var rebuilds = new List<JsonNode>();
        for (var run = 0; run < runs; run++)
        {
            File.Delete(database + IndexSnapshot.Suffix);
            var child = StoreBench.RunChild("--startup-snapshot-child", database, "rebuild") ?? throw new InvalidOperationException("rebuild child failed");
            rebuilds.Add(child);
            Progress.Line($"startup: rebuild from SQLite {Format.Seconds((double)child["seconds"]!)} (cpu {Format.Seconds((double)child["cpu_seconds"]!)}), heap {Format.Bytes((long)child["index_heap_bytes"]!)}, snapshot written in {Format.Seconds((double)child["snapshot_write_seconds"]!)} ({Format.Bytes((long)child["snapshot_bytes"]!)}); load {ProcStatus.LoadAverage()}");
        }

        // 2. Pulling the file into memory: a straight read against a memory map, page cache warm.
        var (readSeconds, mapSeconds) = ReadVersusMap(database + IndexSnapshot.Suffix);
        Progress.Line($"startup: the {Format.Bytes(new FileInfo(database + IndexSnapshot.Suffix).Length)} snapshot into managed arrays: read {Format.Seconds(readSeconds)}, memory map + copy {Format.Seconds(mapSeconds)}");

        // 3. A start from the valid snapshot.
        var loads = new List<JsonNode>();
        for (var run = 0; run < runs; run++)
        {
            var child = StoreBench.RunChild("--startup-snapshot-child", database, "snapshot") ?? throw new InvalidOperationException("snapshot child failed");
            loads.Add(child);
            Progress.Line($"startup: from the snapshot {Format.Seconds((double)child["seconds"]!)} (cpu {Format.Seconds((double)child["cpu_seconds"]!)}, {child["source"]}), heap {Format.Bytes((long)child["index_heap_bytes"]!)}; load {ProcStatus.LoadAverage()}");
        }

        // 4. Changes after the snapshot, replayed from the change log at start (then undone, so reruns match).
        JsonNode? replayed = null;
        if (replay > 0)
        {
            var added = AddLateEdges(database, replay);
            replayed = StoreBench.RunChild("--startup-snapshot-child", database, "snapshot");
            RemoveLateEdges(database, added);
            Progress.Line($"startup: from the snapshot + {Format.Count(replay)} later edge changes {Format.Seconds((double)replayed!["seconds"]!)} ({replayed["source"]})");
        }

        var agree = rebuilds.Concat(loads).Select(r => (string)r["digest"]!).Distinct().Count() == 1;
        report["rebuild"] = new JsonArray([.. rebuilds.Select(r => r.DeepClone())]);
        report["snapshot"] = new JsonArray([.. loads.Select(r => r.DeepClone())]);
        report["snapshot_with_replay"] = replayed?.DeepClone();
        report["read_seconds"] = readSeconds;
        report["map_seconds"] = mapSeconds;
        report["answers_agree"] = agree;
        report["load_after"] = ProcStatus.LoadAverage();
        await File.WriteAllTextAsync(Path.Combine(outDir, "startup.json"), report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        string Col(IEnumerable<JsonNode> rows, Func<JsonNode, string> cell) => string.Join(" / ", rows.Select(cell));
        Console.WriteLine($"## Start-up at {Format.Count(nodes)} nodes (load {report["load_before"]} before, {report["load_after"]} after)");
        Console.WriteLine();
        Console.WriteLine("| | rebuild from SQLite | from the snapshot | snapshot + " + Format.Count(replay) + " later changes |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| wall | {Col(rebuilds, r => Format.Seconds((double)r["seconds"]!))} | {Col(loads, r => Format.Seconds((double)r["seconds"]!))} | {(replayed is null ? "-" : Format.Seconds((double)replayed["seconds"]!))} |");
        Console.WriteLine($"| process CPU | {Col(rebuilds, r => Format.Seconds((double)r["cpu_seconds"]!))} | {Col(loads, r => Format.Seconds((double)r["cpu_seconds"]!))} | {(replayed is null ? "-" : Format.Seconds((double)replayed["cpu_seconds"]!))} |");
        Console.WriteLine($"| peak RSS | {Col(rebuilds, r => Format.Bytes((long)r["peak_rss_bytes"]!))} | {Col(loads, r => Format.Bytes((long)r["peak_rss_bytes"]!))} | {(replayed is null ? "-" : Format.Bytes((long)replayed["peak_rss_bytes"]!))} |");
        Console.WriteLine($"| index heap after GC | {Col(rebuilds, r => Format.Bytes((long)r["index_heap_bytes"]!))} | {Col(loads, r => Format.Bytes((long)r["index_heap_bytes"]!))} | {(replayed is null ? "-" : Format.Bytes((long)replayed["index_heap_bytes"]!))} |");
        Console.WriteLine($"| how it started | {rebuilds[0]["source"]} | {loads[0]["source"]} | {replayed?["source"]} |");
        Console.WriteLine();
        Console.WriteLine($"Snapshot: {Format.Bytes((long)rebuilds[0]["snapshot_bytes"]!)}, written in the background in {Col(rebuilds, r => Format.Seconds((double)r["snapshot_write_seconds"]!))}; the file into memory: read {Format.Seconds(readSeconds)}, memory map + copy {Format.Seconds(mapSeconds)}. SQLite file {Format.Bytes(new FileInfo(database).Length)}. Answers agree: {(agree ? "yes" : "NO")}.");
        return agree ? 0 : 1;
    }

    /// <summary>Child process: open the store (rebuild: no snapshot there; snapshot: use it), print JSON.</summary>
    public static async Task<int> ChildAsync(string database, string mode)
    {
        Measure.CollectAll();
        var heapBefore = Measure.ManagedHeap();
        var started = Stopwatch.GetTimestamp();
        var store = new EmbeddedGraphStore(database) { SnapshotEvery = int.MaxValue };
        await store.InitializeAsync();
        var seconds = Measure.ElapsedMs(started) / 1000;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var peak = ProcStatus.PeakRssBytes();
        var (gcPause, gcCount) = (GC.GetTotalPauseDuration().TotalSeconds, GC.CollectionCount(0));
        var hugePages = ProcStatus.AnonHugePagesBytes();
        await store.WaitForSnapshotAsync();
        Measure.CollectAll();
        var heap = Measure.ManagedHeap() - heapBefore;
        var result = new JsonObject
        {
            ["mode"] = mode,
            ["source"] = store.StartupSource,
            ["seconds"] = seconds,
            ["cpu_seconds"] = cpu,
            ["peak_rss_bytes"] = peak,
            ["index_heap_bytes"] = heap,
            ["gc_pause_seconds"] = gcPause,
            ["gc_collections"] = gcCount,
            ["anon_huge_pages_bytes"] = hugePages,
            ["nodes"] = store.Index.NodeCount,
            ["edges"] = store.Index.EdgeCount,
            ["snapshot_bytes"] = store.LastSnapshotWrite?.Bytes ?? 0,
            ["snapshot_write_seconds"] = store.LastSnapshotWrite?.Took.TotalSeconds ?? 0,
            ["digest"] = await DigestAsync(store, database),
        };
        await store.DisposeAsync();
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    /// <summary>Answers over sampled nodes: shortest paths, search, degrees, 1-hop neighborhoods.</summary>
    private static async Task<string> DigestAsync(EmbeddedGraphStore store, string database)
    {
        var ids = new List<string>();
        using (var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM nodes WHERE nid % 9973 = 1 ORDER BY nid LIMIT 60";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        for (var i = 0; i + 1 < ids.Count; i++)
        {
            var node = await store.GetNodeAsync(ids[i]);
            text.Append(node!.Node.Name).Append(node.Degree).Append('|');
            var paths = await store.FindPathsAsync(new PathQuery(ids[i], ids[i + 1], MaxHops: 8));
            text.Append(string.Join(',', paths.Paths.Select(p => p.Length))).Append('|');
            var hits = await store.SearchAsync(new SearchQuery(node.Node.Name, null, 10));
            text.Append(string.Join(',', hits.Select(h => $"{h.Id}:{h.Score:F3}").Order(StringComparer.Ordinal))).Append('|');
            var around = await store.GetNeighborhoodAsync(new NeighborhoodQuery(ids[i], 1, Limit: 50));
            text.Append(around!.Nodes.Count).Append('\n');
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    /// <summary>
    /// The synthetic graph straight into a database with Explorer's schema (one transaction, indexes made after
    /// the rows, one GraphReloaded change as a seed leaves): a benchmark fixture, minutes faster than seeding
    /// through the store at 1M. Reused when its marker says it holds the same graph.
    /// </summary>
    private static double Seed(string database, int nodeCount, int m)
    {
        var marker = database + ".seeded";
        var expected = $"{SeedFormat} nodes={nodeCount} m={m}";
        if (File.Exists(database) && File.Exists(marker) && File.ReadAllText(marker).Trim() == expected)
        {
            Progress.Line($"startup: reusing {database} ({Format.Bytes(new FileInfo(database).Length)})");
            return double.NaN;
        }

        foreach (var file in new[] { database, database + "-wal", database + "-shm", database + IndexSnapshot.Suffix, marker })
        {
            File.Delete(file);
        }

        var started = Stopwatch.GetTimestamp();
        var graph = SyntheticGraph.Generate(nodeCount, m, 20240601UL, shuffle: true);
        var names = SyntheticNames.Generate(nodeCount, 20240601UL);
        Progress.Line($"startup: writing {Format.Count(nodeCount)} nodes and {Format.Count(graph.EdgeCount)} edges into {database}");
        using (var connection = SqliteSchema.Open(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString()))
        {
            SqliteSchema.Migrate(connection);
            Execute(connection, "PRAGMA cache_size = -1000000; DROP INDEX edges_source; DROP INDEX edges_target;");
            using var transaction = connection.BeginTransaction();
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO nodes (nid, id, kind, name, aliases, description) VALUES ($nid, $id, $kind, $name, $aliases, $description)";
                var (nid, id, kind, name, aliases, description) = (insert.Parameters.Add("$nid", SqliteType.Integer), insert.Parameters.Add("$id", SqliteType.Text), insert.Parameters.Add("$kind", SqliteType.Text), insert.Parameters.Add("$name", SqliteType.Text), insert.Parameters.Add("$aliases", SqliteType.Text), insert.Parameters.Add("$description", SqliteType.Text));
                insert.Prepare();
                for (var i = 0; i < nodeCount; i++)
                {
                    var node = names[i];
                    (nid.Value, id.Value, kind.Value, name.Value, aliases.Value, description.Value) = (i + 1, node.Id, node.Kind.ToString(), node.Name, string.Join('\u001f', node.Aliases), $"Synthetic {node.Kind.ToString().ToLowerInvariant()} for benchmarking.");
                    insert.ExecuteNonQuery();
                }
            }

            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO edges (eid, id, type, source_nid, target_nid, evidence) VALUES ($eid, $id, $type, $source, $target, $evidence)";
                var (eid, id, type, source, target, evidence) = (insert.Parameters.Add("$eid", SqliteType.Integer), insert.Parameters.Add("$id", SqliteType.Text), insert.Parameters.Add("$type", SqliteType.Text), insert.Parameters.Add("$source", SqliteType.Integer), insert.Parameters.Add("$target", SqliteType.Integer), insert.Parameters.Add("$evidence", SqliteType.Text));
                insert.Prepare();
                evidence.Value = """[{"source":"synthetic","quote":"Generated by the Explorer benchmark (preferential attachment)."}]""";
                for (var e = 0; e < graph.EdgeCount; e++)
                {
                    (eid.Value, id.Value, type.Value, source.Value, target.Value) = (e + 1, string.Create(CultureInfo.InvariantCulture, $"e{e:D8}"), StoreBench.EdgeType(e), graph.Sources[e] + 1, graph.Targets[e] + 1);
                    insert.ExecuteNonQuery();
                    if ((e + 1) % 1_000_000 == 0)
                    {
                        Progress.Line($"startup: {Format.Count(e + 1)} edges");
                    }
                }
            }

            using (var change = connection.CreateCommand())
            {
                change.Transaction = transaction;
                change.CommandText = "INSERT INTO changes (at, kind, entity_id) VALUES ($at, 'GraphReloaded', 'seed')";
                change.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                change.ExecuteNonQuery();
            }

            transaction.Commit();
            Progress.Line("startup: indexing edges by endpoint");
            Execute(connection, "CREATE INDEX edges_source ON edges(source_nid); CREATE INDEX edges_target ON edges(target_nid); PRAGMA wal_checkpoint(TRUNCATE);");
        }

        var seconds = Measure.ElapsedMs(started) / 1000;
        File.WriteAllText(marker, expected);
        Progress.Line($"startup: seeded in {Format.Seconds(seconds)} ({Format.Bytes(new FileInfo(database).Length)})");
        return seconds;
    }

    /// <summary>Commits <paramref name="count"/> new edges through the store (each its own change), without writing a snapshot.</summary>
    private static List<string> AddLateEdges(string database, int count)
    {
        var ids = new List<string>(count);
        var store = new EmbeddedGraphStore(database) { SnapshotEvery = int.MaxValue, CompactionFloor = int.MaxValue };
        store.InitializeAsync().GetAwaiter().GetResult();
        var nodes = store.Index.Nodes;
        var evidence = new[] { new Evidence("synthetic", "Added after the snapshot by the start-up benchmark.") };
        var batch = Enumerable.Range(0, count).Select(i => new Edge($"late-{i:D6}", StoreBench.EdgeType(i), nodes.Id((i * 7919) % store.Index.Graph.NodeCount), nodes.Id((i * 104729 + 1) % store.Index.Graph.NodeCount), evidence)).ToList();
        store.ApplyBatchAsync([.. batch.Select(e => new GraphWrite.UpsertEdge(e))]).GetAwaiter().GetResult();
        ids.AddRange(batch.Select(e => e.Id));

        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return ids;
    }

    private static void RemoveLateEdges(string database, List<string> ids)
    {
        // Straight from SQLite (with their change rows), so the snapshot stays exactly as current as before.
        using var connection = SqliteSchema.Open(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM edges WHERE id LIKE 'late-%'; DELETE FROM changes WHERE entity_id LIKE 'late-%';";
        command.ExecuteNonQuery();
        transaction.Commit();
        GC.KeepAlive(ids);
    }

    private static (double Read, double Map) ReadVersusMap(string path)
    {
        var length = new FileInfo(path).Length;
        File.ReadAllBytes(path);
        var started = Stopwatch.GetTimestamp();
        var chunks = new List<byte[]>();
        using (var file = File.OpenHandle(path))
        {
            for (long at = 0; at < length; at += 1 << 26)
            {
                var chunk = new byte[Math.Min(1 << 26, length - at)];
                RandomAccess.Read(file, chunk, at);
                chunks.Add(chunk);
            }
        }

        var read = Measure.ElapsedMs(started) / 1000;
        chunks.Clear();
        Measure.CollectAll();
        started = Stopwatch.GetTimestamp();
        using (var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read))
        using (var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read))
        {
            for (long at = 0; at < length; at += 1 << 26)
            {
                var chunk = new byte[Math.Min(1 << 26, length - at)];
                view.ReadArray(at, chunk, 0, chunk.Length);
                chunks.Add(chunk);
            }
        }

        var mapped = Measure.ElapsedMs(started) / 1000;
        GC.KeepAlive(chunks);
        return (read, mapped);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static int ParseSize(string text) => text.ToLowerInvariant() switch
    {
        var t when t.EndsWith('m') => (int)(double.Parse(t[..^1], CultureInfo.InvariantCulture) * 1_000_000),
        var t when t.EndsWith('k') => (int)(double.Parse(t[..^1], CultureInfo.InvariantCulture) * 1_000),
        var t => int.Parse(t, CultureInfo.InvariantCulture),
    };
}
