using System.Text;
using Confluent.Kafka;
using ControlCenter.Kafka.Messages;

namespace ControlCenter.Kafka.Tests.Messages;

/// <summary>The Messages tab's state and actions (browse order and paging, streamed search, live tail), without a page, against a broker.</summary>
public class MessagesViewTests : ClusterTest
{
    private static readonly DateTime T0 = new(2026, 5, 1, 8, 0, 0, DateTimeKind.Utc);
    private readonly Lock _renderer = new();

    /// <summary>A view whose background updates are applied under one lock, as the page's renderer would serialise them.</summary>
    private MessagesView View(string topic, int partitions) =>
        new(Host.Get<MessageBrowser>(), Host.Get<MessageSearch>(), topic, partitions, change => { lock (_renderer) change(); return Task.CompletedTask; }, TimeProvider.System);

    private async Task ProduceAsync(string topic, int count, Func<int, string>? value = null)
    {
        await Clients.CreateTopicAsync(Bootstrap, topic, 1);
        using var producer = Clients.Producer(Bootstrap);
        for (int i = 0; i < count; i++)
            producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(value?.Invoke(i) ?? $"record {i}"), Timestamp = new Timestamp(T0.AddSeconds(i)) });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private static long[] Offsets(MessagesView view) => view.Records.Select(r => r.Offset).ToArray();

    [Fact]
    public async Task NewestPageShowsTheNewestFirstAndCanBeFlippedAndPaged()
    {
        await ProduceAsync("browsed", 30);
        await using var view = View("browsed", 1);
        view.PageSize = 10;
        await view.LoadAsync();
        Assert.Null(view.Error);
        Assert.Equal(Enumerable.Range(20, 10).Reverse().Select(i => (long)i), Offsets(view));

        view.SetNewestFirst(false);
        Assert.Equal(Enumerable.Range(20, 10).Select(i => (long)i), Offsets(view));
        await view.OlderAsync();
        Assert.Equal(Enumerable.Range(10, 10).Select(i => (long)i), Offsets(view));
        await view.NewerAsync();
        Assert.Equal(Enumerable.Range(20, 10).Select(i => (long)i), Offsets(view));
    }

    [Fact]
    public async Task SearchStopsAtTheLimitAndContinuesWhereItStopped()
    {
        await ProduceAsync("searched", 400, i => i % 50 == 7 ? $"hit {i}" : $"miss {i}");
        await using var view = View("searched", 1);
        await view.SetModeAsync(MessagesMode.Search);
        view.Draft.Conditions[0] = new FilterCondition(FilterTarget.Value, FilterKind.Contains, "hit");
        view.MaxMatches = 3;
        await view.SearchAsync(resume: false);
        Assert.Null(view.SearchError);
        Assert.Equal([7L, 57, 107], Offsets(view));
        Assert.True(view.Result!.CanContinue);
        await view.SearchAsync(resume: true);
        Assert.Equal([7L, 57, 107, 157, 207, 257], Offsets(view));
    }

    [Fact]
    public async Task AnInvalidFilterIsRefusedBeforeAnythingIsScanned()
    {
        await ProduceAsync("refused", 5);
        await using var view = View("refused", 1);
        await view.SetModeAsync(MessagesMode.Search);
        await view.SearchAsync(resume: false); // the form as first shown: an empty "contains"
        Assert.Equal("A condition has an empty pattern.", view.SearchError);
        Assert.Null(view.Progress);
        view.Draft.Conditions[0] = new FilterCondition(FilterTarget.Value, FilterKind.Regex, "([a-z");
        await view.SearchAsync(resume: false);
        Assert.StartsWith("Invalid regular expression", view.SearchError);
    }

    [Fact]
    public async Task TheLiveTailFollowsFromTheEndNewestFirst()
    {
        await ProduceAsync("tail-view", 5);
        await using var view = View("tail-view", 1);
        await view.SetModeAsync(MessagesMode.Live);
        Assert.True(view.Tailing);
        Assert.Equal(new Dictionary<int, long> { [0] = 5 }, view.TailFrom); // following from the end: the old records are not shown
        using (var producer = Clients.Producer(Bootstrap))
            for (int i = 0; i < 3; i++) await producer.ProduceAsync("tail-view", new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"live {i}") }, Cancellation);
        await Wait.UntilAsync(() => { lock (_renderer) return view.Records.Count == 3; }, "the three live records", cancellation: Cancellation);
        Assert.Equal([7L, 6L, 5L], Offsets(view));
        await view.StopTailAsync();
        Assert.False(view.Tailing);
    }

    [Fact]
    public async Task PartitionsAreTypedAsTextAndABadTextKeepsTheChoiceAndSaysWhy()
    {
        await Clients.CreateTopicAsync(Bootstrap, "typed", 12);
        await using var view = View("typed", 12);
        view.SetPartitions("0, 3,5-7");
        Assert.Null(view.PartitionsError);
        Assert.Equal([0, 3, 5, 6, 7], view.Partitions);
        view.SetPartitions("5-12");
        Assert.Equal("Partition 12 does not exist: there are 12 (0 to 11).", view.PartitionsError);
        Assert.Equal([0, 3, 5, 6, 7], view.Partitions);
        view.SetPartitions("2,,4");
        Assert.NotNull(view.PartitionsError);
        view.SetPartitions("");
        Assert.Equal(Enumerable.Range(0, 12), view.Partitions);
        Assert.Empty(view.SelectedPartitions); // all: the search and export do not list them
    }

    [Fact]
    public async Task AViewOpenedFromAnotherViewsUrlShowsTheSameSearch()
    {
        await ProduceAsync("linked", 200, i => i % 40 == 3 ? $"{{\"hit\":{i}}}" : $"miss {i}");
        await using var first = View("linked", 1);
        await first.OpenAsync(new Dictionary<string, string?>());
        await first.SetModeAsync(MessagesMode.Search);
        first.Draft.Conditions[0] = new FilterCondition(FilterTarget.Value, FilterKind.Contains, "hit");
        first.MaxMatches = 3;
        await first.SearchAsync(resume: false);
        var query = first.ToQuery();
        Assert.Equal("search", query["mode"]);
        Assert.Equal(3, query["max"]);

        await using var second = View("linked", 1);
        await second.OpenAsync(query.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString()));
        Assert.Equal(MessagesMode.Search, second.Mode);
        Assert.Equal("hit", second.Draft.Conditions.Single().Pattern);
        Assert.Equal(Offsets(first), Offsets(second));
        Assert.Equal([3L, 43, 83], Offsets(second));
    }

    [Fact]
    public async Task BrowseStateRoundTripsThroughTheUrlAndBadValuesKeepTheDefaults()
    {
        await ProduceAsync("browse-linked", 50);
        await using var first = View("browse-linked", 1);
        first.Start = BrowseStart.Offset;
        first.Offset = 12;
        first.PageSize = 5;
        first.NewestFirst = true; // not the default when starting from an offset
        await first.LoadAsync();
        var query = first.ToQuery();
        Assert.Null(query["mode"]);
        Assert.Equal("newest", query["order"]);

        await using var second = View("browse-linked", 1);
        await second.OpenAsync(query.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString()));
        Assert.Equal([16L, 15, 14, 13, 12], Offsets(second));

        await using var third = View("browse-linked", 1);
        await third.OpenAsync(new Dictionary<string, string?> { ["mode"] = "sideways", ["start"] = "yesterday", ["count"] = "-4", ["q"] = "%%%", ["partitions"] = "7" });
        Assert.Equal(MessagesMode.Browse, third.Mode);
        Assert.Equal(BrowseStart.Newest, third.Start);
        Assert.NotNull(third.PartitionsError);
        Assert.Equal(Enumerable.Range(30, 20).Reverse().Select(i => (long)i), Offsets(third));
    }
}
