using Confluent.Kafka;
using ControlCenter.Kafka;
using ControlCenter.LogFormat;
using ControlCenter.RestProxy.Http;
using Microsoft.Extensions.Logging;

namespace ControlCenter.RestProxy.Produce;

/// <summary>
/// The proxy's one producer (acks=all, thread-safe, shared by every request). Keys are
/// partitioned with murmur2 like Java's default partitioner, so records sent through the proxy
/// land where Confluent's proxy and Java clients would put them. Before sending, the topic is
/// looked up through the producer itself (which auto-creates it where the cluster allows, as
/// producing would) so that a missing topic or partition is a 404 at once instead of a
/// per-record timeout minutes later; the partition count is then trusted for a few seconds.
/// </summary>
public sealed class RestProducer(ClusterConnection connection, TimeProvider time, ILogger<RestProducer> logger) : IDisposable
{
    /// <summary>How long a topic's partition count is trusted, so a stream of requests costs one Metadata round trip, not one each.</summary>
    private const long PartitionCountTtlMs = 5000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Count, long At)> _partitionCounts = new(StringComparer.Ordinal);

    private readonly Lazy<(IProducer<byte[]?, byte[]?> Producer, IAdminClient Metadata)> _client = new(() =>
    {
        var producer = connection.CreateProducer<byte[]?, byte[]?>("rest producer", c =>
        {
            c.Acks = Acks.All;
            c.Partitioner = Partitioner.Murmur2Random;
            c.MessageTimeoutMs = 30_000;
            c.ClientId = "kafka-control-center-rest-proxy";
        });
        return (producer, new DependentAdminClientBuilder(producer.Handle).Build());
    });

    public async Task<IReadOnlyList<OffsetBody>> ProduceAsync(string topic, int? pathPartition, IReadOnlyList<ProduceRecord> records, CancellationToken cancellation)
    {
        if (TopicNames.Validate(topic) is { } problem) throw RestException.Unprocessable(problem);
        var (producer, metadata) = _client.Value;
        int highest = records.Max(r => pathPartition ?? r.Partition ?? -1);
        // Partitions only grow: a cached count is enough unless a record names a partition beyond it.
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!_partitionCounts.TryGetValue(topic, out var known) || now - known.At > PartitionCountTtlMs || highest >= known.Count)
            _partitionCounts[topic] = known = (await PartitionCountAsync(metadata, topic), now);
        if (highest >= known.Count) throw RestException.PartitionNotFound();

        // All sends are queued at once (librdkafka batches them), then awaited in order.
        var sends = records.Select(r =>
        {
            var message = new Message<byte[]?, byte[]?> { Key = r.Key, Value = r.Value };
            return (pathPartition ?? r.Partition) is { } p
                ? producer.ProduceAsync(new TopicPartition(topic, p), message, cancellation)
                : producer.ProduceAsync(topic, message, cancellation);
        }).ToList();
        var results = new List<OffsetBody>(sends.Count);
        foreach (var send in sends)
        {
            try
            {
                var delivered = await send;
                results.Add(new OffsetBody(delivered.Partition.Value, delivered.Offset.Value, null, null));
            }
            catch (ProduceException<byte[]?, byte[]?> e)
            {
                results.Add(new OffsetBody(null, null, RestException.ProduceErrorCode(e.Error), e.Error.Reason));
            }
        }
        logger.LogDebug("REST produce: {Count} record(s) to {Topic}", records.Count, topic);
        return results;
    }

    private static Task<int> PartitionCountAsync(IAdminClient metadata, string topic) => Task.Run(() =>
    {
        Confluent.Kafka.Metadata answer;
        try { answer = metadata.GetMetadata(topic, TimeSpan.FromSeconds(10)); }
        catch (KafkaException e) { throw RestException.Kafka(e.Error); }
        var found = answer.Topics.FirstOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.Code is ErrorCode.UnknownTopicOrPart || (found.Error.Code == ErrorCode.NoError && found.Partitions.Count == 0))
            throw RestException.TopicNotFound();
        if (found.Error.Code != ErrorCode.NoError) throw RestException.Kafka(found.Error);
        return found.Partitions.Count;
    });

    public void Dispose()
    {
        if (!_client.IsValueCreated) return;
        _client.Value.Producer.Flush(TimeSpan.FromSeconds(5));
        _client.Value.Metadata.Dispose();
        _client.Value.Producer.Dispose();
    }
}
