using System.Buffers.Binary;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Groups;

/// <summary>The group's persisted state (GroupMetadataValue v3).</summary>
internal sealed record GroupMetadataRecord(string ProtocolType, int Generation, string? Protocol, string? Leader, long CurrentStateTimestamp,
    IReadOnlyList<GroupMetadataRecord.Member> Members)
{
    public sealed record Member(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost,
        int RebalanceTimeout, int SessionTimeout, byte[] Subscription, byte[] Assignment);
}

/// <summary>
/// Keys and values of __consumer_offsets in Kafka's own schemas, so the topic can be read by
/// Kafka's tools: key version 0/1 = OffsetCommitKey (group, topic, partition), key version 2 =
/// GroupMetadataKey (group); a null value is a tombstone.
/// </summary>
internal static class OffsetsTopicRecords
{
    public const short OffsetCommitKeyVersion = 1;
    public const short GroupMetadataKeyVersion = 2;
    private const short OffsetCommitValueVersion = 3;
    private const short GroupMetadataValueVersion = 3;

    public static byte[] OffsetCommitKey(string group, string topic, int partition)
    {
        using var w = new KafkaWriter(64);
        w.WriteInt16(OffsetCommitKeyVersion);
        w.WriteString(group);
        w.WriteString(topic);
        w.WriteInt32(partition);
        return w.ToArray();
    }

    public static byte[] GroupMetadataKey(string group)
    {
        using var w = new KafkaWriter(32);
        w.WriteInt16(GroupMetadataKeyVersion);
        w.WriteString(group);
        return w.ToArray();
    }

    public static byte[] OffsetCommitValue(CommittedOffset offset)
    {
        using var w = new KafkaWriter(64);
        w.WriteInt16(OffsetCommitValueVersion);
        w.WriteInt64(offset.Offset);
        w.WriteInt32(offset.LeaderEpoch);
        w.WriteString(offset.Metadata);
        w.WriteInt64(offset.CommitTimestamp);
        return w.ToArray();
    }

    public static byte[] GroupMetadataValue(GroupMetadataRecord group)
    {
        using var w = new KafkaWriter(256);
        w.WriteInt16(GroupMetadataValueVersion);
        w.WriteString(group.ProtocolType);
        w.WriteInt32(group.Generation);
        w.WriteNullableString(group.Protocol);
        w.WriteNullableString(group.Leader);
        w.WriteInt64(group.CurrentStateTimestamp);
        w.WriteArrayLength(group.Members.Count);
        foreach (var m in group.Members)
        {
            w.WriteString(m.MemberId);
            w.WriteNullableString(m.GroupInstanceId);
            w.WriteString(m.ClientId);
            w.WriteString(m.ClientHost);
            w.WriteInt32(m.RebalanceTimeout);
            w.WriteInt32(m.SessionTimeout);
            w.WriteBytes(m.Subscription);
            w.WriteBytes(m.Assignment);
        }
        return w.ToArray();
    }

    /// <summary>A decoded key: either an offset commit or a group metadata record.</summary>
    public abstract record Key(string Group);
    public sealed record OffsetKey(string Group, string Topic, int Partition) : Key(Group);
    public sealed record GroupKey(string Group) : Key(Group);

    public static Key? ReadKey(ReadOnlyMemory<byte> key)
    {
        var r = new KafkaReader(key);
        short version = r.ReadInt16();
        return version switch
        {
            0 or 1 => new OffsetKey(r.ReadString(), r.ReadString(), r.ReadInt32()),
            2 => new GroupKey(r.ReadString()),
            _ => null, // newer record types (e.g. KIP-848 groups) are not ours to read
        };
    }

    public static CommittedOffset ReadOffsetCommitValue(ReadOnlyMemory<byte> value)
    {
        var r = new KafkaReader(value);
        short version = r.ReadInt16();
        long offset = r.ReadInt64();
        int epoch = version >= 3 ? r.ReadInt32() : -1;
        string metadata = r.ReadString();
        long timestamp = r.ReadInt64();
        return new CommittedOffset(offset, epoch, metadata, timestamp);
    }

    public static GroupMetadataRecord ReadGroupMetadataValue(ReadOnlyMemory<byte> value)
    {
        var r = new KafkaReader(value);
        short version = r.ReadInt16();
        if (version > 3) throw new InvalidDataException($"GroupMetadataValue v{version} is not supported");
        string protocolType = r.ReadString();
        int generation = r.ReadInt32();
        string? protocol = r.ReadNullableString();
        string? leader = r.ReadNullableString();
        long timestamp = version >= 2 ? r.ReadInt64() : -1;
        var members = r.ReadArray(m => new GroupMetadataRecord.Member(
            m.ReadString(),
            version >= 3 ? m.ReadNullableString() : null,
            m.ReadString(), m.ReadString(),
            version >= 1 ? m.ReadInt32() : 0,
            m.ReadInt32(),
            m.ReadBytes().ToArray(), m.ReadBytes().ToArray()));
        return new GroupMetadataRecord(protocolType, generation, protocol, leader, timestamp, members);
    }

    /// <summary>Kafka's partitionFor: Utils.abs(groupId.hashCode) % partitions, with Java's String.hashCode.</summary>
    public static int PartitionFor(string group, int partitions)
    {
        int hash = 0;
        foreach (char c in group) hash = unchecked(31 * hash + c);
        return (hash & 0x7fffffff) % partitions;
    }
}

/// <summary>The consumer protocol's subscription and assignment (ConsumerProtocolSubscription / Assignment).</summary>
public static class ConsumerProtocol
{
    /// <summary>Topics a member subscribes to; empty when the metadata is not the consumer protocol.</summary>
    public static IReadOnlyList<string> SubscribedTopics(byte[] metadata)
    {
        try
        {
            var r = new KafkaReader(metadata);
            r.ReadInt16();
            return r.ReadArray(t => t.ReadString());
        }
        catch (ProtocolException) { return []; }
    }

    /// <summary>Partitions in an assignment; empty when it cannot be decoded.</summary>
    public static IReadOnlyList<(string Topic, int Partition)> AssignedPartitions(byte[] assignment)
    {
        if (assignment.Length < 2) return [];
        try
        {
            var r = new KafkaReader(assignment);
            r.ReadInt16();
            return r.ReadArray(t => (Topic: t.ReadString(), Partitions: t.ReadArray(p => p.ReadInt32())))
                .SelectMany(t => t.Partitions.Select(p => (t.Topic, p))).ToList();
        }
        catch (ProtocolException) { return []; }
    }

    /// <summary>A v0 subscription (topics, no user data): how DescribeGroups shows a consumer-protocol member.</summary>
    public static byte[] Subscription(IEnumerable<string> topics)
    {
        using var w = new KafkaWriter();
        w.WriteInt16(0);
        var list = topics.ToList();
        w.WriteArrayLength(list.Count);
        foreach (var topic in list) w.WriteString(topic);
        w.WriteNullableBytes(null);
        return w.ToArray();
    }

    /// <summary>A v0 assignment (topics and partitions, no user data).</summary>
    public static byte[] Assignment(IEnumerable<(string Topic, int Partition)> partitions)
    {
        using var w = new KafkaWriter();
        w.WriteInt16(0);
        var byTopic = partitions.GroupBy(p => p.Topic).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        w.WriteArrayLength(byTopic.Count);
        foreach (var topic in byTopic)
        {
            w.WriteString(topic.Key);
            w.WriteArrayLength(topic.Count());
            foreach (var (_, partition) in topic.OrderBy(p => p.Partition)) w.WriteInt32(partition);
        }
        w.WriteNullableBytes(null);
        return w.ToArray();
    }
}
