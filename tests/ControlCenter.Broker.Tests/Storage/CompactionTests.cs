using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;

namespace ControlCenter.Broker.Tests.Storage;

/// <summary>cleanup.policy=compact: newest record per key, offsets preserved, tombstones removed after delete.retention.ms.</summary>
public class CompactionTests
{
    private static Dictionary<string, string> CompactConfig(string deleteRetentionMs = "86400000", string codec = "producer") => new()
    {
        ["cleanup.policy"] = "compact",
        ["internal.segment.bytes"] = "1024",
        ["delete.retention.ms"] = deleteRetentionMs,
        ["min.cleanable.dirty.ratio"] = "0.01",
        ["compression.type"] = codec,
    };

    private static async Task<Dictionary<string, (long Offset, string? Value)>> WriteKeysAsync(string bootstrap, string topic, int keys, int rounds, CompressionType codec = CompressionType.None)
    {
        var latest = new Dictionary<string, (long, string?)>();
        using var producer = Clients.Producer(bootstrap, c => { c.LingerMs = 0; c.CompressionType = codec; });
        for (int round = 0; round < rounds; round++)
            for (int k = 0; k < keys; k++)
            {
                string key = $"key-{k}", value = $"value-{k}-round-{round}";
                var result = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value) });
                latest[key] = (result.Offset.Value, value);
            }
        return latest;
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task CleaningKeepsTheNewestRecordPerKeyAtItsOriginalOffset(CompressionType codec)
    {
        await using var broker = await TestBroker.StartAsync(new() { ["log.segment.delete.delay.ms"] = "0" });
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, "compacted", 1, CompactConfig());
        var latest = await WriteKeysAsync(b, "compacted", keys: 10, rounds: 20, codec);
        broker.Broker.Roll("compacted", 0); // everything written so far becomes cleanable
        var before = broker.Broker.Segments("compacted", 0);

        Assert.Equal(1, broker.Broker.RunCleanerNow());
        var records = Clients.ReadAll(b, "compacted", 1);
        Assert.Equal(10, records.Count);
        foreach (var r in records)
        {
            var (offset, value) = latest[Encoding.UTF8.GetString(r.Message.Key!)];
            Assert.Equal(offset, r.Offset.Value);
            Assert.Equal(value, Encoding.UTF8.GetString(r.Message.Value!));
        }
        Assert.True(broker.Broker.Segments("compacted", 0).Sum(s => s.Size) < before.Sum(s => s.Size) / 4);
        // Like Kafka, segments are grouped by their size before cleaning; a later pass merges the now-small ones.
        broker.Broker.RunCleanerNow(force: true);
        Assert.True(broker.Broker.Segments("compacted", 0).Count < before.Count);
        Assert.Equal(records.Select(r => r.Offset.Value), Clients.ReadAll(b, "compacted", 1).Select(r => r.Offset.Value));
        using var consumer = Clients.Consumer(b);
        Assert.Equal(200, consumer.QueryWatermarkOffsets(new TopicPartition("compacted", 0), TimeSpan.FromSeconds(5)).High.Value);

        // The compacted log survives a restart as is: the swap was complete.
        await broker.RestartAsync();
        Assert.Equal(records.Select(r => r.Offset.Value), Clients.ReadAll(broker.BootstrapServers, "compacted", 1).Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task TombstonesStayForDeleteRetentionThenDisappear()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow); // the delete horizon is on the broker's clock
        await using var broker = await TestBroker.StartAsync(new() { ["log.segment.delete.delay.ms"] = "0" }, time: clock);
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, "tombs", 1, CompactConfig(deleteRetentionMs: "1500"));
        await WriteKeysAsync(b, "tombs", keys: 5, rounds: 3);
        using (var producer = Clients.Producer(b))
            await producer.ProduceAsync("tombs", new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes("key-2"), Value = null }, TestContext.Current.CancellationToken);
        broker.Broker.Roll("tombs", 0);

        broker.Broker.RunCleanerNow();
        var first = Clients.ReadAll(b, "tombs", 1);
        Assert.Equal(5, first.Count);
        Assert.Contains(first, r => Encoding.UTF8.GetString(r.Message.Key!) == "key-2" && r.Message.Value is null);

        clock.Advance(TimeSpan.FromMilliseconds(1499));
        broker.Broker.RunCleanerNow();
        Assert.Contains(Clients.ReadAll(b, "tombs", 1), r => Encoding.UTF8.GetString(r.Message.Key!) == "key-2"); // not yet
        clock.Advance(TimeSpan.FromMilliseconds(2)); // past delete.retention.ms: the next pass drops the tombstone
        broker.Broker.RunCleanerNow();
        var second = Clients.ReadAll(b, "tombs", 1);
        Assert.Equal(4, second.Count);
        Assert.DoesNotContain(second, r => Encoding.UTF8.GetString(r.Message.Key!) == "key-2");
    }

    [Fact]
    public async Task ActiveSegmentAndYoungRecordsAreNeverCleaned()
    {
        await using var broker = await TestBroker.StartAsync();
        string b = broker.BootstrapServers;
        var config = CompactConfig();
        config.Remove("internal.segment.bytes"); // one segment: the active one, never cleaned
        await Clients.CreateTopicAsync(b, "active", 1, config);
        await WriteKeysAsync(b, "active", keys: 3, rounds: 5);
        broker.Broker.RunCleanerNow(force: true);
        Assert.Equal(15, Clients.ReadAll(b, "active", 1).Count);

        var lagged = CompactConfig();
        lagged["min.compaction.lag.ms"] = "3600000";
        await Clients.CreateTopicAsync(b, "lagged", 1, lagged);
        await WriteKeysAsync(b, "lagged", keys: 3, rounds: 5);
        broker.Broker.Roll("lagged", 0);
        broker.Broker.RunCleanerNow(force: true);
        Assert.Equal(15, Clients.ReadAll(b, "lagged", 1).Count);
    }

    [Fact]
    public async Task CompactedTopicsRefuseRecordsWithoutKeys()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "keyed", 1, CompactConfig());
        using var producer = Clients.Producer(broker.BootstrapServers);
        var e = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync("keyed", new Message<byte[]?, byte[]?> { Value = [1] }, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.InvalidRecord, e.Error.Code);
    }

    [Fact]
    public async Task InterruptedSwapIsCompletedAtStartup()
    {
        await using var broker = await TestBroker.StartAsync();
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, "swap", 1, CompactConfig());
        await WriteKeysAsync(b, "swap", keys: 4, rounds: 10);
        broker.Broker.Roll("swap", 0);
        string dir = broker.Broker.PartitionDirectory("swap", 0);
        broker.Broker.RunCleanerNow();
        var cleaned = Clients.ReadAll(b, "swap", 1).Select(r => (r.Offset.Value, Encoding.UTF8.GetString(r.Message.Value!))).ToList();
        await broker.Broker.StopAsync();

        // Simulate a crash between "swap written" and "swap installed": put the cleaned segment back
        // under its .swap name, next to stale copies of the old segments it replaces.
        string first = Directory.GetFiles(dir, "*.log").Order().First();
        string baseName = Path.GetFileNameWithoutExtension(first);
        foreach (var suffix in new[] { ".log", ".index", ".timeindex" })
            File.Move(Path.Combine(dir, baseName + suffix), Path.Combine(dir, baseName + suffix + ".swap"));
        File.WriteAllBytes(Path.Combine(dir, baseName + ".log"), []);
        long coversUntil = long.Parse(Path.GetFileNameWithoutExtension(Directory.GetFiles(dir, "*.log").Order().Skip(1).First()));
        File.WriteAllText(Path.Combine(dir, baseName + ".covers"), coversUntil.ToString());
        File.Delete(Path.Combine(broker.DataDir, ".kafka_cleanshutdown"));

        await broker.RestartAsync();
        Assert.Empty(Directory.GetFiles(dir, "*.swap"));
        Assert.Equal(cleaned, Clients.ReadAll(broker.BootstrapServers, "swap", 1).Select(r => (r.Offset.Value, Encoding.UTF8.GetString(r.Message.Value!))));
    }
}
