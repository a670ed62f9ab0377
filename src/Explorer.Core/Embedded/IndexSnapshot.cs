using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Explorer.Algorithms;
using Explorer.Graph;
using Explorer.Search;
using Microsoft.Win32.SafeHandles;

namespace Explorer.Embedded;

/// <summary>
/// The built in-memory index persisted next to the database (<c>&lt;db&gt;.index</c>), so a start-up loads it
/// instead of rebuilding it from SQLite: node records by ordinal, the CSR topology, the edge row ids and the
/// name index (id map and name postings are rebuilt from their strings). Tagged with the change-log sequence
/// it reflects and a fingerprint of that change row (so a snapshot of another database, or of another history
/// of this one, is refused), a format version, and an XxHash3 per section plus one over the header.
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
    public const int FormatVersion = 1;

    public const string Suffix = ".index";

    private const int SectionCount = 29;
    private const int FixedHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8 + 8;
    private const int HeaderBytes = FixedHeaderBytes + (SectionCount * 24) + 8;
    private static readonly byte[] s_magic = "EXPLIDX\n"u8.ToArray();

    /// <summary>What the header says: enough to decide whether the snapshot can serve this database.</summary>
    public sealed record Header(long Seq, ulong ChangeFingerprint, long NodeCount, long EdgeCount, (long Offset, long Length, ulong Hash)[] Sections, long FileLength);

    /// <summary>A fingerprint of one change row: two databases (or two histories of one) differ in it.</summary>
    public static ulong Fingerprint(long seq, string at, string kind, string entityId) =>
        XxHash3.HashToUInt64(Encoding.UTF8.GetBytes($"{seq}\u001f{at}\u001f{kind}\u001f{entityId}"));

    /// <summary>
    /// Writes <paramref name="index"/> (a built index: no writes since its build) with <paramref name="nodes"/>
    /// (its node records, copied while nothing could change them) to <paramref name="path"/> atomically.
    /// </summary>
    public static long Write(string path, GraphIndex index, Node[] nodes, long seq, ulong fingerprint, CancellationToken cancellationToken = default)
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

                writer.Bytes(nodes.Select(n => (byte)n.Kind).ToArray());
                writer.Array(nodes.Select(n => n.Version).ToArray());
                writer.Strings(count, i => nodes[i].Id);
                writer.Strings(count, i => nodes[i].Name);
                writer.Strings(count, i => nodes[i].Description);
                writer.Strings(count, i => nodes[i].ValidFrom);
                writer.Strings(count, i => nodes[i].ValidTo);
                var aliasEnd = new int[count];
                var aliases = new List<string>();
                for (var i = 0; i < count; i++)
                {
                    aliases.AddRange(nodes[i].Aliases);
                    aliasEnd[i] = aliases.Count;
                }

                writer.Array(aliasEnd);
                writer.Strings(aliases.Count, i => aliases[i]);
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

                writer.Strings(names.Exact.Strings.Length, i => names.Exact.Strings[i]);
                writer.Array(names.Exact.Start);
                writer.Array(names.Exact.Nodes);
                writer.Array(names.SortedKeys.Select(k => names.Exact.Ids[k]).ToArray());
                writer.Array(names.SortedKeyNode);
                writer.Strings(names.Tokens.Strings.Length, i => names.Tokens.Strings[i]);
                writer.Array(names.Tokens.Start);
                writer.Array(names.Tokens.Nodes);
                writer.Array(names.SortedTokens);
                writer.Buckets(names.KeysByLength);
                writer.Buckets(names.TokensByLength);

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

        // Node records: each string column decoded on its own, then put together with the id map.
        var ids = Task.Run(() => reader.Strings(2, nodeCount));
        var names = Task.Run(() => reader.Strings(3, nodeCount));
        var descriptions = Task.Run(() => reader.Strings(4, nodeCount));
        var validFrom = Task.Run(() => reader.Strings(5, nodeCount));
        var validTo = Task.Run(() => reader.Strings(6, nodeCount));
        var aliasEnd = reader.Array<int>(7, nodeCount);
        var aliases = Task.Run(() => NoNulls(reader.Strings(8, aliasEnd.Length == 0 ? 0 : aliasEnd[^1]), "alias"));
        var nodesTask = Task.Run(() =>
        {
            var kinds = reader.Array<byte>(0, nodeCount);
            var versions = reader.Array<long>(1, nodeCount);
            var (id, name, description, from, to, alias) = (ids.Result, names.Result, descriptions.Result, validFrom.Result, validTo.Result, aliases.Result);
            var nodes = new Node[nodeCount];
            var start = 0;
            for (var i = 0; i < nodeCount; i++)
            {
                var end = aliasEnd[i];
                if (end < start || end > alias.Length || !Enum.IsDefined((NodeKind)kinds[i]) || id[i] is null || name[i] is null || description[i] is null)
                {
                    throw new InvalidDataException($"node record {i} is malformed");
                }

                nodes[i] = new Node(id[i]!, (NodeKind)kinds[i], name[i]!, end == start ? [] : alias[start..end]!, description[i]!, from[i], to[i]) { Version = versions[i] };
                start = end;
            }

            return nodes;
        });
        var ordinalById = Task.Run(() =>
        {
            var map = new Dictionary<string, int>(nodeCount, StringComparer.Ordinal);
            var id = ids.Result;
            for (var i = 0; i < nodeCount; i++)
            {
                if (!map.TryAdd(id[i]!, i))
                {
                    throw new InvalidDataException($"node id '{id[i]}' appears twice");
                }
            }

            return map;
        });

        var exact = Task.Run(() => ReadPostings(reader, 18, 19, 20, nodeCount));
        var tokens = Task.Run(() => ReadPostings(reader, 23, 24, 25, nodeCount));
        var keysByLength = Task.Run(() => reader.Buckets(27));
        var tokensByLength = Task.Run(() => reader.Buckets(28));

        var graph = CsrGraph.FromParts(
            nodeCount,
            reader.Array<int>(9, nodeCount + 1),
            reader.Array<int>(10),
            reader.Array<int>(11),
            reader.Array<int>(12, edgeCount),
            reader.Array<int>(13, edgeCount),
            reader.Array<byte>(14, edgeCount),
            reader.Array<byte>(15, nodeCount),
            reader.Array<int>(16, nodeCount));
        var rowIds = reader.Array<long>(17, edgeCount);
        var sortedKeyIds = reader.Array<int>(21);
        var sortedKeyNode = reader.Array<int>(22, sortedKeyIds.Length);
        var sortedTokens = reader.Array<int>(26);

        try
        {
            Task.WaitAll(nodesTask, ordinalById, exact, tokens, keysByLength, tokensByLength);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            var first = ex.Flatten().InnerExceptions[0];
            throw first is InvalidDataException invalid ? invalid : new InvalidDataException(first.Message, first);
        }

        var byOrdinal = nodesTask.Result;
        var keyStrings = exact.Result.Strings;
        var sortedKeys = new string[sortedKeyIds.Length];
        for (var i = 0; i < sortedKeys.Length; i++)
        {
            sortedKeys[i] = (uint)sortedKeyIds[i] < (uint)keyStrings.Length ? keyStrings[sortedKeyIds[i]] : throw new InvalidDataException("a sorted key is out of range");
        }

        var nameIndex = NameIndex.FromParts(
            new NameIndex.NameIndexParts(exact.Result, sortedKeys, sortedKeyNode, tokens.Result, sortedTokens, keysByLength.Result, tokensByLength.Result),
            ordinal => byOrdinal[ordinal].Kind,
            ordinal => byOrdinal[ordinal].Name);
        return new GraphIndex(new GraphIndex.BuiltParts(nameIndex, ordinalById.Result, nodeCount, edgeCount), graph, byOrdinal, rowIds, GraphIndex.NameOverlay.Empty);
    }

    private static string[] NoNulls(string?[] strings, string what) =>
        Array.IndexOf(strings, null) < 0 ? (string[])(object)strings : throw new InvalidDataException($"a {what} is missing");

    private static Postings ReadPostings(SectionReader reader, int strings, int start, int nodes, int nodeCount)
    {
        var text = NoNulls(reader.Strings(strings, -1), "name key");
        var ids = new Dictionary<string, int>(text.Length, StringComparer.Ordinal);
        for (var i = 0; i < text.Length; i++)
        {
            if (!ids.TryAdd(text[i], i))
            {
                throw new InvalidDataException("a name key is missing or repeated");
            }
        }

        var starts = reader.Array<int>(start, text.Length + 1);
        var postings = reader.Array<int>(nodes);
        for (var i = 0; i < text.Length; i++)
        {
            if (starts[i] > starts[i + 1])
            {
                throw new InvalidDataException("name postings are out of order");
            }
        }

        if (starts.Length > 0 && (starts[0] != 0 || starts[^1] != postings.Length))
        {
            throw new InvalidDataException("name postings do not cover their nodes");
        }

        foreach (var node in postings)
        {
            if ((uint)node >= (uint)nodeCount)
            {
                throw new InvalidDataException("a name posting names no node");
            }
        }

        return new Postings(ids, text, starts, postings);
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

        public void Buckets(Dictionary<int, LengthBucket> buckets)
        {
            // Count, then per bucket: length, size; then all ids, signatures and counts in the same order.
            var ordered = buckets.OrderBy(p => p.Key).ToList();
            var head = new List<int> { ordered.Count };
            foreach (var (length, bucket) in ordered)
            {
                head.Add(length);
                head.Add(bucket.Ids.Length);
            }

            var hash = new XxHash3();
            var offset = _position;
            Append(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(head)), hash);
            foreach (var (_, bucket) in ordered)
            {
                Append(MemoryMarshal.AsBytes(bucket.Ids.AsSpan()), hash);
                Append(MemoryMarshal.AsBytes(bucket.Signatures.AsSpan()), hash);
                Append(MemoryMarshal.AsBytes(bucket.Counts.AsSpan()), hash);
            }

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

            var values = new T[length / size];
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

        public Dictionary<int, LengthBucket> Buckets(int section)
        {
            var bytes = Array<byte>(section);
            var span = bytes.AsSpan();
            int ReadInt(ref ReadOnlySpan<byte> s)
            {
                if (s.Length < 4)
                {
                    throw new InvalidDataException($"section {section} is too short");
                }

                var value = BinaryPrimitives.ReadInt32LittleEndian(s);
                s = s[4..];
                return value;
            }

            ReadOnlySpan<byte> rest = span;
            var count = ReadInt(ref rest);
            var sizes = new List<(int Length, int Size)>();
            for (var b = 0; b < count; b++)
            {
                var length = ReadInt(ref rest);
                var size = ReadInt(ref rest);
                if (size < 0)
                {
                    throw new InvalidDataException($"section {section} has a negative bucket");
                }

                sizes.Add((length, size));
            }

            var buckets = new Dictionary<int, LengthBucket>(count);
            foreach (var (length, size) in sizes)
            {
                if (rest.Length < 20L * size)
                {
                    throw new InvalidDataException($"section {section} ends inside a bucket");
                }

                var ids = MemoryMarshal.Cast<byte, int>(rest[..(4 * size)]).ToArray();
                rest = rest[(4 * size)..];
                var signatures = MemoryMarshal.Cast<byte, ulong>(rest[..(8 * size)]).ToArray();
                rest = rest[(8 * size)..];
                var counts = MemoryMarshal.Cast<byte, ulong>(rest[..(8 * size)]).ToArray();
                rest = rest[(8 * size)..];
                if (!buckets.TryAdd(length, new LengthBucket(ids, signatures, counts)))
                {
                    throw new InvalidDataException($"section {section} repeats a bucket");
                }
            }

            return rest.IsEmpty ? buckets : throw new InvalidDataException($"section {section} has bytes after its buckets");
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
