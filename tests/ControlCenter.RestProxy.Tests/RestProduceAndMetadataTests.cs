using ControlCenter.Kafka.Cluster;
using System.Text;
using Confluent.Kafka;
using ControlCenter.RestProxy;
using static ControlCenter.RestProxy.Tests.RestProxyClient;

namespace ControlCenter.RestProxy.Tests;

/// <summary>Metadata and produce calls of the REST proxy through a real Kestrel, checked with Confluent.Kafka on the embedded broker.</summary>
public class RestProduceAndMetadataTests : RestProxyTestBase
{
    protected override Dictionary<string, string>? BrokerConfig => new() { ["auto.create.topics.enable"] = "false" };

    [Fact]
    public async Task MetadataReadsAsConfluentWritesIt()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-meta", 3, new() { ["retention.ms"] = "3600000" });
        using (var consumer = Clients.Consumer(Bootstrap, "makes-offsets-topic")) consumer.Commit([new TopicPartitionOffset("rest-meta", 0, 0)]);

        var topics = await Rest.GetAsync("/topics");
        Assert.Equal((200, V2), (topics.Status, topics.ContentType));
        var names = topics.Body.EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("rest-meta", names);
        Assert.DoesNotContain("__consumer_offsets", names); // internal topics are not listed

        var topic = await Rest.GetAsync("/topics/rest-meta");
        Assert.Equal("rest-meta", topic.Body.GetProperty("name").GetString());
        Assert.Equal("3600000", topic.Body.GetProperty("configs").GetProperty("retention.ms").GetString());
        var partitions = topic.Body.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], partitions.Select(p => p.GetProperty("partition").GetInt32()));
        var replica = Assert.Single(partitions[0].GetProperty("replicas").EnumerateArray());
        Assert.Equal((1, true, true), (replica.GetProperty("broker").GetInt32(), replica.GetProperty("leader").GetBoolean(), replica.GetProperty("in_sync").GetBoolean()));
        Assert.Equal(1, partitions[0].GetProperty("leader").GetInt32());

        Assert.Equal(3, (await Rest.GetAsync("/topics/rest-meta/partitions")).Body.GetArrayLength());
        Assert.Equal(2, (await Rest.GetAsync("/topics/rest-meta/partitions/2")).Body.GetProperty("partition").GetInt32());
        var brokers = await Rest.GetAsync("/brokers");
        Assert.Equal([1], brokers.Body.GetProperty("brokers").EnumerateArray().Select(b => b.GetInt32()));

        using (var producer = Clients.Producer(Bootstrap))
            for (int i = 0; i < 5; i++) await producer.ProduceAsync(new TopicPartition("rest-meta", 1), new Message<byte[]?, byte[]?> { Value = [1] }, TestContext.Current.CancellationToken);
        var offsets = await Rest.GetAsync("/topics/rest-meta/partitions/1/offsets");
        Assert.Equal((0, 5), (offsets.Body.GetProperty("beginning_offset").GetInt64(), offsets.Body.GetProperty("end_offset").GetInt64()));

        AssertError(await Rest.GetAsync("/topics/no-such-topic"), 404, 40401);
        AssertError(await Rest.GetAsync("/topics/no-such-topic/partitions"), 404, 40401);
        AssertError(await Rest.GetAsync("/topics/rest-meta/partitions/3"), 404, 40402);
        AssertError(await Rest.GetAsync("/topics/rest-meta/partitions/x"), 404, 40402);
        AssertError(await Rest.GetAsync("/topics", accept: "text/html"), 406, 406);
        AssertError(await Rest.GetAsync("/no/such/resource"), 404, 404);
        AssertError(await Rest.DeleteAsync("/topics"), 405, 405);
    }

    [Fact]
    public async Task JsonRecordsLandAsJsonTextWhereKafkaClientsFindThem()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-json", 4);
        var response = await Rest.PostAsync("/topics/rest-json", """
            {"records": [
              {"key": "user-1", "value": {"name": "Ada", "tags": ["a", "b"], "n": 1.5}},
              {"value": "just a string", "partition": 2},
              {"key": 42, "value": null},
              {"value": [1, 2, 3], "partition": 3}
            ]}
            """, Json);
        Assert.Equal((200, V2), (response.Status, response.ContentType));
        var offsets = response.Body.GetProperty("offsets").EnumerateArray().ToList();
        Assert.Equal(4, offsets.Count);
        Assert.All(offsets, o => Assert.Equal(System.Text.Json.JsonValueKind.Null, o.GetProperty("error_code").ValueKind));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, response.Body.GetProperty("key_schema_id").ValueKind);
        Assert.Equal(2, offsets[1].GetProperty("partition").GetInt32());
        Assert.Equal(3, offsets[3].GetProperty("partition").GetInt32());
        // Keys are partitioned with murmur2, as Java clients and Confluent's proxy do.
        Assert.Equal(Murmur2Partition("\"user-1\""u8.ToArray(), 4), offsets[0].GetProperty("partition").GetInt32());
        Assert.Equal(Murmur2Partition("42"u8.ToArray(), 4), offsets[2].GetProperty("partition").GetInt32());
        var keyed = await Rest.PostAsync("/topics/rest-json", "{\"records\":[" + string.Join(",", Enumerable.Range(0, 24).Select(i => $"{{\"key\":\"key-{i}\",\"value\":{i}}}")) + "]}", Json);
        var placed = keyed.Body.GetProperty("offsets").EnumerateArray().Select(o => o.GetProperty("partition").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, 24).Select(i => Murmur2Partition(Encoding.UTF8.GetBytes($"\"key-{i}\""), 4)), placed);
        Assert.True(placed.Distinct().Count() > 2, "keys spread over the partitions");

        var read = Clients.ReadAll(Bootstrap, "rest-json", 4);
        Assert.Equal(28, read.Count);
        string Text(byte[]? b) => b is null ? "<null>" : Encoding.UTF8.GetString(b);
        var byOffset = read.ToDictionary(r => (r.Partition.Value, r.Offset.Value));
        var first = byOffset[(offsets[0].GetProperty("partition").GetInt32(), offsets[0].GetProperty("offset").GetInt64())];
        Assert.Equal(("\"user-1\"", """{"name":"Ada","tags":["a","b"],"n":1.5}"""), (Text(first.Message.Key), Text(first.Message.Value)));
        Assert.Equal("\"just a string\"", Text(byOffset[(2, offsets[1].GetProperty("offset").GetInt64())].Message.Value));
        var tombstone = byOffset[(offsets[2].GetProperty("partition").GetInt32(), offsets[2].GetProperty("offset").GetInt64())];
        Assert.Equal(("42", "<null>"), (Text(tombstone.Message.Key), Text(tombstone.Message.Value)));
    }

    [Fact]
    public async Task BinaryRecordsAreBase64AndGoToTheNamedPartition()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-binary", 3);
        byte[] payload = [0, 1, 2, 250, 255];
        var response = await Rest.PostAsync("/topics/rest-binary/partitions/1",
            $$"""{"records": [{"key": "{{Convert.ToBase64String("k"u8.ToArray())}}", "value": "{{Convert.ToBase64String(payload)}}"}, {"value": null}]}""", Binary);
        Assert.Equal(200, response.Status);
        Assert.All(response.Body.GetProperty("offsets").EnumerateArray(), o => Assert.Equal(1, o.GetProperty("partition").GetInt32()));
        var read = Clients.ReadAll(Bootstrap, "rest-binary", 3);
        Assert.Equal(2, read.Count);
        Assert.Equal(payload, read[0].Message.Value);
        Assert.Equal("k"u8.ToArray(), read[0].Message.Key);
        Assert.Null(read[1].Message.Value);
    }

    [Fact]
    public async Task BadRequestsAreRefusedWithConfluentCodesAndNothingIsProduced()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-guarded", 2);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"records":[{"value":1}]}""", "text/plain"), 415, 415);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"records":[{"value":1}]}""", "application/vnd.kafka.avro.v2+json"), 415, 415);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"records":[{"value":1}""", Json), 400, 400);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"recs":[]}""", Json), 422, 422);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"records":[]}""", Json), 422, 422);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"records":[{"value":"AAAA"},{"value":"not base64!"}]}""", Binary), 422, 422);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"records":[{"value":{"a":1}}]}""", Binary), 422, 422);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"records":[{"value":1},{"value":2,"partition":7}]}""", Json), 404, 40402);
        AssertError(await Rest.PostAsync("/topics/rest-guarded/partitions/2", """{"records":[{"value":1}]}""", Json), 404, 40402);
        AssertError(await Rest.PostAsync("/topics/rest-guarded", """{"records":[{"value":1,"partition":-1}]}""", Json), 422, 422);
        AssertError(await Rest.PostAsync("/topics/no-such-topic", """{"records":[{"value":1}]}""", Json), 404, 40401);
        AssertError(await Rest.PostAsync("/topics/bad%20name", """{"records":[{"value":1}]}""", Json), 422, 422);

        // Valid records before a bad one were not sent either.
        using var admin = Clients.Admin(Bootstrap);
        var ends = await admin.ListOffsetsAsync([new Confluent.Kafka.Admin.TopicPartitionOffsetSpec { TopicPartition = new("rest-guarded", 0), OffsetSpec = Confluent.Kafka.Admin.OffsetSpec.Latest() },
            new Confluent.Kafka.Admin.TopicPartitionOffsetSpec { TopicPartition = new("rest-guarded", 1), OffsetSpec = Confluent.Kafka.Admin.OffsetSpec.Latest() }]).OffPollThread();
        Assert.All(ends.ResultInfos, r => Assert.Equal(0, r.TopicPartitionOffsetError.Offset.Value));
        Assert.DoesNotContain("no-such-topic", admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics.Select(t => t.Topic));
    }

    /// <summary>Kafka's default partitioner for keyed records (Utils.murmur2, positive, modulo the partition count), written from its definition.</summary>
    internal static int Murmur2Partition(byte[] key, int partitions)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        uint h = 0x9747b28c ^ (uint)key.Length;
        int whole = key.Length / 4;
        for (int i = 0; i < whole; i++)
        {
            uint k = (uint)(key[i * 4] | key[i * 4 + 1] << 8 | key[i * 4 + 2] << 16 | key[i * 4 + 3] << 24);
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = whole * 4;
        switch (key.Length % 4)
        {
            case 3: h ^= (uint)key[tail + 2] << 16; goto case 2;
            case 2: h ^= (uint)key[tail + 1] << 8; goto case 1;
            case 1: h ^= key[tail]; h *= m; break;
        }
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)((h & 0x7fffffff) % (uint)partitions);
    }
}
