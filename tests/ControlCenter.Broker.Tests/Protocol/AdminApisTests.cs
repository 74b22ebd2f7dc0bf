using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ErrorCode = ControlCenter.Broker.Protocol.ErrorCode;

namespace ControlCenter.Broker.Tests.Protocol;

/// <summary>
/// The admin APIs at Kafka 4.1's newest versions, which librdkafka does not send yet (Java's
/// admin client does): CreateTopics v7 with ids and configs, DeleteTopics v6 by id,
/// DescribeLogDirs v4 with volume space, and the flexible versions of the rest.
/// </summary>
public class AdminApisTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private string Bootstrap => _broker.BootstrapServers;

    public async ValueTask InitializeAsync() => _broker = await TestBroker.StartAsync();
    public async ValueTask DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task CreateTopicsV7AnswersTheIdPartitionsAndConfigsAndValidateOnlyCreatesNothing()
    {
        StructValue Request(string name, bool validateOnly) => new()
        {
            ["Topics"] = StructValue.List([new StructValue
            {
                ["Name"] = name, ["NumPartitions"] = 3, ["ReplicationFactor"] = (short)-1,
                ["Configs"] = StructValue.List([new StructValue { ["Name"] = "cleanup.policy", ["Value"] = "compact" }]),
            }]),
            ["TimeoutMs"] = 5000, ["ValidateOnly"] = validateOnly,
        };

        var validated = Assert.Single((await SendAsync(ApiKey.CreateTopics, 7, Request("v7-topic", validateOnly: true))).Structs("Topics")!);
        Assert.Equal(((short)0, Guid.Empty, 3), (validated.Int16("ErrorCode"), validated.Uuid("TopicId"), validated.Int32("NumPartitions")));
        Assert.Null(await TopicAsync("v7-topic"));

        var created = Assert.Single((await SendAsync(ApiKey.CreateTopics, 7, Request("v7-topic", validateOnly: false))).Structs("Topics")!);
        Assert.Equal(((short)0, 3, (short)1), (created.Int16("ErrorCode"), created.Int32("NumPartitions"), created.Int16("ReplicationFactor")));
        Assert.Equal((await TopicAsync("v7-topic"))!.Value.Id, created.Uuid("TopicId"));
        var configs = created.Structs("Configs")!.ToDictionary(c => c.String("Name")!);
        Assert.Equal(("compact", (sbyte)1), (configs["cleanup.policy"].String("Value"), configs["cleanup.policy"].Int8("ConfigSource"))); // DYNAMIC_TOPIC_CONFIG
        Assert.Equal((sbyte)5, configs["retention.ms"].Int8("ConfigSource")); // DEFAULT_CONFIG

        var again = Assert.Single((await SendAsync(ApiKey.CreateTopics, 7, Request("v7-topic", validateOnly: false))).Structs("Topics")!);
        Assert.Equal((short)ErrorCode.TopicAlreadyExists, again.Int16("ErrorCode"));
        Assert.Null(again.Structs("Configs"));
    }

    [Fact]
    public async Task DeleteTopicsV6DeletesByIdAndNamesWhatItCannotDelete()
    {
        await Clients.CreateTopicAsync(Bootstrap, "doomed", 1);
        var id = (await TopicAsync("doomed"))!.Value.Id;
        var unknown = Guid.NewGuid();
        var response = await SendAsync(ApiKey.DeleteTopics, 6, new()
        {
            ["Topics"] = StructValue.List([
                new StructValue { ["TopicId"] = id },
                new StructValue { ["TopicId"] = unknown },
                new StructValue { ["Name"] = "never-created" },
                new StructValue { ["Name"] = "both", ["TopicId"] = unknown },
            ]),
            ["TimeoutMs"] = 5000,
        });
        var answers = response.Structs("Responses")!;
        Assert.Equal(("doomed", id, (short)0), (answers[0].String("Name"), answers[0].Uuid("TopicId"), answers[0].Int16("ErrorCode")));
        Assert.Null(await TopicAsync("doomed"));
        Assert.Equal((short)ErrorCode.UnknownTopicId, answers[1].Int16("ErrorCode"));
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, answers[2].Int16("ErrorCode"));
        Assert.Equal((short)ErrorCode.InvalidRequest, answers[3].Int16("ErrorCode"));
        Assert.All(answers.Skip(1), a => Assert.False(string.IsNullOrEmpty(a.String("ErrorMessage"))));
    }

    [Fact]
    public async Task DescribeLogDirsV4ReportsPartitionSizesAndTheVolumesSpace()
    {
        await Clients.CreateTopicAsync(Bootstrap, "sized", 2);
        using (var producer = Clients.Producer(Bootstrap))
            await producer.ProduceAsync(new Confluent.Kafka.TopicPartition("sized", 1), new Confluent.Kafka.Message<byte[]?, byte[]?> { Value = new byte[1000] }, TestContext.Current.CancellationToken);
        var response = await SendAsync(ApiKey.DescribeLogDirs, 4, new()
        {
            ["Topics"] = StructValue.List([new StructValue { ["Topic"] = "sized", ["Partitions"] = StructValue.List([0, 1, 7]) }]),
        });
        var dir = Assert.Single(response.Structs("Results")!);
        Assert.Equal(_broker.Broker.DataDir, dir.String("LogDir"));
        Assert.InRange(dir.Int64("TotalBytes"), 1, long.MaxValue);
        Assert.InRange(dir.Int64("UsableBytes"), 0, dir.Int64("TotalBytes"));
        var partitions = Assert.Single(dir.Structs("Topics")!).Structs("Partitions")!;
        Assert.Equal([0, 1], partitions.Select(p => p.Int32("PartitionIndex")));
        Assert.Equal(0, partitions[0].Int64("PartitionSize"));
        Assert.InRange(partitions[1].Int64("PartitionSize"), 1000, 2000);
    }

    [Fact]
    public async Task TheOtherAdminApisAnswerTheirFlexibleVersions()
    {
        await Clients.CreateTopicAsync(Bootstrap, "flex", 1);
        using (var producer = Clients.Producer(Bootstrap))
            for (int i = 0; i < 5; i++)
                await producer.ProduceAsync("flex", new Confluent.Kafka.Message<byte[]?, byte[]?> { Value = [(byte)i] }, TestContext.Current.CancellationToken);

        var altered = await SendAsync(ApiKey.IncrementalAlterConfigs, 1, new()
        {
            ["Resources"] = StructValue.List([new StructValue
            {
                ["ResourceType"] = (sbyte)2, ["ResourceName"] = "flex",
                ["Configs"] = StructValue.List([new StructValue { ["Name"] = "retention.ms", ["ConfigOperation"] = (sbyte)0, ["Value"] = "60000" }]),
            }]),
        });
        Assert.Equal((short)0, Assert.Single(altered.Structs("Responses")!).Int16("ErrorCode"));

        var described = await SendAsync(ApiKey.DescribeConfigs, 4, new()
        {
            ["Resources"] = StructValue.List([new StructValue { ["ResourceType"] = (sbyte)2, ["ResourceName"] = "flex", ["ConfigurationKeys"] = StructValue.List<string>(["retention.ms"]) }]),
            ["IncludeSynonyms"] = true, ["IncludeDocumentation"] = true,
        });
        var retention = Assert.Single(Assert.Single(described.Structs("Results")!).Structs("Configs")!);
        Assert.Equal(("60000", (sbyte)1), (retention.String("Value"), retention.Int8("ConfigSource")));
        Assert.Equal(["retention.ms", "log.retention.ms"], retention.Structs("Synonyms")!.Select(s => s.String("Name")).Take(2));
        Assert.False(string.IsNullOrEmpty(retention.String("Documentation")));

        var replaced = await SendAsync(ApiKey.AlterConfigs, 2, new()
        {
            ["Resources"] = StructValue.List([new StructValue { ["ResourceType"] = (sbyte)4, ["ResourceName"] = "", ["Configs"] = StructValue.List<StructValue>([]) }]),
        });
        Assert.Equal((short)ErrorCode.InvalidConfig, Assert.Single(replaced.Structs("Responses")!).Int16("ErrorCode")); // broker configs are static

        var grown = await SendAsync(ApiKey.CreatePartitions, 3, new()
        {
            ["Topics"] = StructValue.List([new StructValue { ["Name"] = "flex", ["Count"] = 3 }, new StructValue { ["Name"] = "flex-none", ["Count"] = 3 }]),
            ["TimeoutMs"] = 5000,
        });
        Assert.Equal([(short)0, (short)ErrorCode.UnknownTopicOrPartition], grown.Structs("Results")!.Select(r => r.Int16("ErrorCode")));
        Assert.Equal(3, (await TopicAsync("flex"))!.Value.Partitions);

        var deleted = await SendAsync(ApiKey.DeleteRecords, 2, new()
        {
            ["Topics"] = StructValue.List([new StructValue { ["Name"] = "flex", ["Partitions"] = StructValue.List([new StructValue { ["PartitionIndex"] = 0, ["Offset"] = 2L }]) }]),
            ["TimeoutMs"] = 5000,
        });
        Assert.Equal(2L, Assert.Single(Assert.Single(deleted.Structs("Topics")!).Structs("Partitions")!).Int64("LowWatermark"));

        var epoch = await SendAsync(ApiKey.OffsetForLeaderEpoch, 4, new()
        {
            ["ReplicaId"] = -1,
            ["Topics"] = StructValue.List([new StructValue { ["Topic"] = "flex", ["Partitions"] = StructValue.List([
                new StructValue { ["Partition"] = 0, ["CurrentLeaderEpoch"] = 0, ["LeaderEpoch"] = 0 },
                new StructValue { ["Partition"] = 0, ["CurrentLeaderEpoch"] = 3, ["LeaderEpoch"] = 0 },
            ]) }]),
        });
        var ends = Assert.Single(epoch.Structs("Topics")!).Structs("Partitions")!;
        Assert.Equal(((short)0, 0, 5L), (ends[0].Int16("ErrorCode"), ends[0].Int32("LeaderEpoch"), ends[0].Int64("EndOffset")));
        Assert.Equal((short)ErrorCode.UnknownLeaderEpoch, ends[1].Int16("ErrorCode"));

        var first = await SendAsync(ApiKey.InitProducerId, 5, new() { ["TransactionalId"] = null, ["TransactionTimeoutMs"] = 60000 });
        var bumped = await SendAsync(ApiKey.InitProducerId, 5, new() { ["TransactionalId"] = null, ["TransactionTimeoutMs"] = 60000, ["ProducerId"] = first.Int64("ProducerId"), ["ProducerEpoch"] = (short)0 });
        Assert.Equal(((short)0, (short)0), (first.Int16("ErrorCode"), first.Int16("ProducerEpoch")));
        Assert.True(bumped.Int64("ProducerId") > first.Int64("ProducerId")); // without a transactional id, always a new id
        // With a transactional id: the same producer id each time, the epoch bumped; only the current producer may bump it itself (KIP-360).
        var transactional = await SendAsync(ApiKey.InitProducerId, 5, new() { ["TransactionalId"] = "tx", ["TransactionTimeoutMs"] = 60000 });
        var again = await SendAsync(ApiKey.InitProducerId, 5, new() { ["TransactionalId"] = "tx", ["TransactionTimeoutMs"] = 60000 });
        Assert.Equal(((short)0, (short)0), (transactional.Int16("ErrorCode"), transactional.Int16("ProducerEpoch")));
        Assert.Equal(((short)0, transactional.Int64("ProducerId"), (short)1), (again.Int16("ErrorCode"), again.Int64("ProducerId"), again.Int16("ProducerEpoch")));
        var stale = await SendAsync(ApiKey.InitProducerId, 5, new() { ["TransactionalId"] = "tx", ["TransactionTimeoutMs"] = 60000, ["ProducerId"] = transactional.Int64("ProducerId"), ["ProducerEpoch"] = (short)0 });
        Assert.Equal((short)ErrorCode.ProducerFenced, stale.Int16("ErrorCode"));
        var tooLong = await SendAsync(ApiKey.InitProducerId, 5, new() { ["TransactionalId"] = "tx", ["TransactionTimeoutMs"] = 900_001 });
        Assert.Equal((short)ErrorCode.InvalidTransactionTimeout, tooLong.Int16("ErrorCode"));

        var groups = await SendAsync(ApiKey.DeleteGroups, 2, new() { ["GroupsNames"] = StructValue.List<string>(["no-such-group"]) });
        Assert.Equal(("no-such-group", (short)ErrorCode.GroupIdNotFound), (Assert.Single(groups.Structs("Results")!).String("GroupId"), Assert.Single(groups.Structs("Results")!).Int16("ErrorCode")));
    }

    [Fact]
    public async Task DeleteGroupsV2IsEncodedAsKafkaEncodesIt()
    {
        using var client = await RawKafkaClient.ConnectAsync(Bootstrap);
        // GroupsNames ["g"], no tagged fields.
        var reader = await client.SendAsync(42, 2, w => w.WriteRaw([0x02, 0x02, (byte)'g', 0x00]), flexibleHeader: true);
        // Header v1, ThrottleTimeMs 0, Results [{ "g", GROUP_ID_NOT_FOUND (69), tags }], tags.
        Assert.Equal([0x00, 0, 0, 0, 0, 0x02, 0x02, (byte)'g', 0, 69, 0x00, 0x00], reader.ReadBytesMemory(reader.Remaining).ToArray());
    }

    /// <summary>A topic's id and partition count from Metadata v12, or null when it does not exist.</summary>
    private async Task<(Guid Id, int Partitions)?> TopicAsync(string name)
    {
        var metadata = await SendAsync(ApiKey.Metadata, 12, new() { ["Topics"] = StructValue.List([new StructValue { ["Name"] = name }]), ["AllowAutoTopicCreation"] = false });
        var topic = Assert.Single(metadata.Structs("Topics")!);
        return topic.Int16("ErrorCode") == 0 ? (topic.Uuid("TopicId"), topic.Structs("Partitions")!.Count) : null;
    }

    private Task<StructValue> SendAsync(ApiKey key, short version, StructValue request) => RawKafkaClient.SendDefinedAsync(Bootstrap, key, version, request);
}
