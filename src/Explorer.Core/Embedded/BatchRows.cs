namespace Explorer.Embedded;

/// <summary>
/// The node and edge rows one bulk batch wrote, as its single change row carries them (the <c>rows</c> column):
/// each list sorted and packed as runs of consecutive row ids (a load inserts rows with consecutive ids, so a
/// batch of 10,000 new edges is one run), every number a LEB128 varint: the node runs, then the edge runs, each
/// as a count followed by (gap from the previous run's end, length) pairs. Another process applies the batch by
/// reading those rows back by range.
/// </summary>
internal static class BatchRows
{
    private const byte Format = 1;

    public static byte[] Encode(List<long> nodeRows, List<long> edgeRows)
    {
        var buffer = new List<byte>(32) { Format };
        WriteRuns(buffer, nodeRows);
        WriteRuns(buffer, edgeRows);
        return [.. buffer];
    }

    /// <summary>The node runs and edge runs as (first row id, count); throws <see cref="FormatException"/> on bytes it did not write.</summary>
    public static (List<(long First, long Count)> Nodes, List<(long First, long Count)> Edges) Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0 || bytes[0] != Format)
        {
            throw new FormatException("not a batch's rows (unknown format)");
        }

        var at = 1;
        var nodes = ReadRuns(bytes, ref at);
        var edges = ReadRuns(bytes, ref at);
        return at == bytes.Length ? (nodes, edges) : throw new FormatException("a batch's rows run past their end");
    }

    private static void WriteRuns(List<byte> buffer, List<long> rows)
    {
        rows.Sort();
        var runs = new List<(long First, long Count)>();
        foreach (var row in rows)
        {
            if (runs.Count > 0 && runs[^1].First + runs[^1].Count - 1 == row)
            {
                continue;
            }

            if (runs.Count > 0 && runs[^1].First + runs[^1].Count == row)
            {
                runs[^1] = (runs[^1].First, runs[^1].Count + 1);
            }
            else
            {
                runs.Add((row, 1));
            }
        }

        Write(buffer, runs.Count);
        var end = 0L;
        foreach (var (first, count) in runs)
        {
            Write(buffer, first - end);
            Write(buffer, count);
            end = first + count;
        }
    }

    private static List<(long First, long Count)> ReadRuns(ReadOnlySpan<byte> bytes, ref int at)
    {
        var count = Read(bytes, ref at);
        var runs = new List<(long First, long Count)>((int)Math.Min(count, 1 << 16));
        var end = 0L;
        for (var i = 0L; i < count; i++)
        {
            var first = end + Read(bytes, ref at);
            var length = Read(bytes, ref at);
            runs.Add((first, length));
            end = first + length;
        }

        return runs;
    }

    private static void Write(List<byte> buffer, long value)
    {
        var v = (ulong)value;
        while (v >= 0x80)
        {
            buffer.Add((byte)(v | 0x80));
            v >>= 7;
        }

        buffer.Add((byte)v);
    }

    private static long Read(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= bytes.Length)
            {
                throw new FormatException("a batch's rows end inside a number");
            }

            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (long)value;
            }
        }

        throw new FormatException("a batch's rows hold a number too long");
    }
}
