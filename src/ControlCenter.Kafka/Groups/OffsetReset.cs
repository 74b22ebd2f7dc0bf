namespace ControlCenter.Kafka.Groups;

public enum ResetScope { AllTopics, Topic, Partitions }

public enum ResetStrategy { Earliest, Latest, ToTimestamp, ToOffset, ShiftBy }

/// <summary>What the reset form asks for: which partitions, and where to move them.</summary>
public sealed record ResetRequest(
    string GroupId,
    ResetScope Scope,
    ResetStrategy Strategy,
    string? Topic = null,
    IReadOnlyList<(string Topic, int Partition)>? Partitions = null,
    DateTimeOffset? Timestamp = null,
    long? Offset = null,
    long? Shift = null);

/// <summary>One line of the dry run: where the group is, where it would be, and what that means.</summary>
public sealed record ResetRow(string Topic, int Partition, long? Current, long New, long LogStart, long LogEnd)
{
    /// <summary>Positive: records the group will skip. Negative: records it will read again.</summary>
    public long Delta => New - (Current ?? LogStart);
    public long Skipped => Math.Max(0, Delta);
    public long Replayed => Math.Max(0, -Delta);
    public long LagAfter => Math.Max(0, LogEnd - New);
}

/// <summary>The dry run; <see cref="Problems"/> are partitions that cannot be reset as asked.</summary>
public sealed record ResetPlan(ResetRequest Request, IReadOnlyList<ResetRow> Rows, IReadOnlyList<string> Problems)
{
    public long TotalSkipped => Rows.Sum(r => r.Skipped);
    public long TotalReplayed => Rows.Sum(r => r.Replayed);
}

/// <summary>The outcome of applying a plan: refused (with the group's active members) or done.</summary>
public sealed record ResetOutcome(bool Applied, string? Error, IReadOnlyList<GroupMemberInfo> ActiveMembers);
