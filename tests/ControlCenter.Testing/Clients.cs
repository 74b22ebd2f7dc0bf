using ControlCenter.Kafka.Cluster;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ControlCenter.Testing;

/// <summary>Real Confluent.Kafka clients pointed at a test broker.</summary>
public static class Clients
{
    public static IAdminClient Admin(string bootstrap) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();

    public static IProducer<byte[]?, byte[]?> Producer(string bootstrap, Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 2 };
        configure?.Invoke(config);
        return new ProducerBuilder<byte[]?, byte[]?>(config).Build();
    }

    public static IConsumer<byte[]?, byte[]?> Consumer(string bootstrap, string group = "test", Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
    }

    public static async Task CreateTopicAsync(string bootstrap, string name, int partitions = 1, Dictionary<string, string>? configs = null)
    {
        using var admin = Admin(bootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1, Configs = configs }]).OffPollThread();
    }

    /// <summary>
    /// Reads every record of the given partitions from the beginning up to their end at the time
    /// of the call. Stops on partition EOF, so compacted gaps at the tail do not stall it.
    /// </summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string bootstrap, string topic, int partitions, TimeSpan? timeout = null)
    {
        using var consumer = Consumer(bootstrap, "reader-" + Guid.NewGuid().ToString("N"), c => c.EnablePartitionEof = true);
        var ends = new Dictionary<int, long>();
        for (int p = 0; p < partitions; p++)
            ends[p] = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High;
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var done = new HashSet<int>(ends.Where(e => e.Value == 0).Select(e => e.Key));
        var lastActivity = DateTime.UtcNow;
        while (done.Count < partitions && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null)
            {
                // A compacted gap right before the end: no EOF comes (as with Kafka), so stop once nothing arrives.
                if (results.Count > 0 && DateTime.UtcNow - lastActivity > TimeSpan.FromSeconds(3)) break;
                continue;
            }
            lastActivity = DateTime.UtcNow;
            if (r.IsPartitionEOF)
            {
                if (r.Offset.Value >= ends[r.Partition.Value]) done.Add(r.Partition.Value);
                continue;
            }
            if (r.Offset.Value < ends[r.Partition.Value]) results.Add(r);
        }
        if (done.Count < partitions && results.Count == 0) throw new TimeoutException($"Reading {topic} did not reach the end of every partition");
        return results;
    }
}
