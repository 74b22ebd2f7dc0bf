namespace ControlCenter.Kafka.Topics;

/// <summary>A topic config with its default (what a reset would give) and where its value comes from.</summary>
public sealed record TopicConfigEntry(string Name, string? Value, string? DefaultValue, string Source, bool IsReadOnly, bool IsSensitive, string? Documentation)
{
    /// <summary>Set on the topic itself (the only kind a reset removes).</summary>
    public bool IsOverridden => Source == "topic";
}
