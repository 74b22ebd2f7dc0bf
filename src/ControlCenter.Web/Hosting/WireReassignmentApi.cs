using ControlCenter.Broker.Cluster;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Topics;
using Microsoft.Extensions.Options;

namespace ControlCenter.Web.Hosting;

/// <summary>
/// The two reassignment requests librdkafka lacks, sent over the Kafka protocol with the
/// embedded broker's own API definitions (Kafka's message schemas), to whichever bootstrap
/// broker answers first: a KRaft broker forwards them to the active controller. This path
/// speaks plain TCP only, so a cluster reached over TLS or SASL is told so instead.
/// </summary>
public sealed class WireReassignmentApi(ClusterConnection connection, IOptions<KafkaOptions> options) : IReassignmentApi
{
    private const short AlterVersion = 0, ListVersion = 0; // every KRaft Kafka serves v0 of both

    public string? Unavailable =>
        options.Value.Client.TryGetValue("security.protocol", out var protocol) && !protocol.Equals("plaintext", StringComparison.OrdinalIgnoreCase)
            ? $"Partition reassignment needs a PLAINTEXT listener: Confluent.Kafka has no reassignment API and the app's own request path does not speak {protocol}"
            : null;

    public async Task<IReadOnlyDictionary<int, string?>> AlterAsync(string topic, IReadOnlyDictionary<int, IReadOnlyList<int>?> targets, CancellationToken cancellation)
    {
        var request = new StructValue
        {
            ["TimeoutMs"] = connection.RequestTimeoutMs,
            ["Topics"] = StructValue.List([new StructValue
            {
                ["Name"] = topic,
                ["Partitions"] = StructValue.List(targets.Select(t => new StructValue
                    { ["PartitionIndex"] = t.Key, ["Replicas"] = t.Value?.Cast<object?>().ToList() })),
            }]),
        };
        var response = await SendAsync(ApiKey.AlterPartitionReassignments, AlterVersion, request, cancellation);
        if ((ErrorCode)response.Int16("ErrorCode") is var top and not ErrorCode.None)
            return targets.Keys.ToDictionary(p => p, _ => (string?)(response.String("ErrorMessage") ?? top.ToString()));
        var results = new Dictionary<int, string?>();
        foreach (var t in response.Structs("Responses") ?? [])
            foreach (var p in t.Structs("Partitions") ?? [])
                results[p.Int32("PartitionIndex")] = (ErrorCode)p.Int16("ErrorCode") is var error and not ErrorCode.None
                    ? p.String("ErrorMessage") ?? error.ToString()
                    : null;
        return results;
    }

    public async Task<IReadOnlyList<PartitionReassignment>> ListAsync(string topic, CancellationToken cancellation)
    {
        var response = await SendAsync(ApiKey.ListPartitionReassignments, ListVersion, new StructValue { ["TimeoutMs"] = connection.RequestTimeoutMs, ["Topics"] = null }, cancellation);
        if ((ErrorCode)response.Int16("ErrorCode") is var error and not ErrorCode.None)
            throw new ClusterException(response.String("ErrorMessage") ?? error.ToString(), error.ToString());
        return (response.Structs("Topics") ?? []).Where(t => t.String("Name") == topic)
            .SelectMany(t => t.Structs("Partitions") ?? [])
            .Select(p => new PartitionReassignment(p.Int32("PartitionIndex"), Ints(p, "Replicas"), Ints(p, "AddingReplicas"), Ints(p, "RemovingReplicas")))
            .OrderBy(r => r.Partition).ToList();
    }

    private static int[] Ints(StructValue value, string name) => value.Array<int>(name)?.ToArray() ?? [];

    /// <summary>One request on a short-lived connection to the first bootstrap broker that accepts one.</summary>
    private async Task<StructValue> SendAsync(ApiKey key, short version, StructValue request, CancellationToken cancellation)
    {
        var endpoint = await connection.WhenReadyAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(connection.RequestTimeoutMs * 2L));
        Exception? last = null;
        foreach (var address in endpoint.BootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = address.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out int port)) continue;
            NodeClient client;
            try { client = await NodeClient.ConnectAsync(address[..colon].Trim('[', ']'), port, "kafka-control-center", timeout.Token); }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException) { last = e; continue; }
            using (client) return await client.SendAsync(key, version, request, timeout.Token);
        }
        throw new IOException($"No bootstrap broker accepted a connection ({last?.Message ?? "no address"})", last);
    }
}
