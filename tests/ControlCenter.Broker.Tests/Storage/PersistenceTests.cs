using ControlCenter.Kafka.Cluster;
using System.Buffers.Binary;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Tests.Storage;

/// <summary>Kafka's on-disk layout, restarts, segment rolling and retention.</summary>
public class PersistenceTests
{
    private static async Task ProduceAsync(string bootstrap, string topic, int count, int valueSize = 100, DateTime? timestamp = null, int partition = 0, int stepMs = 0)
    {
        using var producer = Clients.Producer(bootstrap, c => c.LingerMs = 0);
        for (int i = 0; i < count; i++)
        {
            var message = new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = new byte[valueSize] };
            if (timestamp is { } ts) message.Timestamp = new Timestamp(ts.AddMilliseconds((double)i * stepMs));
            await producer.ProduceAsync(new TopicPartition(topic, partition), message);
        }
    }

    [Fact]
    public async Task TopicsRecordsConfigsAndOffsetsSurviveARestart()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "durable", 2, new() { ["retention.ms"] = "86400000" });
        await ProduceAsync(broker.BootstrapServers, "durable", 25);
        await ProduceAsync(broker.BootstrapServers, "durable", 5, partition: 1);
        string clusterId = broker.Broker.ClusterId;

        await broker.RestartAsync();
        Assert.True(broker.Broker.RecoveredFromCleanShutdown);
        Assert.Equal(clusterId, broker.Broker.ClusterId);
        Assert.Equal(30, Clients.ReadAll(broker.BootstrapServers, "durable", 2).Count);
        using var admin = Clients.Admin(broker.BootstrapServers);
        var configs = await admin.DescribeConfigsAsync([new Confluent.Kafka.Admin.ConfigResource { Type = Confluent.Kafka.Admin.ResourceType.Topic, Name = "durable" }]).OffPollThread();
        Assert.Equal("86400000", configs[0].Entries["retention.ms"].Value);
        await ProduceAsync(broker.BootstrapServers, "durable", 1);
        using var consumer = Clients.Consumer(broker.BootstrapServers);
        Assert.Equal(26, consumer.QueryWatermarkOffsets(new TopicPartition("durable", 0), TimeSpan.FromSeconds(5)).High.Value);
    }

    [Fact]
    public async Task DataDirUsesKafkasLayout()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "layout", 1, new() { ["index.interval.bytes"] = "100" });
        await ProduceAsync(broker.BootstrapServers, "layout", 50, valueSize: 200, timestamp: new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), stepMs: 1000);
        await broker.RestartAsync(); // clean shutdown writes checkpoints and the final time-index entry

        var meta = MetaPropertiesFile.Read(Path.Combine(broker.DataDir, "meta.properties"));
        Assert.Equal(broker.Broker.ClusterId, meta["cluster.id"]);
        Assert.Equal("1", meta["node.id"]);
        Assert.Equal(50, OffsetCheckpointFile.Read(Path.Combine(broker.DataDir, "replication-offset-checkpoint"))[("layout", 0)]);
        Assert.Equal(50, OffsetCheckpointFile.Read(Path.Combine(broker.DataDir, "recovery-point-offset-checkpoint"))[("layout", 0)]);
        Assert.True(File.Exists(Path.Combine(broker.DataDir, ".kafka_cleanshutdown")) || broker.Broker.IsRunning);

        string dir = broker.Broker.PartitionDirectory("layout", 0);
        Assert.True(File.Exists(Path.Combine(dir, "partition.metadata")));
        byte[] log = File.ReadAllBytes(Path.Combine(dir, "00000000000000000000.log"));
        byte[] index = File.ReadAllBytes(Path.Combine(dir, "00000000000000000000.index"));
        byte[] timeIndex = File.ReadAllBytes(Path.Combine(dir, "00000000000000000000.timeindex"));

        // The .log is a sequence of v2 batches with broker-assigned, contiguous offsets and valid CRC-32C.
        long expectedOffset = 0;
        var batchStarts = new Dictionary<long, int>();
        for (int pos = 0; pos < log.Length;)
        {
            Assert.True(RecordBatchHeader.TryRead(log.AsSpan(pos), out var h));
            Assert.Equal(2, h.Magic);
            Assert.Equal(expectedOffset, h.BaseOffset);
            Assert.True(h.IsCrcValid(log.AsSpan(pos)));
            batchStarts[h.LastOffset] = pos;
            expectedOffset = h.NextOffset;
            pos += h.SizeInBytes;
        }
        Assert.Equal(50, expectedOffset);

        // The .index holds 8-byte {relative offset, position} entries pointing at batch starts.
        Assert.True(index.Length > 0 && index.Length % 8 == 0);
        foreach (var entry in OffsetIndexEntry.ReadAll(index))
            Assert.Equal(batchStarts[entry.RelativeOffset], entry.Position);
        // The .timeindex holds 12-byte {timestamp, relative offset} entries.
        Assert.True(timeIndex.Length > 0 && timeIndex.Length % 12 == 0);
        var last = TimeIndexEntry.ReadAll(timeIndex)[^1];
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 49, TimeSpan.Zero).ToUnixTimeMilliseconds(), last.Timestamp);
        Assert.Equal(49, BinaryPrimitives.ReadInt32BigEndian(timeIndex.AsSpan(timeIndex.Length - 4)));
    }

    [Fact]
    public async Task SegmentsRollAtSegmentBytes()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "rolling", 1, new() { ["internal.segment.bytes"] = "2000" });
        await ProduceAsync(broker.BootstrapServers, "rolling", 60, valueSize: 100); // ~180 bytes a batch
        var segments = broker.Broker.Segments("rolling", 0);
        Assert.True(segments.Count >= 5, $"expected several segments, got {segments.Count}");
        Assert.Equal(0, segments[0].BaseOffset);
        Assert.All(segments.SkipLast(1), s => Assert.InRange(s.Size, 1, 2000));
        Assert.Equal(segments.Select(s => s.BaseOffset).Order(), segments.Select(s => s.BaseOffset));
        string dir = broker.Broker.PartitionDirectory("rolling", 0);
        foreach (var (baseOffset, _) in segments)
            Assert.True(File.Exists(Path.Combine(dir, LogFileNames.FormatOffset(baseOffset) + ".log")));
        Assert.Equal(60, Clients.ReadAll(broker.BootstrapServers, "rolling", 1).Count);
    }

    [Fact]
    public async Task RetentionByTimeDeletesOldSegmentsAndMovesLogStart()
    {
        await using var broker = await TestBroker.StartAsync(new() { ["log.segment.delete.delay.ms"] = "0" });
        await Clients.CreateTopicAsync(broker.BootstrapServers, "expiring", 1, new() { ["internal.segment.bytes"] = "1500", ["retention.ms"] = "3600000" });
        await ProduceAsync(broker.BootstrapServers, "expiring", 30, valueSize: 100, timestamp: DateTime.UtcNow.AddDays(-2));
        await ProduceAsync(broker.BootstrapServers, "expiring", 10, valueSize: 100, timestamp: DateTime.UtcNow);
        int before = broker.Broker.Segments("expiring", 0).Count;

        Assert.True(broker.Broker.RunRetentionNow() > 0);
        var after = broker.Broker.Segments("expiring", 0);
        Assert.True(after.Count < before);
        using var consumer = Clients.Consumer(broker.BootstrapServers);
        var marks = consumer.QueryWatermarkOffsets(new TopicPartition("expiring", 0), TimeSpan.FromSeconds(5));
        Assert.Equal(after[0].BaseOffset, marks.Low.Value);
        Assert.InRange(marks.Low.Value, 1, 30);
        Assert.Equal(40, marks.High.Value);
        var remaining = Clients.ReadAll(broker.BootstrapServers, "expiring", 1);
        Assert.Equal(40 - marks.Low.Value, remaining.Count);
        await Wait.UntilAsync(() => Directory.GetFiles(broker.Broker.PartitionDirectory("expiring", 0), "*.deleted").Length == 0, "deleted segment files to be removed", cancellation: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RetentionBySizeKeepsTheNewestBytes()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "sized", 1, new() { ["internal.segment.bytes"] = "1000", ["retention.bytes"] = "3000" });
        await ProduceAsync(broker.BootstrapServers, "sized", 50, valueSize: 100);
        broker.Broker.RunRetentionNow();
        var segments = broker.Broker.Segments("sized", 0);
        Assert.True(segments.Sum(s => s.Size) <= 3000 + 1000, $"kept {segments.Sum(s => s.Size)} bytes");
        Assert.True(segments[0].BaseOffset > 0);
    }

    [Fact]
    public async Task TopicsAppearAfterTheMetadataFileIsLost()
    {
        await using var broker = await TestBroker.StartAsync();
        await ProduceAsync(broker.BootstrapServers, "orphan", 3);
        await broker.Broker.StopAsync();
        File.Delete(Path.Combine(broker.DataDir, "embedded-cluster-metadata.json"));
        await broker.RestartAsync();
        Assert.Equal(3, Clients.ReadAll(broker.BootstrapServers, "orphan", 1).Count);
    }

    [Fact]
    public async Task TornTailIsCutOffAfterAnUncleanShutdown()
    {
        await using var broker = await TestBroker.StartAsync();
        await ProduceAsync(broker.BootstrapServers, "torn", 10);
        string dir = broker.Broker.PartitionDirectory("torn", 0);
        await broker.Broker.StopAsync();
        string logFile = Path.Combine(dir, "00000000000000000000.log");
        byte[] log = File.ReadAllBytes(logFile);
        RecordBatchHeader.TryRead(log, out var first);
        // An unclean stop in the middle of writing a batch: half a batch at the tail and no marker.
        using (var stream = new FileStream(logFile, FileMode.Append)) stream.Write(log, 0, first.SizeInBytes / 2);
        File.Delete(Path.Combine(broker.DataDir, ".kafka_cleanshutdown"));

        await broker.RestartAsync();
        Assert.False(broker.Broker.RecoveredFromCleanShutdown);
        Assert.Equal(log.Length, new FileInfo(logFile).Length);
        Assert.Equal(10, Clients.ReadAll(broker.BootstrapServers, "torn", 1).Count);
        using var producer = Clients.Producer(broker.BootstrapServers);
        Assert.Equal(10, (await producer.ProduceAsync("torn", new Message<byte[]?, byte[]?> { Value = [1] }, TestContext.Current.CancellationToken)).Offset.Value);
    }

    [Fact]
    public async Task CorruptBatchAndEverythingAfterItAreDroppedOnRecovery()
    {
        await using var broker = await TestBroker.StartAsync();
        await ProduceAsync(broker.BootstrapServers, "bitflip", 10);
        string dir = broker.Broker.PartitionDirectory("bitflip", 0);
        await broker.Broker.StopAsync();
        string logFile = Path.Combine(dir, "00000000000000000000.log");
        byte[] log = File.ReadAllBytes(logFile);
        int pos = 0;
        for (int i = 0; i < 6; i++) { RecordBatchHeader.TryRead(log.AsSpan(pos), out var h); pos += h.SizeInBytes; }
        log[pos + RecordBatchHeader.Size + 3] ^= 0x40; // flip a bit inside batch 7's records
        File.WriteAllBytes(logFile, log);
        File.Delete(Path.Combine(broker.DataDir, ".kafka_cleanshutdown"));

        await broker.RestartAsync();
        Assert.Equal(6, Clients.ReadAll(broker.BootstrapServers, "bitflip", 1).Count);
        Assert.Equal(pos, new FileInfo(logFile).Length);
    }

    [Fact]
    public async Task MissingIndexesAreRebuiltFromTheLog()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "reindex", 1, new() { ["index.interval.bytes"] = "100" });
        await ProduceAsync(broker.BootstrapServers, "reindex", 40, stepMs: 10, timestamp: DateTime.UtcNow);
        string dir = broker.Broker.PartitionDirectory("reindex", 0);
        await broker.Broker.StopAsync();
        byte[] index = File.ReadAllBytes(Path.Combine(dir, "00000000000000000000.index"));
        File.Delete(Path.Combine(dir, "00000000000000000000.index"));
        File.Delete(Path.Combine(dir, "00000000000000000000.timeindex"));

        await broker.RestartAsync();
        Assert.Equal(index, File.ReadAllBytes(Path.Combine(dir, "00000000000000000000.index")));
        Assert.True(new FileInfo(Path.Combine(dir, "00000000000000000000.timeindex")).Length > 0);
        Assert.Equal(40, Clients.ReadAll(broker.BootstrapServers, "reindex", 1).Count);
    }

    [Fact]
    public async Task SegmentsRollWhenSegmentMsHasPassed()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "aging", 1, new() { ["segment.ms"] = "60000" });
        var t0 = DateTime.UtcNow.AddHours(-1);
        await ProduceAsync(broker.BootstrapServers, "aging", 3, timestamp: t0);
        await ProduceAsync(broker.BootstrapServers, "aging", 1, timestamp: t0.AddSeconds(30));
        Assert.Single(broker.Broker.Segments("aging", 0));
        await ProduceAsync(broker.BootstrapServers, "aging", 1, timestamp: t0.AddMinutes(2)); // more than segment.ms after the first batch
        var segments = broker.Broker.Segments("aging", 0);
        Assert.Equal([0L, 4L], segments.Select(s => s.BaseOffset));
    }

    [Fact]
    public async Task RetentionRunsInTheBackgroundEveryCheckIntervalOfTheBrokersClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(new() { ["log.retention.check.interval.ms"] = "300000" }, time: clock);
        await Clients.CreateTopicAsync(broker.BootstrapServers, "background", 1, new() { ["internal.segment.bytes"] = "1000", ["retention.ms"] = "60000" });
        await ProduceAsync(broker.BootstrapServers, "background", 20, timestamp: clock.GetUtcNow().UtcDateTime.AddDays(-1));
        await ProduceAsync(broker.BootstrapServers, "background", 5, timestamp: clock.GetUtcNow().UtcDateTime);
        using var consumer = Clients.Consumer(broker.BootstrapServers);
        long Low() => consumer.QueryWatermarkOffsets(new TopicPartition("background", 0), TimeSpan.FromSeconds(5)).Low.Value;
        Assert.Equal(0, Low()); // the first check is log.retention.check.interval.ms after start
        clock.Advance(TimeSpan.FromMinutes(5));
        await Wait.UntilAsync(() => Low() > 0, "the retention check to delete expired segments", cancellation: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RetentionByTimeFollowsTheBrokersClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(time: clock);
        await Clients.CreateTopicAsync(broker.BootstrapServers, "hourly", 1, new() { ["internal.segment.bytes"] = "1500", ["retention.ms"] = "3600000" });
        await ProduceAsync(broker.BootstrapServers, "hourly", 40, valueSize: 100, timestamp: clock.GetUtcNow().UtcDateTime);
        int segments = broker.Broker.Segments("hourly", 0).Count;
        Assert.True(segments > 3);

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, broker.Broker.RunRetentionNow()); // younger than retention.ms on the broker's clock
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(segments, broker.Broker.RunRetentionNow()); // every segment expired: the log starts again empty at its end
        using var consumer = Clients.Consumer(broker.BootstrapServers);
        var marks = consumer.QueryWatermarkOffsets(new TopicPartition("hourly", 0), TimeSpan.FromSeconds(5));
        Assert.Equal((40L, 40L), (marks.Low.Value, marks.High.Value));
        Assert.Equal([40L], broker.Broker.Segments("hourly", 0).Select(s => s.BaseOffset));
    }

    [Fact]
    public async Task ManyPartitionsWorkWithFewFileDescriptors()
    {
        await using var broker = await TestBroker.StartAsync(configure: o => o.MaxOpenFiles = 16);
        await Clients.CreateTopicAsync(broker.BootstrapServers, "wide", 40, new() { ["internal.segment.bytes"] = "2000" });
        using (var producer = Clients.Producer(broker.BootstrapServers))
        {
            for (int i = 0; i < 800; i++)
                producer.Produce(new TopicPartition("wide", i % 40), new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(i) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }
        Assert.InRange(broker.Broker.OpenFileCount, 1, 16);
        Assert.Equal(800, Clients.ReadAll(broker.BootstrapServers, "wide", 40).Select(r => BitConverter.ToInt32(r.Message.Value)).Distinct().Count());
        await broker.RestartAsync();
        Assert.Equal(800, Clients.ReadAll(broker.BootstrapServers, "wide", 40).Count);
    }
}
