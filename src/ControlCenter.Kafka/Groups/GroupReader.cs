using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Kafka.Groups;

/// <summary>
/// Reads every consumer group: ListConsumerGroups (states and types included), DescribeConsumerGroups and
/// each group's committed offsets. One request per group is what the protocol offers, so the
/// monitor does this on its slower group tick, not per page.
/// </summary>
public sealed class GroupReader(ClusterAdmin admin, TimeProvider time)
{
    public async Task<Dictionary<string, GroupSnapshot>> ReadAllAsync(CancellationToken cancellation)
    {
        var listed = await admin.Client.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { RequestTimeout = admin.Timeout }).OffPollThread();
        var ids = listed.Valid.Select(g => g.GroupId).ToList();
        var result = new Dictionary<string, GroupSnapshot>(StringComparer.Ordinal);
        if (ids.Count == 0) return result;

        var descriptions = await DescribeAsync(ids);
        foreach (var id in ids)
        {
            cancellation.ThrowIfCancellationRequested();
            var listing = listed.Valid.First(g => g.GroupId == id);
            descriptions.TryGetValue(id, out var d);
            var committed = await CommittedAsync(id);
            var members = d?.Members.Select(GroupMemberInfo.From).ToList() ?? [];
            string state = (d?.State ?? listing.State).ToString();
            result[id] = new GroupSnapshot(id, state, TypeName(listing.Type), d?.IsSimpleConsumerGroup == true || listing.IsSimpleConsumerGroup ? "" : "consumer",
                d?.PartitionAssignor ?? "", listing.IsSimpleConsumerGroup, members, committed, time.GetUtcNow());
        }
        return result;
    }

    /// <summary>ListGroups v5+ says each group's type; an older cluster does not (librdkafka then reports Unknown).</summary>
    private static string TypeName(ConsumerGroupType type) => type switch
    {
        ConsumerGroupType.Classic => "classic",
        ConsumerGroupType.Consumer => "consumer",
        _ => "unknown",
    };

    private async Task<Dictionary<string, ConsumerGroupDescription>> DescribeAsync(List<string> ids)
    {
        try
        {
            var described = await admin.Client.DescribeConsumerGroupsAsync(ids, new DescribeConsumerGroupsOptions { RequestTimeout = admin.Timeout }).OffPollThread();
            return described.ConsumerGroupDescriptions.ToDictionary(d => d.GroupId);
        }
        catch (DescribeConsumerGroupsException e)
        {
            return e.Results.ConsumerGroupDescriptions.Where(d => !d.Error.IsError).ToDictionary(d => d.GroupId);
        }
    }

    public async Task<Dictionary<(string Topic, int Partition), long>> CommittedAsync(string groupId)
    {
        try
        {
            var offsets = await admin.Client.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(groupId, null)],
                new ListConsumerGroupOffsetsOptions { RequestTimeout = admin.Timeout }).OffPollThread();
            return offsets[0].Partitions.Where(p => p.Offset.Value >= 0 && !p.Error.IsError)
                .ToDictionary(p => (p.Topic, p.Partition.Value), p => p.Offset.Value);
        }
        catch (ListConsumerGroupOffsetsException) { return []; }
    }
}
