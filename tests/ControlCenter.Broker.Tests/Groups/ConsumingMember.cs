using System.Collections.Concurrent;
using Confluent.Kafka;

namespace ControlCenter.Broker.Tests.Groups;

/// <summary>
/// A real Confluent.Kafka group member on its own thread that records what it got and commits
/// after each record, on either group protocol. Its assignment is tracked incrementally, so it is
/// right for the classic protocol's eager rebalances and the consumer protocol's partial ones.
/// </summary>
internal sealed class ConsumingMember : IDisposable
{
    public const string Topic = "orders";

    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    public IConsumer<byte[]?, byte[]?> Consumer { get; }
    public volatile List<TopicPartition> Assigned = [];

    /// <param name="delayMs">Simulated processing time per record (a slow member).</param>
    public ConsumingMember(string bootstrap, string group, ConcurrentBag<int> received, GroupProtocol protocol,
        Action<ConsumerConfig>? configure = null, int delayMs = 0)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = group, GroupProtocol = protocol,
            AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        };
        // Under the consumer protocol the broker owns session and heartbeat timing; the client must not set them.
        if (protocol == GroupProtocol.Classic) (config.SessionTimeoutMs, config.HeartbeatIntervalMs) = (6000, 500);
        configure?.Invoke(config);
        Consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((c, parts) => Assigned = [.. c.Assignment.Union(parts)])
            .SetPartitionsRevokedHandler((c, parts) => Assigned = [.. c.Assignment.Except(parts.Select(p => p.TopicPartition))])
            .SetPartitionsLostHandler((_, _) => Assigned = [])
            .Build();
        Consumer.Subscribe(Topic);
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var r = Consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (r is null) continue;
                    received.Add(BitConverter.ToInt32(r.Message.Value));
                    if (delayMs > 0) Thread.Sleep(delayMs); // simulated processing time: this member being slow is the point
                    Consumer.Commit(r);
                }
                catch (KafkaException) { /* a rebalance or reassignment under way: the record comes again to whoever owns it next */ }
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>Stops polling and heartbeating without leaving: to the coordinator, once disposed, it has crashed.</summary>
    public void Stop() { _stop.Cancel(); _thread.Join(); }

    /// <summary>A clean exit: the member leaves the group.</summary>
    public void Leave() { Stop(); Consumer.Close(); }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested) Stop();
        Consumer.Dispose(); // after Stop, without Close: no leave is sent
    }
}
