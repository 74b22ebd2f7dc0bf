using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Groups;

/// <summary>
/// Group coordination in a cluster: a node coordinates exactly the groups whose
/// __consumer_offsets partition it leads. It loads a partition's groups from its replica of
/// the log when it becomes the leader (every commit before that was replicated to it), and
/// drops them, failing their waiting members with COORDINATOR_NOT_AVAILABLE so they look the
/// coordinator up again, when leadership moves away.
/// </summary>
internal sealed partial class GroupCoordinator
{
    private readonly HashSet<int> _coordinated = new();

    private int OffsetsPartitionOf(string groupId) =>
        _broker.Logs.GetTopic(TopicNames.ConsumerOffsets) is { Partitions.Length: > 0 } topic
            ? OffsetsTopicRecords.PartitionFor(groupId, topic.Partitions.Length) : -1;

    /// <summary>
    /// NOT_COORDINATOR when this cluster node does not lead the group's offsets partition; a single
    /// broker coordinates every group. A node the controller has just made the leader, but which has
    /// not applied that metadata yet, answers COORDINATOR_LOAD_IN_PROGRESS as Kafka does while it
    /// loads a partition: clients retry the same node instead of giving up on the coordinator.
    /// </summary>
    public ErrorCode CoordinatorError(string groupId)
    {
        if (_broker.Replicas is null) return ErrorCode.None;
        int partition = OffsetsPartitionOf(groupId);
        if (partition >= 0) lock (_coordinated) if (_coordinated.Contains(partition)) return ErrorCode.None;
        var published = _broker.Controller?.Image;
        var topic = published?.Topics.GetValueOrDefault(TopicNames.ConsumerOffsets);
        if (topic is null) return partition < 0 ? ErrorCode.CoordinatorNotAvailable : ErrorCode.NotCoordinator;
        int wanted = OffsetsTopicRecords.PartitionFor(groupId, topic.Partitions.Length);
        return topic.Partitions[wanted].Leader == _broker.NodeId && !(_broker.Replicas.Isolated)
            ? ErrorCode.CoordinatorLoadInProgress : ErrorCode.NotCoordinator;
    }

    /// <summary>This node now leads offsets partition <paramref name="partition"/>: its groups are read from the log.</summary>
    public void OnBecomeLeader(int partition, UnifiedLog log)
    {
        lock (_coordinated)
        {
            DropGroupsOf(partition);
            int offsets = ReplayLog(log);
            foreach (var empty in _groups.Values.Where(g => OffsetsPartitionOf(g.GroupId) == partition && g.Offsets.Count == 0 && g.ProtocolType is null && g.GenerationId == 0).ToList())
                _groups.TryRemove(empty.GroupId, out _);
            _coordinated.Add(partition);
            _logger.LogInformation("Coordinating the groups of {Topic}-{Partition}: {Offsets} committed offsets loaded", TopicNames.ConsumerOffsets, partition, offsets);
        }
    }

    /// <summary>Leadership of offsets partition <paramref name="partition"/> moved away.</summary>
    public void OnResign(int partition)
    {
        lock (_coordinated)
        {
            if (!_coordinated.Remove(partition)) return;
            DropGroupsOf(partition);
        }
    }

    private void DropGroupsOf(int partition)
    {
        foreach (var group in _groups.Values.Where(g => OffsetsPartitionOf(g.GroupId) == partition).ToList())
        {
            lock (group) group.MarkDead(NowMs);
            _groups.TryRemove(group.GroupId, out _);
        }
    }
}
