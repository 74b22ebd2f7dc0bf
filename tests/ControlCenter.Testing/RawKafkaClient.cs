using System.Buffers.Binary;
using System.Net.Sockets;
using ControlCenter.LogFormat;

namespace ControlCenter.Testing;

/// <summary>
/// Speaks the wire protocol by hand for what Confluent.Kafka cannot send: legacy message
/// formats, exact API versions, malformed frames.
/// </summary>
public sealed class RawKafkaClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;
    private int _correlationId;

    /// <summary>Connects to the first address of a bootstrap list.</summary>
    public static async Task<RawKafkaClient> ConnectAsync(string bootstrap)
    {
        var client = new RawKafkaClient();
        var parts = bootstrap.Split(',')[0].Split(':');
        await client._tcp.ConnectAsync(parts[0], int.Parse(parts[1]));
        client._stream = client._tcp.GetStream();
        client._stream.ReadTimeout = 15000;
        return client;
    }

    public NetworkStream Stream => _stream;

    /// <summary>One request on a connection of its own, written and read through the API's definitions.</summary>
    public static async Task<Broker.Protocol.Messages.StructValue> SendDefinedAsync(string bootstrap, Broker.Protocol.ApiKey key, short version, Broker.Protocol.Messages.StructValue request)
    {
        using var client = await ConnectAsync(bootstrap);
        return await client.SendDefinedAsync(key, version, request);
    }

    /// <summary>
    /// Sends a request written from the API's own definition and reads the whole response back
    /// through its response definition (header v2 / v1 where the version is flexible).
    /// </summary>
    public async Task<Broker.Protocol.Messages.StructValue> SendDefinedAsync(Broker.Protocol.ApiKey key, short version, Broker.Protocol.Messages.StructValue request)
    {
        var reader = await SendDefinedRequestAsync(key, version, request);
        var response = Broker.Protocol.Messages.MessageReader.Read(Definition(key).Response!, version, reader);
        if (reader.Remaining != 0) throw new InvalidDataException($"{reader.Remaining} bytes left after the {key} v{version} response");
        return response;
    }

    /// <summary>Sends a request written from its definition; the response body is left to the caller (APIs without a response definition).</summary>
    public async Task<KafkaReader> SendDefinedRequestAsync(Broker.Protocol.ApiKey key, short version, Broker.Protocol.Messages.StructValue request)
    {
        var api = Definition(key);
        bool flexible = api.Request.IsFlexible(version);
        var reader = await SendAsync((short)key, version, w => Broker.Protocol.Messages.MessageWriter.Write(api.Request, version, request, w), flexibleHeader: flexible);
        if (flexible) reader.SkipTaggedFields(); // response header v1
        return reader;
    }

    private static Broker.Protocol.Apis.ApiDefinition Definition(Broker.Protocol.ApiKey key) =>
        Broker.Protocol.Apis.ApiCatalog.Definitions.Single(d => d.Key == key);

    /// <summary>Sends a request (header v1) and returns the response body after the correlation id.</summary>
    public async Task<KafkaReader> SendAsync(short apiKey, short version, Action<KafkaWriter> body, bool flexibleHeader = false)
    {
        int correlation = ++_correlationId;
        using var w = new KafkaWriter();
        w.Reserve(4);
        w.WriteInt16(apiKey);
        w.WriteInt16(version);
        w.WriteInt32(correlation);
        w.WriteNullableString("raw-test");
        if (flexibleHeader) w.WriteEmptyTaggedFields();
        body(w);
        w.PatchInt32(0, w.Length - 4);
        await _stream.WriteAsync(w.WrittenMemory);
        var response = await ReadFrameAsync();
        var reader = new KafkaReader(response);
        int got = reader.ReadInt32();
        if (got != correlation) throw new InvalidOperationException($"Correlation id {got}, expected {correlation}");
        return reader;
    }

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    public async Task<byte[]> ReadFrameAsync()
    {
        var size = new byte[4];
        await _stream.ReadExactlyAsync(size);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await _stream.ReadExactlyAsync(frame);
        return frame;
    }

    /// <summary>True when the broker closed the connection (read returns 0 or fails) within the timeout.</summary>
    public async Task<bool> IsClosedByPeerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var buffer = new byte[1];
            return await _stream.ReadAsync(buffer, cts.Token) == 0;
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    public void Dispose() => _tcp.Dispose();
}
