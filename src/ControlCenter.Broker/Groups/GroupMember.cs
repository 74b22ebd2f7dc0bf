namespace ControlCenter.Broker.Groups;

/// <summary>A member of a classic group, with the join and sync requests it is waiting on.</summary>
internal sealed class GroupMember(string memberId, string? groupInstanceId, string clientId, string clientHost)
{
    public string MemberId { get; set; } = memberId;
    public string? GroupInstanceId { get; } = groupInstanceId;
    public string ClientId { get; } = clientId;
    public string ClientHost { get; } = clientHost;
    public int SessionTimeoutMs { get; set; }
    public int RebalanceTimeoutMs { get; set; }
    public List<(string Name, byte[] Metadata)> Protocols { get; set; } = [];
    public byte[] Assignment { get; set; } = [];
    public TaskCompletionSource<JoinResult>? JoinWaiter { get; set; }
    public TaskCompletionSource<SyncResult>? SyncWaiter { get; set; }
    /// <summary>Time (ms, on the broker's clock) after which the member is considered dead.</summary>
    public long SessionDeadline { get; set; }

    public bool IsAwaitingJoin => JoinWaiter is not null;
    public bool IsAwaitingSync => SyncWaiter is not null;

    public byte[] MetadataFor(string? protocol) =>
        Protocols.FirstOrDefault(p => p.Name == protocol).Metadata ?? [];

    /// <summary>True when a rejoin carries exactly the protocols (names and metadata) the member already has.</summary>
    public bool Matches(List<(string Name, byte[] Metadata)> protocols) =>
        protocols.Count == Protocols.Count
        && protocols.Zip(Protocols).All(p => p.First.Name == p.Second.Name && p.First.Metadata.AsSpan().SequenceEqual(p.Second.Metadata));

    public void CompleteJoin(JoinResult result)
    {
        var waiter = JoinWaiter;
        JoinWaiter = null;
        waiter?.TrySetResult(result);
    }

    public void CompleteSync(SyncResult result)
    {
        var waiter = SyncWaiter;
        SyncWaiter = null;
        waiter?.TrySetResult(result);
    }
}
