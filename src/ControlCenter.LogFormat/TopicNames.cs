namespace ControlCenter.LogFormat;

/// <summary>Kafka's topic name rules (org.apache.kafka.common.internals.Topic), shared by the broker and the dashboard.</summary>
public static class TopicNames
{
    public const int MaxLength = 249;
    public const string ConsumerOffsets = "__consumer_offsets";
    public const string TransactionState = "__transaction_state";

    /// <summary>Returns why a name is invalid, or null when it is valid.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "Topic name is illegal, it can't be empty";
        if (name is "." or "..") return "Topic name cannot be \".\" or \"..\"";
        if (name.Length > MaxLength) return $"Topic name is illegal, it can't be longer than {MaxLength} characters, topic name: {name}";
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return $"Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
        return null;
    }

    /// <summary>'.' and '_' map to the same metric name, so Kafka refuses topics that differ only by them.</summary>
    public static string CollisionKey(string name) => name.Replace('.', '_');

    public static bool IsInternal(string name) => name is ConsumerOffsets or TransactionState;
}
