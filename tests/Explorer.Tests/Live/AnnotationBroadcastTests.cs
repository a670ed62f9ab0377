using System.Text.Json;
using System.Threading.Channels;
using Explorer.Server.Live;
using Explorer.Tests.Http;
using Explorer.Tests.TestSupport;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Explorer.Tests.Live;

/// <summary>Every committed annotation write reaches every open view, with its sequence number and the annotation as written.</summary>
public sealed class AnnotationBroadcastTests(AccountsFactory factory) : IClassFixture<AccountsFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private async Task<(HubConnection Connection, ChannelReader<JsonElement> Changes)> ConnectAsync()
    {
        var changes = Channel.CreateUnbounded<JsonElement>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, LiveApi.HubPath), options =>
            {
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .Build();

        // Read the wire format (JSON as sent) rather than our records: this is what the browser sees.
        connection.On<JsonElement>(nameof(IGraphClient.Changed), change => changes.Writer.TryWrite(change));
        await connection.StartAsync();
        return (connection, changes.Reader);
    }

    [Fact]
    public async Task CreateEditAndDeleteArriveInOrderWithTheirSequenceAndAnnotation()
    {
        var (first, firstChanges) = await ConnectAsync();
        await using var a = first;
        var (second, secondChanges) = await ConnectAsync();
        await using var b = second;
        using var ana = factory.ClientFor(AccountsFactory.Ana);

        var id = await ana.AnnotateAsync("un-conducted-minusma", "mandate renewed 2013, see S/RES/2100");
        await ana.SendAsync(HttpMethod.Put, $"/api/annotations/{id}", """{"status":"confirmed"}""", "\"1\"");
        await ana.SendAsync(HttpMethod.Delete, $"/api/annotations/{id}", ifMatch: "\"2\"");
        var history = (await ana.GetOkAsync($"/api/annotations/{id}/history")).GetProperty("versions").EnumerateArray().ToList();

        foreach (var changes in new[] { firstChanges, secondChanges })
        {
            using var timeout = new CancellationTokenSource(Patience);
            var received = new List<JsonElement>();
            while (received.Count < 3)
            {
                var change = await changes.ReadAsync(timeout.Token);
                if (change.GetProperty("entityId").GetString() == id)
                {
                    received.Add(change);
                }
            }

            Assert.Equal(["AnnotationAdded", "AnnotationChanged", "AnnotationRemoved"], received.Select(c => c.GetProperty("kind").GetString()));
            Assert.Equal(history.Select(v => v.GetProperty("seq").GetInt64()), received.Select(c => c.GetProperty("seq").GetInt64()));
            Assert.Equal([1L, 2L, 3L], received.Select(c => c.GetProperty("annotation").GetProperty("version").GetInt64()));
            Assert.Equal("mandate renewed 2013, see S/RES/2100", received[0].GetProperty("annotation").GetProperty("text").GetString());
            Assert.Equal("edge", received[0].GetProperty("annotation").GetProperty("targetKind").GetString());
            Assert.Equal("confirmed", received[1].GetProperty("annotation").GetProperty("status").GetString());
            Assert.True(received[2].GetProperty("annotation").GetProperty("deleted").GetBoolean());
            Assert.Equal(JsonValueKind.Null, received[0].GetProperty("node").ValueKind);
            Assert.Equal(JsonValueKind.Null, received[0].GetProperty("edge").ValueKind);
        }
    }
}
