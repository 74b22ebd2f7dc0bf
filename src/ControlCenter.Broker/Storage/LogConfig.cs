using System.Globalization;
using ControlCenter.Broker.Config;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Storage;

/// <summary>The typed, effective configuration of one topic's logs (topic overrides over broker defaults).</summary>
public sealed record LogConfig
{
    public bool Delete { get; init; } = true;
    public bool Compact { get; init; }
    public string CompressionType { get; init; } = "producer";
    public long DeleteRetentionMs { get; init; } = 86_400_000;
    public long FileDeleteDelayMs { get; init; } = 60_000;
    public int IndexIntervalBytes { get; init; } = 4096;
    public long MaxCompactionLagMs { get; init; } = long.MaxValue;
    public int MaxMessageBytes { get; init; } = 1_048_588;
    public TimestampType TimestampType { get; init; } = TimestampType.CreateTime;
    public long TimestampBeforeMaxMs { get; init; } = long.MaxValue;
    public long TimestampAfterMaxMs { get; init; } = long.MaxValue;
    public double MinCleanableDirtyRatio { get; init; } = 0.5;
    public long MinCompactionLagMs { get; init; }
    public int MinInSyncReplicas { get; init; } = 1;
    public long RetentionBytes { get; init; } = -1;
    public long RetentionMs { get; init; } = 604_800_000;
    public int SegmentBytes { get; init; } = 1_073_741_824;
    public int SegmentIndexBytes { get; init; } = 10_485_760;
    public long SegmentMs { get; init; } = 604_800_000;
    public long SegmentJitterMs { get; init; }

    public static LogConfig Default { get; } = new();

    public static LogConfig Create(BrokerConfig broker, IReadOnlyDictionary<string, string> topicConfigs)
    {
        string Value(string name) =>
            topicConfigs.TryGetValue(name, out var v) ? v : broker.TopicDefault(TopicConfigs.ByName[name]).Value!;
        long L(string name) => long.Parse(Value(name), CultureInfo.InvariantCulture);
        int I(string name) => int.Parse(Value(name), CultureInfo.InvariantCulture);

        var policy = Value(TopicConfigs.CleanupPolicy).Split(',', StringSplitOptions.TrimEntries);
        return new LogConfig
        {
            Delete = policy.Contains("delete"),
            Compact = policy.Contains("compact"),
            CompressionType = Value(TopicConfigs.CompressionType),
            DeleteRetentionMs = L(TopicConfigs.DeleteRetentionMs),
            FileDeleteDelayMs = L(TopicConfigs.FileDeleteDelayMs),
            IndexIntervalBytes = I(TopicConfigs.IndexIntervalBytes),
            MaxCompactionLagMs = L(TopicConfigs.MaxCompactionLagMs),
            MaxMessageBytes = I(TopicConfigs.MaxMessageBytes),
            TimestampType = Value(TopicConfigs.MessageTimestampType) == "LogAppendTime" ? TimestampType.LogAppendTime : TimestampType.CreateTime,
            TimestampBeforeMaxMs = L(TopicConfigs.MessageTimestampBeforeMaxMs),
            TimestampAfterMaxMs = L(TopicConfigs.MessageTimestampAfterMaxMs),
            MinCleanableDirtyRatio = double.Parse(Value(TopicConfigs.MinCleanableDirtyRatio), CultureInfo.InvariantCulture),
            MinCompactionLagMs = L(TopicConfigs.MinCompactionLagMs),
            MinInSyncReplicas = I(TopicConfigs.MinInSyncReplicas),
            RetentionBytes = L(TopicConfigs.RetentionBytes),
            RetentionMs = L(TopicConfigs.RetentionMs),
            SegmentBytes = topicConfigs.TryGetValue(TopicConfigs.InternalSegmentBytes, out var small)
                ? int.Parse(small, CultureInfo.InvariantCulture)
                : I(TopicConfigs.SegmentBytes),
            SegmentIndexBytes = I(TopicConfigs.SegmentIndexBytes),
            SegmentMs = L(TopicConfigs.SegmentMs),
            SegmentJitterMs = L(TopicConfigs.SegmentJitterMs),
        };
    }
}
