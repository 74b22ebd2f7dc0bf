using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Channels;
using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Server;

/// <summary>
/// One client connection. A reader task frames requests (size-checked before anything is
/// allocated) and queues them; a single processor handles them one at a time and writes the
/// responses, so responses always leave in request order, as Kafka guarantees.
/// </summary>
internal sealed class KafkaConnection(Socket socket, BrokerContext broker, ApiRegistry apis, ILogger logger)
{
    private const int MinFrameSize = 10; // api key, version, correlation id, client id length
    private readonly record struct Frame(byte[] Buffer, int Length);
    private readonly Channel<Frame> _queue = Channel.CreateBounded<Frame>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
    private readonly string _clientHost = (socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString() ?? "unknown";

    public string RemoteEndPoint { get; } = socket.RemoteEndPoint?.ToString() ?? "unknown";

    public async Task RunAsync(CancellationToken cancellation)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var reading = ReadFramesAsync(stream, cts.Token);
        try
        {
            await ProcessFramesAsync(stream, cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        catch (ProtocolException e)
        {
            logger.LogDebug("Closing connection from {Client}: {Reason}", RemoteEndPoint, e.Message);
        }
        catch (Exception e)
        {
            broker.ConnectionLog.Error(e, "Unexpected error handling a request from {Client}; closing the connection", RemoteEndPoint);
        }
        finally
        {
            cts.Cancel();
            socket.Close();
            try { await reading; } catch { /* the reader ends with the socket */ }
            while (_queue.Reader.TryRead(out var left)) ArrayPool<byte>.Shared.Return(left.Buffer);
        }
    }

    private async Task ReadFramesAsync(NetworkStream stream, CancellationToken cancellation)
    {
        var sizeBuffer = new byte[4];
        int maxSize = broker.Logs.BrokerConfig.SocketRequestMaxBytes;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(sizeBuffer, cancellation);
                int size = BinaryPrimitives.ReadInt32BigEndian(sizeBuffer);
                if (size < MinFrameSize || size > maxSize)
                {
                    // Never allocate what a frame claims before checking it: a bogus 2 GiB size closes the connection.
                    broker.ConnectionLog.Warning("Closing connection from {Client}: request size {Size} outside [{Min}, {Max}] (socket.request.max.bytes)",
                        RemoteEndPoint, size, MinFrameSize, maxSize);
                    break;
                }
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try { await stream.ReadExactlyAsync(buffer.AsMemory(0, size), cancellation); }
                catch { ArrayPool<byte>.Shared.Return(buffer); throw; }
                await _queue.Writer.WriteAsync(new Frame(buffer, size), cancellation);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException or SocketException or ObjectDisposedException or ChannelClosedException) { }
        finally
        {
            _queue.Writer.TryComplete();
        }
    }

    private async Task ProcessFramesAsync(NetworkStream stream, CancellationToken cancellation)
    {
        await foreach (var frame in _queue.Reader.ReadAllAsync(cancellation))
        {
            try
            {
                if (!await HandleFrameAsync(stream, frame, cancellation)) return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame.Buffer);
            }
        }
    }

    /// <summary>Handles one request; false means close the connection.</summary>
    private async Task<bool> HandleFrameAsync(NetworkStream stream, Frame frame, CancellationToken cancellation)
    {
        var memory = frame.Buffer.AsMemory(0, frame.Length);
        var reader = new KafkaReader(memory);
        var header = RequestHeader.Read(reader, apis.IsFlexibleRequest);
        var handler = apis.Find(header.ApiKey);
        if ((ushort)header.ApiKey < broker.RequestCounts.Length) Interlocked.Increment(ref broker.RequestCounts[(ushort)header.ApiKey]);
        using var response = new KafkaWriter(1024);
        response.Reserve(4);
        response.WriteInt32(header.CorrelationId);

        if (handler is null || header.ApiVersion < handler.MinVersion || header.ApiVersion > handler.MaxVersion)
        {
            if (header.ApiKey != ApiKey.ApiVersions)
            {
                logger.LogDebug("Closing connection from {Client}: unsupported API {Key} v{Version}", RemoteEndPoint, (short)header.ApiKey, header.ApiVersion);
                return false;
            }
            Protocol.Apis.ApiVersionsApi.WriteUnsupportedVersion(response, handler!);
        }
        else
        {
            // Every response header is v0 except flexible ones; ApiVersions always uses v0 (KIP-511).
            if (handler.IsFlexible(header.ApiVersion) && header.ApiKey != ApiKey.ApiVersions) response.WriteEmptyTaggedFields();
            var context = new RequestContext(broker, header, memory, _clientHost, cancellation);
            try
            {
                if (!await handler.HandleAsync(context, reader, response)) return true;
            }
            catch (Exception e) when (e is not (ProtocolException or OperationCanceledException))
            {
                // A storage failure (disk full, too many open files…) or a bug: say so, then close,
                // because a half-written response would be misread by the client.
                broker.ConnectionLog.Error(e, "{Api} v{Version} from {Client} failed; closing the connection", header.ApiKey, header.ApiVersion, RemoteEndPoint);
                return false;
            }
        }
        response.PatchInt32(0, response.Length - 4);
        await stream.WriteAsync(response.WrittenMemory, cancellation);
        return true;
    }
}
