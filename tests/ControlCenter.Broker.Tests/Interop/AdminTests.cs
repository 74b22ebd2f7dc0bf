using ControlCenter.Kafka.Cluster;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ControlCenter.Broker.Tests.Interop;

/// <summary>AdminClient calls against the broker; every error case must change nothing.</summary>
public class AdminTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private IAdminClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        _admin = Clients.Admin(_broker.BootstrapServers);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _broker.DisposeAsync();
    }

    private List<string> TopicNames() =>
        _admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).Where(t => !t.StartsWith("__")).Order().ToList();

    private async Task<CreateTopicReport> CreateFails(TopicSpecification spec, CreateTopicsOptions? options = null)
    {
        var e = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync([spec], options)).OffPollThread();
        return Assert.Single(e.Results);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("ümlaut")]
    public async Task InvalidTopicNamesAreRejected(string name)
    {
        var report = await CreateFails(new TopicSpecification { Name = name, NumPartitions = 1, ReplicationFactor = 1 });
        Assert.Equal(ErrorCode.TopicException, report.Error.Code);
        Assert.Empty(TopicNames());
    }

    [Fact]
    public async Task TooLongTopicNameIsRejected()
    {
        var report = await CreateFails(new TopicSpecification { Name = new string('a', 250), NumPartitions = 1, ReplicationFactor = 1 });
        Assert.Equal(ErrorCode.TopicException, report.Error.Code);
        Assert.Empty(TopicNames());
    }

    [Fact]
    public async Task ReplicationFactorAboveBrokerCountIsRejected()
    {
        var report = await CreateFails(new TopicSpecification { Name = "rf3", NumPartitions = 1, ReplicationFactor = 3 });
        Assert.Equal(ErrorCode.InvalidReplicationFactor, report.Error.Code);
        Assert.Contains("only 1 broker", report.Error.Reason);
        Assert.Empty(TopicNames());
    }

    [Fact]
    public async Task DuplicatesAndCollisionsAreRejected()
    {
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "a.b", NumPartitions = 2, ReplicationFactor = 1 }]).OffPollThread();
        var again = await CreateFails(new TopicSpecification { Name = "a.b", NumPartitions = 5, ReplicationFactor = 1 });
        Assert.Equal(ErrorCode.TopicAlreadyExists, again.Error.Code);
        var collision = await CreateFails(new TopicSpecification { Name = "a_b", NumPartitions = 1, ReplicationFactor = 1 });
        Assert.Equal(ErrorCode.TopicException, collision.Error.Code);
        Assert.Contains("collides", collision.Error.Reason);
        Assert.Equal(["a.b"], TopicNames());
        Assert.Equal(2, _admin.GetMetadata("a.b", TimeSpan.FromSeconds(5)).Topics[0].Partitions.Count);
    }

    [Fact]
    public async Task InvalidConfigsAreRejected()
    {
        var unknown = await CreateFails(new TopicSpecification { Name = "c1", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["no.such.config"] = "1" } });
        Assert.Equal(ErrorCode.InvalidConfig, unknown.Error.Code);
        var badValue = await CreateFails(new TopicSpecification { Name = "c2", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "soon" } });
        Assert.Equal(ErrorCode.InvalidConfig, badValue.Error.Code);
        var badPolicy = await CreateFails(new TopicSpecification { Name = "c3", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["cleanup.policy"] = "shred" } });
        Assert.Equal(ErrorCode.InvalidConfig, badPolicy.Error.Code);
        Assert.Empty(TopicNames());
    }

    [Fact]
    public async Task ValidateOnlyCreatesNothing()
    {
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "dry", NumPartitions = 3, ReplicationFactor = 1 }],
            new CreateTopicsOptions { ValidateOnly = true }).OffPollThread();
        Assert.Empty(TopicNames());
        var invalid = await CreateFails(new TopicSpecification { Name = "dry", NumPartitions = 0, ReplicationFactor = 1 }, new CreateTopicsOptions { ValidateOnly = true });
        Assert.Equal(ErrorCode.InvalidPartitions, invalid.Error.Code);
        Assert.Empty(Directory.GetDirectories(_broker.DataDir, "dry-*"));
    }

    [Fact]
    public async Task CreatedTopicHasItsPartitionDirectories()
    {
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "dirs", NumPartitions = 4, ReplicationFactor = 1 }]).OffPollThread();
        var partitions = _admin.GetMetadata("dirs", TimeSpan.FromSeconds(5)).Topics[0].Partitions;
        Assert.Equal([0, 1, 2, 3], partitions.Select(p => p.PartitionId).Order());
        Assert.All(partitions, p => { Assert.Equal(1, p.Leader); Assert.Equal([1], p.Replicas); Assert.Equal([1], p.InSyncReplicas); });
        for (int p = 0; p < 4; p++)
            Assert.True(File.Exists(Path.Combine(_broker.DataDir, $"dirs-{p}", "00000000000000000000.log")));
    }

    [Fact]
    public async Task DeleteTopicRemovesItAndUnknownTopicsFail()
    {
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "gone", NumPartitions = 2, ReplicationFactor = 1 }]).OffPollThread();
        await _admin.DeleteTopicsAsync(["gone"]).OffPollThread();
        Assert.Empty(TopicNames());
        Assert.Empty(Directory.GetDirectories(_broker.DataDir, "gone-?"));
        var e = await Assert.ThrowsAsync<DeleteTopicsException>(() => _admin.DeleteTopicsAsync(["never-existed"])).OffPollThread();
        Assert.Equal(ErrorCode.UnknownTopicOrPart, e.Results[0].Error.Code);
        // A new topic of the same name starts from offset 0.
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "gone", NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();
        using var consumer = Clients.Consumer(_broker.BootstrapServers);
        Assert.Equal(0, consumer.QueryWatermarkOffsets(new TopicPartition("gone", 0), TimeSpan.FromSeconds(5)).High.Value);
    }

    [Fact]
    public async Task CreatePartitionsOnlyGrows()
    {
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "grow", NumPartitions = 2, ReplicationFactor = 1 }]).OffPollThread();
        await _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grow", IncreaseTo = 5 }]).OffPollThread();
        Assert.Equal(5, _admin.GetMetadata("grow", TimeSpan.FromSeconds(5)).Topics[0].Partitions.Count);
        var shrink = await Assert.ThrowsAsync<CreatePartitionsException>(() =>
            _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grow", IncreaseTo = 3 }])).OffPollThread();
        Assert.Equal(ErrorCode.InvalidPartitions, shrink.Results[0].Error.Code);
        await _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "grow", IncreaseTo = 9 }], new CreatePartitionsOptions { ValidateOnly = true }).OffPollThread();
        Assert.Equal(5, _admin.GetMetadata("grow", TimeSpan.FromSeconds(5)).Topics[0].Partitions.Count);
        var missing = await Assert.ThrowsAsync<CreatePartitionsException>(() =>
            _admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "missing", IncreaseTo = 3 }])).OffPollThread();
        Assert.Equal(ErrorCode.UnknownTopicOrPart, missing.Results[0].Error.Code);
    }

    [Fact]
    public async Task DescribeConfigsReportsValuesSourcesAndDefaults()
    {
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "cfg", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "12345" } }]).OffPollThread();
        var result = (await _admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "cfg" }]).OffPollThread())[0];
        var retention = result.Entries["retention.ms"];
        Assert.Equal("12345", retention.Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, retention.Source);
        Assert.Contains(retention.Synonyms, s => s.Source == ConfigSource.DefaultConfig && s.Value == "604800000");
        var segment = result.Entries["segment.bytes"];
        Assert.Equal("1073741824", segment.Value);
        Assert.Equal(ConfigSource.DefaultConfig, segment.Source);
        Assert.True(result.Entries.Count >= 20);

        var brokerConfigs = (await _admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = "1" }]).OffPollThread())[0];
        Assert.Equal(_broker.DataDir, brokerConfigs.Entries["log.dirs"].Value);
        Assert.Equal("true", brokerConfigs.Entries["auto.create.topics.enable"].Value);
        Assert.True(brokerConfigs.Entries["sasl.jaas.config"].IsSensitive);
        Assert.Null(brokerConfigs.Entries["sasl.jaas.config"].Value);
    }

    [Fact]
    public async Task AlterConfigsValidatesAndAppliesIncrementally()
    {
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "alter", NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = "alter" };
        await _admin.IncrementalAlterConfigsAsync(Change(resource, "retention.ms", "1000")).OffPollThread();
        Assert.Equal("1000", (await _admin.DescribeConfigsAsync([resource]).OffPollThread())[0].Entries["retention.ms"].Value);

        var bad = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => _admin.IncrementalAlterConfigsAsync(
            Change(resource, "retention.ms", "never"))).OffPollThread();
        Assert.Equal(ErrorCode.InvalidConfig, bad.Results[0].Error.Code);
        Assert.Equal("1000", (await _admin.DescribeConfigsAsync([resource]).OffPollThread())[0].Entries["retention.ms"].Value);

        await _admin.IncrementalAlterConfigsAsync(Change(resource, "retention.ms", null, AlterConfigOpType.Delete)).OffPollThread();
        var entry = (await _admin.DescribeConfigsAsync([resource]).OffPollThread())[0].Entries["retention.ms"];
        Assert.Equal("604800000", entry.Value);
        Assert.Equal(ConfigSource.DefaultConfig, entry.Source);
    }

    [Theory]
    [InlineData("segment.bytes", "1048575", "at least 1048576")] // Kafka 4's floor (KIP-1030)
    [InlineData("cleanup.policy", "compact,,delete", "must be one of")]
    [InlineData("cleanup.policy", "delete,delete", "duplicated")]
    [InlineData("min.insync.replicas", "2", "replication factor 1")]
    [InlineData("retention.ms", "-2", "at least -1")]
    [InlineData("segment.ms", "0", "at least 1")]
    public async Task ConfigsAreRefusedAsKafkaRefusesThemAndNothingChanges(string name, string value, string reason)
    {
        string topic = "strict-" + Guid.NewGuid().ToString("N")[..8];
        var create = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync(
            [new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1, Configs = new() { [name] = value } }])).OffPollThread();
        Assert.Equal(ErrorCode.InvalidConfig, create.Results[0].Error.Code);
        Assert.Contains(reason, create.Results[0].Error.Reason);
        Assert.DoesNotContain(_admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics, t => t.Topic == topic);

        await _admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        var before = (await _admin.DescribeConfigsAsync([resource]).OffPollThread())[0].Entries[name].Value;
        var alter = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => _admin.IncrementalAlterConfigsAsync(Change(resource, name, value))).OffPollThread();
        Assert.Equal(ErrorCode.InvalidConfig, alter.Results[0].Error.Code);
        Assert.Equal(before, (await _admin.DescribeConfigsAsync([resource]).OffPollThread())[0].Entries[name].Value);
    }

    [Fact]
    public async Task InternalSegmentBytesGoesBelowTheFloorAndIsDescribedOnlyWhereSet()
    {
        await _admin.CreateTopicsAsync([
            new TopicSpecification { Name = "tiny-segments", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["internal.segment.bytes"] = "1000" } },
            new TopicSpecification { Name = "plain-segments", NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();
        var described = await _admin.DescribeConfigsAsync([
            new ConfigResource { Type = ResourceType.Topic, Name = "tiny-segments" }, new ConfigResource { Type = ResourceType.Topic, Name = "plain-segments" }]).OffPollThread();
        Assert.Equal("1000", described[0].Entries["internal.segment.bytes"].Value);
        Assert.DoesNotContain("internal.segment.bytes", described[1].Entries.Keys);

        using (var producer = Clients.Producer(_broker.BootstrapServers))
            for (int i = 0; i < 20; i++) await producer.ProduceAsync("tiny-segments", new Message<byte[]?, byte[]?> { Value = new byte[200] }, TestContext.Current.CancellationToken);
        Assert.True(_broker.Broker.Segments("tiny-segments", 0).Count >= 4, "segments roll at internal.segment.bytes");
    }

    private static Dictionary<ConfigResource, List<ConfigEntry>> Change(ConfigResource resource, string name, string? value, AlterConfigOpType op = AlterConfigOpType.Set) =>
        new() { [resource] = [new ConfigEntry { Name = name, Value = value, IncrementalOperation = op }] };

    [Fact]
    public async Task DeleteRecordsMovesTheLowWatermark()
    {
        using (var producer = Clients.Producer(_broker.BootstrapServers))
            for (int i = 0; i < 10; i++) await producer.ProduceAsync("purge", new Message<byte[]?, byte[]?> { Value = [(byte)i] }, TestContext.Current.CancellationToken);
        var result = await _admin.DeleteRecordsAsync([new TopicPartitionOffset("purge", 0, 4)]).OffPollThread();
        Assert.Equal(4, result[0].Offset.Value);
        using var consumer = Clients.Consumer(_broker.BootstrapServers);
        var marks = consumer.QueryWatermarkOffsets(new TopicPartition("purge", 0), TimeSpan.FromSeconds(5));
        Assert.Equal((4L, 10L), (marks.Low.Value, marks.High.Value));
        Assert.Equal([4, 5, 6, 7, 8, 9], Clients.ReadAll(_broker.BootstrapServers, "purge", 1).Select(r => (int)r.Message.Value![0]));

        var beyond = await Assert.ThrowsAsync<DeleteRecordsException>(() => _admin.DeleteRecordsAsync([new TopicPartitionOffset("purge", 0, 11)])).OffPollThread();
        Assert.Equal(ErrorCode.OffsetOutOfRange, beyond.Results[0].Error.Code);
        Assert.Equal(4, consumer.QueryWatermarkOffsets(new TopicPartition("purge", 0), TimeSpan.FromSeconds(5)).Low.Value);

        await _admin.DeleteRecordsAsync([new TopicPartitionOffset("purge", 0, Offset.End)]).OffPollThread();
        Assert.Equal(10, consumer.QueryWatermarkOffsets(new TopicPartition("purge", 0), TimeSpan.FromSeconds(5)).Low.Value);
    }

    [Fact]
    public async Task ListOffsetsByTimestampUsesTheTimeIndex()
    {
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = "times", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["index.interval.bytes"] = "64" } }]).OffPollThread();
        var start = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        using (var producer = Clients.Producer(_broker.BootstrapServers, c => c.LingerMs = 0))
            for (int i = 0; i < 100; i++)
                await producer.ProduceAsync("times", new Message<byte[]?, byte[]?> { Value = new byte[50], Timestamp = new Timestamp(start.AddMinutes(i)) }, TestContext.Current.CancellationToken);

        using var consumer = Clients.Consumer(_broker.BootstrapServers);
        var tp = new TopicPartition("times", 0);
        Assert.Equal(42, consumer.OffsetsForTimes([new TopicPartitionTimestamp(tp, new Timestamp(start.AddMinutes(42)))], TimeSpan.FromSeconds(5))[0].Offset.Value);
        Assert.Equal(43, consumer.OffsetsForTimes([new TopicPartitionTimestamp(tp, new Timestamp(start.AddMinutes(42).AddSeconds(1)))], TimeSpan.FromSeconds(5))[0].Offset.Value);
        Assert.Equal(0, consumer.OffsetsForTimes([new TopicPartitionTimestamp(tp, new Timestamp(start.AddYears(-1)))], TimeSpan.FromSeconds(5))[0].Offset.Value);
        Assert.Equal(Offset.End, consumer.OffsetsForTimes([new TopicPartitionTimestamp(tp, new Timestamp(start.AddYears(1)))], TimeSpan.FromSeconds(5))[0].Offset);

        var listed = await _admin.ListOffsetsAsync([new TopicPartitionOffsetSpec { TopicPartition = tp, OffsetSpec = OffsetSpec.MaxTimestamp() }]).OffPollThread();
        Assert.Equal(99, listed.ResultInfos[0].TopicPartitionOffsetError.Offset.Value);
        Assert.True(Directory.GetFiles(_broker.Broker.PartitionDirectory("times", 0), "*.timeindex").Single() is var ti && new FileInfo(ti).Length >= 12);
    }
}
