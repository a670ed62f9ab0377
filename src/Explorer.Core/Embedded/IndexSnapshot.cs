using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Explorer.Algorithms;
using Explorer.Search;
using Microsoft.Win32.SafeHandles;

namespace Explorer.Embedded;

/// <summary>
/// The built in-memory index persisted next to the database (<c>&lt;db&gt;.index</c>), so a start-up loads it
/// instead of rebuilding it from SQLite: the node records by ordinal (the columns of <see cref="NodeTable"/> and
/// its id map), the CSR topology, the edge row ids and the name index (its packed keys and tokens with their
/// postings and walk shapes, as arrays).
/// Tagged with the change-log sequence it reflects and a fingerprint of that change row (so a snapshot of
/// another database, or of another history of this one, is refused), a format version, and an XxHash3 per
/// section plus one over the header.
/// </summary>
/// <remarks>
/// Layout (little-endian): header = magic, format, section count, seq, change fingerprint, node and edge
/// counts, then (offset, length, hash) per section, then the header's own hash; then the sections. Primitive
/// arrays are stored raw, so loading one is a read into the array; string columns are a count, the UTF-8
/// byte length of each (-1 for null) and the bytes. Sections are read and decoded in parallel. Written to a
/// temporary file (owner-only), flushed to disk, then renamed over the old one: a reader sees a whole old or
/// a whole new snapshot, never a half-written one.
/// </remarks>
internal static class IndexSnapshot
{
    /// <summary>Bump on any change to the layout or to what a section means.</summary>
    /// <remarks>
    /// 4: the name walk's shapes (shared lengths, leaves, top table) of both orders are stored, not derived at load.
    /// 5: the node table's id map is stored (the last section), not hashed from the ids at load.
    /// </remarks>
    public const int FormatVersion = 5;

    public const string Suffix = ".index";

    private const int SectionCount = IdSlotsSection + 1;

    /// <summary>First section of the topology (after the node columns), of the edge row ids, of the name index.</summary>
    private const int TopologySection = 12;
    private const int RowIdSection = TopologySection + 8;
    private const int NameSection = RowIdSection + 1;

    /// <summary>The node table's id map, after the name index (format 5).</summary>
    private const int IdSlotsSection = NameSection + (2 * StringsSections);

    /// <summary>Sections per <see cref="SortedStrings"/>: its five arrays, then per order (forwards, backwards) the shape's four.</summary>
    private const int StringsSections = 5 + (2 * 4);
    private const int FixedHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8 + 8;
    private const int HeaderBytes = FixedHeaderBytes + (SectionCount * 24) + 8;
    private static readonly byte[] s_magic = "EXPLIDX\n"u8.ToArray();

    /// <summary>What the header says: enough to decide whether the snapshot can serve this database.</summary>
    public sealed record Header(long Seq, ulong ChangeFingerprint, long NodeCount, long EdgeCount, (long Offset, long Length, ulong Hash)[] Sections, long FileLength);

    /// <summary>A fingerprint of one change row: two databases (or two histories of one) differ in it.</summary>
    public static ulong Fingerprint(long seq, string at, string kind, string entityId) =>
        XxHash3.HashToUInt64(Encoding.UTF8.GetBytes($"{seq}\u001f{at}\u001f{kind}\u001f{entityId}"));

    /// <summary>
    /// Writes <paramref name="index"/> (a built index: no writes since its build; its built parts never change)
    /// to <paramref name="path"/> atomically.
    /// </summary>
    public static long Write(string path, GraphIndex index, long seq, ulong fingerprint, CancellationToken cancellationToken = default)
    {
        if (index.Graph.Version != 0)
        {
            throw new ArgumentException("only a built index is written", nameof(index));
        }

        var graph = index.Graph;
        var count = graph.NodeCount;
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = PrivateFiles.OwnerOnly;
            }

            using (var file = new FileStream(temporary, options))
            {
                var writer = new SectionWriter(file, HeaderBytes);
                var names = index.Built.Names.Parts;

                var nodes = index.Built.Nodes.ToParts();
                if (nodes.Kinds.Length != count)
                {
                    throw new ArgumentException("the index's node records are not its topology's", nameof(index));
                }

                writer.Bytes(nodes.Kinds);
                writer.Array(nodes.Versions);
                writer.Strings(count, i => nodes.Names[i]);
                foreach (var text in new[] { nodes.Ids, nodes.Aliases, nodes.Descriptions })
                {
                    writer.Bytes(text.Utf8);
                    writer.Array(text.Start);
                }

                writer.Array(nodes.Dated);
                writer.Strings(nodes.Dated.Length, i => nodes.ValidFrom[i]);
                writer.Strings(nodes.Dated.Length, i => nodes.ValidTo[i]);
                if (writer.Sections.Count != TopologySection)
                {
                    throw new InvalidOperationException($"wrote {writer.Sections.Count} node sections, the format has {TopologySection}");
                }

                cancellationToken.ThrowIfCancellationRequested();

                writer.Array(graph.Offsets);
                writer.Array(graph.AdjacentNode);
                writer.Array(graph.AdjacentEdge);
                writer.Array(graph.EdgeSource.AsSpan(0, graph.EdgeCount));
                writer.Array(graph.EdgeTarget.AsSpan(0, graph.EdgeCount));
                writer.Bytes(graph.EdgeType.AsSpan(0, graph.EdgeCount));
                writer.Bytes(graph.NodeKind.AsSpan(0, count));
                writer.Array(graph.Component.AsSpan(0, count));
                writer.Array(index.EdgeRowIds.AsSpan(0, graph.EdgeCount));
                cancellationToken.ThrowIfCancellationRequested();

                foreach (var strings in new[] { names.Keys, names.Tokens })
                {
                    var (text, start, postingStart, postings, reversed) = strings.Parts;
                    writer.Array(text);
                    writer.Array(start);
                    writer.Array(postingStart);
                    writer.Array(postings);
                    writer.Array(reversed);
                    var (forward, backward) = strings.Shapes;
                    foreach (var shape in new[] { forward, backward })
                    {
                        writer.Bytes(shape.Shared);
                        writer.Array(shape.Leaves);
                        writer.Array(shape.Top.First);
                        writer.Array(shape.Top.Entries);
                    }
                }

                writer.Array(nodes.IdSlots ?? throw new ArgumentException("the index's node table finds no ids", nameof(index)));
                var header = new byte[HeaderBytes];
                s_magic.CopyTo(header, 0);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), FormatVersion);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), SectionCount);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), seq);
                BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), fingerprint);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), count);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(40), graph.EdgeCount);
                if (writer.Sections.Count != SectionCount)
                {
                    throw new InvalidOperationException($"wrote {writer.Sections.Count} sections, the format has {SectionCount}");
                }

                for (var s = 0; s < SectionCount; s++)
                {
                    var (offset, length, hash) = writer.Sections[s];
                    var at = FixedHeaderBytes + (s * 24);
                    BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(at), offset);
                    BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(at + 8), length);
                    BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(at + 16), hash);
                }

                BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(HeaderBytes - 8), XxHash3.HashToUInt64(header.AsSpan(0, HeaderBytes - 8)));
                RandomAccess.Write(file.SafeFileHandle, header, 0);
                file.Flush(flushToDisk: true);
            }

            var written = new FileInfo(temporary).Length;
            File.Move(temporary, path, overwrite: true);
            return written;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Reads and checks the header; <see cref="InvalidDataException"/> says what is wrong with the file.</summary>
    public static Header ReadHeader(SafeFileHandle file)
    {
        var length = RandomAccess.GetLength(file);
        if (length < HeaderBytes)
        {
            if (length >= 12 && ReadPrefix(file) is { } prefix && prefix.AsSpan(0, 8).SequenceEqual(s_magic) && BinaryPrimitives.ReadInt32LittleEndian(prefix.AsSpan(8)) != FormatVersion)
            {
                throw new InvalidDataException($"format {BinaryPrimitives.ReadInt32LittleEndian(prefix.AsSpan(8))}, this Explorer reads format {FormatVersion}");
            }

            throw new InvalidDataException($"truncated ({length} bytes, shorter than its header)");
        }

        var header = new byte[HeaderBytes];
        RandomAccess.Read(file, header, 0);
        if (!header.AsSpan(0, 8).SequenceEqual(s_magic))
        {
            throw new InvalidDataException("not an Explorer index snapshot");
        }

        var format = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (format != FormatVersion)
        {
            throw new InvalidDataException($"format {format}, this Explorer reads format {FormatVersion}");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new InvalidDataException("written little-endian; this machine is big-endian");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(HeaderBytes - 8)) != XxHash3.HashToUInt64(header.AsSpan(0, HeaderBytes - 8))
            || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)) != SectionCount)
        {
            throw new InvalidDataException("its header fails its checksum");
        }

        var sections = new (long Offset, long Length, ulong Hash)[SectionCount];
        for (var s = 0; s < SectionCount; s++)
        {
            var at = FixedHeaderBytes + (s * 24);
            sections[s] = (BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(at)), BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(at + 8)), BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(at + 16)));
            if (sections[s].Offset < HeaderBytes || sections[s].Length < 0 || sections[s].Offset + sections[s].Length > length)
            {
                throw new InvalidDataException($"truncated ({length} bytes; section {s} ends past it)");
            }
        }

        return new Header(
            BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16)),
            BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(24)),
            BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(32)),
            BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(40)),
            sections,
            length);
    }

    /// <summary>
    /// Reads the whole index (sections in parallel, each checked against its hash). Throws
    /// <see cref="InvalidDataException"/> for any damage, never returns a partly read index.
    /// </summary>
    public static GraphIndex Read(SafeFileHandle file, Header header)
    {
        var reader = new SectionReader(file, header);
        var nodeCount = checked((int)header.NodeCount);
        var edgeCount = checked((int)header.EdgeCount);

        // Node records: the names decoded, the packed columns and the id map read as they are.
        var names = Task.Run(() => NoNulls(reader.Strings(2, nodeCount), "node name"));
        var nodesTask = Task.Run(() =>
        {
            // Every column first, then the names (decoded beside this on another thread).
            var (kinds, versions, ids, aliases, descriptions) = (reader.Array<byte>(0, nodeCount), reader.Array<long>(1, nodeCount), Packed(3), Packed(5), Packed(7));
            var (dated, slots) = (reader.Array<int>(9), reader.Array<int>(IdSlotsSection));
            var (validFrom, validTo) = (reader.Strings(10, dated.Length), reader.Strings(11, dated.Length));
            return NodeTable.FromParts(new NodeTable.Parts(kinds, versions, names.Result, ids, aliases, descriptions, dated, validFrom, validTo, slots));
        });

        NodeTable.PackedText Packed(int section) => new(reader.Array<byte>(section), reader.Array<int>(section + 1, nodeCount + 1));

        var keys = Task.Run(() => ReadSortedStrings(reader, NameSection, nodeCount));
        var tokens = Task.Run(() => ReadSortedStrings(reader, NameSection + StringsSections, nodeCount));

        var graph = CsrGraph.FromParts(
            nodeCount,
            reader.Array<int>(TopologySection, nodeCount + 1),
            reader.Array<int>(TopologySection + 1),
            reader.Array<int>(TopologySection + 2),
            reader.Array<int>(TopologySection + 3, edgeCount),
            reader.Array<int>(TopologySection + 4, edgeCount),
            reader.Array<byte>(TopologySection + 5, edgeCount),
            reader.Array<byte>(TopologySection + 6, nodeCount),
            reader.Array<int>(TopologySection + 7, nodeCount));
        var rowIds = reader.Array<long>(RowIdSection, edgeCount);

        try
        {
            Task.WaitAll(nodesTask, keys, tokens);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            var first = ex.Flatten().InnerExceptions[0];
            throw first is InvalidDataException invalid ? invalid : new InvalidDataException(first.Message, first);
        }

        var byOrdinal = nodesTask.Result;
        var nameIndex = NameIndex.FromParts(new NameIndex.NameIndexParts(keys.Result, tokens.Result), byOrdinal.Kind, byOrdinal.Name);
        return new GraphIndex(new GraphIndex.BuiltParts(nameIndex, byOrdinal, nodeCount, edgeCount), graph, null, rowIds, GraphIndex.NameOverlay.Empty);
    }

    private static string[] NoNulls(string?[] strings, string what) =>
        Array.IndexOf(strings, null) < 0 ? (string[])(object)strings : throw new InvalidDataException($"a {what} is missing");

    /// <summary>
    /// <see cref="StringsSections"/> sections from <paramref name="first"/> on: text, string starts, posting starts,
    /// postings, backwards order, then the shape of each order (shared lengths, leaves, top table nodes and entries).
    /// </summary>
    private static SortedStrings ReadSortedStrings(SectionReader reader, int first, int nodeCount)
    {
        var text = reader.Array<char>(first);
        var start = reader.Array<int>(first + 1);
        if (start.Length == 0)
        {
            throw new InvalidDataException("name strings have no starts");
        }

        var count = start.Length - 1;
        var postingStart = reader.Array<int>(first + 2, count + 1);
        var postings = reader.Array<int>(first + 3);
        var reversed = reader.Array<int>(first + 4, count);
        Ascending(start, text.Length, "name strings");
        Ascending(postingStart, postings.Length, "name postings");
        foreach (var node in postings)
        {
            if ((uint)node >= (uint)nodeCount)
            {
                throw new InvalidDataException("a name posting names no node");
            }
        }

        var seen = new bool[count];
        foreach (var id in reversed)
        {
            if ((uint)id >= (uint)count || seen[id])
            {
                throw new InvalidDataException("the backwards order of the names is not a permutation");
            }

            seen[id] = true;
        }

        SortedStrings.Shape ShapeAt(int section)
        {
            try
            {
                return new SortedStrings.Shape(reader.Array<byte>(section, count), reader.Array<char>(section + 1, count), reader.Array<int>(section + 2), reader.Array<int>(section + 3));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"the name walk's shape in section {section}: {ex.Message}", ex);
            }
        }

        return new SortedStrings(text, start, postingStart, postings, reversed, ShapeAt(first + 5), ShapeAt(first + 9));
    }

    /// <summary>Offsets that start at 0, never go down and end at <paramref name="end"/>.</summary>
    private static void Ascending(int[] offsets, int end, string what)
    {
        if (offsets[0] != 0 || offsets[^1] != end)
        {
            throw new InvalidDataException($"{what} do not cover their data");
        }

        for (var i = 1; i < offsets.Length; i++)
        {
            if (offsets[i] < offsets[i - 1])
            {
                throw new InvalidDataException($"{what} are out of order");
            }
        }
    }

    private static byte[]? ReadPrefix(SafeFileHandle file)
    {
        var prefix = new byte[12];
        return RandomAccess.Read(file, prefix, 0) == prefix.Length ? prefix : null;
    }

    /// <summary>Appends sections after the header space, hashing each.</summary>
    private sealed class SectionWriter(FileStream file, long start)
    {
        private readonly byte[] _buffer = new byte[1 << 20];
        private long _position = start;

        public List<(long Offset, long Length, ulong Hash)> Sections { get; } = [];

        public void Array<T>(ReadOnlySpan<T> values)
            where T : unmanaged => Bytes(MemoryMarshal.AsBytes(values));

        public void Array<T>(T[] values)
            where T : unmanaged => Array<T>(values.AsSpan());

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            var hash = new XxHash3();
            var offset = _position;
            Append(bytes, hash);
            Sections.Add((offset, _position - offset, hash.GetCurrentHashAsUInt64()));
        }

        public void Strings(int count, Func<int, string?> get)
        {
            var hash = new XxHash3();
            var offset = _position;
            var lengths = new int[count + 1];
            lengths[0] = count;
            for (var i = 0; i < count; i++)
            {
                lengths[i + 1] = get(i) is { } s ? Encoding.UTF8.GetByteCount(s) : -1;
            }

            Append(MemoryMarshal.AsBytes(lengths.AsSpan()), hash);
            var used = 0;
            for (var i = 0; i < count; i++)
            {
                if (get(i) is not { } s)
                {
                    continue;
                }

                if (lengths[i + 1] > _buffer.Length - used)
                {
                    Append(_buffer.AsSpan(0, used), hash);
                    used = 0;
                }

                if (lengths[i + 1] > _buffer.Length)
                {
                    Append(Encoding.UTF8.GetBytes(s), hash);
                    continue;
                }

                used += Encoding.UTF8.GetBytes(s, _buffer.AsSpan(used));
            }

            Append(_buffer.AsSpan(0, used), hash);
            Sections.Add((offset, _position - offset, hash.GetCurrentHashAsUInt64()));
        }

        private void Append(ReadOnlySpan<byte> bytes, XxHash3 hash)
        {
            hash.Append(bytes);
            RandomAccess.Write(file.SafeFileHandle, bytes, _position);
            _position += bytes.Length;
        }
    }

    /// <summary>Reads sections into arrays (thread-safe: positioned reads), checking each one's hash.</summary>
    private sealed class SectionReader(SafeFileHandle file, Header header)
    {
        public T[] Array<T>(int section, int expectedLength = -1)
            where T : unmanaged
        {
            var (offset, length, hash) = header.Sections[section];
            var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            if (length % size != 0 || (expectedLength >= 0 && length / size != expectedLength))
            {
                throw new InvalidDataException($"section {section} has {length} bytes, not what its counts say");
            }

            // Every element is read over: no zeroing first, and huge pages for the large ones (fewer page faults).
            var values = GC.AllocateUninitializedArray<T>(checked((int)(length / size)));
            HugePages.Advise(values);
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            ReadExactly(offset, bytes, section);
            if (XxHash3.HashToUInt64(bytes) != hash)
            {
                throw new InvalidDataException($"section {section} fails its checksum");
            }

            return values;
        }

        public string?[] Strings(int section, int expectedCount)
        {
            var bytes = Array<byte>(section);
            if (bytes.Length < 4)
            {
                throw new InvalidDataException($"section {section} is too short");
            }

            var count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            if (count < 0 || (expectedCount >= 0 && count != expectedCount) || 4L + (4L * count) > bytes.Length)
            {
                throw new InvalidDataException($"section {section} holds {count} strings, not what its counts say");
            }

            var lengths = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(4, 4 * count));
            var result = new string?[count];
            var at = 4 + (4 * count);
            for (var i = 0; i < count; i++)
            {
                var length = lengths[i];
                if (length < 0)
                {
                    continue;
                }

                if (length > bytes.Length - at)
                {
                    throw new InvalidDataException($"section {section} ends inside a string");
                }

                result[i] = Encoding.UTF8.GetString(bytes, at, length);
                at += length;
            }

            return at == bytes.Length ? result : throw new InvalidDataException($"section {section} has bytes after its strings");
        }

        private void ReadExactly(long offset, Span<byte> into, int section)
        {
            while (!into.IsEmpty)
            {
                var read = RandomAccess.Read(file, into, offset);
                if (read <= 0)
                {
                    throw new InvalidDataException($"truncated inside section {section}");
                }

                offset += read;
                into = into[read..];
            }
        }
    }
}
