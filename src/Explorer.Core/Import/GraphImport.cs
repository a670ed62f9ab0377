using System.Diagnostics;
using System.Threading.Channels;
using Explorer.Graph;

namespace Explorer.Import;

/// <summary>
/// The one import pipeline (the CLI's <c>explorer import</c>, and the HTTP import): reads JSON Lines, the
/// graph-seed layout or CSV, checks every record with the record rules against the store and the import
/// itself, counts what is new, changed and unchanged, and writes only what changed, in batches through
/// <see cref="IGraphStore.ApplyBatchAsync"/> (each batch one transaction with its change-log entries, so the
/// index updates incrementally and live clients see each write). Records are checked and written in one pass,
/// a batch at a time as they are read (a bad record is reported and left out; the batches before a record that
/// makes the rest unreadable stay committed); with all-or-nothing, inputs are validated whole first and
/// nothing is written if one record is bad. Re-importing the same data writes nothing.
/// </summary>
public static class GraphImport
{
    public static Task<ImportReport> RunAsync(
        IGraphStore store,
        IReadOnlyList<ImportInput> inputs,
        ImportFormat format,
        ImportOptions? options = null,
        IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new ImportOptions();
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BatchSize, ImportOptions.MaxBatchSize);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("nothing to import: give at least one input", nameof(inputs));
        }

        if (options.AllOrNothing && inputs.Any(i => !i.CanReopen))
        {
            throw new ArgumentException("all-or-nothing needs inputs that can be read twice (files), not a stream", nameof(options));
        }

        return new ImportRun(store, inputs, format, options, progress).RunAsync(cancellationToken);
    }
}

/// <summary>One run of the pipeline.</summary>
internal sealed class ImportRun(IGraphStore store, IReadOnlyList<ImportInput> inputs, ImportFormat format, ImportOptions options, IProgress<ImportProgress>? progress)
{
    /// <summary>Records checked together (one store lookup for their ids).</summary>
    private const int ChunkSize = 4096;

    private static readonly TimeSpan s_progressEvery = TimeSpan.FromMilliseconds(250);

    private readonly long _started = Stopwatch.GetTimestamp();
    private long _bytesRead;
    private long? _bytesTotal;

    public async Task<ImportReport> RunAsync(CancellationToken cancellationToken)
    {
        var ordered = Order(out var orderErrors);
        var streaming = inputs.Any(i => !i.CanReopen);
        _bytesTotal = inputs.All(i => i.Length is not null) ? inputs.Sum(i => i.Length!.Value) : null;

        // One pass checks and writes as it reads: a batch commits once it is full. Only all-or-nothing needs
        // to see every record before it writes one (and the old two-pass order stays as a benchmark baseline).
        if (streaming || !(options.AllOrNothing || options.ValidateFirst))
        {
            var single = new Pass(this, store, options, write: !options.DryRun, streaming: streaming, totalRecords: null);
            single.AddErrors(orderErrors);
            try
            {
                await single.RunAsync(ordered, cancellationToken);
            }
            finally
            {
                await store.FinishBulkAsync(CancellationToken.None);
            }

            return Report(single);
        }

        var check = new Pass(this, store, options, write: false, streaming: false, totalRecords: null);
        check.AddErrors(orderErrors);
        await check.RunAsync(ordered, cancellationToken);
        if (options.DryRun || check.Fatal || (options.AllOrNothing && check.ErrorCount > 0) || check.ToWrite == 0)
        {
            return Report(check);
        }

        _bytesRead = 0;
        var apply = new Pass(this, store, options, write: true, streaming: false, totalRecords: check.Records);
        apply.AddErrors(orderErrors);
        try
        {
            await apply.RunAsync(ordered, cancellationToken);
        }
        finally
        {
            await store.FinishBulkAsync(CancellationToken.None);
        }

        return Report(apply);
    }

    private ImportReport Report(Pass pass) => new(
        format,
        options.DryRun,
        pass.Batches > 0,
        pass.Records,
        pass.Sources.Counts,
        pass.Nodes.Counts,
        pass.Edges.Counts,
        pass.ErrorCount,
        pass.Errors,
        pass.Batches,
        pass.LastSeq,
        Stopwatch.GetElapsedTime(_started))
    {
        EdgesWithoutEvidence = pass.EdgesWithoutEvidence,
    };

    /// <summary>The inputs in the order they must be read (CSV and graph-seed: sources, then nodes, then edges).</summary>
    private List<(ImportInput Input, RecordKind? Kind)> Order(out List<ImportError> errors)
    {
        errors = [];
        if (format == ImportFormat.JsonLines)
        {
            return [.. inputs.Select(i => (i, (RecordKind?)null))];
        }

        var kinds = new List<(ImportInput Input, RecordKind? Kind)>();
        foreach (var input in inputs)
        {
            RecordKind? kind;
            if (format == ImportFormat.GraphSeed)
            {
                kind = GraphSeedRecords.KindOf(input.Name);
                if (kind is null)
                {
                    errors.Add(new ImportError(input.Name, 1, 1, "not a graph-seed file: expected sources.json, nodes.json or edges.json"));
                    continue;
                }
            }
            else if (format != ImportFormat.Csv)
            {
                // GraphML and graphology: one file holds everything, in the order it must be read.
                kind = null;
            }
            else if (input.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                // The source documents beside nodes.csv and edges.csv, in the graph-seed layout (as an export writes them).
                kind = RecordKind.Source;
            }
            else if (!input.CanReopen)
            {
                kind = null;
            }
            else
            {
                using var text = input.OpenText();
                kind = CsvRecords.KindOf(text, options.Mapping);
                if (kind is null)
                {
                    errors.Add(new ImportError(input.Name, 1, 1, "not a nodes or edges CSV file: its header needs an :ID column (nodes) or :START_ID and :END_ID columns (edges)"));
                    continue;
                }
            }

            kinds.Add((input, kind));
        }

        return [.. kinds.OrderBy(k => k.Kind switch { RecordKind.Source => 0, RecordKind.Node => 1, RecordKind.Edge => 2, _ => 1 })];
    }

    /// <summary>Every record of every input, in order.</summary>
    private IEnumerable<ImportItem> ReadAll(List<(ImportInput Input, RecordKind? Kind)> ordered)
    {
        foreach (var (input, kind) in ordered)
        {
            using var text = input.OpenText(read => Interlocked.Add(ref _bytesRead, read));
            var mapping = options.Mapping;
            IEnumerable<ImportItem> items = format switch
            {
                ImportFormat.JsonLines => JsonRecords.ReadLines(input.Name, text),
                ImportFormat.GraphSeed => GraphSeedRecords.Read(input.Name, kind!.Value, text),
                ImportFormat.Csv when kind == RecordKind.Source => GraphSeedRecords.Read(input.Name, RecordKind.Source, text),
                ImportFormat.GraphMl => GraphMlRecords.Read(input.Name, text, mapping),
                ImportFormat.Graphology => GraphologyRecords.Read(input.Name, text, mapping),
                _ => CsvRecords.Read(input.Name, text, mapping),
            };
            foreach (var read in WithDecodingErrors(input.Name, items))
            {
                var item = mapping is null ? read : mapping.Apply(read);
                if (item.Source is { File: { } file } source && kind == RecordKind.Source)
                {
                    yield return WithSourceText(item, source, file, input.Directory);
                    continue;
                }

                yield return item;
            }
        }
    }

    /// <summary>Text that is not UTF-8 ends the input with one error (JSON Lines decodes as it reads).</summary>
    private static IEnumerable<ImportItem> WithDecodingErrors(string file, IEnumerable<ImportItem> items)
    {
        using var enumerator = items.GetEnumerator();
        long records = 0;
        while (true)
        {
            ImportItem item;
            try
            {
                if (!enumerator.MoveNext())
                {
                    yield break;
                }

                item = enumerator.Current;
            }
            catch (System.Text.DecoderFallbackException)
            {
                item = ImportItem.Failed(file, new Position(records + 1, 1), "not UTF-8 text after this point (save the file as UTF-8)", fatal: true);
            }

            records = item.At.Line;
            yield return item;
            if (item.Fatal)
            {
                yield break;
            }
        }
    }

    private static ImportItem WithSourceText(ImportItem item, SourceRecord source, string file, string? directory)
    {
        if (source.Text is not null)
        {
            return item;
        }

        if (directory is null)
        {
            return ImportItem.Failed(item.File, item.Where("file") ?? item.At, "source: 'file' needs the import to read files from disk; give the text inline as 'text'");
        }

        var path = Path.GetFullPath(Path.Combine(directory, file));
        if (!path.StartsWith(Path.GetFullPath(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
        {
            return ImportItem.Failed(item.File, item.Where("file") ?? item.At, $"source: text file '{file}' not found next to {item.File}");
        }

        return new ImportItem { File = item.File, At = item.At, Kind = item.Kind, Source = source with { Text = File.ReadAllText(path) }, Locate = item.Locate, Columns = item.Columns };
    }

    private void Report(ImportPhase phase, long phaseStarted, long done, long? total, long errors)
    {
        if (progress is null)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(phaseStarted);
        var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        TimeSpan? remaining = null;
        if (total is { } t && rate > 0)
        {
            remaining = TimeSpan.FromSeconds(Math.Max(0, t - done) / rate);
        }
        else if (_bytesTotal is { } bytes && bytes > 0 && Interlocked.Read(ref _bytesRead) is var read and > 0)
        {
            remaining = elapsed * ((double)(bytes - Math.Min(read, bytes)) / read);
        }

        progress.Report(new ImportProgress(phase, done, total, rate, remaining, errors));
    }

    /// <summary>One pass over the inputs: checks every record and, when writing, writes what changed.</summary>
    private sealed class Pass(ImportRun run, IGraphStore store, ImportOptions options, bool write, bool streaming, long? totalRecords)
    {
        private readonly ImportChecker _checker = new(store, options);
        private readonly List<ImportError> _errors = [];
        private readonly List<Pending> _pending = [];
        private (List<Pending> Batch, Task Task)? _committing;
        private long _lastReport = Stopwatch.GetTimestamp();
        private readonly long _phaseStarted = Stopwatch.GetTimestamp();

        public long Records { get; private set; }

        public long ErrorCount { get; private set; }

        public IReadOnlyList<ImportError> Errors => _errors;

        public bool Fatal { get; private set; }

        public long Batches { get; private set; }

        public long LastSeq { get; private set; }

        public CountsBuilder Sources => _checker.Sources;

        public CountsBuilder Nodes => _checker.Nodes;

        public CountsBuilder Edges => _checker.Edges;

        public long EdgesWithoutEvidence => _checker.EdgesWithoutEvidence;

        public long ToWrite => Sources.Counts.Written + Nodes.Counts.Written + Edges.Counts.Written;

        public void AddErrors(IEnumerable<ImportError> errors)
        {
            foreach (var error in errors)
            {
                AddError(error);
                Fatal = true;
            }
        }

        public async Task RunAsync(List<(ImportInput Input, RecordKind? Kind)> ordered, CancellationToken cancellationToken)
        {
            var channel = Channel.CreateBounded<ImportItem>(new BoundedChannelOptions(2 * ChunkSize) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var producer = Task.Run(async () =>
            {
                try
                {
                    foreach (var item in run.ReadAll(ordered))
                    {
                        await channel.Writer.WriteAsync(item, stop.Token);
                    }

                    channel.Writer.Complete();
                }
                catch (Exception ex)
                {
                    channel.Writer.Complete(ex);
                }
            }, CancellationToken.None);

            var finished = false;
            try
            {
                var chunk = new List<ImportItem>(ChunkSize);
                var reader = channel.Reader;
                while (await reader.WaitToReadAsync(cancellationToken))
                {
                    while (chunk.Count < ChunkSize && reader.TryRead(out var item))
                    {
                        chunk.Add(item);
                    }

                    // A stream is written as it arrives: when nothing more is waiting, what came so far commits.
                    var idle = streaming && !reader.TryPeek(out _);
                    if (chunk.Count == ChunkSize || idle)
                    {
                        if (!await ChunkAsync(chunk, idle, cancellationToken))
                        {
                            break;
                        }

                        chunk.Clear();
                    }
                }

                if (chunk.Count > 0)
                {
                    await ChunkAsync(chunk, flush: true, cancellationToken);
                }
                else
                {
                    await FlushAsync(all: true, cancellationToken);
                }

                finished = true;
            }
            catch (ImportStoppedException)
            {
                // A batch was refused: reported, and nothing after it is written.
            }
            finally
            {
                await stop.CancelAsync();
                await AbandonAsync();
                if (finished)
                {
                    await producer;
                }
            }

            run.Report(Phase, _phaseStarted, Records, totalRecords, ErrorCount);
        }

        private ImportPhase Phase => write ? ImportPhase.Writing : ImportPhase.Validating;

        /// <summary>Checks a chunk and queues its writes; false when the import must stop (a fatal error).</summary>
        private async Task<bool> ChunkAsync(List<ImportItem> chunk, bool flush, CancellationToken cancellationToken)
        {
            var outcomes = await _checker.CheckAsync(chunk, cancellationToken);
            var go = true;
            for (var i = 0; i < chunk.Count && go; i++)
            {
                var item = chunk[i];
                Records++;
                switch (outcomes[i])
                {
                    case Outcome.Failed(var error):
                        AddError(error);
                        if (item.Fatal)
                        {
                            Fatal = true;
                            go = false;
                        }

                        break;
                    case Outcome.Write(var graphWrite) when write:
                        _pending.Add(new Pending(graphWrite, item.KindName, item.File, item.At));
                        if (_pending.Count >= options.BatchSize)
                        {
                            await FlushAsync(all: false, cancellationToken);
                        }

                        break;
                    case Outcome.WriteSource(var source) when write:
                        await FlushAsync(all: true, cancellationToken);
                        await store.SeedAsync(new Seed.GraphSeed([source], [], []), cancellationToken: cancellationToken);
                        break;
                }
            }

            if (flush || !go)
            {
                await FlushAsync(all: true, cancellationToken);
            }

            if (Stopwatch.GetElapsedTime(_lastReport) >= s_progressEvery)
            {
                _lastReport = Stopwatch.GetTimestamp();
                run.Report(Phase, _phaseStarted, Records, totalRecords, ErrorCount);
            }

            return go;
        }

        /// <summary>
        /// Commits whole batches (and, with <paramref name="all"/>, the remainder as a last smaller one). A batch
        /// commits on another thread while the next records are read and checked (one batch at a time, in order,
        /// so acknowledgements keep the file's order); <paramref name="all"/> also waits for it.
        /// </summary>
        private async Task FlushAsync(bool all, CancellationToken cancellationToken)
        {
            while (_pending.Count >= options.BatchSize || (all && _pending.Count > 0))
            {
                var count = Math.Min(options.BatchSize, _pending.Count);
                var batch = _pending.GetRange(0, count);
                _pending.RemoveRange(0, count);
                await DrainAsync();
                _committing = (batch, Task.Run(() => CommitAsync(batch, cancellationToken), CancellationToken.None));
            }

            // The benchmark's baseline (the order before issue 9's import work) commits each batch before it reads on.
            if (all || options.ValidateFirst)
            {
                await DrainAsync();
            }
        }

        /// <summary>One batch through the store, then its acknowledgements (on the committing thread, batches in order).</summary>
        private async Task CommitAsync(List<Pending> batch, CancellationToken cancellationToken)
        {
            var writes = new GraphWrite[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                writes[i] = batch[i].Write;
            }

            var changes = await store.ApplyBatchAsync(writes, cancellationToken);
            Batches++;
            var committed = new List<ImportedRecord>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                if (changes[i] is { } change)
                {
                    committed.Add(new ImportedRecord(change.Seq, batch[i].Kind, change.EntityId));
                    LastSeq = Math.Max(LastSeq, change.Seq);
                }
            }

            if (options.Committed is { } callback)
            {
                await callback(committed, cancellationToken);
            }
        }

        /// <summary>Waits for the batch being committed; a refused batch stops the import (what committed before it stays).</summary>
        private async Task DrainAsync()
        {
            if (_committing is not var (batch, task))
            {
                return;
            }

            _committing = null;
            try
            {
                await task;
            }
            catch (GraphWriteException ex)
            {
                // The batch rolled back whole; what committed before it stays (and a re-run completes the import).
                var first = batch[0];
                AddError(new ImportError(first.File, first.At.Line, first.At.Column, $"the store refused a write of the batch starting here, so none of its {batch.Count} writes was committed: {ex.Message}"));
                Fatal = true;
                _pending.Clear();
                throw new ImportStoppedException();
            }
        }

        /// <summary>On the way out after a failure: lets a batch still committing finish (its outcome is not reported).</summary>
        private async Task AbandonAsync()
        {
            if (_committing is var (_, task))
            {
                _committing = null;
                try
                {
                    await task;
                }
                catch (Exception)
                {
                    // The failure that ended the pass is the one reported.
                }
            }
        }

        private void AddError(ImportError error)
        {
            ErrorCount++;
            if (_errors.Count < options.MaxErrors)
            {
                _errors.Add(error);
            }
        }
    }
}

/// <summary>A write waiting for its batch: what it names in its acknowledgement, and where its record was (not the record: it is not kept alive).</summary>
internal readonly record struct Pending(GraphWrite Write, string Kind, string File, Position At);

/// <summary>Thrown inside a pass when the store refused a batch; the run reports what committed.</summary>
internal sealed class ImportStoppedException : Exception;
