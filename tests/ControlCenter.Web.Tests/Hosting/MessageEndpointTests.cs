using System.Net;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.Kafka.Messages;
using ControlCenter.Web.Endpoints;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Hosting;

/// <summary>The Messages tab's HTTP downloads: a whole record value, and search matches exported as JSON Lines and CSV.</summary>
public class MessageEndpointTests : AppTest
{
    private const int Records = 2_000;
    private static bool Gold(int i) => i % 10 == 0;
    private static readonly int[] Planted = [7, 500, 1_777];

    private async Task PlantAsync(string topic)
    {
        await Clients.CreateTopicAsync(Bootstrap, topic, 2);
        using var producer = Clients.Producer(Bootstrap);
        for (int i = 0; i < Records; i++)
        {
            var headers = new Headers();
            if (Gold(i)) headers.Add("tier", "gold"u8.ToArray());
            string order = Planted.Contains(i) ? "ORD-1234-X" : "ORD-12+<X>";
            producer.Produce(new TopicPartition(topic, i % 2), new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes($"key-{i}"), Value = Encoding.UTF8.GetBytes($$"""{"id":{{i}},"order":"{{order}}"}"""), Headers = headers,
            });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ExportStreamsEveryMatchAsJsonLinesAndCsv()
    {
        await PlantAsync("exported");
        using var http = App.Http(BaseAddress);
        var gold = new ExportQuery(new MessageFilter([new FilterCondition(FilterTarget.Header, FilterKind.Contains, "gold", HeaderName: "tier")]), null).Encode();

        var response = await http.GetAsync($"api/topics/exported/export?format=jsonl&q={gold}", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Cancellation)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Records / 10, lines.Length); // every match, far more than a page
        var ids = lines.Select(l => JsonDocument.Parse(l).RootElement).Select(e =>
        {
            using var value = JsonDocument.Parse(e.GetProperty("value").GetString()!);
            int id = value.RootElement.GetProperty("id").GetInt32();
            Assert.Equal((id % 2, (long)(id / 2)), (e.GetProperty("partition").GetInt32(), e.GetProperty("offset").GetInt64()));
            Assert.Equal("utf8", e.GetProperty("valueEncoding").GetString());
            return id;
        }).Order().ToList();
        Assert.Equal(Enumerable.Range(0, Records).Where(Gold).ToList(), ids);
        // Quotes, plus signs and angle brackets are written as they are (JSON's own \" aside), not as \u0022, \u002B, \u003C.
        Assert.Contains("""{\"id\":0,\"order\":\"ORD-12+<X>\"}""", string.Concat(lines));
        Assert.DoesNotContain(@"\u00", string.Concat(lines));

        var regex = new ExportQuery(new MessageFilter([new FilterCondition(FilterTarget.Value, FilterKind.Regex, @"ORD-\d{4}-X")]), null).Encode();
        var csv = (await http.GetStringAsync($"api/topics/exported/export?format=csv&q={regex}", Cancellation)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("partition,offset,timestamp,timestamp_type,key,value,headers", csv[0]);
        Assert.Equal(Planted.Length, csv.Length - 1);
        Assert.All(csv.Skip(1), row => Assert.Contains("\"{\"\"id\"\":", row)); // JSON value quoted CSV-style

        var bad = await http.GetAsync("api/topics/exported/export?format=jsonl&q=not-base64!", Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task AWholeValueIsDownloadedByteExact()
    {
        await Clients.CreateTopicAsync(Bootstrap, "large", 1, new() { ["max.message.bytes"] = "20000000" });
        var big = new byte[10 * 1024 * 1024];
        new Random(7).NextBytes(big);
        using (var producer = Clients.Producer(Bootstrap, c => c.MessageMaxBytes = 20_000_000))
            await producer.ProduceAsync("large", new Message<byte[]?, byte[]?> { Key = "k"u8.ToArray(), Value = big }, Cancellation);

        using var http = App.Http(BaseAddress);
        var response = await http.GetAsync("api/topics/large/records/0/0/value", Cancellation);
        response.EnsureSuccessStatusCode();
        Assert.Equal(big, await response.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal("k", await http.GetStringAsync("api/topics/large/records/0/0/key", Cancellation));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/topics/large/records/0/7/value", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("api/topics/large/records/0/0/other", Cancellation)).StatusCode);
    }
}
