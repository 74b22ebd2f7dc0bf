using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Hosting;

/// <summary>The produce form's HTTP path: big values arrive byte-exact, and what the cluster would refuse is refused first, with the reason.</summary>
public class ProduceEndpointTests : AppTest
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string topic, object body)
    {
        using var http = App.Http(BaseAddress);
        var response = await http.PostAsJsonAsync($"api/topics/{topic}/produce", body, Cancellation);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement.Clone());
    }

    private static object Record(string? key, string value, bool json = false, int? partition = null, string acks = "all") =>
        new { key, value, valueIsJson = json, headers = new[] { new { key = "source", value = "test" } }, partition, acks, count = 1 };

    private async Task<List<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>>> ReadAsync(string topic) => Clients.ReadAll(Bootstrap, topic, 1, TimeSpan.FromSeconds(10));

    [Fact]
    public async Task AValueUpToMaxMessageBytesArrivesByteExact()
    {
        await Clients.CreateTopicAsync(Bootstrap, "big-values", 1);
        await Cluster.RefreshAsync(Cancellation);
        string value = "{\"text\":\"" + string.Concat(Enumerable.Repeat("Ünïcødé \\\" ", 1)) + new string('v', 1_040_000) + "\"}";
        var (status, body) = await PostAsync("big-values", Record("k", value, json: true));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("outcomes")[0].GetProperty("offset").GetInt64());
        var record = Assert.Single(await ReadAsync("big-values"));
        Assert.Equal(Encoding.UTF8.GetBytes(value), record.Message.Value);
        Assert.Equal("test", Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("source")));
    }

    [Fact]
    public async Task WhatTheClusterWouldRefuseIsRefusedBeforeSendingAndNothingIsWritten()
    {
        await Clients.CreateTopicAsync(Bootstrap, "guarded", 2, new() { ["cleanup.policy"] = "compact" });
        await Clients.CreateTopicAsync(Bootstrap, "small-batches", 1, new() { ["max.message.bytes"] = "2000" });
        using (var consumer = Clients.Consumer(Bootstrap, "offsets-maker")) consumer.Commit([new Confluent.Kafka.TopicPartitionOffset("guarded", 0, 0)]);
        await Cluster.RefreshAsync(Cancellation);

        async Task<string> RefusedAsync(string topic, object record)
        {
            var (status, body) = await PostAsync(topic, record);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(0, body.GetProperty("outcomes").GetArrayLength());
            return body.GetProperty("error").GetString()!;
        }
        Assert.Contains("every record needs a key", await RefusedAsync("guarded", Record(null, "v")));
        Assert.Contains("Partition 7 does not exist", await RefusedAsync("guarded", Record("k", "v", partition: 7)));
        Assert.Contains("not valid JSON", await RefusedAsync("guarded", Record("k", "{oops", json: true)));
        Assert.Contains("acks is 0, 1 or all", await RefusedAsync("guarded", Record("k", "v", acks: "2")));
        Assert.Contains("at most 2,000 bytes (max.message.bytes)", await RefusedAsync("small-batches", Record("k", new string('x', 2000))));
        Assert.Contains("internal topic", await RefusedAsync("__consumer_offsets", Record("k", "v")));
        Assert.Contains("does not exist", await RefusedAsync("no-such-topic", Record("k", "v")));
        Assert.Empty(Clients.ReadAll(Bootstrap, "guarded", 2, TimeSpan.FromSeconds(2)));
        Assert.Empty(Clients.ReadAll(Bootstrap, "small-batches", 1, TimeSpan.FromSeconds(2)));

        var (ok, _) = await PostAsync("small-batches", Record("k", new string('x', 1000)));
        Assert.Equal(HttpStatusCode.OK, ok);
    }
}
