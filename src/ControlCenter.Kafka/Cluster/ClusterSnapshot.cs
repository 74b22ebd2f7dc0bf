namespace ControlCenter.Kafka.Cluster;

/// <summary>One partition as the monitor last read it: placement, watermarks and (when a log dir is readable) size.</summary>
public sealed record PartitionSnapshot(int Partition, int Leader, int[] Replicas, int[] Isr, long LowWatermark, long HighWatermark, long? SizeBytes)
{
    /// <summary>Records between the watermarks; an estimate on compacted topics (offsets have gaps).</summary>
    public long Records => LowWatermark >= 0 && HighWatermark >= 0 ? Math.Max(0, HighWatermark - LowWatermark) : 0;
    public bool IsUnderReplicated => Isr.Length < Replicas.Length;
    public bool IsOffline => Leader < 0;
    public int[] OfflineReplicas => Replicas.Except(Isr).ToArray();

    /// <summary>
    /// Average bytes on disk per record, from the last log-dir scan and the records the partition
    /// held at that moment (sizes are scanned every few ticks: dividing by today's count would be wrong).
    /// </summary>
    public double? BytesPerRecord { get; init; }
}

public sealed record TopicSnapshot(string Name, bool IsInternal, IReadOnlyList<PartitionSnapshot> Partitions)
{
    public int ReplicationFactor => Partitions.Count == 0 ? 0 : Partitions.Max(p => p.Replicas.Length);
    public long Records => Partitions.Sum(p => p.Records);
    /// <summary>Null when some partition's size is not known (no readable log dir for it).</summary>
    public long? SizeBytes => Partitions.All(p => p.SizeBytes is not null) ? Partitions.Sum(p => p.SizeBytes!.Value) : null;
    public int UnderReplicatedPartitions => Partitions.Count(p => p.IsUnderReplicated);
    public int OfflinePartitions => Partitions.Count(p => p.IsOffline);
}

/// <summary>Everything list pages need, read in a few batched requests per tick (never per topic).</summary>
public sealed record ClusterSnapshot(ClusterOverview Overview, IReadOnlyDictionary<string, TopicSnapshot> Topics, bool SizesAvailable, DateTimeOffset ReadAt);
