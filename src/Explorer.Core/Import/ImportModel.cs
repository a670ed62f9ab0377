namespace Explorer.Import;

/// <summary>What the files hold; see the README's "Importing" section for each layout.</summary>
public enum ImportFormat
{
    /// <summary>One record per line: <c>{"node":{...}}</c>, <c>{"edge":{...}}</c>, <c>{"removeNode":"id"}</c>, <c>{"removeEdge":"id"}</c>.</summary>
    JsonLines,

    /// <summary>The <c>graph-seed/</c> layout: JSON arrays in <c>nodes.json</c>, <c>edges.json</c> and (optionally) <c>sources.json</c>.</summary>
    GraphSeed,

    /// <summary><c>nodes.csv</c> and <c>edges.csv</c> with header rows after neo4j-admin import (<c>:ID</c>, <c>:LABEL</c>, <c>:START_ID</c>, <c>:END_ID</c>, <c>:TYPE</c>).</summary>
    Csv,

    /// <summary>GraphML as Gephi, yEd and the page write it (attributes declared by <c>&lt;key&gt;</c>); DTDs are refused (no XXE).</summary>
    GraphMl,

    /// <summary>graphology's JSON serialization, as the page exports it (<c>{nodes: [{key, attributes}], edges: [{key, source, target, attributes}]}</c>).</summary>
    Graphology,
}

/// <summary>
/// One input of an import: a name (its file name, used in errors and, for CSV and graph-seed, to tell the
/// files apart) and a way to open it. An input that can be opened again is read twice: once to validate
/// everything, once to write. One that cannot (stdin, a request body that is not buffered) is validated
/// and written a batch at a time as it arrives.
/// </summary>
public sealed class ImportInput
{
    private readonly Func<Stream>? _open;
    private readonly TextReader? _reader;
    private bool _opened;

    private ImportInput(string name, Func<Stream>? open, TextReader? reader, bool canReopen, string? directory, long? length)
    {
        Name = name;
        _open = open;
        _reader = reader;
        CanReopen = canReopen;
        Directory = directory;
        Length = length;
    }

    /// <summary>The file name errors name.</summary>
    public string Name { get; }

    /// <summary>Whether the input may be read more than once.</summary>
    public bool CanReopen { get; }

    /// <summary>The folder of a file on disk (graph-seed sources name their text files relative to it).</summary>
    public string? Directory { get; }

    /// <summary>Bytes, when known (progress uses it for the ETA of the validation pass).</summary>
    public long? Length { get; }

    public static ImportInput FromFile(string path)
    {
        var full = Path.GetFullPath(path);
        return new ImportInput(Path.GetFileName(full), () => new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), null, true, Path.GetDirectoryName(full), new FileInfo(full).Length);
    }

    public static ImportInput FromBytes(string name, byte[] bytes) =>
        new(name, () => new MemoryStream(bytes, writable: false), null, true, null, bytes.Length);

    /// <summary>
    /// An input that can be opened again (an upload spooled to disk): each call of <paramref name="open"/> gives a
    /// new stream from its start. Graph-seed sources cannot name text files beside it (there is no folder).
    /// </summary>
    public static ImportInput FromOpen(string name, Func<Stream> open, long? length = null) =>
        new(name, open, null, true, null, length);

    /// <summary>A stream read once, as it arrives (the import is validated and written batch by batch).</summary>
    public static ImportInput FromStream(string name, Stream stream) =>
        new(name, () => stream, null, false, null, null);

    /// <summary>Text read once, as it arrives (stdin).</summary>
    public static ImportInput FromReader(string name, TextReader reader) =>
        new(name, null, reader, false, null, null);

    /// <summary>
    /// Opens the input as text: UTF-8 (a BOM is skipped; bytes that are not UTF-8 are an error, never replaced),
    /// counting the bytes read into <paramref name="bytesRead"/>.
    /// </summary>
    internal TextReader OpenText(Action<int>? bytesRead = null)
    {
        if (_opened && !CanReopen)
        {
            throw new InvalidOperationException($"{Name} can be read only once");
        }

        _opened = true;
        if (_reader is not null)
        {
            return _reader;
        }

        var stream = _open!();
        return new StreamReader(
            bytesRead is null ? stream : new CountingStream(stream, bytesRead),
            new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
            detectEncodingFromByteOrderMarks: true,
            bufferSize: 1 << 16,
            leaveOpen: !CanReopen);
    }

    /// <summary>Counts bytes read, for the validation pass's estimate of the time left.</summary>
    private sealed class CountingStream(Stream inner, Action<int> counted) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            counted(read);
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            counted(read);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>How an import runs.</summary>
public sealed record ImportOptions
{
    public const int DefaultBatchSize = 10_000;
    public const int MaxBatchSize = 1_000_000;

    /// <summary>Validate and count only; nothing is written.</summary>
    public bool DryRun { get; init; }

    /// <summary>Writes per transaction (1..<see cref="MaxBatchSize"/>): each batch commits whole or not at all.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// A source document id the store holds (or the import brings) that describes the import ("Team spreadsheet,
    /// 2026-11"): an edge without evidence cites the first line of that document's text. Without it, an edge
    /// without evidence is an error.
    /// </summary>
    public string? EvidenceSource { get; init; }

    /// <summary>Write nothing at all if any record is invalid (the default keeps the valid records).</summary>
    public bool AllOrNothing { get; init; }

    /// <summary>How foreign columns or attributes and kind and type values map onto the model (a mapping file); null: none.</summary>
    public ImportMapping? Mapping { get; init; }

    /// <summary>
    /// Validate every input whole before writing anything, as all-or-nothing does, even when bad records are to be
    /// left out (the import's order before issue 9: the benchmark's baseline).
    /// </summary>
    internal bool ValidateFirst { get; init; }

    /// <summary>
    /// Checks ask the store only what they need: an edge's ends by kind (no node built per end), and no edge ids
    /// at all when the store held no edges as the import started (every edge then there is one the import wrote,
    /// and it knows those); off, as before (the benchmark's previous path).
    /// </summary>
    internal bool LeanChecks { get; init; } = true;

    /// <summary>Errors kept in the report (all are counted).</summary>
    public int MaxErrors { get; init; } = 1000;

    /// <summary>Called after each batch commits, with what it wrote (the CLI acknowledges each record).</summary>
    public Func<IReadOnlyList<ImportedRecord>, CancellationToken, Task>? Committed { get; init; }
}

/// <summary>A committed write: its change-log sequence, what it was (node, edge, removeNode, removeEdge) and the id.</summary>
public sealed record ImportedRecord(long Seq, string Kind, string Id);

/// <summary>New, changed, unchanged and removed records of one kind (what was or, in a dry run, would be written).</summary>
public sealed record ImportCounts(long New, long Changed, long Unchanged, long Removed)
{
    public static readonly ImportCounts None = new(0, 0, 0, 0);

    public long Written => New + Changed + Removed;
}

/// <summary>
/// A record that was not imported: the file, the 1-based line and column (a CSV column is a field number), and
/// why; <see cref="Element"/> names the record where the format has elements ("node 'nato'" in GraphML).
/// </summary>
public sealed record ImportError(string File, long Line, int Column, string Reason)
{
    /// <summary>The element or record the error is about, where the format names one (GraphML, graphology JSON).</summary>
    public string? Element { get; init; }

    public override string ToString() => $"{File}:{Line}:{Column}: {Reason}";
}

/// <summary>What an import did (or, in a dry run, would do).</summary>
/// <param name="Applied">Whether anything was written (false for a dry run, and when the import stopped before writing).</param>
/// <param name="Records">Records read (blank lines aside).</param>
/// <param name="ErrorCount">Every error; <see cref="Errors"/> keeps the first <see cref="ImportOptions.MaxErrors"/>.</param>
/// <param name="Batches">Transactions committed.</param>
/// <param name="LastSeq">The change-log sequence of the last committed write (0: none).</param>
public sealed record ImportReport(
    ImportFormat Format,
    bool DryRun,
    bool Applied,
    long Records,
    ImportCounts Sources,
    ImportCounts Nodes,
    ImportCounts Edges,
    long ErrorCount,
    IReadOnlyList<ImportError> Errors,
    long Batches,
    long LastSeq,
    TimeSpan Elapsed)
{
    public bool Succeeded => ErrorCount == 0;

    /// <summary>Edge records without evidence of their own: each cites <see cref="ImportOptions.EvidenceSource"/>, or fails without one.</summary>
    public long EdgesWithoutEvidence { get; init; }
}

public enum ImportPhase
{
    /// <summary>Reading and checking every record (and comparing it with the store); nothing written yet (a dry run, or all-or-nothing's first pass).</summary>
    Validating,

    /// <summary>Reading, checking and committing batches.</summary>
    Writing,
}

/// <summary>Progress of an import: records done in this phase, the total when known, the rate and an estimate of the time left.</summary>
public sealed record ImportProgress(ImportPhase Phase, long Done, long? Total, double PerSecond, TimeSpan? Remaining, long Errors);
