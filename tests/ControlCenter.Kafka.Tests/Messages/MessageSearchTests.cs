using System.Text;
using Confluent.Kafka;
using ControlCenter.Kafka.Messages;

namespace ControlCenter.Kafka.Tests.Messages;

/// <summary>
/// 100,000 records over 4 partitions (record i goes to partition i % 4 at offset i / 4), with a
/// few planted records each filter must find — and near-misses it must not.
/// </summary>
public sealed class PlantedTopicFixture : IAsyncLifetime
{
    public const string Topic = "planted";
    public const int Records = 100_000, Partitions = 4;
    public static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static readonly int[] Needle = [123, 45_678, 99_999];        // value contains "NEEDLE-7781"
    public static readonly int[] Regex = [7, 5_000, 77_777, 88_001];      // value has "ORD-1234-X"; every other record "ORD-12-X"
    public static readonly int[] Vip = [10, 60_606, 99_998];             // customer.id == "vip-42"
    public const int VipDecoy = 500;                                      // "vip-42" in the note only
    public static readonly int[] Trace = [3, 33_333, 66_666, 99_997];     // header trace = "planted-trace"
    public static readonly int[] SpecialKey = [11, 22_222];              // key "special-key-…"
    public static bool Gold(int i) => i % 10 == 0;                        // header tier = gold: 10,000 records

    public TestBroker Broker { get; private set; } = null!;
    public ClusterHost Host { get; private set; } = null!;
    public string Bootstrap => Broker.BootstrapServers;

    public static (int Partition, long Offset) Position(int i) => (i % Partitions, i / Partitions);
    public static DateTime Timestamp(int i) => Start.AddMilliseconds(i * 10L);

    public async ValueTask InitializeAsync()
    {
        Broker = await TestBroker.StartAsync();
        Host = await ClusterHost.StartAsync(Bootstrap);
        await Clients.CreateTopicAsync(Bootstrap, Topic, Partitions);
        using var producer = Clients.Producer(Bootstrap, c => c.LingerMs = 20);
        for (int i = 0; i < Records; i++)
        {
            string customer = Vip.Contains(i) ? "vip-42" : $"c{i % 1000}";
            string note = i == VipDecoy ? "referred by vip-42" : Needle.Contains(i) ? "see NEEDLE-7781" : "regular order";
            string order = Regex.Contains(i) ? "ORD-1234-X" : "ORD-12-X";
            string key = SpecialKey.Contains(i) ? $"special-key-{i}" : $"key-{i}";
            var headers = new Headers { { "trace", Encoding.UTF8.GetBytes(Trace.Contains(i) ? "planted-trace" : $"trace-{i}") } };
            if (Gold(i)) headers.Add("tier", "gold"u8.ToArray());
            var value = $$"""{"id":{{i}},"order":"{{order}}","customer":{"id":"{{customer}}"},"note":"{{note}}"}""";
            var (p, _) = Position(i);
            producer.Produce(new TopicPartition(Topic, p), new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value), Headers = headers, Timestamp = new Timestamp(Timestamp(i)),
            });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

public class MessageSearchTests(PlantedTopicFixture fixture) : IClassFixture<PlantedTopicFixture>
{
    private MessageSearch Search => fixture.Host.Get<MessageSearch>();
    private static FilterCondition Value(FilterKind kind, string pattern, string? path = null) => new(FilterTarget.Value, kind, pattern, JsonPath: path);

    private Task<SearchResult> RunAsync(MessageFilter filter, int max = 10_000, IReadOnlyList<int>? partitions = null, IReadOnlyDictionary<int, long>? resume = null,
        TimeSpan? budget = null, CancellationToken cancellation = default) =>
        Search.RunAsync(new SearchRequest(PlantedTopicFixture.Topic, filter, partitions, max, budget, resume), null, cancellation);

    private static void AssertFound(IEnumerable<int> planted, IEnumerable<KafkaMessage> matches)
    {
        var expected = planted.Select(PlantedTopicFixture.Position).Order().ToList();
        var actual = matches.Select(m => (m.Partition, m.Offset)).Order().ToList();
        Assert.Equal(expected, actual);
    }

    public static TheoryData<string> Filters => ["contains", "regex", "json", "header", "key", "and"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task EachFilterFindsExactlyThePlantedRecords(string kind)
    {
        var (filter, planted) = kind switch
        {
            "contains" => (new MessageFilter([Value(FilterKind.Contains, "NEEDLE-7781")]), PlantedTopicFixture.Needle),
            "regex" => (new MessageFilter([Value(FilterKind.Regex, @"ORD-\d{4}-X")]), PlantedTopicFixture.Regex),
            "json" => (new MessageFilter([Value(FilterKind.JsonFieldEquals, "vip-42", "customer.id")]), PlantedTopicFixture.Vip),
            "header" => (new MessageFilter([new FilterCondition(FilterTarget.Header, FilterKind.Contains, "planted", HeaderName: "trace")]), PlantedTopicFixture.Trace),
            "key" => (new MessageFilter([new FilterCondition(FilterTarget.Key, FilterKind.Regex, "^special-key-")]), PlantedTopicFixture.SpecialKey),
            _ => (new MessageFilter([Value(FilterKind.Contains, "vip-42"), Value(FilterKind.Regex, "\"id\":(10|500),")]), [10, PlantedTopicFixture.VipDecoy]),
        };
        var result = await RunAsync(filter, cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(SearchStop.EndOfRange, result.Stop);
        Assert.Equal(PlantedTopicFixture.Records, result.Final.Scanned);
        Assert.Equal(1.0, result.Final.Fraction);
        AssertFound(planted, result.Matches);
        var first = result.Matches[0];
        Assert.Equal(PlantedTopicFixture.Timestamp(planted.Order().First(i => PlantedTopicFixture.Position(i) == (first.Partition, first.Offset))), first.Timestamp!.Value.UtcDateTime);
        Assert.Contains(first.Headers!, h => h.Key == "trace");
    }

    [Fact]
    public async Task TimeRangeAndPartitionsNarrowTheScan()
    {
        // Records 1000..1099 have timestamps in [Start+10 s, Start+11 s).
        var range = new MessageFilter([], PlantedTopicFixture.Timestamp(1000), PlantedTopicFixture.Timestamp(1100));
        var result = await RunAsync(range, cancellation: TestContext.Current.CancellationToken);
        AssertFound(Enumerable.Range(1000, 100), result.Matches);
        Assert.True(result.Final.Scanned < PlantedTopicFixture.Records, "the scan starts at offsets-for-times, not at the log start");

        var onePartition = await RunAsync(new MessageFilter([Value(FilterKind.Contains, "NEEDLE-7781")]), partitions: [PlantedTopicFixture.Position(45_678).Partition], cancellation: TestContext.Current.CancellationToken);
        AssertFound([45_678], onePartition.Matches);
        Assert.Equal(PlantedTopicFixture.Records / PlantedTopicFixture.Partitions, onePartition.Final.Scanned);
    }

    [Fact]
    public async Task StopsAtTheMatchLimitAndResumesWithoutLosingOrRepeatingMatches()
    {
        var filter = new MessageFilter([new FilterCondition(FilterTarget.Header, FilterKind.Contains, "planted", HeaderName: "trace")]);
        var found = new List<KafkaMessage>();
        IReadOnlyDictionary<int, long>? resume = null;
        SearchResult result;
        int rounds = 0;
        do
        {
            result = await RunAsync(filter, max: 1, resume: resume, cancellation: TestContext.Current.CancellationToken);
            Assert.True(result.Matches.Count <= 1);
            found.AddRange(result.Matches);
            resume = result.Positions;
            Assert.True(++rounds <= 10, "resuming must make progress");
        } while (result.CanContinue);
        Assert.Equal(SearchStop.EndOfRange, result.Stop);
        AssertFound(PlantedTopicFixture.Trace, found);
    }

    [Fact]
    public async Task CancelAndTimeBudgetStopEarlyAndContinueWhereTheyStopped()
    {
        var filter = new MessageFilter([Value(FilterKind.Contains, "NEEDLE-7781")]);
        using var cancel = new CancellationTokenSource();
        var streamed = new System.Collections.Concurrent.ConcurrentBag<KafkaMessage>();
        // Cancel as soon as the first match (record 123, early in its partition) streams out.
        var cancelled = await Search.RunAsync(new SearchRequest(PlantedTopicFixture.Topic, filter, MaxMatches: 100), null, cancel.Token,
            m => { streamed.Add(m); cancel.Cancel(); });
        Assert.Equal(SearchStop.Cancelled, cancelled.Stop);
        Assert.Empty(cancelled.Matches); // streamed matches are not kept
        Assert.True(cancelled.CanContinue);
        Assert.InRange(cancelled.Final.Scanned, 1, PlantedTopicFixture.Records - 1);

        var rest = await RunAsync(filter, resume: cancelled.Positions, cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(SearchStop.EndOfRange, rest.Stop);
        Assert.Equal(PlantedTopicFixture.Records, cancelled.Final.Scanned + rest.Final.Scanned);
        AssertFound(PlantedTopicFixture.Needle, streamed.Concat(rest.Matches));

        var budgeted = await RunAsync(filter, budget: TimeSpan.FromMilliseconds(1), cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(SearchStop.TimeBudget, budgeted.Stop);
        var afterBudget = await RunAsync(filter, resume: budgeted.Positions, cancellation: TestContext.Current.CancellationToken);
        AssertFound(PlantedTopicFixture.Needle, budgeted.Matches.Concat(afterBudget.Matches));
    }

    [Fact]
    public async Task InvalidFiltersAreRefusedBeforeScanning()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(new MessageFilter([Value(FilterKind.Regex, "([a-z")]), cancellation: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(new MessageFilter([Value(FilterKind.JsonFieldEquals, "1", "a..b")]), cancellation: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(new MessageFilter([new FilterCondition(FilterTarget.Header, FilterKind.Contains, "x")]), cancellation: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => Search.RunAsync(new SearchRequest("no-such-topic", MessageFilter.None), null, cancellation: TestContext.Current.CancellationToken));
    }
}
