using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ControlCenter.Kafka.Alerts;

/// <summary>
/// The alerts directory: the history as JSON Lines (appended and flushed to disk before the
/// transition is announced, so a restart keeps it), and the rules added in the UI and the
/// silences as JSON files replaced whole (written aside, then moved over the old one).
/// </summary>
public sealed class AlertStore
{
    public const string HistoryFile = "alert-history.jsonl";
    public const string RulesFile = "alert-rules.json";
    public const string SilencesFile = "alert-silences.json";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lock _lock = new();
    private readonly int _limit;
    private readonly List<AlertEvent> _history = [];

    public AlertStore(string directory, int historyLimit)
    {
        Directory = Path.GetFullPath(directory);
        _limit = Math.Max(100, historyLimit);
        System.IO.Directory.CreateDirectory(Directory);
        LoadHistory();
    }

    public string Directory { get; }

    /// <summary>Newest last.</summary>
    public IReadOnlyList<AlertEvent> History { get { lock (_lock) return _history.ToList(); } }

    public void Append(IReadOnlyCollection<AlertEvent> events)
    {
        if (events.Count == 0) return;
        var text = new StringBuilder();
        foreach (var e in events) text.Append(JsonSerializer.Serialize(e, Json)).Append('\n');
        lock (_lock)
        {
            using (var file = new FileStream(Path.Combine(Directory, HistoryFile), FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                file.Write(Encoding.UTF8.GetBytes(text.ToString()));
                file.Flush(flushToDisk: true);
            }
            _history.AddRange(events);
            if (_history.Count > _limit) _history.RemoveRange(0, _history.Count - _limit);
        }
    }

    public List<AlertRule> LoadRules() => Load<List<AlertRule>>(RulesFile) ?? [];
    public void SaveRules(IEnumerable<AlertRule> rules) => Save(RulesFile, rules.ToList());
    public List<AlertSilence> LoadSilences() => Load<List<AlertSilence>>(SilencesFile) ?? [];
    public void SaveSilences(IEnumerable<AlertSilence> silences) => Save(SilencesFile, silences.ToList());

    private void LoadHistory()
    {
        string path = Path.Combine(Directory, HistoryFile);
        if (!File.Exists(path)) return;
        var lines = File.ReadAllLines(path);
        foreach (string line in lines)
        {
            if (line.Length == 0) continue;
            try { if (JsonSerializer.Deserialize<AlertEvent>(line, Json) is { } e) _history.Add(e); }
            catch (JsonException) { } // a line cut by a crash: the next append starts on a fresh line (below)
        }
        if (_history.Count > _limit) _history.RemoveRange(0, _history.Count - _limit);
        // Compact when the file holds far more than is kept, and end a cut line so the next entry stands alone.
        bool cut = lines.Length > 0 && new FileInfo(path).Length > 0 && ReadLastByte(path) != '\n';
        if (lines.Length > 2 * _limit || cut)
            WriteAtomically(path, string.Concat(_history.Select(e => JsonSerializer.Serialize(e, Json) + "\n")));
    }

    private static int ReadLastByte(string path)
    {
        using var file = File.OpenRead(path);
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte();
    }

    private T? Load<T>(string name)
    {
        string path = Path.Combine(Directory, name);
        if (!File.Exists(path)) return default;
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidOperationException($"{path} is not valid ({e.Message}); fix or remove it.", e); }
    }

    private void Save<T>(string name, T value)
    {
        lock (_lock) WriteAtomically(Path.Combine(Directory, name), JsonSerializer.Serialize(value, Json));
    }

    private static void WriteAtomically(string path, string text)
    {
        string temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(Encoding.UTF8.GetBytes(text));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
