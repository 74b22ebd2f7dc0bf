using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.Access.Audit;

/// <summary>
/// The audit trail: one JSON line per act, appended to a file per UTC day and flushed to disk
/// (fsync) before the call returns, so an entry survives a crash right after the act. Files
/// older than Audit:RetentionDays are deleted. Reads go newest first and never hold the writer.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string Prefix = "audit-", Suffix = ".jsonl";

    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditLog> _logger;
    private readonly Lock _lock = new();
    private FileStream? _file;
    private DateOnly _day;

    public AuditLog(IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditLog> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (Enabled)
        {
            System.IO.Directory.CreateDirectory(Directory);
            Prune();
        }
    }

    public bool Enabled => _options.Enabled;
    public DateTimeOffset Now => _time.GetUtcNow();
    public string Directory => Path.GetFullPath(_options.Directory);

    /// <summary>Appends the entry durably. An audit that cannot be written is logged as an error; the act itself is not undone.</summary>
    public void Record(AuditEntry entry)
    {
        if (!Enabled) return;
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n");
        lock (_lock)
        {
            try
            {
                var day = DateOnly.FromDateTime(entry.Time.UtcDateTime);
                if (_file is null || day != _day)
                {
                    _file?.Dispose();
                    _file = new FileStream(FileOf(day), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                    EndCutLine(_file, FileOf(day));
                    _day = day;
                    Prune();
                }
                _file.Write(line);
                _file.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                _logger.LogError(e, "Could not write the audit entry {Action} {Target} by {User}", entry.Action, entry.Target, entry.User);
            }
        }
    }

    /// <summary>The newest entries matching the query, newest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<AuditEntry> Newest(AuditQuery query, int limit)
    {
        var found = new List<AuditEntry>();
        foreach (string file in Files().Reverse())
        {
            foreach (var entry in Enumerable.Reverse(Read(file)))
            {
                if (!query.Matches(entry)) continue;
                found.Add(entry);
                if (found.Count >= limit) return found;
            }
        }
        return found;
    }

    /// <summary>Every matching entry, oldest first (for export).</summary>
    public IEnumerable<AuditEntry> All(AuditQuery query) => Files().SelectMany(Read).Where(query.Matches);

    private IEnumerable<string> Files() =>
        Enabled && System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Suffix).Where(f => DayOf(f) is not null).Order(StringComparer.Ordinal)
            : [];

    private static List<AuditEntry> Read(string file)
    {
        var entries = new List<AuditEntry>();
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0) continue;
                try { if (JsonSerializer.Deserialize<AuditEntry>(line, Json) is { } entry) entries.Add(entry); }
                catch (JsonException) { } // a line cut by a crash mid-write: the rest of the file still counts
            }
        }
        catch (FileNotFoundException) { } // pruned meanwhile
        return entries;
    }

    /// <summary>A crash mid-write leaves a line without its end: end it, so the next entry starts a line of its own.</summary>
    private static void EndCutLine(FileStream file, string path)
    {
        if (file.Length == 0) return;
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        reader.Seek(-1, SeekOrigin.End);
        if (reader.ReadByte() != '\n') file.WriteByte((byte)'\n');
    }

    private string FileOf(DateOnly day) => Path.Combine(Directory, Prefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + Suffix);

    private static DateOnly? DayOf(string file)
    {
        string name = Path.GetFileName(file);
        return DateOnly.TryParseExact(name[Prefix.Length..^Suffix.Length], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
    }

    private void Prune()
    {
        var oldest = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime).AddDays(-Math.Max(1, _options.RetentionDays) + 1);
        foreach (string file in Files().Where(f => DayOf(f) < oldest))
        {
            try { File.Delete(file); }
            catch (IOException e) { _logger.LogWarning(e, "Could not delete the expired audit file {File}", file); }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
