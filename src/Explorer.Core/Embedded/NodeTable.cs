using System.Buffers;
using System.IO.Hashing;
using System.Text;
using Explorer.Graph;

namespace Explorer.Embedded;

/// <summary>
/// The node records of a built index by ordinal, packed so that a million nodes cost a few arrays rather than
/// a million records and five million strings: names stay .NET strings (name search compares them on every
/// query), ids, aliases (joined by U+001F, as the database stores them) and descriptions are UTF-8 in one byte
/// array per column with offsets, dates are kept only for the nodes that have one, and ids are found through
/// an open-addressing table of ordinals hashed by their UTF-8 bytes. A <see cref="Node"/> is made when one is
/// asked for. Immutable: writes after the build live beside it (see <see cref="NodeView"/>).
/// </summary>
internal sealed class NodeTable
{
    public const char AliasSeparator = '\u001f';

    private readonly byte[] _kinds;
    private readonly long[] _versions;
    private readonly string[] _names;
    private readonly PackedText _ids;
    private readonly PackedText _aliases;
    private readonly PackedText _descriptions;
    private readonly int[] _dated;
    private readonly string?[] _validFrom;
    private readonly string?[] _validTo;
    private readonly int[]? _slots;

    /// <summary>Ids looked up through a stored id map (<see cref="Parts.IdSlots"/>) to check it was built by this <see cref="Slot"/>: every this-many-th.</summary>
    private const int SlotCheckStride = 256;

    /// <summary>Whether a byte is a <see cref="NodeKind"/> (a table: <c>Enum.IsDefined</c> per node is slower).</summary>
    private static readonly bool[] s_definedKind = DefinedKinds();

    private NodeTable(byte[] kinds, long[] versions, string[] names, PackedText ids, PackedText aliases, PackedText descriptions, int[] dated, string?[] validFrom, string?[] validTo, bool findable, int[]? slots = null)
    {
        _kinds = kinds;
        _versions = versions;
        _names = names;
        _ids = ids;
        _aliases = aliases;
        _descriptions = descriptions;
        _dated = dated;
        _validFrom = validFrom;
        _validTo = validTo;
        if (!findable)
        {
            return;
        }

        if (slots is not null)
        {
            _slots = CheckedSlots(slots, ids);
            return;
        }

        _slots = new int[SlotCount(kinds.Length)];
        var mask = _slots.Length - 1;
        for (var o = 0; o < kinds.Length; o++)
        {
            var id = ids[o];
            var at = Slot(id, mask);
            while (_slots[at] != 0)
            {
                if (ids[_slots[at] - 1].SequenceEqual(id))
                {
                    throw new InvalidDataException($"node id '{Encoding.UTF8.GetString(id)}' appears twice");
                }

                at = (at + 1) & mask;
            }

            _slots[at] = o + 1;
        }
    }

    public int Count => _kinds.Length;

    /// <summary>Ordinals of the nodes that carry a date, ascending.</summary>
    public ReadOnlySpan<int> Dated => _dated;

    /// <summary>Bytes held (the benchmark's heap breakdown): arrays exactly, name strings by their length.</summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = _kinds.Length + (8L * _versions.Length) + (8L * _names.Length) + (4L * (_dated.Length + (_slots?.Length ?? 0))) + (16L * _dated.Length);
            foreach (var name in _names)
            {
                bytes += 22 + (2L * name.Length);
            }

            return bytes + _ids.MemoryBytes + _aliases.MemoryBytes + _descriptions.MemoryBytes;
        }
    }

    public Node this[int ordinal] => new(Id(ordinal), Kind(ordinal), _names[ordinal], Aliases(ordinal), _descriptions.Decode(ordinal), ValidFrom(ordinal), ValidTo(ordinal))
    {
        Version = _versions[ordinal],
    };

    public string Id(int ordinal) => _ids.Decode(ordinal);

    public string Name(int ordinal) => _names[ordinal];

    public NodeKind Kind(int ordinal) => (NodeKind)_kinds[ordinal];

    public IReadOnlyList<string> Aliases(int ordinal)
    {
        var joined = _aliases[ordinal];
        return joined.IsEmpty ? [] : Encoding.UTF8.GetString(joined).Split(AliasSeparator);
    }

    public string? ValidFrom(int ordinal) => Array.BinarySearch(_dated, ordinal) is var at and >= 0 ? _validFrom[at] : null;

    public string? ValidTo(int ordinal) => Array.BinarySearch(_dated, ordinal) is var at and >= 0 ? _validTo[at] : null;

    /// <summary>How many ids <see cref="Find"/> looked up (counted in Debug builds only: what the import tests check).</summary>
    internal long Finds => _finds;

    private long _finds;

    [System.Diagnostics.Conditional("DEBUG")]
    private void CountFind() => Interlocked.Increment(ref _finds);

    /// <summary>The ordinal of the node with this id, or -1 (a table built as not findable: an intermediate one, throws).</summary>
    public int Find(string id)
    {
        var most = Encoding.UTF8.GetMaxByteCount(id.Length);
        byte[]? rented = null;
        Span<byte> buffer = most <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(most));
        try
        {
            return Find(buffer[..Encoding.UTF8.GetBytes(id, buffer)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary><see cref="Find(string)"/> for an id given as UTF-8 (as SQLite reads it: no string made).</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        var slots = _slots ?? throw new InvalidOperationException("this node table finds no ids");
        CountFind();
        var mask = slots.Length - 1;
        for (var at = Slot(key, mask); ; at = (at + 1) & mask)
        {
            var slot = slots[at];
            if (slot == 0)
            {
                return -1;
            }

            if (_ids[slot - 1].SequenceEqual(key))
            {
                return slot - 1;
            }
        }
    }

    /// <summary>The same nodes, ordinal <c>i</c> holding this table's node <c>order[i]</c>.</summary>
    public NodeTable Permute(int[] order)
    {
        // Column by column into arrays of their final size (no node-by-node builder): the fixed columns by a
        // gather, each text column by its slices' new offsets and one copy per slice.
        var count = order.Length;
        var (kinds, versions, names) = (new byte[count], new long[count], new string[count]);
        for (var o = 0; o < count; o++)
        {
            var from = order[o];
            (kinds[o], versions[o], names[o]) = (_kinds[from], _versions[from], _names[from]);
        }

        int[] dated = [];
        string?[] validFrom = [], validTo = [];
        if (_dated.Length > 0)
        {
            var datedAt = new int[count];
            Array.Fill(datedAt, -1);
            for (var d = 0; d < _dated.Length; d++)
            {
                datedAt[_dated[d]] = d;
            }

            var (at, fromList, toList) = (new List<int>(_dated.Length), new List<string?>(_dated.Length), new List<string?>(_dated.Length));
            for (var o = 0; o < count; o++)
            {
                if (datedAt[order[o]] is var d and >= 0)
                {
                    at.Add(o);
                    fromList.Add(_validFrom[d]);
                    toList.Add(_validTo[d]);
                }
            }

            (dated, validFrom, validTo) = ([.. at], [.. fromList], [.. toList]);
        }

        return new NodeTable(kinds, versions, names, Permute(_ids, order), Permute(_aliases, order), Permute(_descriptions, order), dated, validFrom, validTo, findable: true);
    }

    private static PackedText Permute(PackedText text, int[] order)
    {
        var start = new int[order.Length + 1];
        for (var o = 0; o < order.Length; o++)
        {
            start[o + 1] = checked(start[o] + (text.Start[order[o] + 1] - text.Start[order[o]]));
        }

        var utf8 = new byte[start[^1]];
        for (var o = 0; o < order.Length; o++)
        {
            text[order[o]].CopyTo(utf8.AsSpan(start[o]));
        }

        return new PackedText(utf8, start);
    }

    /// <summary>The columns as an index snapshot stores them, with the id map.</summary>
    internal Parts ToParts() => new(_kinds, _versions, _names, _ids, _aliases, _descriptions, _dated, _validFrom, _validTo, _slots);

    /// <summary>A table from its columns (read from a snapshot), checked for shape; <see cref="InvalidDataException"/> says what does not fit.</summary>
    internal static NodeTable FromParts(Parts parts)
    {
        var count = parts.Kinds.Length;
        if (parts.Versions.Length != count || parts.Names.Length != count || parts.Ids.Count != count || parts.Aliases.Count != count || parts.Descriptions.Count != count
            || parts.ValidFrom.Length != parts.Dated.Length || parts.ValidTo.Length != parts.Dated.Length)
        {
            throw new InvalidDataException("the node columns do not fit together");
        }

        foreach (var kind in parts.Kinds)
        {
            if (!s_definedKind[kind])
            {
                throw new InvalidDataException("a node record has an unknown kind");
            }
        }

        for (var i = 0; i < parts.Dated.Length; i++)
        {
            if ((uint)parts.Dated[i] >= (uint)count || (i > 0 && parts.Dated[i] <= parts.Dated[i - 1]) || (parts.ValidFrom[i] is null && parts.ValidTo[i] is null))
            {
                throw new InvalidDataException("the dated nodes are malformed");
            }
        }

        if (Array.IndexOf(parts.Names, null) >= 0)
        {
            throw new InvalidDataException("a node name is missing");
        }

        parts.Ids.Check("node ids");
        parts.Aliases.Check("aliases");
        parts.Descriptions.Check("descriptions");
        return new NodeTable(parts.Kinds, parts.Versions, parts.Names, parts.Ids, parts.Aliases, parts.Descriptions, parts.Dated, parts.ValidFrom, parts.ValidTo, findable: true, parts.IdSlots);
    }

    private static bool[] DefinedKinds()
    {
        var defined = new bool[256];
        foreach (var kind in Enum.GetValues<NodeKind>())
        {
            defined[(byte)kind] = true;
        }

        return defined;
    }

    private static int Slot(ReadOnlySpan<byte> id, int mask) => (int)XxHash3.HashToUInt64(id) & mask;

    /// <summary>Table size for <paramref name="count"/> ids: a power of two, at least twice the count.</summary>
    private static int SlotCount(int count) => Math.Max(16, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, count) * 2));

    /// <summary>
    /// A stored id map (saves hashing every id at load: ~0.25 s at 1M), checked for shape: the size this count
    /// gets, every ordinal exactly once, and a sample of the ids found where <see cref="Slot"/> puts them (so a map
    /// laid out by another hash is refused, not silently missing ids).
    /// </summary>
    private static int[] CheckedSlots(int[] slots, PackedText ids)
    {
        var count = ids.Count;
        if (slots.Length != SlotCount(count))
        {
            throw new InvalidDataException($"the id map has {slots.Length} slots, {count} ids take {SlotCount(count)}");
        }

        var seen = new bool[count];
        foreach (var slot in slots)
        {
            if (slot != 0 && ((uint)(slot - 1) >= (uint)count || seen[slot - 1]))
            {
                throw new InvalidDataException("the id map does not hold every node once");
            }

            if (slot != 0)
            {
                seen[slot - 1] = true;
            }
        }

        if (Array.IndexOf(seen, false) >= 0)
        {
            throw new InvalidDataException("the id map does not hold every node once");
        }

        var mask = slots.Length - 1;
        for (var o = 0; o < count; o += o < SlotCheckStride ? 1 : SlotCheckStride)
        {
            var at = Slot(ids[o], mask);
            while (slots[at] != o + 1)
            {
                if (slots[at] == 0)
                {
                    throw new InvalidDataException($"the id map does not find node id '{Encoding.UTF8.GetString(ids[o])}'");
                }

                at = (at + 1) & mask;
            }
        }

        return slots;
    }

    /// <summary>The columns of a table; <paramref name="IdSlots"/> the id map (null: hashed from the ids).</summary>
    internal sealed record Parts(byte[] Kinds, long[] Versions, string[] Names, PackedText Ids, PackedText Aliases, PackedText Descriptions, int[] Dated, string?[] ValidFrom, string?[] ValidTo, int[]? IdSlots = null);

    /// <summary>Strings as UTF-8 in one array: string <c>i</c> is <c>Utf8[Start[i]..Start[i + 1]]</c>.</summary>
    internal readonly record struct PackedText(byte[] Utf8, int[] Start)
    {
        public int Count => Start.Length - 1;

        public long MemoryBytes => Utf8.Length + (4L * Start.Length);

        public ReadOnlySpan<byte> this[int i] => Utf8.AsSpan(Start[i], Start[i + 1] - Start[i]);

        public string Decode(int i) => Encoding.UTF8.GetString(this[i]);

        public void Check(string what)
        {
            if (Start.Length == 0 || Start[0] != 0 || Start[^1] != Utf8.Length)
            {
                throw new InvalidDataException($"the {what} do not cover their text");
            }

            for (var i = 1; i < Start.Length; i++)
            {
                if (Start[i] < Start[i - 1])
                {
                    throw new InvalidDataException($"the {what} are out of order");
                }
            }
        }
    }

    /// <summary>Builds a table node by node, in ordinal order.</summary>
    internal sealed class Builder(int capacity)
    {
        private readonly List<byte> _kinds = new(capacity);
        private readonly List<long> _versions = new(capacity);
        private readonly List<string> _names = new(capacity);
        private readonly TextColumn _ids = new(capacity, 16);
        private readonly TextColumn _aliases = new(capacity, 4);
        private readonly TextColumn _descriptions = new(capacity, 32);
        private readonly List<int> _dated = [];
        private readonly List<string?> _validFrom = [];
        private readonly List<string?> _validTo = [];

        public int Count => _kinds.Count;

        public void Add(Node node)
        {
            _ids.Add(node.Id);
            _aliases.Add(node.Aliases.Count == 0 ? "" : string.Join(AliasSeparator, node.Aliases));
            _descriptions.Add(node.Description);
            Add(node.Kind, node.Name, node.ValidFrom, node.ValidTo, node.Version);
        }

        /// <summary>A node read from the database: text columns as their UTF-8 bytes.</summary>
        public void Add(ReadOnlySpan<byte> id, NodeKind kind, string name, ReadOnlySpan<byte> aliases, ReadOnlySpan<byte> description, string? validFrom, string? validTo, long version)
        {
            _ids.Add(id);
            _aliases.Add(aliases);
            _descriptions.Add(description);
            Add(kind, name, validFrom, validTo, version);
        }

        /// <summary>Node <paramref name="ordinal"/> of <paramref name="table"/>, copied as it is packed.</summary>
        public void Add(NodeTable table, int ordinal)
        {
            _ids.Add(table._ids[ordinal]);
            _aliases.Add(table._aliases[ordinal]);
            _descriptions.Add(table._descriptions[ordinal]);
            string? from = null, to = null;
            if (table._dated.Length > 0)
            {
                (from, to) = (table.ValidFrom(ordinal), table.ValidTo(ordinal));
            }

            Add(table.Kind(ordinal), table._names[ordinal], from, to, table._versions[ordinal]);
        }

        /// <param name="findable">Whether the table finds ids (false: one only read by position, then permuted).</param>
        public NodeTable Build(bool findable = true) => new(
            [.. _kinds],
            [.. _versions],
            [.. _names],
            _ids.Build(),
            _aliases.Build(),
            _descriptions.Build(),
            [.. _dated],
            [.. _validFrom],
            [.. _validTo],
            findable);

        private void Add(NodeKind kind, string name, string? validFrom, string? validTo, long version)
        {
            if (validFrom is not null || validTo is not null)
            {
                _dated.Add(_kinds.Count);
                _validFrom.Add(validFrom);
                _validTo.Add(validTo);
            }

            _kinds.Add((byte)kind);
            _names.Add(name);
            _versions.Add(version);
        }
    }

    /// <summary>A growing <see cref="PackedText"/>.</summary>
    private sealed class TextColumn(int capacity, int bytesEach)
    {
        private readonly List<int> _start = new(capacity + 1) { 0 };
        private byte[] _utf8 = new byte[Math.Max(16, Math.Min(capacity * (long)bytesEach, 1 << 28))];
        private int _used;

        public void Add(string text)
        {
            Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
            _used += Encoding.UTF8.GetBytes(text, _utf8.AsSpan(_used));
            _start.Add(_used);
        }

        public void Add(ReadOnlySpan<byte> utf8)
        {
            Reserve(utf8.Length);
            utf8.CopyTo(_utf8.AsSpan(_used));
            _used += utf8.Length;
            _start.Add(_used);
        }

        public PackedText Build() => new(_utf8[.._used], [.. _start]);

        private void Reserve(int bytes)
        {
            var needed = checked(_used + bytes);
            if (needed > _utf8.Length)
            {
                Array.Resize(ref _utf8, (int)Math.Min(Array.MaxLength, Math.Max(needed, _utf8.Length * 2L)));
            }
        }
    }
}

/// <summary>
/// The node records one index view sees: the built <see cref="NodeTable"/>, and the nodes written since (by
/// ordinal, shared by the writer's views like the topology's delta; null where a node is as built).
/// </summary>
internal readonly struct NodeView(NodeTable built, Node?[]? changed)
{
    public NodeTable Built => built;

    public Node this[int ordinal] => Changed(ordinal) ?? built[ordinal];

    public string Id(int ordinal) => Changed(ordinal)?.Id ?? built.Id(ordinal);

    public string Name(int ordinal) => Changed(ordinal)?.Name ?? built.Name(ordinal);

    public NodeKind Kind(int ordinal) => Changed(ordinal)?.Kind ?? built.Kind(ordinal);

    /// <summary>Whether this node was written since the build (its record is then a <see cref="Node"/>, not packed).</summary>
    public bool IsChanged(int ordinal) => Changed(ordinal) is not null;

    /// <summary>The nodes below <paramref name="count"/> that carry a date, by ordinal.</summary>
    public List<(int Ordinal, Node Node)> DatedNodes(int count)
    {
        var dated = new List<(int Ordinal, Node Node)>();
        foreach (var ordinal in built.Dated)
        {
            if (ordinal < count && Changed(ordinal) is null)
            {
                dated.Add((ordinal, built[ordinal]));
            }
        }

        if (changed is not null)
        {
            for (var ordinal = 0; ordinal < Math.Min(count, changed.Length); ordinal++)
            {
                if (changed[ordinal] is { } node && (node.ValidFrom is not null || node.ValidTo is not null))
                {
                    dated.Add((ordinal, node));
                }
            }
        }

        dated.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
        return dated;
    }

    private Node? Changed(int ordinal) => changed is not null && ordinal < changed.Length ? changed[ordinal] : null;
}
