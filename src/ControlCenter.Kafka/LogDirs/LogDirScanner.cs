using ControlCenter.LogFormat.Files;

namespace ControlCenter.Kafka.LogDirs;

/// <summary>
/// Partition sizes read from Kafka log directories the app can see (the embedded broker's data
/// dir, or Kafka:LogDirs for an external cluster). librdkafka has no DescribeLogDirs, so this is
/// where sizes come from; it only lists directories and stats files, never reads data.
/// </summary>
public static class LogDirScanner
{
    /// <summary>Size of every partition found: the sum of its segment .log files.</summary>
    public static Dictionary<(string Topic, int Partition), long> PartitionSizes(IEnumerable<string> logDirs)
    {
        var sizes = new Dictionary<(string, int), long>();
        foreach (var logDir in logDirs)
        {
            if (!Directory.Exists(logDir)) continue;
            IEnumerable<string> partitionDirs;
            try { partitionDirs = Directory.EnumerateDirectories(logDir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (var dir in partitionDirs)
                if (LogFileNames.ParsePartitionDir(Path.GetFileName(dir)) is { } tp) AddSize(sizes, tp, dir);
        }
        return sizes;
    }

    /// <summary>Sizes of just these partitions (a partition in no readable log dir is left out).</summary>
    public static Dictionary<(string Topic, int Partition), long> PartitionSizes(IReadOnlyList<string> logDirs, IEnumerable<(string Topic, int Partition)> partitions)
    {
        var sizes = new Dictionary<(string, int), long>();
        foreach (var tp in partitions)
            foreach (var logDir in logDirs)
            {
                string dir = Path.Combine(logDir, LogFileNames.PartitionDirName(tp.Topic, tp.Partition));
                if (Directory.Exists(dir)) AddSize(sizes, tp, dir);
            }
        return sizes;
    }

    /// <summary>Adds the partition directory's .log files to its size (a directory deleted meanwhile adds nothing).</summary>
    private static void AddSize(Dictionary<(string, int), long> sizes, (string Topic, int Partition) tp, string dir)
    {
        try
        {
            long size = new DirectoryInfo(dir).EnumerateFiles("*" + LogFileNames.LogSuffix).Sum(f => f.Length);
            sizes[tp] = Math.Max(sizes.GetValueOrDefault(tp), size); // one replica's size: each log dir holds its own copy of the partition
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public static bool AnyReadable(IEnumerable<string> logDirs) => logDirs.Any(Directory.Exists);
}
