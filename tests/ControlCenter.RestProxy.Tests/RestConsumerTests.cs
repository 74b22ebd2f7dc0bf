using ControlCenter.Kafka.Cluster;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.RestProxy;
using ControlCenter.RestProxy.Consumers;
using static ControlCenter.RestProxy.Tests.RestProxyClient;

namespace ControlCenter.RestProxy.Tests;

/// <summary>REST consumer instances against the embedded broker, with records produced and checked by Confluent.Kafka.</summary>
public class RestConsumerTests : RestProxyTestBase
{
    private async Task ProduceAsync(string topic, int partition, params string[] values)
    {
        using var producer = Clients.Producer(Bootstrap);
        foreach (var v in values) await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"\"k-{values.Length}\""), Value = Encoding.UTF8.GetBytes(v) });
    }

    private async Task<string> CreateAsync(string group, string body)
    {
        var created = await Rest.PostAsync($"/consumers/{group}", body);
        Assert.True(created.Status == 200, created.Body.ToString());
        string name = created.Body.GetProperty("instance_id").GetString()!;
        Assert.Equal($"{Rest.BaseUrl}/consumers/{group}/instances/{name}", created.Body.GetProperty("base_uri").GetString());
        return $"/consumers/{group}/instances/{name}";
    }

    /// <summary>Reads until <paramref name="count"/> records came back (a subscription needs a rebalance first).</summary>
    private async Task<List<JsonElement>> ReadAsync(string instance, int count, string accept, string query = "")
    {
        var records = new List<JsonElement>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            var page = await Rest.GetAsync(instance + "/records" + query, accept);
            Assert.True(page.Status == 200, page.Body.ToString());
            records.AddRange(page.Body.EnumerateArray());
        }
        return records;
    }

    [Fact]
    public async Task SubscribeReadCommitAndResumeInTheSameGroup()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-orders", 1);
        await ProduceAsync("rest-orders", 0, """{"id":1}""", """{"id":2}""", """{"id":3}""");
        string instance = await CreateAsync("rest-group", """{"name":"c1","format":"json","auto.offset.reset":"earliest","auto.commit.enable":"false"}""");
        AssertError(await Rest.PostAsync("/consumers/rest-group", """{"name":"c1","format":"json"}"""), 409, 40902);

        Assert.Equal(204, (await Rest.PostAsync(instance + "/subscription", """{"topics":["rest-orders"]}""")).Status);
        var subscription = await Rest.GetAsync(instance + "/subscription");
        Assert.Equal(["rest-orders"], subscription.Body.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));

        var records = await ReadAsync(instance, 3, Json);
        Assert.Equal([1, 2, 3], records.Select(r => r.GetProperty("value").GetProperty("id").GetInt32()));
        Assert.Equal([0L, 1L, 2L], records.Select(r => r.GetProperty("offset").GetInt64()));
        Assert.All(records, r => Assert.Equal(("rest-orders", 0), (r.GetProperty("topic").GetString(), r.GetProperty("partition").GetInt32())));
        Assert.Equal("k-3", records[0].GetProperty("key").GetString()); // the key bytes are the JSON text "k-3"

        // Commit what was read (no body): the group's committed offset is the next to read.
        var commit = await Rest.PostAsync(instance + "/offsets", null);
        Assert.Equal(200, commit.Status);
        var committed = await Rest.GetAsync(instance + "/offsets", body: """{"partitions":[{"topic":"rest-orders","partition":0}]}""");
        var offset = Assert.Single(committed.Body.GetProperty("offsets").EnumerateArray());
        Assert.Equal(3, offset.GetProperty("offset").GetInt64());
        using (var admin = Clients.Admin(Bootstrap))
        {
            var offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("rest-group", [new TopicPartition("rest-orders", 0)])]).OffPollThread();
            Assert.Equal(3, offsets[0].Partitions[0].Offset.Value);
        }

        // An explicit commit names the last offset consumed: offset + 1 is committed, as in Confluent's proxy.
        var explicitCommit = await Rest.PostAsync(instance + "/offsets", """{"offsets":[{"topic":"rest-orders","partition":0,"offset":0}]}""");
        Assert.Equal(1, Assert.Single(explicitCommit.Body.EnumerateArray()).GetProperty("committed").GetInt64());
        Assert.Equal(204, (await Rest.DeleteAsync(instance)).Status);
        AssertError(await Rest.GetAsync(instance + "/records", Json), 404, 40403);

        // A new instance in the group resumes from the commit.
        await ProduceAsync("rest-orders", 0, """{"id":4}""");
        string second = await CreateAsync("rest-group", """{"format":"json"}""");
        await Rest.PostAsync(second + "/subscription", """{"topics":["rest-orders"]}""");
        Assert.Equal([2, 3, 4], (await ReadAsync(second, 3, Json)).Select(r => r.GetProperty("value").GetProperty("id").GetInt32()));
        Assert.Equal(204, (await Rest.DeleteAsync(second)).Status);
    }

    [Fact]
    public async Task BinaryInstancesRoundTripWithKafkaClientsBothWays()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-bytes", 2);
        byte[] raw = [0, 255, 10, 13, 128];
        using (var producer = Clients.Producer(Bootstrap))
            await producer.ProduceAsync(new TopicPartition("rest-bytes", 1), new Message<byte[]?, byte[]?> { Key = null, Value = raw }, TestContext.Current.CancellationToken);
        string instance = await CreateAsync("rest-binary-group", """{"name":"b1","format":"binary","auto.offset.reset":"earliest"}""");
        await Rest.PostAsync(instance + "/assignments", """{"partitions":[{"topic":"rest-bytes","partition":1}]}""");
        var record = Assert.Single(await ReadAsync(instance, 1, Binary));
        Assert.Equal(raw, Convert.FromBase64String(record.GetProperty("value").GetString()!));
        Assert.Equal(JsonValueKind.Null, record.GetProperty("key").ValueKind);
        AssertError(await Rest.GetAsync(instance + "/records", Json), 406, 40601); // a binary instance does not answer json

        // And back: REST-produced binary, read by Confluent.Kafka.
        await Rest.PostAsync("/topics/rest-bytes/partitions/0", $$"""{"records":[{"value":"{{Convert.ToBase64String(raw)}}"}]}""", RestProxyClient.Binary);
        Assert.Equal(raw, Clients.ReadAll(Bootstrap, "rest-bytes", 2).Single(r => r.Partition.Value == 0).Message.Value);
        await Rest.DeleteAsync(instance);
    }

    [Fact]
    public async Task AssignmentsAndPositionsMoveWhereRecordsAreRead()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-seek", 2);
        await ProduceAsync("rest-seek", 0, Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray());
        string instance = await CreateAsync("rest-seek-group", """{"name":"s1","format":"json","auto.offset.reset":"earliest"}""");
        Assert.Equal(204, (await Rest.PostAsync(instance + "/assignments", """{"partitions":[{"topic":"rest-seek","partition":0}]}""")).Status);
        var assignment = await Rest.GetAsync(instance + "/assignments");
        var assigned = Assert.Single(assignment.Body.GetProperty("partitions").EnumerateArray());
        Assert.Equal(("rest-seek", 0), (assigned.GetProperty("topic").GetString(), assigned.GetProperty("partition").GetInt32()));
        AssertError(await Rest.PostAsync(instance + "/subscription", """{"topics":["rest-seek"]}"""), 409, 40903);

        Assert.Equal(204, (await Rest.PostAsync(instance + "/positions", """{"offsets":[{"topic":"rest-seek","partition":0,"offset":6}]}""")).Status);
        Assert.Equal([6, 7, 8, 9], (await ReadAsync(instance, 4, Json)).Select(r => r.GetProperty("value").GetInt32()));
        Assert.Equal(204, (await Rest.PostAsync(instance + "/positions/beginning", """{"partitions":[{"topic":"rest-seek","partition":0}]}""")).Status);
        Assert.Equal(0, (await ReadAsync(instance, 1, Json))[0].GetProperty("value").GetInt32());
        Assert.Equal(204, (await Rest.PostAsync(instance + "/positions/end", """{"partitions":[{"topic":"rest-seek","partition":0}]}""")).Status);
        var atEnd = await Rest.GetAsync(instance + "/records?timeout=300", Json);
        Assert.Equal(0, atEnd.Body.GetArrayLength());
        await ProduceAsync("rest-seek", 0, "10");
        Assert.Equal(10, Assert.Single(await ReadAsync(instance, 1, Json)).GetProperty("value").GetInt32());

        AssertError(await Rest.PostAsync(instance + "/positions", """{"offsets":[{"topic":"rest-seek","partition":1,"offset":0}]}"""), 409, 40903);
        AssertError(await Rest.PostAsync(instance + "/positions", """{"offsets":[{"topic":"rest-seek","partition":0}]}"""), 422, 422);
        await Rest.DeleteAsync(instance);
    }

    [Fact]
    public async Task ASubscribedInstanceSeeksWithinItsAssignment()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-sub-seek", 1);
        await ProduceAsync("rest-sub-seek", 0, "1", "2", "3");
        string instance = await CreateAsync("rest-sub-seek-group", """{"name":"ss","format":"json","auto.offset.reset":"earliest"}""");
        await Rest.PostAsync(instance + "/subscription", """{"topics":["rest-sub-seek"]}""");
        Assert.Equal([1, 2, 3], (await ReadAsync(instance, 3, Json)).Select(r => r.GetProperty("value").GetInt32()));
        var assigned = await Rest.GetAsync(instance + "/assignments");
        Assert.Equal(1, assigned.Body.GetProperty("partitions").GetArrayLength()); // the group gave it the partition

        Assert.Equal(204, (await Rest.PostAsync(instance + "/positions/beginning", """{"partitions":[{"topic":"rest-sub-seek","partition":0}]}""")).Status);
        Assert.Equal([1, 2, 3], (await ReadAsync(instance, 3, Json)).Select(r => r.GetProperty("value").GetInt32()));
        Assert.Equal(204, (await Rest.PostAsync(instance + "/positions", """{"offsets":[{"topic":"rest-sub-seek","partition":0,"offset":2}]}""")).Status);
        Assert.Equal([3], (await ReadAsync(instance, 1, Json)).Select(r => r.GetProperty("value").GetInt32()));
        await Rest.DeleteAsync(instance);
    }

    [Fact]
    public async Task MaxBytesSplitsReadsWithoutLosingARecord()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-sized", 1);
        await ProduceAsync("rest-sized", 0, Enumerable.Range(0, 6).Select(i => $"{{\"pad\":\"{new string('x', 90)}\",\"i\":{i}}}").ToArray());
        string instance = await CreateAsync("rest-sized-group", """{"name":"m1","format":"json","auto.offset.reset":"earliest"}""");
        await Rest.PostAsync(instance + "/assignments", """{"partitions":[{"topic":"rest-sized","partition":0}]}""");
        var seen = new List<int>();
        for (int attempt = 0; attempt < 20 && seen.Count < 6; attempt++)
        {
            var page = await Rest.GetAsync(instance + "/records?max_bytes=250", Json);
            Assert.InRange(page.Body.GetArrayLength(), 0, 2); // each record is ~110 bytes of key and value
            seen.AddRange(page.Body.EnumerateArray().Select(r => r.GetProperty("value").GetProperty("i").GetInt32()));
        }
        Assert.Equal([0, 1, 2, 3, 4, 5], seen);
        await Rest.DeleteAsync(instance);
    }

    [Fact]
    public async Task ARecordThatIsNotJsonStopsAJsonReadWithoutBeingSkipped()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-mixed", 1);
        await ProduceAsync("rest-mixed", 0, "1", "not json", "3");
        string instance = await CreateAsync("rest-mixed-group", """{"name":"x1","format":"json","auto.offset.reset":"earliest"}""");
        await Rest.PostAsync(instance + "/assignments", """{"partitions":[{"topic":"rest-mixed","partition":0}]}""");
        Assert.Equal([1], (await ReadAsync(instance, 1, Json)).Select(r => r.GetProperty("value").GetInt32()));
        var failed = await Rest.GetAsync(instance + "/records", Json);
        AssertError(failed, 500, 50002);
        Assert.Contains("offset 1", failed.Body.GetProperty("message").GetString());
        AssertError(await Rest.GetAsync(instance + "/records", Json), 500, 50002); // still there: not skipped
        await Rest.PostAsync(instance + "/positions", """{"offsets":[{"topic":"rest-mixed","partition":0,"offset":2}]}""");
        Assert.Equal([3], (await ReadAsync(instance, 1, Json)).Select(r => r.GetProperty("value").GetInt32()));
        await Rest.DeleteAsync(instance);
    }

    [Fact]
    public async Task BadConsumerRequestsGetConfluentErrors()
    {
        AssertError(await Rest.PostAsync("/consumers/g", """{"format":"avro"}"""), 422, 422);
        AssertError(await Rest.PostAsync("/consumers/g", """{"format":"xml"}"""), 422, 422);
        AssertError(await Rest.PostAsync("/consumers/g", """{"auto.offset.reset":"sometimes"}"""), 422, 42204);
        AssertError(await Rest.PostAsync("/consumers/g", """{"auto.commit.enable":"maybe"}"""), 422, 42204);
        AssertError(await Rest.PostAsync("/consumers/g", """{"name":"has space"}"""), 422, 42204);
        AssertError(await Rest.PostAsync("/consumers/g", """{"name":"ok"}""", "text/csv"), 415, 415);
        AssertError(await Rest.PostAsync("/consumers/g/instances/nobody/subscription", """{"topics":["t"]}"""), 404, 40403);
        AssertError(await Rest.GetAsync("/consumers/g/instances/nobody/records"), 404, 40403);
        AssertError(await Rest.DeleteAsync("/consumers/g/instances/nobody"), 404, 40403);

        string instance = await CreateAsync("g", """{"name":"valid","format":"binary"}""");
        AssertError(await Rest.PostAsync(instance + "/subscription", """{"topics":[]}"""), 422, 422);
        AssertError(await Rest.PostAsync(instance + "/subscription", """{"topic_pattern":"(unclosed"}"""), 422, 422);
        AssertError(await Rest.PostAsync(instance + "/subscription", "{}"), 422, 422);
        AssertError(await Rest.PostAsync(instance + "/assignments", """{"partitions":[{"topic":"t"}]}"""), 422, 422);
        AssertError(await Rest.GetAsync(instance + "/records?timeout=soon", RestProxyClient.Binary), 422, 422);
        Assert.Equal(204, (await Rest.DeleteAsync(instance)).Status);
        Assert.Empty(Host.Get<ConsumerInstances>().All);
    }

    [Fact]
    public async Task PatternSubscriptionsReportTheTopicsTheyMatch()
    {
        await Clients.CreateTopicAsync(Bootstrap, "metrics-cpu", 1);
        await Clients.CreateTopicAsync(Bootstrap, "metrics-disk", 1);
        await ProduceAsync("metrics-disk", 0, "7");
        string instance = await CreateAsync("rest-pattern", """{"name":"p1","format":"json","auto.offset.reset":"earliest"}""");
        Assert.Equal(204, (await Rest.PostAsync(instance + "/subscription", """{"topic_pattern":"metrics-.*"}""")).Status);
        Assert.Equal(7, Assert.Single(await ReadAsync(instance, 1, Json)).GetProperty("value").GetInt32());
        var topics = (await Rest.GetAsync(instance + "/subscription")).Body.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(["metrics-cpu", "metrics-disk"], topics);
        Assert.Equal(204, (await Rest.DeleteAsync(instance + "/subscription")).Status);
        Assert.Empty((await Rest.GetAsync(instance + "/subscription")).Body.GetProperty("topics").EnumerateArray());
        await Rest.DeleteAsync(instance);
    }
}
