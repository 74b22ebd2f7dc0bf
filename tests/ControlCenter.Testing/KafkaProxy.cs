using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ControlCenter.Testing;

/// <summary>
/// A TCP proxy in front of a broker that delays requests or responses of chosen API keys, as a
/// slow network would: how tests make a client time out on purpose. A delayed frame holds back
/// everything behind it on its connection, so order is kept and the late answer still reaches
/// the client (librdkafka has aborted processes whose timed-out admin requests ended by a lost
/// connection or by the client's destruction instead). The broker must advertise the proxy's
/// port (BrokerOptions.AdvertisedPort) so clients stay behind it.
/// </summary>
public sealed class KafkaProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _pumps = [];
    private Task _accepting = Task.CompletedTask;

    public KafkaProxy() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string BootstrapServers => $"127.0.0.1:{Port}";

    /// <summary>The broker to forward to (set once it runs).</summary>
    public int TargetPort { get; set; }

    /// <summary>Requests of these API keys reach the broker this much later.</summary>
    public ConcurrentDictionary<short, TimeSpan> DelayRequests { get; } = new();

    /// <summary>Responses to requests of these API keys reach the client this much later (the broker did the work).</summary>
    public ConcurrentDictionary<short, TimeSpan> DelayResponses { get; } = new();

    public void Start() => _accepting = AcceptAsync(_stop.Token);

    private async Task AcceptAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(stop); }
            catch (Exception) { return; }
            var broker = new TcpClient();
            await broker.ConnectAsync(IPAddress.Loopback, TargetPort, stop);
            var apiKeys = new ConcurrentDictionary<int, short>(); // correlation id → api key, per connection
            _pumps.Add(PumpAsync(client.GetStream(), broker.GetStream(), isRequest: true, apiKeys, stop));
            _pumps.Add(PumpAsync(broker.GetStream(), client.GetStream(), isRequest: false, apiKeys, stop));
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool isRequest, ConcurrentDictionary<int, short> apiKeys, CancellationToken stop)
    {
        var size = new byte[4];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await from.ReadExactlyAsync(size, stop);
                var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
                await from.ReadExactlyAsync(frame, stop);
                TimeSpan delay = TimeSpan.Zero;
                if (isRequest)
                {
                    short apiKey = BinaryPrimitives.ReadInt16BigEndian(frame);
                    apiKeys[BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4))] = apiKey;
                    DelayRequests.TryGetValue(apiKey, out delay);
                }
                else if (apiKeys.TryRemove(BinaryPrimitives.ReadInt32BigEndian(frame), out short apiKey))
                {
                    DelayResponses.TryGetValue(apiKey, out delay);
                }
                // The simulated latency itself: this connection's later frames wait behind it, as on a slow link.
                if (delay > TimeSpan.Zero) await Task.Delay(delay, stop);
                await to.WriteAsync(size, stop);
                await to.WriteAsync(frame, stop);
            }
        }
        catch (Exception) { /* either side closed */ }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_pumps);
        _stop.Dispose();
    }
}
