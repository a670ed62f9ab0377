using System.Text;
using Explorer.Cli.Output;
using Explorer.Import;

namespace Explorer.Tests.Cli;

/// <summary>
/// <c>explorer import</c>'s acknowledgements written on their own thread: the same "ok &lt;seq&gt; &lt;kind&gt; &lt;id&gt;"
/// lines, batches in the order they committed, all written before the import's summary, and a failed write
/// stops the import at its next batch.
/// </summary>
public sealed class ImportAcksTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachCommittedRecordIsOneLineInCommitOrderAndAllAreWrittenOnCompletion()
    {
        var output = new StringWriter();
        var acks = new ImportAcks(output);
        var expected = new StringBuilder();
        long seq = 9_999_990;
        for (var batch = 0; batch < 20; batch++)
        {
            // Batches large enough to outgrow the writer's first buffer, ids long and short.
            var records = Enumerable.Range(0, 1_500).Select(i => new ImportedRecord(++seq, i % 3 == 0 ? "node" : "removeEdge", $"id-{batch}-{new string('x', i % 40)}")).ToList();
            foreach (var record in records)
            {
                expected.Append(System.Globalization.CultureInfo.InvariantCulture, $"ok {record.Seq} {record.Kind} {record.Id}\n");
            }

            await acks.CommittedAsync(records, Token);
        }

        await acks.CompleteAsync();

        Assert.Equal(expected.ToString(), output.ToString());
    }

    [Fact]
    public async Task AFailedWriteStopsTheImportAtItsNextBatch()
    {
        var acks = new ImportAcks(new FailingWriter());
        await acks.CommittedAsync([new ImportedRecord(1, "edge", "a")], Token);

        // The writer fails on its own thread; the next batch handed over (or the completion) reports it.
        var failed = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await acks.CommittedAsync([new ImportedRecord(2 + i, "edge", "b")], Token);
                await Task.Delay(10, Token);
            }

            await acks.CompleteAsync();
        });
        Assert.True(failed is IOException || failed.InnerException is IOException, failed.ToString());
    }

    private sealed class FailingWriter : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => throw new IOException("stdout closed");

        public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) => throw new IOException("stdout closed");
    }
}
