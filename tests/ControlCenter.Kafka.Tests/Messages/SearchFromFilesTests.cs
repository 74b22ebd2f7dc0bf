using System.Text;
using Confluent.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Messages;
using ControlCenter.LogFormat.Files;
using RecordBatchBuilder = ControlCenter.LogFormat.Records.RecordBatchBuilder;
using RecordBatchHeader = ControlCenter.LogFormat.Records.RecordBatchHeader;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Tests.Messages;

/// <summary>
/// Search reads segment files directly when the log dir is here: it must find exactly what a
/// consumer finds (same records, same fields, same resume points), and hand over to a consumer
/// where the files could differ from what a consumer sees.
/// </summary>
public class SearchFromFilesTests : ClusterTest
{
    /// <summary>The same search, but only through a consumer: a connection that knows no log dirs.</summary>
    private MessageSearch ConsumerOnly()
    {
        var connection = new ClusterConnection(Options.Create(new KafkaOptions { BootstrapServers = Bootstrap }));
        return new MessageSearch(connection, new ClusterAdmin(connection), NullLogger<MessageSearch>.Instance);
    }

    private static string Describe(KafkaMessage m) =>
        $"{m.Partition}/{m.Offset} {m.Timestamp:O} {m.TimestampType} key={(m.Key is null ? "null" : Encoding.UTF8.GetString(m.Key))}/{m.KeySize} " +
        $"value={(m.Value is null ? "null" : Encoding.UTF8.GetString(m.Value))}/{m.ValueSize} " +
        $"headers={string.Join(";", (m.Headers ?? []).Select(h => h.Key + "=" + (h.Value is null ? "null" : Encoding.UTF8.GetString(h.Value))))}";

    private async Task ProduceMixedAsync(string topic)
    {
        await Clients.CreateTopicAsync(Bootstrap, topic, 3, new() { ["internal.segment.bytes"] = "4096" });
        var t0 = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var codec in new[] { CompressionType.None, CompressionType.Lz4, CompressionType.Zstd })
        {
            using var producer = Clients.Producer(Bootstrap, c => { c.CompressionType = codec; c.LingerMs = 5; });
            for (int i = 0; i < 400; i++)
            {
                int n = (int)codec * 1000 + i;
                var headers = new Headers();
                if (n % 3 == 0) headers.Add("tier", Encoding.UTF8.GetBytes(n % 2 == 0 ? "gold" : "silver"));
                if (n % 7 == 0) headers.Add("empty", null);
                producer.Produce(new TopicPartition(topic, n % 3), new Message<byte[]?, byte[]?>
                {
                    Key = n % 5 == 0 ? null : Encoding.UTF8.GetBytes($"key-{n}"),
                    Value = n % 11 == 0 ? null : Encoding.UTF8.GetBytes($"{{\"n\":{n},\"note\":\"{(n % 4 == 0 ? "hit" : "miss")}\",\"pad\":\"{new string('p', n % 90)}\"}}"),
                    Headers = headers,
                    Timestamp = new Timestamp(t0.AddSeconds(n)),
                });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        // The log start moves inside a segment: the files still hold records below it, which must not be found.
        using var admin = Clients.Admin(Bootstrap);
        await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 37)]).OffPollThread();
    }

    public static TheoryData<string, FilterCondition[], bool> Searches => new()
    {
        { "value contains", [new(FilterTarget.Value, FilterKind.Contains, "\"hit\"")], false },
        { "value and header", [new(FilterTarget.Value, FilterKind.Contains, "hit"), new(FilterTarget.Header, FilterKind.Contains, "gold", HeaderName: "tier")], false },
        { "key regex", [new(FilterTarget.Key, FilterKind.Regex, @"key-3\d\d7$")], false },
        { "json field", [new(FilterTarget.Value, FilterKind.JsonFieldEquals, "miss", JsonPath: "note")], false },
        { "time range", [new(FilterTarget.Value, FilterKind.Contains, "n")], true },
    };

    [Theory]
    [MemberData(nameof(Searches))]
    public async Task FilesFindExactlyWhatAConsumerFinds(string name, FilterCondition[] conditions, bool timeRange)
    {
        string topic = "twin-" + name.Replace(' ', '-');
        await ProduceMixedAsync(topic);
        var t0 = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var filter = new MessageFilter(conditions, timeRange ? t0.AddSeconds(3100) : null, timeRange ? t0.AddSeconds(4200) : null);
        var request = new SearchRequest(topic, filter, MaxMatches: 10_000);

        var fromFiles = await Host.Get<MessageSearch>().RunAsync(request, null, Cancellation);
        var fromConsumer = await ConsumerOnly().RunAsync(request, null, Cancellation);

        Assert.Equal(fromConsumer.Final.Scanned, fromFiles.Final.Scanned);
        Assert.Equal(fromFiles.Final.Scanned, fromFiles.ScannedFromFiles); // all of it from the files
        Assert.Equal(0, fromConsumer.ScannedFromFiles);
        Assert.NotEmpty(fromConsumer.Matches);
        Assert.Equal(fromConsumer.Matches.Select(Describe), fromFiles.Matches.Select(Describe));
        Assert.DoesNotContain(fromFiles.Matches, m => m.Partition == 0 && m.Offset < 37);
    }

    [Fact]
    public async Task ALimitedSearchFromFilesResumesWhereAConsumerWould()
    {
        await ProduceMixedAsync("resumed");
        var filter = new MessageFilter([new(FilterTarget.Value, FilterKind.Contains, "hit")]);
        async Task<List<string>> PagesAsync(MessageSearch search)
        {
            var seen = new List<string>();
            IReadOnlyDictionary<int, long>? resume = null;
            for (int page = 0; page < 4; page++)
            {
                // One partition at a time keeps the pages deterministic (parallel workers race for the limit).
                var result = await search.RunAsync(new SearchRequest("resumed", filter, Partitions: [1], MaxMatches: 25, ResumeFrom: resume), null, Cancellation);
                seen.Add(string.Join(",", result.Matches.Select(m => m.Offset)));
                resume = result.Positions;
            }
            return seen;
        }
        Assert.Equal(await PagesAsync(ConsumerOnly()), await PagesAsync(Host.Get<MessageSearch>()));
    }

    [Fact]
    public void ControlBatchesAreSkippedAndATransactionalBatchIsHandedToAConsumer()
    {
        string dir = TempDir.Create("scan");
        try
        {
            static byte[] Batch(long baseOffset, int count, bool transactional = false, bool control = false, int? lastDelta = null)
            {
                var builder = new RecordBatchBuilder { BaseOffset = baseOffset, IsTransactional = transactional, IsControl = control, LastOffsetDeltaOverride = lastDelta,
                    ProducerId = transactional || control ? 7 : RecordBatchHeader.NoProducerId };
                for (int i = 0; i < count; i++) builder.Add(1_000 + i, null, Encoding.UTF8.GetBytes($"v{baseOffset + i}"));
                return builder.Build();
            }
            // 0-2 plain, 3 control, 4-5 plain with a compaction gap up to 7, 8-9 transactional, 10 plain.
            byte[][] batches = [Batch(0, 3), Batch(3, 1, control: true), Batch(4, 2, lastDelta: 3), Batch(8, 2, transactional: true), Batch(10, 1)];
            File.WriteAllBytes(LogFileNames.LogFile(dir, 0), batches.SelectMany(b => b).ToArray());

            var seen = new List<long>();
            bool Visit(in FileRecord r) { seen.Add(r.Offset); return true; }
            var (next, complete) = LogFileScan.Run(dir, 0, 11, Visit, CancellationToken.None);
            Assert.Equal([0L, 1, 2, 4, 5], seen);
            Assert.Equal((8L, false), (next, complete)); // the consumer reads 8 on, as read_committed

            seen.Clear();
            Assert.Equal((6L, true), LogFileScan.Run(dir, 1, 6, Visit, CancellationToken.None));
            Assert.Equal([1L, 2, 4, 5], seen);
            seen.Clear();
            Assert.Equal((8L, true), LogFileScan.Run(dir, 6, 8, Visit, CancellationToken.None)); // the gap: nothing to see, done
            Assert.Empty(seen);
        }
        finally { TempDir.Delete(dir); }
    }
}
