using System.Buffers.Binary;
using System.Net.Sockets;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Apis;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Cluster;

/// <summary>
/// One connection from a node to a peer, speaking the Kafka protocol like any client: requests
/// are written and responses read through the APIs' own definitions. Followers fetch through
/// it, so nodes in one process talk exactly as separate processes would.
/// </summary>
public sealed class NodeClient : IDisposable
{
    private readonly TcpClient _tcp = new() { NoDelay = true };
    private readonly string _clientId;
    private NetworkStream _stream = null!;
    private int _correlationId;

    private NodeClient(string clientId) => _clientId = clientId;

    public static async Task<NodeClient> ConnectAsync(string host, int port, string clientId, CancellationToken cancellation)
    {
        var client = new NodeClient(clientId);
        try
        {
            await client._tcp.ConnectAsync(host, port, cancellation);
            client._stream = client._tcp.GetStream();
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request and reads its response (one request in flight per connection).</summary>
    public async Task<StructValue> SendAsync(ApiKey key, short version, StructValue request, CancellationToken cancellation)
    {
        var api = ApiCatalog.Definitions.Single(d => d.Key == key);
        bool flexible = api.Request.IsFlexible(version);
        int correlation = ++_correlationId;
        using (var w = new KafkaWriter())
        {
            w.Reserve(4);
            w.WriteInt16((short)key);
            w.WriteInt16(version);
            w.WriteInt32(correlation);
            w.WriteNullableString(_clientId);
            if (flexible) w.WriteEmptyTaggedFields();
            MessageWriter.Write(api.Request, version, request, w);
            w.PatchInt32(0, w.Length - 4);
            await _stream.WriteAsync(w.WrittenMemory, cancellation);
        }
        var size = new byte[4];
        await _stream.ReadExactlyAsync(size, cancellation);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await _stream.ReadExactlyAsync(frame, cancellation);
        var reader = new KafkaReader(frame);
        if (reader.ReadInt32() != correlation) throw new InvalidDataException($"{key} answer carries another correlation id");
        if (flexible) reader.SkipTaggedFields();
        return MessageReader.Read(api.Response!, version, reader);
    }

    public void Dispose() => _tcp.Dispose();
}
