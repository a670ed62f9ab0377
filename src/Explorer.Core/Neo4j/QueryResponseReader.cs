using System.Buffers;
using System.Text.Json;

namespace Explorer.Neo4j;

/// <summary>
/// Reads a Query API answer from the response stream as it arrives, with <see cref="Utf8JsonReader"/> over a
/// buffer that is refilled and shifted, so the body is never held whole: each row of <c>data.values</c> is
/// decoded (<see cref="QueryValues.Read"/>) as soon as it is complete and its bytes are dropped; the buffer
/// only grows to hold the largest single row. Everything else in the body (<c>data.fields</c>, <c>bookmarks</c>,
/// <c>counters</c>, <c>notifications</c>, <c>errors</c>) is small and kept as elements, then read by
/// <see cref="QueryValues"/> as before. The documented shape: https://neo4j.com/docs/query-api/current/query/
/// ("Example response": <c>{"data":{"fields":[...],"values":[[...],...]},"bookmarks":[...]}</c>) and
/// https://neo4j.com/docs/query-api/current/result-formats/ (typed values, <c>{"$type","_value"}</c>).
/// </summary>
internal sealed class QueryResponseReader
{
    private const int InitialBufferSize = 16 * 1024;

    private readonly List<string> _fields = [];
    private readonly List<IReadOnlyList<object?>> _rows = [];
    private readonly Dictionary<string, JsonElement> _top = new(StringComparer.Ordinal);
    private Position _position = Position.Start;
    private bool _sawData;

    private enum Position
    {
        Start,
        Root,
        Data,
        Values,
        End,
    }

    /// <summary>The largest the buffer grew to (for tests: it follows the largest row, not the body).</summary>
    public int LargestBuffer { get; private set; }

    /// <summary>
    /// The answer in <paramref name="body"/>: its result and its errors; null for an empty body. Throws
    /// <see cref="JsonException"/> when the body is not JSON (or ends early).
    /// </summary>
    public static async Task<(QueryResult Result, IReadOnlyList<(string? Code, string Message)> Errors)?> ReadAsync(Stream body, CancellationToken cancellationToken) =>
        await new QueryResponseReader().ReadFromAsync(body, cancellationToken);

    public async Task<(QueryResult Result, IReadOnlyList<(string? Code, string Message)> Errors)?> ReadFromAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            var filled = 0;
            var final = false;
            var state = new JsonReaderState();
            while (_position != Position.End)
            {
                if (filled == buffer.Length)
                {
                    // One unit (a row) is larger than the buffer: grow it, keeping what is there.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                LargestBuffer = Math.Max(LargestBuffer, buffer.Length);
                if (!final)
                {
                    var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                    final = read == 0;
                    filled += read;
                }

                if (final && filled == 0 && _position == Position.Start)
                {
                    return null;
                }

                var consumed = Process(buffer.AsSpan(0, filled), final, ref state);
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (final && _position != Position.End && consumed == 0)
                {
                    throw new JsonException("the body ended before its JSON did");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var root = SmallRoot();
        var result = _sawData ? QueryValues.ReadResult(root, _fields, _rows) : QueryValues.ReadResult(root);
        return (result, QueryValues.ReadErrors(root));
    }

    /// <summary>Reads as far as the bytes allow; returns how many bytes are done with (never part of an unfinished unit).</summary>
    private int Process(ReadOnlySpan<byte> bytes, bool final, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(bytes, final, state);
        var done = 0L;
        var doneState = state;
        while (_position != Position.End)
        {
            if (!Step(ref reader))
            {
                break;
            }

            done = reader.BytesConsumed;
            doneState = reader.CurrentState;
        }

        state = doneState;
        return (int)done;
    }

    /// <summary>One token or one whole unit; false when the bytes ran out first (nothing of it is taken).</summary>
    private bool Step(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            return false;
        }

        switch (_position)
        {
            case Position.Start:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new JsonException("the answer is not a JSON object");
                }

                _position = Position.Root;
                return true;

            case Position.Root:
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    _position = Position.End;
                    return true;
                }

                return Property(ref reader, "data", Position.Data, JsonTokenType.StartObject, (name, value) => _top[name] = value);

            case Position.Data:
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    _position = Position.Root;
                    return true;
                }

                return Property(ref reader, "values", Position.Values, JsonTokenType.StartArray, (name, value) =>
                {
                    if (name == "fields" && value.ValueKind == JsonValueKind.Array)
                    {
                        _fields.AddRange(value.EnumerateArray().Select(f => f.GetString() ?? ""));
                    }
                });

            case Position.Values:
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    _position = Position.Data;
                    return true;
                }

                if (!Unit(ref reader, out var row))
                {
                    return false;
                }

                _rows.Add(row.ValueKind == JsonValueKind.Array ? [.. row.EnumerateArray().Select(QueryValues.Read)] : [QueryValues.Read(row)]);
                return true;

            default:
                return true;
        }
    }

    /// <summary>
    /// A property of the root or of <c>data</c>: the one named <paramref name="enter"/> with a container of
    /// <paramref name="opening"/> is entered token by token (<paramref name="inside"/>); any other is read whole.
    /// </summary>
    private bool Property(ref Utf8JsonReader reader, string enter, Position inside, JsonTokenType opening, Action<string, JsonElement> whole)
    {
        if (reader.TokenType != JsonTokenType.PropertyName)
        {
            throw new JsonException($"unexpected {reader.TokenType} in the answer");
        }

        var name = reader.GetString()!;
        if (!reader.Read())
        {
            return false;
        }

        if (name == enter && reader.TokenType == opening)
        {
            _position = inside;
            _sawData = true;
            return true;
        }

        if (!Unit(ref reader, out var value))
        {
            return false;
        }

        whole(name, value);
        return true;
    }

    /// <summary>The value starting at the current token, when all of it is in the buffer.</summary>
    private static bool Unit(ref Utf8JsonReader reader, out JsonElement value)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var probe = reader;
            if (!probe.TrySkip())
            {
                value = default;
                return false;
            }
        }

        value = JsonElement.ParseValue(ref reader);
        return true;
    }

    /// <summary>The small properties as one object, for <see cref="QueryValues.ReadErrors"/> and the bookmarks, counters and notifications.</summary>
    private JsonElement SmallRoot()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _top)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
