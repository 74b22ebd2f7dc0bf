namespace ControlCenter.Kafka.Topics;

/// <summary>What the create form sends: name, partitions, replication factor and topic configs.</summary>
public sealed record TopicSpec(string Name, int Partitions, short ReplicationFactor, IReadOnlyDictionary<string, string> Configs);

/// <summary>A problem with one field of the form, or a warning that does not block creation.</summary>
public sealed record FieldIssue(string Field, string Message, bool IsWarning = false);

/// <summary>The outcome of an admin call, with Kafka's error and reason when it failed.</summary>
public sealed record AdminResult(bool Succeeded, string? Error = null, string? ErrorCode = null)
{
    public static readonly AdminResult Ok = new(true);
    public static AdminResult Failed(string error, string? code = null) => new(false, error, code);
}
