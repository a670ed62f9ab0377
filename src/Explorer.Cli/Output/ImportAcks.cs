using System.Globalization;
using System.Threading.Channels;
using Explorer.Import;

namespace Explorer.Cli.Output;

/// <summary>
/// Writes <c>explorer import</c>'s acknowledgements ("ok &lt;seq&gt; &lt;kind&gt; &lt;id&gt;", one line per committed
/// record) on its own thread, so the thread that commits batches does not format millions of lines. A batch is
/// handed over only after it committed (<see cref="ImportOptions.Committed"/>), batches in commit order; each is
/// written as one block and flushed when no other batch waits. A few batches may wait (then the committing
/// thread waits for the writer); a failed write ends the import at its next batch, as a write on that thread did.
/// </summary>
internal sealed class ImportAcks
{
    private readonly TextWriter _out;
    private readonly Channel<IReadOnlyList<ImportedRecord>> _batches =
        Channel.CreateBounded<IReadOnlyList<ImportedRecord>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });

    private readonly Task _writing;
    private char[] _buffer = new char[1 << 16];

    public ImportAcks(TextWriter output)
    {
        _out = output;
        _writing = Task.Run(WriteAsync);
    }

    /// <summary>Hands over one committed batch (the import's <see cref="ImportOptions.Committed"/> callback).</summary>
    public async Task CommittedAsync(IReadOnlyList<ImportedRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count > 0)
        {
            await _batches.Writer.WriteAsync(records, cancellationToken);
        }
    }

    /// <summary>Waits until every batch handed over is written and flushed (before the summary).</summary>
    public async Task CompleteAsync()
    {
        _batches.Writer.TryComplete();
        await _writing;
    }

    /// <summary>As <see cref="CompleteAsync"/>, when the import already failed: a failed write is not reported over it.</summary>
    public async Task CompleteQuietlyAsync()
    {
        try
        {
            await CompleteAsync();
        }
        catch (Exception)
        {
            // The import's failure is the one reported.
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            var reader = _batches.Reader;
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var records))
                {
                    var length = Format(records);
                    await _out.WriteAsync(_buffer.AsMemory(0, length));
                }

                await _out.FlushAsync();
            }
        }
        catch (Exception ex)
        {
            // The import stops at its next batch with this failure (the channel refuses it).
            _batches.Writer.TryComplete(ex);
            throw;
        }
    }

    /// <summary>The batch's lines into the buffer (grown as needed); their length.</summary>
    private int Format(IReadOnlyList<ImportedRecord> records)
    {
        var length = 0;
        foreach (var record in records)
        {
            // "ok " + a long (at most 20 characters) + " " + kind + " " + id + "\n".
            var needed = 3 + 20 + 1 + record.Kind.Length + 1 + record.Id.Length + 1;
            if (length + needed > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, length + needed));
            }

            var line = _buffer.AsSpan(length);
            "ok ".CopyTo(line);
            record.Seq.TryFormat(line[3..], out var digits, provider: CultureInfo.InvariantCulture);
            var at = 3 + digits;
            line[at++] = ' ';
            record.Kind.CopyTo(line[at..]);
            at += record.Kind.Length;
            line[at++] = ' ';
            record.Id.CopyTo(line[at..]);
            at += record.Id.Length;
            line[at++] = '\n';
            length += at;
        }

        return length;
    }
}
