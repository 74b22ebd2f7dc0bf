using System.Collections.Concurrent;

namespace ControlCenter.Kafka.Messages;

public enum MessagesMode { Browse, Search, Live }

/// <summary>The search form as typed: conditions and an optional time range (the export link uses exactly this).</summary>
public sealed partial class FilterDraft
{
    public List<FilterCondition> Conditions { get; } = [new(FilterTarget.Value, FilterKind.Contains, "")];
    public bool UseRange { get; set; }
    public DateTimeOffset? From { get; set; }
    public DateTimeOffset? To { get; set; }

    public MessageFilter ToFilter() => new(Conditions.ToList(), UseRange ? From : null, UseRange ? To : null);

    /// <summary>What stops this draft from being searched or exported as typed (a range end that is not a valid time), if anything.</summary>
    public string? Problem => UseRange && (From is null || To is null)
        ? "The time range needs a valid date and time (UTC) at both ends."
        : ToFilter().Validate();
}

/// <summary>
/// What the Messages tab shows and does: pages of records (newest first or oldest first),
/// search with matches streamed in while it scans, and the live tail. A plain class, so the
/// page only renders it and tests drive it against a broker. Work that completes on other
/// threads (search progress, records arriving in the tail) is applied through
/// <c>dispatch</c>, which the page points at its renderer.
/// </summary>
public sealed partial class MessagesView(MessageBrowser browser, MessageSearch search, string topic, int partitionCount, Func<Action, Task> dispatch, TimeProvider time)
    : IAsyncDisposable
{
    public const int TailLimit = 500;
    private static readonly TimeSpan TailFlushInterval = TimeSpan.FromMilliseconds(250);

    private List<KafkaMessage> _records = [];
    private readonly ConcurrentQueue<KafkaMessage> _arrived = new();
    private CancellationTokenSource? _searchCts;
    private LiveTail? _tail;
    private ITimer? _tailFlush;

    public string Topic => topic;

    /// <summary>Told before each read of record contents: ("messages:read" or "messages:search", what was asked). The page audits it.</summary>
    public Action<string, string>? OnRead { get; init; }

    /// <summary>The reader's mask for this topic: every record shown, tailed or searched passes through it first.</summary>
    public ControlCenter.Kafka.Masking.RecordMask? Mask { get; init; }

    private string PartitionsNote => SelectedPartitions.Count > 0 ? $"partitions={string.Join(",", Partitions)}" : "partitions=all";
    public int PartitionCount => partitionCount;
    public MessagesMode Mode { get; private set; } = MessagesMode.Browse;

    /// <summary>Partitions chosen (none: all of them).</summary>
    public IReadOnlyCollection<int> SelectedPartitions { get; set; } = [];

    /// <summary>The partitions as typed ("0,3,5-9"; empty for all), and what is wrong with them, if anything.</summary>
    public string PartitionsText { get; private set; } = "";
    public string? PartitionsError { get; private set; }

    /// <summary>Takes partitions as typed; an invalid text keeps the previous choice and says why.</summary>
    public void SetPartitions(string? text)
    {
        PartitionsText = text ?? "";
        var parsed = Topics.PartitionSet.Parse(PartitionsText, partitionCount, out string? error);
        PartitionsError = error;
        if (parsed is not null) SelectedPartitions = parsed.Count == partitionCount ? [] : parsed;
    }
    public IReadOnlyList<int> Partitions => SelectedPartitions.Count > 0 ? SelectedPartitions.Order().ToList() : Enumerable.Range(0, partitionCount).ToList();

    // ---- browse
    public BrowseStart Start { get; set; } = BrowseStart.Newest;
    public long Offset { get; set; }
    public DateTimeOffset? Timestamp { get; set; } = time.GetUtcNow().AddHours(-1);
    public int PageSize { get; set; } = 20;
    /// <summary>Records shown newest first (the default when starting from the newest), or oldest first.</summary>
    public bool NewestFirst { get; set; } = true;
    public BrowsePage? Page { get; private set; }
    /// <summary>Read as read_committed consumers do (stopping at the last stable offset, aborted records dropped) instead of everything, marked.</summary>
    public bool ReadCommitted { get; set; }
    public bool Busy { get; private set; }
    public string? Error { get; private set; }

    // ---- search
    public FilterDraft Draft { get; } = new();
    public int MaxMatches { get; set; } = 100;
    public int BudgetSeconds { get; set; } = 30;
    public bool Searching { get; private set; }
    public SearchProgress? Progress { get; private set; }
    public SearchResult? Result { get; private set; }
    public string? SearchError { get; private set; }

    // ---- live tail
    public bool Tailing { get; private set; }
    /// <summary>Where the tail started following, per partition (the end of each when it started).</summary>
    public IReadOnlyDictionary<int, long>? TailFrom => _tail?.From;

    /// <summary>The records to show, in the order to show them.</summary>
    public IReadOnlyList<KafkaMessage> Records => _records;

    public string EmptyText => Mode switch
    {
        MessagesMode.Search => Progress is null ? "Set conditions and search." : "No matches.",
        MessagesMode.Live => "Waiting for new records…",
        _ => "No records in this range.",
    };

    public async Task SetModeAsync(MessagesMode mode)
    {
        await StopTailAsync();
        Mode = mode;
        _records = [];
        Error = null;
        if (mode == MessagesMode.Browse) await LoadAsync();
        if (mode == MessagesMode.Live) await StartTailAsync();
    }

    // ------------------------------------------------------------------ browse

    public Task LoadAsync()
    {
        // A start time that is not a valid time is said, not replaced by "now".
        if (Start == BrowseStart.Timestamp && Timestamp is null)
        {
            Error = "Choose a valid date and time (UTC) to start from.";
            return Task.CompletedTask;
        }
        OnRead?.Invoke("messages:read", $"browse {PartitionsNote} start={Start} offset={Offset} timestamp={Timestamp?.ToString("O") ?? "-"} readCommitted={ReadCommitted}");
        return BrowseAsync(() => browser.FirstPageAsync(topic, Partitions, Start, PageSize, Offset, Timestamp, ReadCommitted));
    }
    public Task NewerAsync()
    {
        if (Page is null) return Task.CompletedTask;
        OnRead?.Invoke("messages:read", $"browse newer {PartitionsNote}");
        return BrowseAsync(() => browser.NewerAsync(topic, Page, PageSize));
    }

    public Task OlderAsync()
    {
        if (Page is null) return Task.CompletedTask;
        OnRead?.Invoke("messages:read", $"browse older {PartitionsNote}");
        return BrowseAsync(() => browser.OlderAsync(topic, Page, PageSize));
    }

    public void SetNewestFirst(bool newestFirst)
    {
        NewestFirst = newestFirst;
        if (Mode == MessagesMode.Browse && Page is not null) _records = Ordered(Page.Records);
    }

    private async Task BrowseAsync(Func<Task<BrowsePage>> read)
    {
        Busy = true;
        Error = null;
        try
        {
            Page = await read();
            _records = Ordered(Page.Records);
        }
        catch (Exception e) when (e is ClusterException or ArgumentException) { Error = e.Message; }
        finally { Busy = false; }
    }

    /// <summary>A page comes oldest first (by timestamp across partitions); newest first reverses it.</summary>
    private List<KafkaMessage> Ordered(IReadOnlyList<KafkaMessage> oldestFirst)
    {
        var shown = Mask is { } mask ? oldestFirst.Select(mask.Apply) : oldestFirst;
        return NewestFirst ? shown.Reverse().ToList() : shown.ToList();
    }

    // ------------------------------------------------------------------ search

    public async Task SearchAsync(bool resume)
    {
        var filter = Draft.ToFilter();
        SearchError = Draft.Problem;
        if (SearchError is not null) return;
        OnRead?.Invoke("messages:search", $"{(resume ? "continue " : "")}{PartitionsNote} max={MaxMatches} budget={BudgetSeconds}s filter={System.Text.Json.JsonSerializer.Serialize(filter)}");
        Searching = true;
        if (!resume) _records = [];
        using var cts = _searchCts = new CancellationTokenSource();
        // Matches arrive on the scanning threads; they are taken in with each progress report, on the page's thread.
        var found = new ConcurrentQueue<KafkaMessage>();
        void TakeFound() { while (found.TryDequeue(out var m)) _records.Add(m); }
        // A report that lands after its search ended (Progress posts them) must not overwrite the final figures.
        var progress = new Progress<SearchProgress>(p => dispatch(() => { if (_searchCts == cts) { Progress = p; TakeFound(); } }));
        try
        {
            var request = new SearchRequest(topic, filter, SelectedPartitions.Count > 0 ? Partitions : null, MaxMatches,
                TimeSpan.FromSeconds(BudgetSeconds), resume ? Result?.Positions : null, Mask: Mask);
            var result = await search.RunAsync(request, progress, cts.Token, found.Enqueue);
            // Through the dispatcher like the progress reports: one may still be taking matches in on another
            // thread, and two takers adding to the list at once lose a match.
            await dispatch(() =>
            {
                _searchCts = null; // late reports stop here
                Result = result;
                Progress = result.Final;
                TakeFound();
                _records = _records.OrderBy(m => m.Partition).ThenBy(m => m.Offset).ToList();
            });
        }
        catch (Exception e) when (e is ClusterException or ArgumentException) { SearchError = e.Message; }
        finally
        {
            Searching = false;
            _searchCts = null;
        }
    }

    public void CancelSearch() => _searchCts?.Cancel();

    // ------------------------------------------------------------------ live tail

    /// <summary>Follows new records, newest first, keeping the last <see cref="TailLimit"/>; "following" once every partition's end is known.</summary>
    public async Task StartTailAsync()
    {
        await StopTailAsync();
        OnRead?.Invoke("messages:read", $"live tail {PartitionsNote} readCommitted={ReadCommitted}");
        _records = [];
        Error = null;
        Action<KafkaMessage> arrived = Mask is { } mask ? m => _arrived.Enqueue(mask.Apply(m)) : _arrived.Enqueue;
        try { _tail = await browser.TailAsync(topic, Partitions, arrived, readCommitted: ReadCommitted); }
        catch (ClusterException e) { Error = e.Message; return; }
        Tailing = true;
        // Records arrive on the consumer's thread; the page takes them in a few times a second.
        _tailFlush = time.CreateTimer(_ => { if (!_arrived.IsEmpty) dispatch(FlushTail); }, null, TailFlushInterval, TailFlushInterval);
    }

    /// <summary>Takes in what the tail received since the last flush (newest first).</summary>
    public void FlushTail()
    {
        if (_arrived.IsEmpty) return;
        var batch = new List<KafkaMessage>();
        while (_arrived.TryDequeue(out var m)) batch.Add(m);
        batch.Reverse();
        _records = batch.Concat(_records).Take(TailLimit).ToList();
    }

    public async Task StopTailAsync()
    {
        _tailFlush?.Dispose();
        _tailFlush = null;
        if (_tail is not null) await _tail.DisposeAsync();
        _tail = null;
        Tailing = false;
    }

    public async ValueTask DisposeAsync()
    {
        _searchCts?.Cancel();
        await StopTailAsync();
    }
}
