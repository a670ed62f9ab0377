using System.Runtime.InteropServices;

namespace Explorer.Search.Reference;

/// <summary>Collects strings in order of first appearance, then groups their nodes into <see cref="Postings"/>.</summary>
internal sealed class PostingsBuilder(int capacity)
{
    private readonly Dictionary<string, int> _ids = new(capacity, StringComparer.Ordinal);
    private readonly List<string> _strings = new(capacity);
    private readonly List<ulong> _signatures = new(capacity);
    private readonly List<ulong> _counts = new(capacity);

    public int Count => _strings.Count;

    public List<string> Strings => _strings;

    public int IdOf(string s)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, s, out var exists);
        if (!exists)
        {
            id = Add(s);
        }

        return id;
    }

    public int IdOf(ReadOnlySpan<char> s)
    {
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(s, out var id))
        {
            return id;
        }

        var text = s.ToString();
        id = Add(text);
        _ids.Add(text, id);
        return id;
    }

    private int Add(string s)
    {
        _strings.Add(s);
        _signatures.Add(LengthBucket.Signature(s));
        _counts.Add(LengthBucket.CharacterCounts(s));
        return _strings.Count - 1;
    }

    /// <summary>Buckets by string length of the ids whose string passes the test, in id order.</summary>
    public Dictionary<int, LengthBucket> BucketsByLength(Func<string, bool> include)
    {
        var counts = new Dictionary<int, int>();
        foreach (var s in _strings)
        {
            if (include(s))
            {
                counts[s.Length] = counts.GetValueOrDefault(s.Length) + 1;
            }
        }

        var buckets = counts.ToDictionary(p => p.Key, p => new LengthBucket(new int[p.Value], new ulong[p.Value], new ulong[p.Value]));
        var filled = counts.ToDictionary(p => p.Key, _ => 0);
        for (var id = 0; id < _strings.Count; id++)
        {
            var s = _strings[id];
            if (include(s))
            {
                var bucket = buckets[s.Length];
                ref var at = ref CollectionsMarshal.GetValueRefOrNullRef(filled, s.Length);
                bucket.Ids[at] = id;
                bucket.Counts[at] = _counts[id];
                bucket.Signatures[at++] = _signatures[id];
            }
        }

        return buckets;
    }

    public Postings ToPostings(int[] start, int[] grouped, bool distinct)
    {
        if (distinct)
        {
            // Drop repeats of a node within an id (a node whose name equals its alias).
            var write = 0;
            var read = 0;
            for (var id = 0; id < start.Length - 1; id++)
            {
                var end = start[id + 1];
                start[id] = write;
                for (; read < end; read++)
                {
                    if (write == start[id] || grouped[write - 1] != grouped[read])
                    {
                        grouped[write++] = grouped[read];
                    }
                }
            }

            start[^1] = write;
            Array.Resize(ref grouped, write);
        }

        return new Postings(_ids, [.. _strings], start, grouped);
    }
}
