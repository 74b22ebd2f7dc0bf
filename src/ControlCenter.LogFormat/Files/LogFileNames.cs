using System.Globalization;

namespace ControlCenter.LogFormat.Files;

/// <summary>File and directory naming of Kafka's log dirs (LogFileUtils / LocalLog).</summary>
public static class LogFileNames
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";
    public const string TxnIndexSuffix = ".txnindex";
    public const string SnapshotSuffix = ".snapshot";
    public const string DeletedSuffix = ".deleted";
    public const string CleanedSuffix = ".cleaned";
    public const string SwapSuffix = ".swap";
    public const string DeleteDirSuffix = "-delete";
    public const string CleanShutdownFile = ".kafka_cleanshutdown";
    public const string PartitionMetadataFile = "partition.metadata";
    public const string LeaderEpochCheckpointFile = "leader-epoch-checkpoint";
    public const string RecoveryPointCheckpointFile = "recovery-point-offset-checkpoint";
    public const string LogStartOffsetCheckpointFile = "log-start-offset-checkpoint";
    public const string ReplicationOffsetCheckpointFile = "replication-offset-checkpoint";
    public const string CleanerOffsetCheckpointFile = "cleaner-offset-checkpoint";
    public const string MetaPropertiesFile = "meta.properties";

    /// <summary>Segment files are named by base offset, zero-padded to 20 digits.</summary>
    public static string FormatOffset(long offset) => offset.ToString("D20", CultureInfo.InvariantCulture);

    public static string LogFile(string dir, long baseOffset) => Path.Combine(dir, FormatOffset(baseOffset) + LogSuffix);
    public static string IndexFile(string dir, long baseOffset) => Path.Combine(dir, FormatOffset(baseOffset) + IndexSuffix);
    public static string TimeIndexFile(string dir, long baseOffset) => Path.Combine(dir, FormatOffset(baseOffset) + TimeIndexSuffix);
    public static string TxnIndexFile(string dir, long baseOffset) => Path.Combine(dir, FormatOffset(baseOffset) + TxnIndexSuffix);
    public static string SnapshotFile(string dir, long offset) => Path.Combine(dir, FormatOffset(offset) + SnapshotSuffix);

    /// <summary>Parses the base offset from a file name like 00000000000000000042.log; null when it is not one.</summary>
    public static long? ParseBaseOffset(string fileName)
    {
        int dot = fileName.IndexOf('.');
        if (dot != 20) return null;
        return long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out long offset) ? offset : null;
    }

    /// <summary>Splits a partition directory name "topic-3" into topic and partition; null for other names (e.g. "-delete" dirs).</summary>
    public static (string Topic, int Partition)? ParsePartitionDir(string dirName)
    {
        if (dirName.EndsWith(DeleteDirSuffix, StringComparison.Ordinal) || dirName.EndsWith("-future", StringComparison.Ordinal))
            return null;
        int dash = dirName.LastIndexOf('-');
        if (dash <= 0 || dash == dirName.Length - 1) return null;
        if (!int.TryParse(dirName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int partition)) return null;
        return (dirName[..dash], partition);
    }

    public static string PartitionDirName(string topic, int partition) => $"{topic}-{partition.ToString(CultureInfo.InvariantCulture)}";
}
