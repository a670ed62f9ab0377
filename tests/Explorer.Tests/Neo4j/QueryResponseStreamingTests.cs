using System.Net;
using System.Text;
using System.Text.Json;
using Explorer.Neo4j;
using static Explorer.Tests.Neo4j.QueryApiClientTests;

namespace Explorer.Tests.Neo4j;

/// <summary>
/// Large answers in the documented formats (https://neo4j.com/docs/query-api/current/result-formats/ and
/// typed-json/) are read row by row as they arrive: every row is right whatever the chunk boundaries, and the
/// buffer follows the largest row, not the body.
/// </summary>
public sealed class QueryResponseStreamingTests
{
    [Fact]
    public async Task AFiftyThousandRowTypedAnswerIsReadRowByRowWithABufferTheSizeOfARow()
    {
        var body = TypedAnswer(50_000);
        var reader = new QueryResponseReader();

        var answer = await reader.ReadFromAsync(new TrickleStream(body, seed: 1), TestContext.Current.CancellationToken);

        var result = answer!.Value.Result;
        Assert.Empty(answer.Value.Errors);
        Assert.Equal(["id", "big", "names", "score", "nothing", "node"], result.Fields);
        Assert.Equal(50_000, result.Records.Count);
        for (var i = 0; i < result.Records.Count; i += 997)
        {
            var row = result.Records[i];
            Assert.Equal($"n{i:D6}", row.String("id"));
            Assert.Equal(9_007_199_254_740_993L + i, row.Long("big"));
            Assert.Equal(["a \"quoted\" name", $"alias {i}"], row.Strings("names"));
            Assert.Equal(i / 8.0, (double)row["score"]!);
            Assert.Null(row["nothing"]);
            Assert.Equal($"n{i:D6}", Assert.IsType<QueryNode>(row["node"]).Properties["id"]);
        }

        Assert.Equal(["FB:large"], result.Bookmarks);
        Assert.True(body.Length > 10_000_000, $"the body is {body.Length} bytes");
        Assert.True(reader.LargestBuffer <= 64 * 1024, $"the buffer grew to {reader.LargestBuffer} bytes for a {body.Length}-byte body");
    }

    [Fact]
    public async Task ARowLargerThanTheBufferGrowsItAndStaysExact()
    {
        var text = string.Concat(Enumerable.Range(0, 40_000).Select(i => (char)('a' + (i % 26))));
        var json = $$"""{"data":{"fields":["text","n"],"values":[[{"$type":"String","_value":"{{text}}"},{"$type":"Integer","_value":"1"}],[{"$type":"String","_value":"short"},{"$type":"Integer","_value":"2"}]]},"bookmarks":["FB:x"]}""";
        var reader = new QueryResponseReader();

        var result = (await reader.ReadFromAsync(new TrickleStream(Encoding.UTF8.GetBytes(json), seed: 2), TestContext.Current.CancellationToken))!.Value.Result;

        Assert.Equal(text, result.Records[0].String("text"));
        Assert.Equal(2, result.Records[1].Long("n"));
        Assert.True(reader.LargestBuffer >= 40_000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task PlainJsonErrorsAndFieldsInAnyOrderReadAsFromAWholeDocument(int seed)
    {
        // Counters before data, an unknown field, a single-field row without its array, errors after.
        const string json = """
            {"counters":{"nodesCreated":1,"containsUpdates":true},"extra":{"nested":[1,2,{"x":"y"}]},
             "data":{"values":[["nato",9007199254740993],"lonely"],"fields":["id","big"]},
             "notifications":[{"code":"Neo.ClientNotification.Statement.CartesianProduct","title":"t","description":"d","severity":"WARNING"}],
             "bookmarks":["FB:plain"]}
            """;
        var expected = QueryValues.ReadResult(JsonDocument.Parse(json).RootElement);

        var streamed = (await QueryResponseReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(json), seed), TestContext.Current.CancellationToken))!.Value.Result;

        Assert.Equal(expected.Fields, streamed.Fields);
        Assert.Equal(expected.Records.Select(r => r.Values), streamed.Records.Select(r => r.Values));
        Assert.Equal(expected.Bookmarks, streamed.Bookmarks);
        Assert.Equal(expected.Counters, streamed.Counters);
        Assert.Equal(expected.Notifications, streamed.Notifications);
        Assert.Equal(9007199254740993L, streamed.Records[0].Long("big"));
    }

    [Fact]
    public async Task ATruncatedBodyIsNotJsonAndAnEmptyOneIsNothing()
    {
        var token = TestContext.Current.CancellationToken;
        await Assert.ThrowsAnyAsync<JsonException>(() => QueryResponseReader.ReadAsync(new MemoryStream("""{"data":{"fields":["a"],"values":[[1],"""u8.ToArray()), token));
        await Assert.ThrowsAnyAsync<JsonException>(() => QueryResponseReader.ReadAsync(new MemoryStream("<html>502 Bad Gateway</html>"u8.ToArray()), token));
        Assert.Null(await QueryResponseReader.ReadAsync(new MemoryStream([]), token));
    }

    [Fact]
    public async Task TheClientReadsALargeAnswerAndItsErrorsThroughTheStream()
    {
        var handler = new FakeHandler()
            .ThenTrickle(HttpStatusCode.Accepted, TypedAnswer(5_000), seed: 3)
            .ThenTrickle(HttpStatusCode.BadRequest, """{"errors":[{"code":"Neo.ClientError.Statement.SyntaxError","message":"Invalid input"}]}"""u8.ToArray(), seed: 4);
        var client = Client(handler);

        var result = await client.RunAsync("MATCH (n) RETURN n", access: QueryAccess.Read, cancellationToken: TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<Neo4jException>(() => client.RunAsync("RETRN 1", access: QueryAccess.Read, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(5_000, result.Records.Count);
        Assert.Equal(["FB:large"], client.Bookmarks.Current);
        Assert.Equal("Neo.ClientError.Statement.SyntaxError", error.Code);
    }

    /// <summary>A typed-JSON answer of <paramref name="rows"/> rows (strings with escapes, integers above 2^53, lists, floats, nulls, nodes).</summary>
    private static byte[] TypedAnswer(int rows)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("data");
            writer.WriteStartArray("fields");
            foreach (var field in new[] { "id", "big", "names", "score", "nothing", "node" })
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("values");
            for (var i = 0; i < rows; i++)
            {
                var id = $"n{i:D6}";
                writer.WriteStartArray();
                Typed(writer, "String", w => w.WriteStringValue(id));
                Typed(writer, "Integer", w => w.WriteStringValue((9_007_199_254_740_993L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Typed(writer, "List", w =>
                {
                    w.WriteStartArray();
                    Typed(w, "String", x => x.WriteStringValue("a \"quoted\" name"));
                    Typed(w, "String", x => x.WriteStringValue($"alias {i}"));
                    w.WriteEndArray();
                });
                Typed(writer, "Float", w => w.WriteStringValue((i / 8.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                Typed(writer, "Null", w => w.WriteNullValue());
                Typed(writer, "Node", w =>
                {
                    w.WriteStartObject();
                    w.WriteString("_element_id", $"4:db:{i}");
                    w.WriteStartArray("_labels");
                    w.WriteStringValue("Node");
                    w.WriteEndArray();
                    w.WriteStartObject("_properties");
                    w.WritePropertyName("id");
                    Typed(w, "String", x => x.WriteStringValue(id));
                    w.WriteEndObject();
                    w.WriteEndObject();
                });
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartArray("bookmarks");
            writer.WriteStringValue("FB:large");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();

        static void Typed(Utf8JsonWriter writer, string type, Action<Utf8JsonWriter> value)
        {
            writer.WriteStartObject();
            writer.WriteString("$type", type);
            writer.WritePropertyName("_value");
            value(writer);
            writer.WriteEndObject();
        }
    }
}

/// <summary>A read-only stream over bytes that returns between 1 and 4,096 bytes per read (seeded), so reads end anywhere.</summary>
internal sealed class TrickleStream(byte[] bytes, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => bytes.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, bytes.Length - _position), _random.Next(3) == 0 ? 1 + _random.Next(7) : 1 + _random.Next(4096));
        Array.Copy(bytes, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
