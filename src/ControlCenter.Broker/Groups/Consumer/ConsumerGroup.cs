using System.Text.RegularExpressions;

namespace ControlCenter.Broker.Groups.Consumer;

/// <summary>
/// The membership of a consumer-protocol group (KIP-848). Three epochs drive it: the group epoch
/// moves whenever membership, subscriptions or the subscribed topics' partitions change; the
/// coordinator then computes a target assignment for every member with a server-side assignor
/// (the assignment epoch catches up); each member reconciles towards its target one heartbeat at
/// a time, giving partitions back before anyone else may take them, and reaches the new member
/// epoch once it holds nothing another member's target needs. Called with the owning group locked.
/// </summary>
internal sealed class ConsumerGroup
{
    private string _subscriptionFingerprint = "";

    public int GroupEpoch { get; private set; }
    public int AssignmentEpoch { get; private set; }
    /// <summary>The assignor that computed the current target.</summary>
    public string AssignorName { get; private set; } = PartitionAssignors.Uniform;
    public Dictionary<string, ConsumerGroupMember> Members { get; } = new(StringComparer.Ordinal);
    /// <summary>Each member's target assignment at <see cref="AssignmentEpoch"/>.</summary>
    public Dictionary<string, HashSet<TopicIdPartition>> Target { get; } = new(StringComparer.Ordinal);

    /// <summary>Kafka's ConsumerGroupState names, as ListGroups and ConsumerGroupDescribe report them.</summary>
    public string StateName =>
        Members.Count == 0 ? "Empty"
        : AssignmentEpoch < GroupEpoch ? "Assigning"
        : Members.Values.Any(m => m.MemberEpoch != AssignmentEpoch || m.State != MemberState.Stable) ? "Reconciling"
        : "Stable";

    public ConsumerGroupMember? StaticMember(string instanceId) => Members.Values.FirstOrDefault(m => m.InstanceId == instanceId);

    public void BumpGroupEpoch() => GroupEpoch++;

    public void RemoveMember(string memberId)
    {
        if (!Members.Remove(memberId)) return;
        Target.Remove(memberId);
        GroupEpoch++;
    }

    /// <summary>The topics some member subscribes to (by name or by regex) that exist now.</summary>
    public List<SubscribedTopic> SubscribedTopics(IReadOnlyList<SubscribedTopic> existing)
    {
        var names = Members.Values.SelectMany(m => m.SubscribedTopicNames).ToHashSet(StringComparer.Ordinal);
        var regexes = Members.Values.Select(m => m.SubscribedTopicRegex).Where(r => !string.IsNullOrEmpty(r)).Distinct().Select(r => Pattern(r!)).ToList();
        return existing.Where(t => names.Contains(t.Name) || regexes.Any(r => r.IsMatch(t.Name))).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Moves the group epoch when a subscribed topic appeared, went or gained partitions since the
    /// last look, then computes a new target whenever the assignment epoch is behind.
    /// </summary>
    public void UpdateTarget(IReadOnlyList<SubscribedTopic> existing, string defaultAssignor)
    {
        var subscribed = SubscribedTopics(existing);
        string fingerprint = string.Join(';', subscribed.Select(t => $"{t.Name}:{t.Id}:{t.Partitions}"));
        if (fingerprint != _subscriptionFingerprint)
        {
            // A join or a subscription change already moved the epoch; only topics changing under the group move it here.
            _subscriptionFingerprint = fingerprint;
            if (Members.Count > 0 && AssignmentEpoch == GroupEpoch) GroupEpoch++;
        }
        if (AssignmentEpoch == GroupEpoch) return;

        AssignorName = ChooseAssignor(defaultAssignor);
        var assignor = PartitionAssignors.Find(AssignorName)!;
        var input = Members.Values.Select(m => new AssignmentMember(m.MemberId, m.InstanceId, MemberTopics(m, subscribed),
            Target.GetValueOrDefault(m.MemberId) ?? [])).ToList();
        var target = assignor.Assign(input, subscribed);
        Target.Clear();
        foreach (var (memberId, partitions) in target) Target[memberId] = partitions;
        AssignmentEpoch = GroupEpoch;
    }

    /// <summary>The assignor most members ask for (ties by name), or the broker's default.</summary>
    private string ChooseAssignor(string defaultAssignor) =>
        Members.Values.Select(m => m.ServerAssignor).Where(a => a is not null)
            .GroupBy(a => a!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).FirstOrDefault() ?? defaultAssignor;

    private static HashSet<Guid> MemberTopics(ConsumerGroupMember member, List<SubscribedTopic> subscribed)
    {
        var regex = string.IsNullOrEmpty(member.SubscribedTopicRegex) ? null : Pattern(member.SubscribedTopicRegex);
        return subscribed.Where(t => member.SubscribedTopicNames.Contains(t.Name) || regex?.IsMatch(t.Name) == true).Select(t => t.Id).ToHashSet();
    }

    /// <summary>Kafka matches the whole topic name (RE2/J semantics); a bounded match keeps a hostile pattern cheap.</summary>
    public static Regex Pattern(string regex) => new($"^(?:{regex})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// One reconciliation step for a member (Kafka's CurrentAssignmentBuilder). <paramref name="owned"/>
    /// is what the member says it owns, or null when it did not say.
    /// </summary>
    public void Reconcile(ConsumerGroupMember member, IReadOnlySet<TopicIdPartition>? owned, long nowMs)
    {
        var target = Target.GetValueOrDefault(member.MemberId) ?? [];
        if (member.State == MemberState.UnrevokedPartitions)
        {
            // Still holding what it must give back: nothing moves until it confirms.
            if (owned is null || owned.Overlaps(member.PendingRevocation)) return;
            member.PendingRevocation = [];
            member.RevocationDeadline = 0;
            member.State = MemberState.Stable;
        }
        if (member.MemberEpoch == AssignmentEpoch && member.State == MemberState.Stable) return;

        var revoke = member.Assigned.Where(tp => !target.Contains(tp)).ToHashSet();
        if (revoke.Count > 0)
        {
            member.Assigned = member.Assigned.Where(target.Contains).ToHashSet();
            member.PendingRevocation = revoke;
            member.State = MemberState.UnrevokedPartitions;
            member.RevocationDeadline = nowMs + member.RebalanceTimeoutMs;
            member.AssignmentChanged = true;
            return;
        }

        // Take what the target adds as soon as no other member holds it any more.
        var assigned = target.Where(tp => member.Assigned.Contains(tp) || !Members.Values.Any(o => o != member && o.Holds(tp))).ToHashSet();
        if (!assigned.SetEquals(member.Assigned)) member.AssignmentChanged = true;
        member.Assigned = assigned;
        member.State = assigned.Count == target.Count ? MemberState.Stable : MemberState.UnreleasedPartitions;
        if (member.MemberEpoch != AssignmentEpoch)
        {
            member.PreviousMemberEpoch = member.MemberEpoch;
            member.MemberEpoch = AssignmentEpoch;
            member.AssignmentChanged = true;
        }
    }
}
