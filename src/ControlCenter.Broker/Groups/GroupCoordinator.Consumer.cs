using ControlCenter.Broker.Config;
using ControlCenter.Broker.Groups.Consumer;
using ControlCenter.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Groups;

/// <summary>A ConsumerGroupHeartbeat request; null fields mean "unchanged since the last heartbeat".</summary>
internal sealed record ConsumerHeartbeat(string GroupId, string MemberId, int MemberEpoch, string? InstanceId, string? RackId,
    int RebalanceTimeoutMs, IReadOnlyList<string>? SubscribedTopicNames, string? SubscribedTopicRegex, string? ServerAssignor,
    IReadOnlySet<TopicIdPartition>? OwnedPartitions, string ClientId, string ClientHost);

/// <summary>The answer to a heartbeat; <see cref="Assignment"/> is null when it did not change.</summary>
internal sealed record ConsumerHeartbeatResult(ErrorCode Error, string? Message, string? MemberId, int MemberEpoch, int HeartbeatIntervalMs,
    IReadOnlySet<TopicIdPartition>? Assignment)
{
    public static ConsumerHeartbeatResult Failed(ErrorCode error, string message) => new(error, message, null, -1, 0, null);
}

/// <summary>The consumer group protocol (KIP-848): heartbeats that carry membership and assignment.</summary>
internal sealed partial class GroupCoordinator
{
    public const int LeaveEpoch = -1, StaticLeaveEpoch = -2;

    private int ConsumerSessionTimeoutMs => Config.GetInt(BrokerConfigKeys.GroupConsumerSessionTimeoutMs);
    private int ConsumerHeartbeatIntervalMs => Config.GetInt(BrokerConfigKeys.GroupConsumerHeartbeatIntervalMs);
    private IReadOnlyList<string> ConsumerAssignors => (Config.Get(BrokerConfigKeys.GroupConsumerAssignors) ?? "uniform")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Topics as the assignors see them: every topic but the internal ones.</summary>
    private List<SubscribedTopic> AssignableTopics() =>
        _broker.Logs.Topics.Where(t => !t.IsInternal).Select(t => new SubscribedTopic(t.Id, t.Name, t.Partitions.Length)).ToList();

    public ConsumerHeartbeatResult ConsumerGroupHeartbeat(ConsumerHeartbeat request)
    {
        if (Validate(request) is { } invalid) return invalid;
        EnsureOffsetsTopic();
        if (CoordinatorError(request.GroupId) is var notHere and not ErrorCode.None)
            return ConsumerHeartbeatResult.Failed(notHere, $"Node {_broker.NodeId} is not the coordinator of group {request.GroupId}");
        var group = request.MemberEpoch == 0
            ? _groups.GetOrAdd(request.GroupId, id => new ClassicGroup(id, NowMs))
            : _groups.GetValueOrDefault(request.GroupId);
        if (group is null) return ConsumerHeartbeatResult.Failed(ErrorCode.UnknownMemberId, $"Group {request.GroupId} has no member {request.MemberId}.");
        lock (group)
        {
            if (group.State == GroupState.Dead) return ConsumerHeartbeatResult.Failed(ErrorCode.CoordinatorNotAvailable, "The group was just deleted; retry.");
            if (group.Members.Count > 0)
                return ConsumerHeartbeatResult.Failed(ErrorCode.InconsistentGroupProtocol,
                    $"Group {request.GroupId} has classic members; it becomes a consumer-protocol group once they have left.");
            var consumers = group.Consumer ??= new ConsumerGroup();
            var result = request.MemberEpoch switch
            {
                LeaveEpoch or StaticLeaveEpoch => Leave(group, consumers, request),
                0 => Join(group, consumers, request),
                _ => Beat(group, consumers, request),
            };
            group.ConsumerStateChanged(NowMs);
            return result;
        }
    }

    private ConsumerHeartbeatResult? Validate(ConsumerHeartbeat request)
    {
        string? problem =
            string.IsNullOrEmpty(request.GroupId) ? "GroupId can't be empty."
            : request.InstanceId is "" ? "InstanceId can't be empty."
            : request.MemberEpoch != 0 && string.IsNullOrEmpty(request.MemberId) ? "MemberId can't be empty."
            : request.MemberEpoch < StaticLeaveEpoch ? $"MemberEpoch {request.MemberEpoch} is not valid."
            : request.MemberEpoch == 0 && request.SubscribedTopicNames is null && request.SubscribedTopicRegex is null ? "A joining member must say what it subscribes to."
            : request.MemberEpoch == 0 && request.OwnedPartitions is { Count: > 0 } ? "A joining member owns no partitions."
            : null;
        if (problem is not null) return ConsumerHeartbeatResult.Failed(string.IsNullOrEmpty(request.GroupId) ? ErrorCode.InvalidGroupId : ErrorCode.InvalidRequest, problem);
        if (request.ServerAssignor is { } assignor && !ConsumerAssignors.Contains(assignor))
            return ConsumerHeartbeatResult.Failed(ErrorCode.UnsupportedAssignor, $"Assignor {assignor} is not one of {string.Join(", ", ConsumerAssignors)}.");
        if (request.SubscribedTopicRegex is { Length: > 0 } regex)
        {
            try { ConsumerGroup.Pattern(regex); }
            catch (ArgumentException e) { return ConsumerHeartbeatResult.Failed(ErrorCode.InvalidRegularExpression, $"Invalid regular expression {regex}: {e.Message}"); }
        }
        return null;
    }

    private ConsumerHeartbeatResult Join(ClassicGroup group, ConsumerGroup consumers, ConsumerHeartbeat request)
    {
        ConsumerGroupMember member;
        if (request.InstanceId is { } instance && consumers.StaticMember(instance) is { } previous)
        {
            // A static member returning: it takes over its predecessor's epoch and partitions (no rebalance),
            // unless the predecessor never said it was leaving.
            if (!previous.LeftTemporarily)
                return ConsumerHeartbeatResult.Failed(ErrorCode.UnreleasedInstanceId, $"Instance {instance} is still in use by member {previous.MemberId}.");
            string oldId = previous.MemberId, newId = NewMemberId(request);
            consumers.Members.Remove(oldId);
            member = previous;
            member.MemberId = newId;
            member.LeftTemporarily = false;
            member.AssignmentChanged = true;
            consumers.Members[newId] = member;
            if (oldId != newId && consumers.Target.Remove(oldId, out var target)) consumers.Target[newId] = target;
        }
        else
        {
            if (request.MemberId.Length > 0 && consumers.Members.ContainsKey(request.MemberId))
                consumers.RemoveMember(request.MemberId); // a member starting over (it was fenced): it rejoins from nothing
            if (consumers.Members.Count >= Config.GetInt(BrokerConfigKeys.GroupConsumerMaxSize))
                return ConsumerHeartbeatResult.Failed(ErrorCode.GroupMaxSizeReached, $"Group {request.GroupId} is full.");
            member = new ConsumerGroupMember(NewMemberId(request)) { InstanceId = request.InstanceId };
            consumers.Members[member.MemberId] = member;
            consumers.BumpGroupEpoch();
            _logger.LogDebug("Member {Member} joined consumer group {Group}", member.MemberId, group.GroupId);
        }
        member.ClientId = request.ClientId;
        member.ClientHost = request.ClientHost;
        return Beat(group, consumers, request with { MemberId = member.MemberId, MemberEpoch = member.MemberEpoch }, joined: true);
    }

    /// <summary>v1 clients choose their member id (KIP-1082); v0 clients leave it to the coordinator.</summary>
    private static string NewMemberId(ConsumerHeartbeat request) =>
        request.MemberId.Length > 0 ? request.MemberId : Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private ConsumerHeartbeatResult Beat(ClassicGroup group, ConsumerGroup consumers, ConsumerHeartbeat request, bool joined = false)
    {
        if (!consumers.Members.TryGetValue(request.MemberId, out var member))
            return ConsumerHeartbeatResult.Failed(ErrorCode.UnknownMemberId, $"Group {request.GroupId} has no member {request.MemberId}.");
        if (!joined && request.MemberEpoch != member.MemberEpoch)
        {
            // A heartbeat whose answer was lost may carry the previous epoch, if it owns nothing it should not.
            bool lostAnswer = request.MemberEpoch == member.PreviousMemberEpoch && request.OwnedPartitions is { } owned && owned.IsSubsetOf(member.Assigned);
            if (!lostAnswer)
                return ConsumerHeartbeatResult.Failed(ErrorCode.FencedMemberEpoch,
                    $"Member {member.MemberId} is at epoch {member.MemberEpoch}, not {request.MemberEpoch}; it must rejoin.");
        }
        if (request.InstanceId is not null && member.InstanceId != request.InstanceId)
            return ConsumerHeartbeatResult.Failed(ErrorCode.FencedInstanceId, $"Member {member.MemberId} is not instance {request.InstanceId}.");

        bool subscriptionChanged = false;
        if (request.SubscribedTopicNames is { } names && !names.Order(StringComparer.Ordinal).SequenceEqual(member.SubscribedTopicNames.Order(StringComparer.Ordinal)))
            (member.SubscribedTopicNames, subscriptionChanged) = (names.ToList(), true);
        if (request.SubscribedTopicRegex is { } regex && regex != (member.SubscribedTopicRegex ?? ""))
            (member.SubscribedTopicRegex, subscriptionChanged) = (regex.Length == 0 ? null : regex, true);
        if (request.ServerAssignor is { } assignor && assignor != member.ServerAssignor)
            (member.ServerAssignor, subscriptionChanged) = (assignor, true);
        if (request.RackId is not null) member.RackId = request.RackId;
        if (request.RebalanceTimeoutMs > 0) member.RebalanceTimeoutMs = request.RebalanceTimeoutMs;
        if (subscriptionChanged && !joined) consumers.BumpGroupEpoch();
        member.SessionDeadline = NowMs + ConsumerSessionTimeoutMs;

        consumers.UpdateTarget(AssignableTopics(), ConsumerAssignors.FirstOrDefault() ?? PartitionAssignors.Uniform);
        consumers.Reconcile(member, request.OwnedPartitions, NowMs);

        var assignment = member.AssignmentChanged || joined ? member.Assigned : null;
        member.AssignmentChanged = false;
        return new ConsumerHeartbeatResult(ErrorCode.None, null, member.MemberId, member.MemberEpoch, ConsumerHeartbeatIntervalMs,
            assignment?.ToHashSet());
    }

    private ConsumerHeartbeatResult Leave(ClassicGroup group, ConsumerGroup consumers, ConsumerHeartbeat request)
    {
        var member = consumers.Members.GetValueOrDefault(request.MemberId)
            ?? (request.InstanceId is { } instance ? consumers.StaticMember(instance) : null);
        if (member is null)
            return ConsumerHeartbeatResult.Failed(ErrorCode.UnknownMemberId, $"Group {request.GroupId} has no member {request.MemberId}.");
        if (request.MemberEpoch == StaticLeaveEpoch && member.InstanceId is not null)
        {
            // A static member going away for a moment keeps its partitions until its session ends.
            member.LeftTemporarily = true;
            member.SessionDeadline = NowMs + ConsumerSessionTimeoutMs;
        }
        else
        {
            consumers.RemoveMember(member.MemberId);
            consumers.UpdateTarget(AssignableTopics(), ConsumerAssignors.FirstOrDefault() ?? PartitionAssignors.Uniform);
            _logger.LogDebug("Member {Member} left consumer group {Group}", member.MemberId, group.GroupId);
        }
        return new ConsumerHeartbeatResult(ErrorCode.None, null, member.MemberId, request.MemberEpoch, 0, null);
    }

    /// <summary>Sessions and revocations that ran out: the member is fenced and its partitions go to the others.</summary>
    private void ExpireConsumerMembers(ClassicGroup group)
    {
        if (group.Consumer is not { } consumers) return;
        long now = NowMs;
        var expired = consumers.Members.Values
            .Where(m => m.SessionDeadline <= now || (m.RevocationDeadline > 0 && m.RevocationDeadline <= now)).ToList();
        if (expired.Count == 0) return;
        foreach (var member in expired)
        {
            consumers.RemoveMember(member.MemberId);
            _logger.LogInformation("Member {Member} of consumer group {Group} fenced: {Reason}", member.MemberId, group.GroupId,
                member.SessionDeadline <= now ? "session timed out" : "partitions not revoked within the rebalance timeout");
        }
        consumers.UpdateTarget(AssignableTopics(), ConsumerAssignors.FirstOrDefault() ?? PartitionAssignors.Uniform);
        group.ConsumerStateChanged(now);
    }

    /// <summary>Validates an offset commit from a consumer-protocol member: its member epoch must be current.</summary>
    private static ErrorCode ValidateConsumerCommit(ConsumerGroup consumers, int memberEpoch, string memberId)
    {
        if (memberEpoch < 0 && memberId.Length == 0)
            return consumers.Members.Count == 0 ? ErrorCode.None : ErrorCode.UnknownMemberId; // an admin commit, only while empty
        if (!consumers.Members.TryGetValue(memberId, out var member)) return ErrorCode.UnknownMemberId;
        return memberEpoch == member.MemberEpoch ? ErrorCode.None : ErrorCode.StaleMemberEpoch;
    }

    /// <summary>
    /// OffsetFetch v9 from a consumer-protocol member names itself: an unknown member or a stale
    /// epoch is refused for the whole group, as Kafka does. Without a member (admin tools, classic
    /// members) anyone may read.
    /// </summary>
    public ErrorCode ValidateOffsetFetch(string groupId, string? memberId, int memberEpoch)
    {
        if (string.IsNullOrEmpty(groupId)) return ErrorCode.InvalidGroupId;
        if (CoordinatorError(groupId) is var notHere and not ErrorCode.None) return notHere;
        if (string.IsNullOrEmpty(memberId) || memberEpoch < 0) return ErrorCode.None;
        var group = _groups.GetValueOrDefault(groupId);
        if (group is null) return ErrorCode.UnknownMemberId;
        lock (group)
        {
            if (group.Consumer is not { } consumers) return ErrorCode.None; // a classic group's member epoch means nothing here
            if (!consumers.Members.TryGetValue(memberId, out var member)) return ErrorCode.UnknownMemberId;
            return member.MemberEpoch == memberEpoch ? ErrorCode.None : ErrorCode.StaleMemberEpoch;
        }
    }
}
