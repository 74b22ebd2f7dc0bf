using Confluent.Kafka;

namespace ControlCenter.Kafka;

/// <summary>
/// The cluster refused a request or could not be reached: Kafka's reason and error code, as the
/// cluster layer reports them. Pages and endpoints know this type, never the client library's.
/// </summary>
public sealed class ClusterException(string message, string? errorCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Kafka's error name (e.g. "TopicAlreadyExists", "Local_TimedOut"), when there is one.</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>True when the client gave up waiting: the request may or may not have taken effect.</summary>
    public bool IsTimeout => ErrorCode is nameof(Confluent.Kafka.ErrorCode.Local_TimedOut) or nameof(Confluent.Kafka.ErrorCode.RequestTimedOut);

    internal static ClusterException From(KafkaException e) => From(e.Error, e);

    internal static ClusterException From(Error error, Exception? inner = null) =>
        new(string.IsNullOrEmpty(error.Reason) ? error.Code.ToString() : error.Reason, error.Code.ToString(), inner);
}

/// <summary>Runs client calls so that their failures leave the cluster layer as <see cref="ClusterException"/>.</summary>
internal static class ClusterCall
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (KafkaException e) { throw ClusterException.From(e); }
    }

    public static async Task RunAsync(Func<Task> call)
    {
        try { await call(); }
        catch (KafkaException e) { throw ClusterException.From(e); }
    }
}
