using System.Text;
using Confluent.Kafka;
using ControlCenter.Kafka.Segments;
using ControlCenter.Kafka.Topics;
using ControlCenter.LogFormat.Files;

namespace ControlCenter.Kafka.Tests.Segments;

/// <summary>The segment reader and forecast against the embedded broker's own files, written by real producers.</summary>
public class SegmentReaderTests : ClusterTest
{
    private const int SegmentBytes = 2048;
    private static readonly DateTime T0 = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    protected override Dictionary<string, string>? BrokerConfig => new() { ["log.segment.delete.delay.ms"] = "100" };

    private SegmentService Segments => Host.Get<SegmentService>();

    /// <summary>Records of identical size, one batch each (awaited one by one), record i stamped T0 + i seconds.</summary>
    private async Task ProduceAsync(string topic, int count, Func<int, DateTime>? timestamp = null, int first = 0)
    {
        using var producer = Clients.Producer(Bootstrap, c => c.LingerMs = 0);
        for (int i = first; i < first + count; i++)
            await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes($"key-{i:D5}"),
                Value = Encoding.UTF8.GetBytes(new string('v', 150)),
                Timestamp = new Timestamp(timestamp?.Invoke(i) ?? T0.AddSeconds(i)),
            });
    }

    private async Task<PartitionLogView> ListAsync(string topic) => await Segments.ListAsync(topic, 0) ?? throw new InvalidOperationException("not found");

    [Fact]
    public async Task SegmentsAreListedWithExactOffsetsCountsAndTimes()
    {
        await Clients.CreateTopicAsync(Bootstrap, "seg", 1, new() { ["internal.segment.bytes"] = SegmentBytes.ToString(), ["index.interval.bytes"] = "300" });
        await ProduceAsync("seg", 300);
        var view = await ListAsync("seg");
        var stats = (await Segments.StatsAsync("seg", 0, view.Segments, TestContext.Current.CancellationToken))!;

        // Every batch is the same size B, and a segment rolls before a batch that would take it past segment.bytes: floor(S / B) batches each.
        long batchSize = view.Segments[0].SizeBytes / stats[0].Batches;
        int perSegment = (int)(SegmentBytes / batchSize);
        Assert.Equal((300 + perSegment - 1) / perSegment, view.Segments.Count);
        Assert.Equal(300, stats.Values.Sum(s => s.Records));
        Assert.True(view.Segments[^1].IsActive);
        Assert.All(view.Segments.SkipLast(1), s => Assert.False(s.IsActive));
        for (int i = 0; i < view.Segments.Count; i++)
        {
            var segment = view.Segments[i];
            var s = stats[segment.BaseOffset];
            Assert.Equal(i * (long)perSegment, segment.BaseOffset);
            Assert.Equal((segment.BaseOffset, Math.Min(299, segment.BaseOffset + perSegment - 1)), (segment.FirstOffset!.Value, segment.LastOffset!.Value));
            Assert.Equal((segment.FirstOffset, segment.LastOffset), (s.FirstOffset, s.LastOffset));
            Assert.Equal(s.Records, s.Batches);
            Assert.Equal(new DateTimeOffset(T0.AddSeconds(segment.BaseOffset)).ToUnixTimeMilliseconds(), s.MinTimestamp);
            Assert.Equal(new DateTimeOffset(T0.AddSeconds(segment.LastOffset!.Value)).ToUnixTimeMilliseconds(), s.MaxTimestamp);
            Assert.Equal(s.MaxTimestamp, segment.LargestTimestamp); // from the indexes and the tail, without the full walk
            Assert.Equal(segment.SizeBytes, s.ValidBytes);
            Assert.True(segment.IndexEntries > 0);
        }
        Assert.Contains(view.OtherFiles, f => f.Name == LogFileNames.PartitionMetadataFile);
    }

    [Fact]
    public async Task IndexesMapOffsetsToTheBatchesThatHoldThem()
    {
        await Clients.CreateTopicAsync(Bootstrap, "indexed", 1, new() { ["internal.segment.bytes"] = "100000", ["index.interval.bytes"] = "500" });
        await ProduceAsync("indexed", 200);
        var segment = Assert.Single((await ListAsync("indexed")).Segments);
        var index = (await Segments.ReadOffsetIndexAsync("indexed", 0, 0, 0, 1000, TestContext.Current.CancellationToken))!;
        Assert.Equal(segment.IndexEntries, index.Total);
        Assert.True(index.Total > 10);
        var batches = (await Segments.ReadBatchesAsync("indexed", 0, 0, 0, 500, TestContext.Current.CancellationToken))!;
        Assert.Equal(200, batches.Batches.Count);
        Assert.All(batches.Batches, b => Assert.True(b.CrcValid));
        foreach (var entry in index.Entries)
        {
            // An entry points at the start of the batch holding its offset.
            var batch = Assert.Single(batches.Batches, b => b.Position == entry.Position);
            Assert.Equal(entry.Offset, batch.Header.LastOffset);
        }
        foreach (long offset in new long[] { 0, 57, 123, 199 })
        {
            long position = (await Segments.PositionOfAsync("indexed", 0, 0, offset, TestContext.Current.CancellationToken))!.Value;
            var page = (await Segments.ReadBatchesAsync("indexed", 0, 0, position, 1, TestContext.Current.CancellationToken))!;
            Assert.Equal(offset, page.Batches[0].Header.BaseOffset);
        }
        var times = (await Segments.ReadTimeIndexAsync("indexed", 0, 0, 0, 1000, TestContext.Current.CancellationToken))!;
        Assert.Equal(segment.TimeIndexEntries, times.Total);
        Assert.Equal(times.Entries.Select(e => e.Timestamp).Order(), times.Entries.Select(e => e.Timestamp));
        Assert.All(times.Entries, e => Assert.Equal(new DateTimeOffset(T0.AddSeconds(e.Offset)).ToUnixTimeMilliseconds(), e.Timestamp));

        var pageTwo = (await Segments.ReadBatchesAsync("indexed", 0, 0, batches.Batches[50].Position, 50, TestContext.Current.CancellationToken))!;
        Assert.Equal(batches.Batches.Skip(50).Take(50).Select(b => b.Header.BaseOffset), pageTwo.Batches.Select(b => b.Header.BaseOffset));
        Assert.True(pageTwo.HasMore);
    }

    [Fact]
    public async Task RetentionByTimeCutsWhereTheForecastSaid()
    {
        await Clients.CreateTopicAsync(Bootstrap, "aging", 1, new() { ["internal.segment.bytes"] = SegmentBytes.ToString(), ["retention.ms"] = "-1" });
        var now = DateTime.UtcNow;
        // 100 records two hours old, then 100 from the last minute.
        await ProduceAsync("aging", 200, i => i < 100 ? now.AddHours(-2).AddSeconds(i) : now.AddSeconds(i - 260));
        var before = await ListAsync("aging");
        long hwm = 200;
        var forecast = RetentionForecaster.Forecast(before, hwm, RetentionSettings.KafkaDefaults with { RetentionMs = 3_600_000 }, DateTimeOffset.UtcNow, null)!;
        var cut = forecast.Time!;
        Assert.True(cut.DueNow);
        // The segments wholly older than an hour go: the cut is at the segment that holds record 99 or later.
        var survivor = before.Segments.First(s => s.LastOffset >= 100);
        Assert.Equal(survivor.BaseOffset, cut.CutOffset);
        Assert.Equal(before.Segments.Count(s => s.LastOffset < 100), cut.Segments);
        Assert.Null(RetentionForecaster.Forecast(before, hwm, RetentionSettings.KafkaDefaults with { RetentionMs = -1 }, DateTimeOffset.UtcNow, null)!.Time);

        Assert.True((await Host.Get<ITopicAdmin>().SetConfigAsync("aging", "retention.ms", "3600000")).Succeeded);
        Broker.Broker.RunRetentionNow();
        var after = await ListAsync("aging");
        Assert.Equal(cut.CutOffset, after.Segments[0].BaseOffset);
        Assert.Equal(before.Segments.Count - cut.Segments, after.Segments.Count);
        Assert.Equal(before.Segments.Skip(cut.Segments).Select(s => s.BaseOffset), after.Segments.Select(s => s.BaseOffset));
        await WaitForSnapshotAsync(s => s.Topics["aging"].Partitions[0].LowWatermark == cut.CutOffset, "the log start offset to move");
        // And nothing more is due: the oldest remaining segment goes an hour after its newest record.
        var next = RetentionForecaster.Forecast(after, hwm, RetentionSettings.KafkaDefaults with { RetentionMs = 3_600_000 }, DateTimeOffset.UtcNow, null)!.Time!;
        Assert.False(next.DueNow);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(after.Segments[0].LargestTimestamp!.Value).AddHours(1), next.At);
    }

    [Fact]
    public async Task RetentionBySizeCutsWhereTheForecastSaid()
    {
        await Clients.CreateTopicAsync(Bootstrap, "sized", 1, new() { ["internal.segment.bytes"] = SegmentBytes.ToString() });
        await ProduceAsync("sized", 150);
        var before = await ListAsync("sized");
        long limit = before.TotalBytes / 2;
        var cut = RetentionForecaster.Forecast(before, 150, RetentionSettings.KafkaDefaults with { RetentionBytes = limit }, DateTimeOffset.UtcNow, null)!.Size!;
        Assert.True(cut.DueNow);
        Assert.True(before.TotalBytes - cut.Bytes <= limit + before.Segments[0].SizeBytes);
        Assert.True(before.TotalBytes - cut.Bytes >= limit);

        Assert.True((await Host.Get<ITopicAdmin>().SetConfigAsync("sized", "retention.bytes", limit.ToString())).Succeeded);
        Broker.Broker.RunRetentionNow();
        var after = await ListAsync("sized");
        Assert.Equal(cut.CutOffset, after.Segments[0].BaseOffset);
        Assert.Equal(before.Segments.Count - cut.Segments, after.Segments.Count);
        var next = RetentionForecaster.Forecast(after, 150, RetentionSettings.KafkaDefaults with { RetentionBytes = limit }, DateTimeOffset.UtcNow, 1000)!.Size!;
        Assert.False(next.DueNow);
        Assert.Equal(after.Segments[0].SizeBytes - (after.TotalBytes - limit), next.BytesToGo);
        Assert.NotNull(next.At); // at 1,000 bytes/s
    }

    [Fact]
    public async Task ACorruptedCopyIsReportedAsCrcInvalidAndStillListed()
    {
        await Clients.CreateTopicAsync(Bootstrap, "pristine", 1, new() { ["internal.segment.bytes"] = SegmentBytes.ToString() });
        await ProduceAsync("pristine", 40);
        var source = Segments.Locate("pristine", 0)!;
        string copyRoot = TempDir.Create("corrupt-copy");
        try
        {
            string copy = Path.Combine(copyRoot, "pristine-0");
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            var batches = PartitionLogReader.ReadBatches(copy, 0, 0, 100);
            long damaged = batches.Batches[3].Position;
            FlipBit(LogFileNames.LogFile(copy, 0), damaged + 80); // inside the records: the CRC no longer matches

            var check = PartitionLogReader.CheckCrcs(copy, 0);
            Assert.Equal((1, damaged), (check.Invalid, check.InvalidPositions.Single()));
            var page = PartitionLogReader.ReadBatches(copy, 0, 0, 100);
            Assert.Equal([damaged], page.Batches.Where(b => !b.CrcValid).Select(b => b.Position));
            var view = PartitionLogReader.List(copy, "pristine", 0, DateTimeOffset.UtcNow);
            Assert.Equal(PartitionLogReader.List(source, "pristine", 0, DateTimeOffset.UtcNow).Segments.Count, view.Segments.Count);
            Assert.All(PartitionLogReader.CheckCrcs(source, 0).InvalidPositions, _ => Assert.Fail("the original was touched"));

            // A broken magic byte: the walk stops there and says so, nothing throws.
            FlipBit(LogFileNames.LogFile(copy, 0), batches.Batches[5].Position + 16);
            var broken = PartitionLogReader.ReadBatches(copy, 0, 0, 100);
            Assert.Equal(5, broken.Batches.Count);
            Assert.Equal((BatchCursorStop.Corrupt, batches.Batches[5].Position), (broken.Stop, broken.NextPosition));
            Assert.Equal(BatchCursorStop.Corrupt, PartitionLogReader.Stats(copy, 0).Tail);
            Assert.Contains("Unreadable batch header", PartitionLogReader.Describe(copy, 0, isActive: false)!.Problem);

            // A length pointing past the end of a closed segment: damage (only an active segment has a tail being written).
            FlipBit(LogFileNames.LogFile(copy, 0), batches.Batches[5].Position + 16); // magic back
            FlipBit(LogFileNames.LogFile(copy, 0), batches.Batches[5].Position + 8);  // batchLength + 256 MiB
            Assert.Equal(BatchCursorStop.Incomplete, PartitionLogReader.ReadBatches(copy, 0, 0, 100).Stop);
            Assert.Contains("do not form a whole batch", PartitionLogReader.Describe(copy, 0, isActive: false)!.Problem);
            Assert.Null(PartitionLogReader.Describe(copy, 0, isActive: true)!.Problem);
        }
        finally { TempDir.Delete(copyRoot); }
    }

    [Fact]
    public async Task ReadingWhileAProducerWritesNeverThrows()
    {
        await Clients.CreateTopicAsync(Bootstrap, "busy", 1, new() { ["internal.segment.bytes"] = "65536", ["index.interval.bytes"] = "1024" });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var writing = Task.Run(async () =>
        {
            using var producer = Clients.Producer(Bootstrap, c => c.LingerMs = 1);
            int i = 0;
            while (!stop.IsCancellationRequested)
            {
                for (int n = 0; n < 50; n++) producer.Produce("busy", new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"record {i++} " + new string('x', i % 200)) });
                producer.Flush(TimeSpan.FromSeconds(5));
            }
            return i;
        });
        long lastRecords = 0;
        int reads = 0;
        while (!stop.IsCancellationRequested)
        {
            if (await Segments.ListAsync("busy", 0, TestContext.Current.CancellationToken) is not { Segments.Count: > 0 } view) continue;
            var stats = (await Segments.StatsAsync("busy", 0, view.Segments, TestContext.Current.CancellationToken))!;
            long records = stats.Values.Sum(s => s.Records);
            Assert.True(records >= lastRecords, "the records counted never go back");
            lastRecords = records;
            var active = view.Segments[^1];
            await Segments.ReadBatchesAsync("busy", 0, active.BaseOffset, 0, 500, TestContext.Current.CancellationToken);
            await Segments.ReadOffsetIndexAsync("busy", 0, active.BaseOffset, 0, 1000, TestContext.Current.CancellationToken);
            foreach (var closed in view.Segments.SkipLast(1).TakeLast(2))
                Assert.Equal(0, (await Segments.CheckCrcsAsync("busy", 0, closed.BaseOffset, TestContext.Current.CancellationToken))?.Invalid ?? 0);
            reads++;
        }
        int produced = await writing;
        Assert.True(reads > 5 && produced > 1000, $"{reads} reads while {produced} records were written");
        var final = (await Segments.StatsAsync("busy", 0, (await ListAsync("busy")).Segments, TestContext.Current.CancellationToken))!;
        Assert.Equal(produced, final.Values.Sum(s => s.Records));
    }

    [Fact]
    public async Task NamesThatLeaveTheLogDirsAreRefused()
    {
        Assert.Null(await Segments.ListAsync("..", 0, TestContext.Current.CancellationToken));
        Assert.Null(await Segments.ListAsync("../etc", 0, TestContext.Current.CancellationToken));
        Assert.Null(await Segments.ListAsync("no-such-topic", 0, TestContext.Current.CancellationToken));
        Assert.Null(await Segments.ListAsync("seg", -1, TestContext.Current.CancellationToken));
        Assert.Null(await Segments.ReadBatchesAsync("../../tmp", 0, 0, 0, 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void PreallocatedIndexesOfARunningKafkaAreCountedByTheirEntries()
    {
        string dir = TempDir.Create("prealloc");
        try
        {
            string path = Path.Combine(dir, "x.index");
            var bytes = new byte[10 * 1024 * 1024]; // Kafka preallocates segment.index.bytes of zeros
            for (int i = 0; i < 3; i++) new OffsetIndexEntry(10 * (i + 1), 4100 * (i + 1)).Write(bytes.AsSpan(i * 8));
            File.WriteAllBytes(path, bytes);
            using (var handle = IndexFileReader.OpenShared(path)) Assert.Equal(3, IndexFileReader.CountEntries(handle, OffsetIndexEntry.Size));
            File.WriteAllBytes(path, bytes.AsSpan(0, 24).ToArray()); // trimmed, as after a roll
            using (var handle = IndexFileReader.OpenShared(path)) Assert.Equal(3, IndexFileReader.CountEntries(handle, OffsetIndexEntry.Size));
            File.WriteAllBytes(path, new byte[1024]); // preallocated, no entry yet
            using (var handle = IndexFileReader.OpenShared(path)) Assert.Equal(0, IndexFileReader.CountEntries(handle, OffsetIndexEntry.Size));
        }
        finally { TempDir.Delete(dir); }
    }

    private static void FlipBit(string path, long position)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = position;
        int b = file.ReadByte();
        file.Position = position;
        file.WriteByte((byte)(b ^ 0x10));
    }
}
