using ControlCenter.Broker.Cluster;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Transactions;

/// <summary>
/// Writes a transaction's COMMIT or ABORT marker into each partition it touched (Kafka's
/// TransactionMarkerChannelManager): directly into the logs this node leads, and with
/// WriteTxnMarkers to the leaders of the others, over the Kafka protocol like any broker.
/// Once an outcome is decided the markers must land, so a partition whose leader is away is
/// retried until it has one; only a partition that no longer exists is given up.
/// </summary>
internal sealed class TransactionMarkerWriter(BrokerContext broker, ILogger logger) : IDisposable
{
    internal const short WriteTxnMarkersVersion = 1;
    private readonly Dictionary<int, NodeClient> _clients = new();
    private readonly SemaphoreSlim _clientsGate = new(1, 1);

    public async Task WriteAsync(long producerId, short producerEpoch, bool commit, List<(string Topic, int Partition)> partitions, CancellationToken stopping)
    {
        var pending = partitions.ToList();
        int attempt = 0;
        while (pending.Count > 0)
        {
            var failed = new List<(string, int)>();
            foreach (var group in pending.GroupBy(LeaderOf))
            {
                IReadOnlyList<((string, int) Partition, ErrorCode Error)> results = group.Key == broker.NodeId || broker.Replicas is null
                    ? await Task.WhenAll(group.Select(async p => (((string, int))p, await WriteLocalAsync(p.Topic, p.Partition, producerId, producerEpoch, commit, stopping))))
                    : await WriteRemoteAsync(group.Key, group.ToList(), producerId, producerEpoch, commit, stopping);
                foreach (var (p, error) in results)
                    if (error is not (ErrorCode.None or ErrorCode.UnknownTopicOrPartition)) failed.Add(p);
            }
            pending = failed;
            if (pending.Count == 0) break;
            if (++attempt % 50 == 0)
                logger.LogWarning("Transaction markers of producer {ProducerId} still wait for {Count} partitions' leaders ({First})", producerId, pending.Count, $"{pending[0].Item1}-{pending[0].Item2}");
            await Task.Delay(100, stopping);
        }
    }

    /// <summary>The partition's leader now: this node for a single broker, -1 while it has none.</summary>
    private int LeaderOf((string Topic, int Partition) p) =>
        broker.Replicas is { } replicas ? replicas.Image.Partition(p.Topic, p.Partition)?.Leader ?? -1 : broker.NodeId;

    /// <summary>
    /// Appends the marker to a partition this node leads and waits until its in-sync replicas have
    /// it (markers are written with acks=all); a marker in __consumer_offsets also settles the
    /// producer's transactional offset commits.
    /// </summary>
    public async Task<ErrorCode> WriteLocalAsync(string topic, int partition, long producerId, short producerEpoch, bool commit, CancellationToken cancellation)
    {
        if (broker.Logs.GetTopic(topic) is not { } state || partition < 0 || partition >= state.Partitions.Length) return ErrorCode.UnknownTopicOrPartition;
        if (broker.Logs.GetLog(topic, partition) is not { IsLeader: true } log) return ErrorCode.NotLeaderOrFollower;
        var marker = ControlRecord.MarkerBatch(commit ? ControlRecordType.Commit : ControlRecordType.Abort, producerId, producerEpoch, Math.Max(0, log.LeaderEpoch), broker.NowMs);
        try { log.AppendAsCoordinator(marker, broker.NowMs); }
        catch (KafkaErrorException e) { return e.Code; }
        if (topic == TopicNames.ConsumerOffsets) broker.Groups.CompleteTransactionalOffsets(partition, producerId, commit);
        if (broker.Replicas is not { } replicas) return ErrorCode.None;
        replicas.OnLeaderAppend(topic, partition);
        var (error, _) = await replicas.WaitForCommitAsync(topic, partition, log, log.LogEndOffset, 5000, cancellation);
        return error is ErrorCode.NotEnoughReplicasAfterAppend ? ErrorCode.None : error;
    }

    private async Task<List<((string, int), ErrorCode)>> WriteRemoteAsync(int leader, List<(string Topic, int Partition)> partitions, long producerId, short producerEpoch, bool commit, CancellationToken stopping)
    {
        if (leader < 0 || broker.Replicas?.Image.Brokers.GetValueOrDefault(leader) is not { Fenced: false } node)
            return partitions.Select(p => (((string, int))p, ErrorCode.LeaderNotAvailable)).ToList();
        var request = new StructValue
        {
            ["Markers"] = StructValue.List([new StructValue
            {
                ["ProducerId"] = producerId, ["ProducerEpoch"] = producerEpoch, ["TransactionResult"] = commit, ["CoordinatorEpoch"] = 0,
                ["Topics"] = StructValue.List(partitions.GroupBy(p => p.Topic).Select(t => new StructValue { ["Name"] = t.Key, ["PartitionIndexes"] = t.Select(p => (object?)p.Partition).ToList() })),
            }]),
        };
        await _clientsGate.WaitAsync(stopping);
        try
        {
            if (!_clients.TryGetValue(leader, out var client))
                _clients[leader] = client = await NodeClient.ConnectAsync(node.Host, node.Port, $"broker-{broker.NodeId}-txn-markers", stopping);
            var response = await client.SendAsync(ApiKey.WriteTxnMarkers, WriteTxnMarkersVersion, request, stopping);
            var results = new List<((string, int), ErrorCode)>();
            foreach (var marker in response.Structs("Markers") ?? [])
                foreach (var topic in marker.Structs("Topics") ?? [])
                    foreach (var p in topic.Structs("Partitions") ?? [])
                        results.Add(((topic.String("Name") ?? "", p.Int32("PartitionIndex")), (ErrorCode)p.Int16("ErrorCode")));
            return results;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException or ProtocolException)
        {
            // The leader went away mid-request: drop the connection; the caller retries once metadata names a leader.
            if (_clients.Remove(leader, out var broken)) broken.Dispose();
            return partitions.Select(p => (((string, int))p, ErrorCode.NotLeaderOrFollower)).ToList();
        }
        finally { _clientsGate.Release(); }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
        _clients.Clear();
    }
}
