using System.Collections.Concurrent;
using ControlCenter.Broker.Config;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Server;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Groups;

/// <summary>Parameters of a JoinGroup request.</summary>
internal sealed record JoinRequest(string GroupId, int SessionTimeoutMs, int RebalanceTimeoutMs, string MemberId, string? GroupInstanceId,
    string ProtocolType, List<(string Name, byte[] Metadata)> Protocols, string ClientId, string ClientHost, bool RequireKnownMemberId);

/// <summary>
/// The classic group coordinator: membership (join, sync, heartbeat, leave), group admin, and
/// offsets (in GroupCoordinator.Offsets.cs). Each group is guarded by its own lock; a 100 ms
/// tick drives session expiry, rebalance timeouts and the initial rebalance delay.
/// </summary>
internal sealed partial class GroupCoordinator : IDisposable
{
    private readonly BrokerContext _broker;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ClassicGroup> _groups = new(StringComparer.Ordinal);
    private readonly ITimer _ticker;

    public GroupCoordinator(BrokerContext broker, ILogger logger)
    {
        _broker = broker;
        _logger = logger;
        _ticker = broker.Logs.Time.CreateTimer(_ => Tick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private BrokerConfig Config => _broker.Logs.BrokerConfig;
    private int InitialDelayMs => Config.GetInt(BrokerConfigKeys.GroupInitialRebalanceDelayMs);
    private long NowMs => _broker.NowMs;

    /// <summary>The groups this node coordinates (every group on a single broker).</summary>
    public IReadOnlyCollection<ClassicGroup> Groups => _groups.Values.Where(g => g.State != GroupState.Dead).ToList();

    private void Tick()
    {
        foreach (var group in _groups.Values)
        {
            lock (group)
            {
                group.Tick(NowMs, InitialDelayMs);
                ExpireConsumerMembers(group);
                PersistIfChanged(group);
            }
        }
    }

    // ------------------------------------------------------------------ join

    public async Task<JoinResult> JoinGroupAsync(JoinRequest request, CancellationToken cancellation)
    {
        if (string.IsNullOrEmpty(request.GroupId)) return JoinResult.Failed(ErrorCode.InvalidGroupId, request.MemberId);
        if (request.SessionTimeoutMs < Config.GetInt(BrokerConfigKeys.GroupMinSessionTimeoutMs)
            || request.SessionTimeoutMs > Config.GetInt(BrokerConfigKeys.GroupMaxSessionTimeoutMs))
            return JoinResult.Failed(ErrorCode.InvalidSessionTimeout, request.MemberId);
        EnsureOffsetsTopic();
        if (CoordinatorError(request.GroupId) is var notHere and not ErrorCode.None) return JoinResult.Failed(notHere, request.MemberId);

        var group = request.MemberId.Length == 0
            ? _groups.GetOrAdd(request.GroupId, id => new ClassicGroup(id, NowMs))
            : _groups.GetValueOrDefault(request.GroupId);
        if (group is null) return JoinResult.Failed(ErrorCode.UnknownMemberId, request.MemberId);

        Task<JoinResult> pending;
        lock (group)
        {
            // A group deleted while this request was on its way: the client retries and finds a fresh one.
            if (group.State == GroupState.Dead) return JoinResult.Failed(ErrorCode.CoordinatorNotAvailable, request.MemberId);
            if (group.Consumer is { } consumers)
            {
                // A consumer-protocol group with members stays one; an empty one becomes classic again.
                if (consumers.Members.Count > 0) return JoinResult.Failed(ErrorCode.InconsistentGroupProtocol, request.MemberId);
                group.Consumer = null;
            }
            if (!group.SupportsProtocols(request.ProtocolType, request.Protocols.Select(p => p.Name)))
                return JoinResult.Failed(ErrorCode.InconsistentGroupProtocol, request.MemberId);
            if (group.Members.Count >= Config.GetInt(BrokerConfigKeys.GroupMaxSize) && !group.Members.ContainsKey(request.MemberId))
                return JoinResult.Failed(ErrorCode.GroupMaxSizeReached, request.MemberId);
            var waiter = new TaskCompletionSource<JoinResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var immediate = request.MemberId.Length == 0 ? JoinNewMember(group, request, waiter) : JoinKnownMember(group, request, waiter);
            if (immediate is not null) return immediate;
            pending = waiter.Task;
            PersistIfChanged(group);
        }
        return await pending.WaitAsync(cancellation);
    }

    private JoinResult? JoinNewMember(ClassicGroup group, JoinRequest request, TaskCompletionSource<JoinResult> waiter)
    {
        string memberId = $"{request.GroupInstanceId ?? request.ClientId}-{Guid.NewGuid()}";
        if (request.GroupInstanceId is { } instance && group.StaticMember(instance) is { } previous)
        {
            // A static member restarted: the old incarnation is replaced by the new one.
            group.RemoveMember(previous.MemberId, ErrorCode.FencedInstanceId, NowMs, InitialDelayMs);
        }
        else if (request.RequireKnownMemberId)
        {
            // JoinGroup v4+: hand out the id first; the member rejoins with it (KIP-394).
            group.AddPendingMember(memberId, NowMs + request.SessionTimeoutMs);
            return JoinResult.Failed(ErrorCode.MemberIdRequired, memberId);
        }
        AddMember(group, request, memberId, waiter);
        return null;
    }

    private JoinResult? JoinKnownMember(ClassicGroup group, JoinRequest request, TaskCompletionSource<JoinResult> waiter)
    {
        if (group.IsPendingMember(request.MemberId))
        {
            AddMember(group, request, request.MemberId, waiter);
            return null;
        }
        if (!group.Members.TryGetValue(request.MemberId, out var member))
            return JoinResult.Failed(ErrorCode.UnknownMemberId, request.MemberId);
        if (request.GroupInstanceId is not null && member.GroupInstanceId != request.GroupInstanceId)
            return JoinResult.Failed(ErrorCode.FencedInstanceId, request.MemberId);
        member.SessionTimeoutMs = request.SessionTimeoutMs;
        member.RebalanceTimeoutMs = request.RebalanceTimeoutMs;
        member.SessionDeadline = NowMs + request.SessionTimeoutMs;
        switch (group.State)
        {
            case GroupState.PreparingRebalance:
                group.UpdateMemberAndRebalance(member, request.Protocols, waiter, NowMs, InitialDelayMs);
                return null;
            case GroupState.CompletingRebalance when member.Matches(request.Protocols):
                return group.CurrentGeneration(member); // a duplicate join while syncing: same answer again
            case GroupState.Stable when member.MemberId != group.LeaderId && member.Matches(request.Protocols):
                return group.CurrentGeneration(member);
            case GroupState.CompletingRebalance or GroupState.Stable:
                group.UpdateMemberAndRebalance(member, request.Protocols, waiter, NowMs, InitialDelayMs);
                return null;
            default:
                return JoinResult.Failed(ErrorCode.UnknownMemberId, request.MemberId);
        }
    }

    private void AddMember(ClassicGroup group, JoinRequest request, string memberId, TaskCompletionSource<JoinResult> waiter)
    {
        if (group.Members.Count == 0) group.ProtocolType = request.ProtocolType;
        var member = new GroupMember(memberId, request.GroupInstanceId, request.ClientId, request.ClientHost)
        {
            SessionTimeoutMs = request.SessionTimeoutMs,
            RebalanceTimeoutMs = request.RebalanceTimeoutMs,
            Protocols = request.Protocols,
            SessionDeadline = NowMs + request.SessionTimeoutMs,
        };
        group.AddMemberAndRebalance(member, waiter, NowMs, InitialDelayMs);
        _logger.LogDebug("Member {Member} joined group {Group}", memberId, group.GroupId);
    }

    // ------------------------------------------------------------------ sync, heartbeat, leave

    public async Task<SyncResult> SyncGroupAsync(string groupId, int generation, string memberId, string? instanceId,
        Dictionary<string, byte[]> assignments, CancellationToken cancellation)
    {
        if (CoordinatorError(groupId) is var notHere and not ErrorCode.None) return SyncResult.Failed(notHere);
        var group = _groups.GetValueOrDefault(groupId);
        if (group is null) return SyncResult.Failed(ErrorCode.UnknownMemberId);
        Task<SyncResult> pending;
        lock (group)
        {
            if (group.State == GroupState.Dead) return SyncResult.Failed(ErrorCode.CoordinatorNotAvailable);
            if (!group.Members.TryGetValue(memberId, out var member)) return SyncResult.Failed(ErrorCode.UnknownMemberId);
            if (instanceId is not null && member.GroupInstanceId != instanceId) return SyncResult.Failed(ErrorCode.FencedInstanceId);
            if (generation != group.GenerationId) return SyncResult.Failed(ErrorCode.IllegalGeneration);
            member.SessionDeadline = NowMs + member.SessionTimeoutMs;
            switch (group.State)
            {
                case GroupState.Empty: return SyncResult.Failed(ErrorCode.UnknownMemberId);
                case GroupState.PreparingRebalance: return SyncResult.Failed(ErrorCode.RebalanceInProgress);
                case GroupState.Stable: return new SyncResult(ErrorCode.None, member.Assignment);
            }
            var waiter = new TaskCompletionSource<SyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            member.SyncWaiter = waiter;
            pending = waiter.Task;
            if (memberId == group.LeaderId) group.CompleteSync(assignments, NowMs);
            PersistIfChanged(group);
        }
        return await pending.WaitAsync(cancellation);
    }

    public ErrorCode Heartbeat(string groupId, int generation, string memberId, string? instanceId)
    {
        if (CoordinatorError(groupId) is var notHere and not ErrorCode.None) return notHere;
        var group = _groups.GetValueOrDefault(groupId);
        if (group is null) return ErrorCode.UnknownMemberId;
        lock (group)
        {
            if (group.State == GroupState.Dead) return ErrorCode.CoordinatorNotAvailable;
            if (!group.Members.TryGetValue(memberId, out var member)) return ErrorCode.UnknownMemberId;
            if (instanceId is not null && member.GroupInstanceId != instanceId) return ErrorCode.FencedInstanceId;
            member.SessionDeadline = NowMs + member.SessionTimeoutMs;
            return group.State switch
            {
                GroupState.Empty => ErrorCode.UnknownMemberId,
                GroupState.PreparingRebalance => ErrorCode.RebalanceInProgress,
                _ when generation != group.GenerationId => ErrorCode.IllegalGeneration,
                _ => ErrorCode.None,
            };
        }
    }

    /// <summary>LeaveGroup for one member (v0–2) or a batch (v3+, by member id or static instance id).</summary>
    public List<(string MemberId, string? InstanceId, ErrorCode Error)> LeaveGroup(string groupId, List<(string MemberId, string? InstanceId)> leaving, out ErrorCode topLevel)
    {
        topLevel = CoordinatorError(groupId);
        if (topLevel != ErrorCode.None) return [];
        var results = new List<(string, string?, ErrorCode)>();
        var group = _groups.GetValueOrDefault(groupId);
        if (group is null) { topLevel = ErrorCode.UnknownMemberId; return leaving.Select(l => (l.MemberId, l.InstanceId, ErrorCode.UnknownMemberId)).ToList(); }
        lock (group)
        {
            if (group.State == GroupState.Dead) { topLevel = ErrorCode.CoordinatorNotAvailable; return []; }
            foreach (var (memberId, instanceId) in leaving)
            {
                var member = instanceId is not null ? group.StaticMember(instanceId) : group.Members.GetValueOrDefault(memberId);
                if (member is null) { results.Add((memberId, instanceId, ErrorCode.UnknownMemberId)); continue; }
                if (instanceId is not null && memberId.Length > 0 && member.MemberId != memberId)
                { results.Add((memberId, instanceId, ErrorCode.FencedInstanceId)); continue; }
                group.RemoveMember(member.MemberId, ErrorCode.UnknownMemberId, NowMs, InitialDelayMs);
                results.Add((member.MemberId, instanceId, ErrorCode.None));
                _logger.LogDebug("Member {Member} left group {Group}", member.MemberId, groupId);
            }
            PersistIfChanged(group);
        }
        if (leaving.Count == 1 && results[0].Item3 != ErrorCode.None) topLevel = results[0].Item3;
        return results;
    }

    // ------------------------------------------------------------------ admin

    /// <summary>A classic group's protocol type and chosen protocol (SyncGroup v5 names both); nulls when unknown.</summary>
    public (string? Type, string? Name) Protocol(string groupId)
    {
        if (Find(groupId) is not { } group) return (null, null);
        lock (group) return (group.ProtocolType, group.ProtocolName);
    }

    public ClassicGroup? Find(string groupId) => _groups.GetValueOrDefault(groupId) is { State: not GroupState.Dead } g ? g : null;

    public ErrorCode DeleteGroup(string groupId)
    {
        if (CoordinatorError(groupId) is var notHere and not ErrorCode.None) return notHere;
        var group = _groups.GetValueOrDefault(groupId);
        if (group is null || group.State == GroupState.Dead) return ErrorCode.GroupIdNotFound;
        lock (group)
        {
            if (!group.IsEmpty) return ErrorCode.NonEmptyGroup;
            WriteTombstones(group.GroupId, group.Offsets.Keys.ToList(), includeGroup: true);
            group.MarkDead(NowMs);
            _groups.TryRemove(new KeyValuePair<string, ClassicGroup>(groupId, group));
        }
        _logger.LogInformation("Deleted consumer group {Group}", groupId);
        return ErrorCode.None;
    }

    public void Start() => _ticker.Change(TickInterval, TickInterval);

    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    public void Dispose() => _ticker.Dispose();
}
