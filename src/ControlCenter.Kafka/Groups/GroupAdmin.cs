using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Topics;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Groups;

/// <summary>
/// Group operations. Resets are computed against fresh watermarks and committed offsets (a
/// dry run the page shows), and applied only while the group has no active member — the same
/// rule Kafka enforces, checked first so the refusal can name the members.
/// </summary>
public sealed class GroupAdmin(ClusterAdmin admin, GroupReader reader, IClusterState cluster, ILogger<GroupAdmin> logger) : IGroupAdmin
{
    public async Task<ResetPlan> PlanResetAsync(ResetRequest request)
    {
        // Without a valid time there is nothing to look up: never fall back to "now" or to the end.
        if (request.Strategy == ResetStrategy.ToTimestamp && request.Timestamp is null)
            return new ResetPlan(request, [], ["Choose a valid date and time (UTC) to reset to."]);
        var problems = new List<string>();
        var committed = await reader.CommittedAsync(request.GroupId);
        var partitions = Scope(request, committed, problems);
        if (partitions.Count == 0) return new ResetPlan(request, [], problems.Count > 0 ? problems : ["Nothing to reset: the group has no offsets in that scope."]);

        var tps = partitions.Select(p => new TopicPartition(p.Topic, p.Partition)).ToList();
        var low = await admin.ListOffsetsAsync(tps, OffsetSpec.Earliest());
        var high = await admin.ListOffsetsAsync(tps, OffsetSpec.Latest());
        Dictionary<TopicPartition, long>? byTime = request.Strategy == ResetStrategy.ToTimestamp && request.Timestamp is { } ts
            ? await admin.ListOffsetsAsync(tps, OffsetSpec.ForTimestamp(ts.ToUnixTimeMilliseconds()))
            : null;

        var rows = new List<ResetRow>();
        foreach (var tp in tps)
        {
            if (!low.TryGetValue(tp, out long start) || !high.TryGetValue(tp, out long end))
            {
                problems.Add($"{tp.Topic}[{tp.Partition.Value}]: watermarks could not be read.");
                continue;
            }
            long? current = committed.TryGetValue((tp.Topic, tp.Partition.Value), out long c) ? c : null;
            long? target = request.Strategy switch
            {
                ResetStrategy.Earliest => start,
                ResetStrategy.Latest => end,
                ResetStrategy.ToTimestamp => byTime is not null && byTime.TryGetValue(tp, out long t) && t >= 0 ? t : end,
                ResetStrategy.ToOffset => request.Offset,
                ResetStrategy.ShiftBy => current is { } cur ? cur + (request.Shift ?? 0) : null,
                _ => null,
            };
            if (target is null)
            {
                problems.Add(request.Strategy == ResetStrategy.ShiftBy
                    ? $"{tp.Topic}[{tp.Partition.Value}]: no committed offset to shift from."
                    : $"{tp.Topic}[{tp.Partition.Value}]: no target offset.");
                continue;
            }
            rows.Add(new ResetRow(tp.Topic, tp.Partition.Value, current, Math.Clamp(target.Value, start, end), start, end));
        }
        return new ResetPlan(request, rows, problems);
    }

    private List<(string Topic, int Partition)> Scope(ResetRequest request, Dictionary<(string Topic, int Partition), long> committed, List<string> problems)
    {
        var snapshot = cluster.Snapshot;
        switch (request.Scope)
        {
            case ResetScope.AllTopics:
                return committed.Keys.OrderBy(k => k.Topic, StringComparer.Ordinal).ThenBy(k => k.Partition).ToList();
            case ResetScope.Topic when request.Topic is { } topic:
                if (snapshot?.Topics.GetValueOrDefault(topic) is not { } t) { problems.Add($"Topic {topic} does not exist."); return []; }
                return t.Partitions.Select(p => (topic, p.Partition)).ToList();
            case ResetScope.Partitions when request.Partitions is { Count: > 0 } chosen:
                foreach (var (topic, partition) in chosen)
                    if (snapshot?.Topics.GetValueOrDefault(topic)?.Partitions.Any(p => p.Partition == partition) != true)
                        problems.Add($"{topic}[{partition}] does not exist.");
                return chosen.Where(c => snapshot?.Topics.GetValueOrDefault(c.Topic)?.Partitions.Any(p => p.Partition == c.Partition) == true).ToList();
            default:
                problems.Add("Choose a topic or partitions to reset.");
                return [];
        }
    }

    public async Task<ResetOutcome> ApplyResetAsync(ResetPlan plan)
    {
        string groupId = plan.Request.GroupId;
        var active = await ActiveMembersAsync(groupId);
        if (active.Count > 0)
            return new ResetOutcome(false, $"Group {groupId} has {active.Count} active member(s): offsets can only be reset while the group is empty. Stop its consumers first.", active);
        if (plan.Rows.Count == 0) return new ResetOutcome(false, "Nothing to apply.", []);
        try
        {
            await admin.Client.AlterConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitionOffsets(groupId, plan.Rows.Select(r => new TopicPartitionOffset(r.Topic, r.Partition, r.New)).ToList())],
                new AlterConsumerGroupOffsetsOptions { RequestTimeout = admin.Timeout }).OffPollThread();
        }
        catch (AlterConsumerGroupOffsetsException e)
        {
            var failed = e.Results[0].Partitions.FirstOrDefault(p => p.Error.IsError);
            return new ResetOutcome(false, failed?.Error.Reason ?? e.Message, await ActiveMembersAsync(groupId));
        }
        catch (KafkaException e) { return new ResetOutcome(false, e.Error.Reason, []); }
        logger.LogInformation("Reset {Count} offset(s) of group {Group} ({Strategy})", plan.Rows.Count, groupId, plan.Request.Strategy);
        cluster.RequestRefresh();
        return new ResetOutcome(true, null, []);
    }

    private async Task<List<GroupMemberInfo>> ActiveMembersAsync(string groupId)
    {
        try
        {
            var d = (await admin.Client.DescribeConsumerGroupsAsync([groupId], new DescribeConsumerGroupsOptions { RequestTimeout = admin.Timeout }).OffPollThread())
                .ConsumerGroupDescriptions[0];
            return d.Members.Select(GroupMemberInfo.From).ToList();
        }
        catch (DescribeConsumerGroupsException) { return []; }
    }

    public async Task<AdminResult> DeleteGroupAsync(string groupId)
    {
        try
        {
            await admin.Client.DeleteGroupsAsync([groupId], new DeleteGroupsOptions { RequestTimeout = admin.Timeout }).OffPollThread();
            logger.LogInformation("Deleted consumer group {Group}", groupId);
            cluster.RequestRefresh();
            return AdminResult.Ok;
        }
        catch (DeleteGroupsException e)
        {
            var error = e.Results[0].Error;
            if (error.Code == ErrorCode.NonEmptyGroup)
            {
                var members = await ActiveMembersAsync(groupId);
                return AdminResult.Failed($"Group {groupId} still has {members.Count} active member(s) ({string.Join(", ", members.Select(m => $"{m.ClientId}@{m.Host}"))}): stop them first.", error.Code.ToString());
            }
            return AdminResult.Failed(error.Reason, error.Code.ToString());
        }
        catch (KafkaException e) { return AdminResult.Failed(e.Error.Reason, e.Error.Code.ToString()); }
    }

    public async Task<AdminResult> DeleteTopicOffsetsAsync(string groupId, string topic)
    {
        var partitions = (await reader.CommittedAsync(groupId)).Keys.Where(k => k.Topic == topic)
            .Select(k => new TopicPartition(k.Topic, k.Partition)).ToList();
        if (partitions.Count == 0) return AdminResult.Failed($"Group {groupId} has no offsets for {topic}.");
        try
        {
            await admin.Client.DeleteConsumerGroupOffsetsAsync(groupId, partitions, new DeleteConsumerGroupOffsetsOptions { RequestTimeout = admin.Timeout }).OffPollThread();
            logger.LogInformation("Deleted offsets of group {Group} for topic {Topic}", groupId, topic);
            cluster.RequestRefresh();
            return AdminResult.Ok;
        }
        catch (DeleteConsumerGroupOffsetsException e)
        {
            var error = e.Result.Partitions.FirstOrDefault(p => p.Error.IsError)?.Error ?? e.Error;
            string reason = error.Code == ErrorCode.GroupSubscribedToTopic
                ? $"Members of {groupId} are still subscribed to {topic}: stop them (or unsubscribe) first."
                : error.Reason;
            return AdminResult.Failed(reason, error.Code.ToString());
        }
        catch (KafkaException e) { return AdminResult.Failed(e.Error.Reason, e.Error.Code.ToString()); }
    }
}
