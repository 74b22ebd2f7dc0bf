using System.Runtime.CompilerServices;

namespace ControlCenter.Kafka.Cluster;

/// <summary>
/// Confluent.Kafka completes an admin client's tasks on that client's own poll thread and runs
/// the awaiting code there: the next request, page logic, even the client's disposal at shutdown
/// would run on (and hold up) the thread that delivers every admin result, and disposing it there
/// aborts the process (a double free in librdkafka). Every await of an admin call goes through
/// this, so the code after it runs on the thread pool.
/// </summary>
public static class AdminAwait
{
    public static ConfiguredTaskAwaitable OffPollThread(this Task task) => task.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);

    public static ConfiguredTaskAwaitable<T> OffPollThread<T>(this Task<T> task) => task.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
}
