using ControlCenter.Kafka.Cluster;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Apis;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.LogFormat;
using ErrorCode = ControlCenter.Broker.Protocol.ErrorCode;

namespace ControlCenter.Broker.Tests.Protocol;

/// <summary>
/// The APIs served from their definitions alone (flexible from v0): DescribeCluster through a real
/// admin client and byte by byte, DescribeTopicPartitions paging, DescribeProducers after a real
/// idempotent producer.
/// </summary>
public class DescribeApisTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private string Bootstrap => _broker.BootstrapServers;

    public async ValueTask InitializeAsync() => _broker = await TestBroker.StartAsync();
    public async ValueTask DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task DescribeClusterAndMetadataAgreeAndReportAuthorizedOperations()
    {
        // librdkafka's DescribeCluster and DescribeTopics ask Metadata (v8+) for authorized operations.
        using var admin = Clients.Admin(Bootstrap);
        await Clients.CreateTopicAsync(Bootstrap, "ops", 1);
        var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { IncludeAuthorizedOperations = true }).OffPollThread();
        var topic = Assert.Single((await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(["ops"]), new DescribeTopicsOptions { IncludeAuthorizedOperations = true }).OffPollThread()).TopicDescriptions);
        Assert.Contains(AclOperation.Read, topic.AuthorizedOperations);
        Assert.Contains(AclOperation.Write, topic.AuthorizedOperations);
        Assert.DoesNotContain(AclOperation.ClusterAction, topic.AuthorizedOperations);

        Assert.Equal(_broker.Broker.ClusterId, cluster.ClusterId);
        var node = Assert.Single(cluster.Nodes);
        Assert.Equal(node.Id, cluster.Controller.Id);
        Assert.Equal(_broker.Broker.Port, node.Port);
        // No authorizer: every operation that applies to a cluster is allowed.
        Assert.Contains(AclOperation.Describe, cluster.AuthorizedOperations);
        Assert.Contains(AclOperation.IdempotentWrite, cluster.AuthorizedOperations);
        Assert.Contains(AclOperation.ClusterAction, cluster.AuthorizedOperations);
        Assert.DoesNotContain(AclOperation.Read, cluster.AuthorizedOperations);

        // DescribeCluster itself (what Java's admin client sends) says the same.
        var described = await SendAsync(ApiKey.DescribeCluster, 2, new() { ["IncludeClusterAuthorizedOperations"] = true, ["EndpointType"] = (sbyte)1 });
        Assert.Equal(cluster.ClusterId, described.String("ClusterId"));
        Assert.Equal(cluster.Controller.Id, described.Int32("ControllerId"));
        var broker = Assert.Single(described.Structs("Brokers")!);
        Assert.Equal((node.Id, node.Host, node.Port), (broker.Int32("BrokerId"), broker.String("Host"), broker.Int32("Port")));
        Assert.False(broker.Bool("IsFenced"));
        int bits = described.Int32("ClusterAuthorizedOperations");
        Assert.Equal(cluster.AuthorizedOperations.Select(o => 1 << (int)o).Sum(), bits);
    }

    [Fact]
    public async Task AFlexibleClassicApiIsAnsweredByteForByte()
    {
        using var client = await RawKafkaClient.ConnectAsync(Bootstrap);
        // Heartbeat v4 (flexible): GroupId "g", GenerationId 1, MemberId "m", GroupInstanceId null, no tagged fields.
        var heartbeat = await client.SendAsync(12, 4, w => w.WriteRaw([0x02, (byte)'g', 0, 0, 0, 1, 0x02, (byte)'m', 0x00, 0x00]), flexibleHeader: true);
        // Response header v1 (no tagged fields), ThrottleTimeMs 0, ErrorCode 25 (UNKNOWN_MEMBER_ID), no tagged fields.
        Assert.Equal([0x00, 0, 0, 0, 0, 0, 25, 0x00], heartbeat.ReadBytesMemory(heartbeat.Remaining).ToArray());

        // FindCoordinator v4 (batched keys): KeyType 0, CoordinatorKeys ["g", ""].
        var find = await client.SendAsync(10, 4, w => w.WriteRaw([0x00, 0x03, 0x02, (byte)'g', 0x01, 0x00]), flexibleHeader: true);
        string host = "127.0.0.1";
        int port = _broker.Broker.Port;
        var expected = new List<byte> { 0x00, 0, 0, 0, 0, 0x03 };                // header, ThrottleTimeMs, two coordinators
        expected.AddRange([0x02, (byte)'g', 0, 0, 0, 1]);                         //   "g" on node 1
        expected.Add((byte)(host.Length + 1)); expected.AddRange(Encoding.ASCII.GetBytes(host));
        expected.AddRange([(byte)(port >> 24), (byte)(port >> 16), (byte)(port >> 8), (byte)port]);
        expected.AddRange([0, 0, 0x00, 0x00]);                                   //   no error, null message, no tagged fields
        expected.AddRange([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF]); // "" : no node, empty host, no port
        expected.AddRange([0, 42]);                                               //   INVALID_REQUEST
        string message = "Group id must not be empty";
        expected.Add((byte)(message.Length + 1)); expected.AddRange(Encoding.ASCII.GetBytes(message));
        expected.AddRange([0x00, 0x00]);                                          //   coordinator and response tagged fields
        Assert.Equal(expected.ToArray(), find.ReadBytesMemory(find.Remaining).ToArray());
    }

    [Fact]
    public async Task DescribeClusterV0IsAnsweredByteForByteAsKafkaEncodesIt()
    {
        using var client = await RawKafkaClient.ConnectAsync(Bootstrap);
        // Body: IncludeClusterAuthorizedOperations = false, no tagged fields.
        var reader = await client.SendAsync(60, 0, w => w.WriteRaw([0x00, 0x00]), flexibleHeader: true);
        var rest = reader.ReadBytesMemory(reader.Remaining).ToArray();

        string clusterId = _broker.Broker.ClusterId, host = "127.0.0.1";
        int port = _broker.Broker.Port;
        var expected = new List<byte> { 0x00 };                                  // response header v1: no tagged fields
        expected.AddRange([0, 0, 0, 0]);                                          // ThrottleTimeMs
        expected.AddRange([0, 0]);                                                // ErrorCode
        expected.Add(0x00);                                                       // ErrorMessage: null compact string
        expected.Add((byte)(clusterId.Length + 1)); expected.AddRange(Encoding.ASCII.GetBytes(clusterId));
        expected.AddRange([0, 0, 0, 1]);                                          // ControllerId (node 1)
        expected.Add(2);                                                          // Brokers: one
        expected.AddRange([0, 0, 0, 1]);                                          //   BrokerId
        expected.Add((byte)(host.Length + 1)); expected.AddRange(Encoding.ASCII.GetBytes(host));
        expected.AddRange([(byte)(port >> 24), (byte)(port >> 16), (byte)(port >> 8), (byte)port]);
        expected.Add(0x00);                                                       //   Rack: null
        expected.Add(0x00);                                                       //   broker tagged fields
        expected.AddRange([0x80, 0, 0, 0]);                                       // ClusterAuthorizedOperations: not asked
        expected.Add(0x00);                                                       // tagged fields
        Assert.Equal(expected.ToArray(), rest);
    }

    [Theory]
    [InlineData(2, ErrorCode.MismatchedEndpointType)]
    [InlineData(7, ErrorCode.UnsupportedEndpointType)]
    public async Task DescribeClusterForAnotherEndpointTypeSaysWhy(sbyte endpointType, ErrorCode expected)
    {
        var response = await SendAsync(ApiKey.DescribeCluster, 1, new() { ["EndpointType"] = endpointType });
        Assert.Equal((short)expected, response.Int16("ErrorCode"));
        Assert.False(string.IsNullOrEmpty(response.String("ErrorMessage")));
        Assert.Empty(response.Structs("Brokers")!);
    }

    [Fact]
    public async Task DescribeTopicPartitionsPagesThroughEveryTopicInOrder()
    {
        await Clients.CreateTopicAsync(Bootstrap, "dtp-a", 5);
        await Clients.CreateTopicAsync(Bootstrap, "dtp-b", 3);
        await Clients.CreateTopicAsync(Bootstrap, "dtp-c", 1);
        var seen = new List<string>();
        StructValue? cursor = null;
        int pages = 0;
        do
        {
            var response = await SendAsync(ApiKey.DescribeTopicPartitions, 0, new()
            {
                ["Topics"] = StructValue.List(new[] { "dtp-c", "dtp-a", "dtp-b" }.Select(n => new StructValue { ["Name"] = n })),
                ["ResponsePartitionLimit"] = 4,
                ["Cursor"] = cursor,
            });
            var topics = response.Structs("Topics")!;
            Assert.True(topics.Sum(t => t.Structs("Partitions")!.Count) <= 4);
            foreach (var topic in topics)
            {
                Assert.Equal(0, topic.Int16("ErrorCode"));
                Assert.NotEqual(Guid.Empty, topic.Uuid("TopicId"));
                foreach (var p in topic.Structs("Partitions")!)
                {
                    Assert.Equal([1], p.Array<int>("IsrNodes")!);
                    seen.Add($"{topic.String("Name")}-{p.Int32("PartitionIndex")}");
                }
            }
            cursor = response.Struct("NextCursor");
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(["dtp-a-0", "dtp-a-1", "dtp-a-2", "dtp-a-3", "dtp-a-4", "dtp-b-0", "dtp-b-1", "dtp-b-2", "dtp-c-0"], seen);
    }

    [Fact]
    public async Task DescribeTopicPartitionsReadsAHandWrittenCursorAndNamesUnknownTopics()
    {
        await Clients.CreateTopicAsync(Bootstrap, "dtp-cursor", 4);
        using var client = await RawKafkaClient.ConnectAsync(Bootstrap);
        var reader = await client.SendAsync(75, 0, w =>
        {
            w.WriteRaw([3]);                                                      // Topics: two
            w.WriteRaw([11, .. "dtp-cursor"u8, 0]);                               //   Name, tagged fields
            w.WriteRaw([8, .. "missing"u8, 0]);
            w.WriteRaw([0, 0, 0, 100]);                                           // ResponsePartitionLimit
            w.WriteRaw([1, 11, .. "dtp-cursor"u8, 0, 0, 0, 2, 0]);                // Cursor: present, TopicName, PartitionIndex 2, tagged fields
            w.WriteRaw([0]);                                                      // tagged fields
        }, flexibleHeader: true);
        reader.SkipTaggedFields(); // response header v1
        var response = MessageReader.Read(Definition(ApiKey.DescribeTopicPartitions).Response!, 0, reader);
        var topics = response.Structs("Topics")!;
        Assert.Equal(["dtp-cursor", "missing"], topics.Select(t => t.String("Name")));
        Assert.Equal([2, 3], topics[0].Structs("Partitions")!.Select(p => p.Int32("PartitionIndex")));
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, topics[1].Int16("ErrorCode"));
        Assert.Null(response.Struct("NextCursor"));

        // A cursor on a topic not asked for is an invalid request.
        var invalid = await SendAsync(ApiKey.DescribeTopicPartitions, 0, new()
        {
            ["Topics"] = StructValue.List([new StructValue { ["Name"] = "dtp-cursor" }]),
            ["Cursor"] = new StructValue { ["TopicName"] = "elsewhere", ["PartitionIndex"] = 0 },
        });
        Assert.Equal((short)ErrorCode.InvalidRequest, Assert.Single(invalid.Structs("Topics")!).Int16("ErrorCode"));
    }

    [Fact]
    public async Task DescribeProducersListsTheIdempotentProducerWithItsLastSequence()
    {
        await Clients.CreateTopicAsync(Bootstrap, "producers", 2);
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var idempotent = Clients.Producer(Bootstrap, c => c.EnableIdempotence = true))
            for (int i = 0; i < 3; i++)
                await idempotent.ProduceAsync(new TopicPartition("producers", 0), new Message<byte[]?, byte[]?> { Value = [(byte)i] }, TestContext.Current.CancellationToken);
        using (var plain = Clients.Producer(Bootstrap, c => c.EnableIdempotence = false))
            await plain.ProduceAsync(new TopicPartition("producers", 1), new Message<byte[]?, byte[]?> { Value = [9] }, TestContext.Current.CancellationToken);

        var response = await SendAsync(ApiKey.DescribeProducers, 0, new()
        {
            ["Topics"] = StructValue.List([
                new StructValue { ["Name"] = "producers", ["PartitionIndexes"] = StructValue.List([0, 1, 5]) },
            ]),
        });
        var partitions = Assert.Single(response.Structs("Topics")!).Structs("Partitions")!;
        var producer = Assert.Single(partitions[0].Structs("ActiveProducers")!);
        Assert.True(producer.Int64("ProducerId") >= 0);
        Assert.Equal(0, producer.Int32("ProducerEpoch"));
        Assert.Equal(2, producer.Int32("LastSequence"));
        Assert.InRange(producer.Int64("LastTimestamp"), before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
        Assert.Equal(-1, producer.Int64("CurrentTxnStartOffset"));
        Assert.Empty(partitions[1].Structs("ActiveProducers")!); // a producer without an id keeps no state
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, partitions[2].Int16("ErrorCode"));
    }

    [Fact]
    public async Task MetadataV8FromItsDefinitionReportsTopicsAndAuthorizedOperations()
    {
        await Clients.CreateTopicAsync(Bootstrap, "meta-v8", 3);
        var response = await SendAsync(ApiKey.Metadata, 8, new()
        {
            ["Topics"] = StructValue.List([new StructValue { ["Name"] = "meta-v8" }, new StructValue { ["Name"] = "no-such/topic" }]),
            ["AllowAutoTopicCreation"] = true,
            ["IncludeTopicAuthorizedOperations"] = true,
        });
        var topics = response.Structs("Topics")!;
        Assert.Equal(("meta-v8", (short)0, 3), (topics[0].String("Name"), topics[0].Int16("ErrorCode"), topics[0].Structs("Partitions")!.Count));
        Assert.Equal(0, topics[0].Structs("Partitions")![2].Int32("LeaderEpoch"));
        Assert.NotEqual(int.MinValue, topics[0].Int32("TopicAuthorizedOperations"));
        Assert.Equal((short)ErrorCode.InvalidTopicException, topics[1].Int16("ErrorCode")); // an invalid name is not auto-created
        Assert.Equal(int.MinValue, response.Int32("ClusterAuthorizedOperations"));
        Assert.Equal(_broker.Broker.ClusterId, response.String("ClusterId"));
    }

    private static ApiDefinition Definition(ApiKey key) => ApiCatalog.Definitions.Single(d => d.Key == key);

    private Task<StructValue> SendAsync(ApiKey key, short version, StructValue request) => RawKafkaClient.SendDefinedAsync(Bootstrap, key, version, request);
}
