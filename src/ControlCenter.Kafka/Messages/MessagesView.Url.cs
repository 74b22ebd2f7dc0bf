using System.Globalization;
using System.Text.Json;

namespace ControlCenter.Kafka.Messages;

/// <summary>
/// The Messages tab in its URL: mode, partitions, where browsing starts and in what order, and the
/// search as typed, so a reload or a shared link lands on the same view. Only what differs from
/// the defaults is written, to keep links short.
/// </summary>
public sealed partial class MessagesView
{
    /// <summary>Every query key this view writes (the topic page clears them when the tab changes).</summary>
    public static readonly string[] QueryKeys = ["mode", "partitions", "start", "offset", "at", "count", "order", "isolation", "q", "max", "budget"];

    private const int DefaultPageSize = 20, DefaultMaxMatches = 100, DefaultBudgetSeconds = 30;
    private static readonly int[] Budgets = [10, 30, 120, 600];

    /// <summary>The view's state as query parameters; null values remove a key.</summary>
    public Dictionary<string, object?> ToQuery()
    {
        bool browse = Mode == MessagesMode.Browse, search = Mode == MessagesMode.Search;
        return new Dictionary<string, object?>
        {
            ["mode"] = Mode == MessagesMode.Browse ? null : Mode.ToString().ToLowerInvariant(),
            ["partitions"] = PartitionsText.Length == 0 || PartitionsError is not null ? null : PartitionsText,
            ["start"] = browse && Start != BrowseStart.Newest ? Start.ToString().ToLowerInvariant() : null,
            ["offset"] = browse && Start == BrowseStart.Offset ? Offset : null,
            ["at"] = browse && Start == BrowseStart.Timestamp ? Timestamp?.ToUnixTimeMilliseconds() : null,
            ["count"] = browse && PageSize != DefaultPageSize ? PageSize : null,
            // Newest first is the default only when browsing starts from the newest.
            ["order"] = browse && NewestFirst != (Start == BrowseStart.Newest) ? (NewestFirst ? "newest" : "oldest") : null,
            ["isolation"] = !search && ReadCommitted ? "committed" : null,
            ["q"] = search && Draft.HasInput ? Draft.Encode() : null,
            ["max"] = search && MaxMatches != DefaultMaxMatches ? MaxMatches : null,
            ["budget"] = search && BudgetSeconds != DefaultBudgetSeconds ? BudgetSeconds : null,
        };
    }

    /// <summary>
    /// Takes the state a URL carries; values that do not parse are ignored (the defaults stay).
    /// Then shows it: browse loads its page, live tail starts, and a search with conditions runs.
    /// </summary>
    public async Task OpenAsync(IReadOnlyDictionary<string, string?> query)
    {
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v) ? v : null;
        long? Long(string key) => long.TryParse(Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;

        if (Get("partitions") is { } partitions) SetPartitions(partitions);
        if (Enum.TryParse(Get("start"), ignoreCase: true, out BrowseStart start) && Enum.IsDefined(start)) Start = start;
        NewestFirst = Get("order") switch { "newest" => true, "oldest" => false, _ => Start == BrowseStart.Newest };
        if (Long("offset") is { } offset) Offset = offset;
        ReadCommitted = Get("isolation") == "committed";
        if (Long("at") is { } at && at <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(at);
        if (Long("count") is { } count) PageSize = (int)Math.Clamp(count, 1, 1000);
        if (Long("max") is { } max) MaxMatches = (int)Math.Clamp(max, 1, 10_000);
        if (Long("budget") is { } budget && Budgets.Contains((int)Math.Min(budget, int.MaxValue))) BudgetSeconds = (int)budget;
        bool hasQuery = Get("q") is { } q && Draft.TryDecode(q);

        var mode = Enum.TryParse(Get("mode"), ignoreCase: true, out MessagesMode m) && Enum.IsDefined(m) ? m : MessagesMode.Browse;
        if (mode == MessagesMode.Browse) await LoadAsync();
        else await SetModeAsync(mode);
        if (mode == MessagesMode.Search && hasQuery && Draft.Problem is null) await SearchAsync(resume: false);
    }
}

public sealed partial class FilterDraft
{
    private sealed record Encoded(List<FilterCondition> Conditions, DateTimeOffset? From, DateTimeOffset? To);

    /// <summary>Whether anything was typed: a pattern, or a time range.</summary>
    public bool HasInput => UseRange || Conditions.Any(c => c.Pattern.Length > 0);

    /// <summary>The draft as base64url JSON, for the URL.</summary>
    public string Encode() => Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(new Encoded(Conditions, UseRange ? From : null, UseRange ? To : null)));

    /// <summary>Replaces the draft with an encoded one; false (and unchanged) when it does not decode.</summary>
    public bool TryDecode(string text)
    {
        try
        {
            var decoded = JsonSerializer.Deserialize<Encoded>(Base64Url.Decode(text));
            if (decoded?.Conditions is not { Count: > 0 } conditions || conditions.Any(c => c is null || c.Pattern is null)) return false;
            Conditions.Clear();
            Conditions.AddRange(conditions);
            UseRange = decoded.From is not null || decoded.To is not null;
            (From, To) = (decoded.From ?? From, decoded.To ?? To);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException) { return false; }
    }
}
