using ControlCenter.Broker.Protocol;

namespace ControlCenter.Broker.Groups;

/// <summary>
/// A classic consumer group and its rebalance state machine (Kafka's ClassicGroup plus the
/// classic half of GroupMetadataManager): Empty → PreparingRebalance → CompletingRebalance →
/// Stable, with Dead as the end. Every method is called with the group locked.
/// </summary>
internal sealed class ClassicGroup(string groupId, long nowMs)
{
    private readonly Dictionary<string, long> _pendingMembers = new(StringComparer.Ordinal);
    private long _rebalanceDeadline;
    private long _initialDelayDeadline;
    private long _initialDelayRemainingMs;
    private bool _newMemberAdded;

    public string GroupId { get; } = groupId;
    public GroupState State { get; private set; } = GroupState.Empty;
    public int GenerationId { get; private set; }
    public string? ProtocolType { get; set; }
    public string? ProtocolName { get; private set; }
    public string? LeaderId { get; private set; }
    public long StateTimestampMs { get; private set; } = nowMs;
    public Dictionary<string, GroupMember> Members { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string Topic, int Partition), CommittedOffset> Offsets { get; } = new();

    /// <summary>
    /// The group's membership when it speaks the consumer protocol (KIP-848); null for a classic
    /// group. A group is one or the other: either protocol may take it over while it has no members.
    /// </summary>
    public Consumer.ConsumerGroup? Consumer { get; set; }
    /// <summary>"consumer" or "classic", as ListGroups v5 reports it.</summary>
    public string GroupType => Consumer is not null ? "consumer" : "classic";
    /// <summary>The state name clients see: the consumer protocol's own states for a consumer-protocol group.</summary>
    public string StateName => Consumer?.StateName ?? State.ToString();
    /// <summary>True when no member of either protocol is in the group.</summary>
    public bool IsEmpty => State == GroupState.Empty && (Consumer is null || Consumer.Members.Count == 0);

    /// <summary>Records when a consumer-protocol group last emptied (offsets retention counts from then).</summary>
    public void ConsumerStateChanged(long nowMs)
    {
        bool empty = Consumer!.Members.Count == 0;
        if (empty != _consumerWasEmpty) StateTimestampMs = nowMs;
        _consumerWasEmpty = empty;
    }

    private bool _consumerWasEmpty = true;

    /// <summary>Set whenever the group state worth persisting changed (a generation completed, or it emptied).</summary>
    public bool MetadataChanged { get; set; }

    public bool IsPendingMember(string memberId) => _pendingMembers.ContainsKey(memberId);
    public bool HasStaticMember(string instanceId) => Members.Values.Any(m => m.GroupInstanceId == instanceId);
    public GroupMember? StaticMember(string instanceId) => Members.Values.FirstOrDefault(m => m.GroupInstanceId == instanceId);

    private void TransitionTo(GroupState state, long nowMs)
    {
        State = state;
        StateTimestampMs = nowMs;
    }

    /// <summary>The protocol type matches and at least one protocol is shared with every member.</summary>
    public bool SupportsProtocols(string protocolType, IEnumerable<string> protocols)
    {
        if (Members.Count == 0) return !string.IsNullOrEmpty(protocolType) && protocols.Any();
        if (ProtocolType != protocolType) return false;
        var candidates = CandidateProtocols();
        return protocols.Any(candidates.Contains);
    }

    private HashSet<string> CandidateProtocols()
    {
        HashSet<string>? common = null;
        foreach (var m in Members.Values)
        {
            var names = m.Protocols.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            if (common is null) common = names; else common.IntersectWith(names);
        }
        return common ?? [];
    }

    /// <summary>Each member votes for its most preferred protocol among those all members support.</summary>
    private string SelectProtocol()
    {
        var candidates = CandidateProtocols();
        return Members.Values
            .Select(m => m.Protocols.First(p => candidates.Contains(p.Name)).Name)
            .GroupBy(n => n).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
    }

    public void AddPendingMember(string memberId, long deadline) => _pendingMembers[memberId] = deadline;

    /// <summary>A new member has joined: add it and start (or extend) a rebalance.</summary>
    public void AddMemberAndRebalance(GroupMember member, TaskCompletionSource<JoinResult> waiter, long nowMs, int initialDelayMs)
    {
        _pendingMembers.Remove(member.MemberId);
        Members[member.MemberId] = member;
        LeaderId ??= member.MemberId;
        member.JoinWaiter = waiter;
        if (State == GroupState.PreparingRebalance && _initialDelayDeadline > 0) _newMemberAdded = true;
        MaybePrepareRebalance(nowMs, initialDelayMs);
    }

    /// <summary>A known member rejoined: refresh its protocols and make it wait for the new generation.</summary>
    public void UpdateMemberAndRebalance(GroupMember member, List<(string, byte[])> protocols, TaskCompletionSource<JoinResult> waiter, long nowMs, int initialDelayMs)
    {
        member.Protocols = protocols;
        member.JoinWaiter = waiter;
        MaybePrepareRebalance(nowMs, initialDelayMs);
    }

    public void MaybePrepareRebalance(long nowMs, int initialDelayMs)
    {
        if (State is GroupState.Stable or GroupState.CompletingRebalance or GroupState.Empty) PrepareRebalance(nowMs, initialDelayMs);
        else if (State == GroupState.PreparingRebalance) TryCompleteJoin(nowMs);
    }

    private void PrepareRebalance(long nowMs, int initialDelayMs)
    {
        if (State == GroupState.CompletingRebalance)
            foreach (var m in Members.Values)
            {
                m.Assignment = [];
                m.CompleteSync(SyncResult.Failed(ErrorCode.RebalanceInProgress));
            }
        int rebalanceTimeout = Members.Count == 0 ? 0 : Members.Values.Max(m => m.RebalanceTimeoutMs);
        long tick = nowMs;
        if (State == GroupState.Empty && initialDelayMs > 0)
        {
            // InitialDelayedJoin: give other members of a brand-new group a moment to arrive.
            _initialDelayDeadline = tick + Math.Min(initialDelayMs, Math.Max(rebalanceTimeout, 1));
            _initialDelayRemainingMs = Math.Max(rebalanceTimeout - initialDelayMs, 0);
            _newMemberAdded = false;
        }
        else _initialDelayDeadline = 0;
        _rebalanceDeadline = tick + rebalanceTimeout;
        TransitionTo(GroupState.PreparingRebalance, nowMs);
        TryCompleteJoin(nowMs);
    }

    private bool AllMembersJoined => _pendingMembers.Count == 0 && Members.Values.All(m => m.IsAwaitingJoin);

    /// <summary>Completes the join phase if everyone is in (outside the initial delay).</summary>
    public void TryCompleteJoin(long nowMs)
    {
        if (State == GroupState.PreparingRebalance && _initialDelayDeadline == 0 && AllMembersJoined) CompleteJoin(nowMs);
    }

    /// <summary>Drives timeouts: initial delay, rebalance timeout, pending members and member sessions.</summary>
    public void Tick(long nowMs, int initialDelayMs)
    {
        long tick = nowMs;
        foreach (var pending in _pendingMembers.Where(p => p.Value <= tick).Select(p => p.Key).ToList())
            _pendingMembers.Remove(pending);

        foreach (var member in Members.Values.ToList())
            if (!member.IsAwaitingJoin && !member.IsAwaitingSync && member.SessionDeadline <= tick)
                RemoveMember(member.MemberId, ErrorCode.UnknownMemberId, nowMs, initialDelayMs);

        if (State != GroupState.PreparingRebalance) return;
        if (_initialDelayDeadline > 0)
        {
            if (tick < _initialDelayDeadline) return;
            if (_newMemberAdded && _initialDelayRemainingMs > 0)
            {
                long delay = Math.Min(initialDelayMs, _initialDelayRemainingMs);
                _initialDelayRemainingMs = Math.Max(_initialDelayRemainingMs - initialDelayMs, 0);
                _initialDelayDeadline = tick + delay;
                _newMemberAdded = false;
                return;
            }
            _initialDelayDeadline = 0;
            CompleteJoin(nowMs);
        }
        else if (AllMembersJoined || tick >= _rebalanceDeadline) CompleteJoin(nowMs);
    }

    /// <summary>
    /// Ends the join phase (onCompleteJoin): members that did not rejoin are removed, the
    /// generation advances, and every waiting member gets its JoinGroup response — the leader
    /// with all members' metadata so it can compute the assignment.
    /// </summary>
    private void CompleteJoin(long nowMs)
    {
        foreach (var gone in Members.Values.Where(m => !m.IsAwaitingJoin).ToList()) Members.Remove(gone.MemberId);
        _pendingMembers.Clear();
        GenerationId++;
        MetadataChanged = true;
        if (Members.Count == 0)
        {
            ProtocolName = null;
            LeaderId = null;
            TransitionTo(GroupState.Empty, nowMs);
            return;
        }
        if (LeaderId is null || !Members.ContainsKey(LeaderId)) LeaderId = Members.Keys.First();
        ProtocolName = SelectProtocol();
        TransitionTo(GroupState.CompletingRebalance, nowMs);
        var all = Members.Values.Select(m => (m.MemberId, m.GroupInstanceId, m.MetadataFor(ProtocolName))).ToList();
        long tick = nowMs;
        foreach (var m in Members.Values)
        {
            m.SessionDeadline = tick + m.SessionTimeoutMs;
            m.CompleteJoin(new JoinResult(ErrorCode.None, GenerationId, ProtocolName, LeaderId, m.MemberId, m.MemberId == LeaderId ? all : []));
        }
    }

    /// <summary>The current generation as a JoinGroup response, for a member that rejoins without changes.</summary>
    public JoinResult CurrentGeneration(GroupMember member) =>
        new(ErrorCode.None, GenerationId, ProtocolName, LeaderId ?? "", member.MemberId,
            member.MemberId == LeaderId ? Members.Values.Select(m => (m.MemberId, m.GroupInstanceId, m.MetadataFor(ProtocolName))).ToList() : []);

    /// <summary>The leader's SyncGroup: store everyone's assignment, answer all waiting syncs, become Stable.</summary>
    public void CompleteSync(IReadOnlyDictionary<string, byte[]> assignments, long nowMs)
    {
        foreach (var m in Members.Values)
            m.Assignment = assignments.TryGetValue(m.MemberId, out var a) ? a : [];
        TransitionTo(GroupState.Stable, nowMs);
        MetadataChanged = true;
        foreach (var m in Members.Values) m.CompleteSync(new SyncResult(ErrorCode.None, m.Assignment));
    }

    /// <summary>Removes a member (leave or session expiry) and lets the group react.</summary>
    public void RemoveMember(string memberId, ErrorCode reasonForWaiters, long nowMs, int initialDelayMs)
    {
        if (!Members.Remove(memberId, out var member)) return;
        member.CompleteJoin(JoinResult.Failed(reasonForWaiters, memberId));
        member.CompleteSync(SyncResult.Failed(reasonForWaiters));
        if (LeaderId == memberId) LeaderId = Members.Keys.FirstOrDefault();
        switch (State)
        {
            case GroupState.Stable or GroupState.CompletingRebalance: PrepareRebalance(nowMs, 0); break;
            case GroupState.PreparingRebalance: TryCompleteJoin(nowMs); break;
        }
    }

    public void MarkDead(long nowMs)
    {
        foreach (var m in Members.Values)
        {
            m.CompleteJoin(JoinResult.Failed(ErrorCode.CoordinatorNotAvailable, m.MemberId));
            m.CompleteSync(SyncResult.Failed(ErrorCode.CoordinatorNotAvailable));
        }
        Members.Clear();
        Offsets.Clear();
        TransitionTo(GroupState.Dead, nowMs);
    }

    /// <summary>Restores a group from __consumer_offsets: Empty, with its last generation and protocol type; members rejoin.</summary>
    public void Restore(GroupMetadataRecord record)
    {
        GenerationId = record.Generation;
        ProtocolType = record.ProtocolType.Length == 0 ? null : record.ProtocolType;
        State = GroupState.Empty;
        if (record.CurrentStateTimestamp > 0) StateTimestampMs = record.CurrentStateTimestamp;
    }

    public GroupMetadataRecord ToRecord() => new(ProtocolType ?? "", GenerationId,
        State is GroupState.CompletingRebalance or GroupState.Stable ? ProtocolName : null,
        State is GroupState.CompletingRebalance or GroupState.Stable ? LeaderId : null, StateTimestampMs,
        Members.Values.Select(m => new GroupMetadataRecord.Member(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost,
            m.RebalanceTimeoutMs, m.SessionTimeoutMs, m.MetadataFor(ProtocolName), m.Assignment)).ToList());
}
