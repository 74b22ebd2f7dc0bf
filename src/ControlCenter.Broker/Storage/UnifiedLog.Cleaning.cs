using ControlCenter.LogFormat.Files;

namespace ControlCenter.Broker.Storage;

internal sealed partial class UnifiedLog
{
    /// <summary>The earliest tombstone delete horizon left by the cleaner; cleaning is due again once it passes.</summary>
    public long? EarliestDeleteHorizon { get; set; }

    /// <summary>
    /// Installs a cleaned ".swap" segment in place of the segments it was built from: the old
    /// files become ".deleted" (removed after file.delete.delay.ms, so running fetches finish),
    /// then the swap files take the final names. False when an old segment is already gone.
    /// </summary>
    public bool ReplaceSegments(List<LogSegment> oldSegments, LogSegment cleaned)
    {
        lock (_lock)
        {
            if (_closed || oldSegments.Any(s => !_segments.TryGetValue(s.BaseOffset, out var current) || !ReferenceEquals(current, s)))
                return false;
            foreach (var old in oldSegments)
            {
                _segments.Remove(old.BaseOffset);
                old.AddSuffix(LogFileNames.DeletedSuffix);
                _deleter.Schedule(Config.FileDeleteDelayMs, old.DeleteFiles);
            }
            cleaned.ChangeSuffix(LogFileNames.SwapSuffix, "");
            File.Delete(Path.Combine(Dir, LogFileNames.FormatOffset(cleaned.BaseOffset) + ".covers"));
            _segments.Add(cleaned.BaseOffset, cleaned);
            PublishSegments();
            return true;
        }
    }
}
