using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Server;

/// <summary>Accepts TCP connections and runs one <see cref="KafkaConnection"/> per client.</summary>
internal sealed class SocketServer(BrokerContext broker, ApiRegistry apis, ILogger logger) : IAsyncDisposable
{
    private Socket _listener = null!;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<KafkaConnection, Task> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;
    /// <summary>Client connections open right now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds and accepts at once (a single broker).</summary>
    public void Start(string host, int port)
    {
        Bind(host, port);
        StartAccepting();
    }

    /// <summary>
    /// Binds and listens without accepting yet: a cluster node learns its port, registers and
    /// applies the cluster's metadata first, so no client ever gets an answer from a node that
    /// does not know the cluster (connections wait in the backlog meanwhile).
    /// </summary>
    public void Bind(string host, int port)
    {
        var address = host is "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6) _listener.DualMode = true;
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(address, port));
        _listener.Listen(512);
    }

    public void StartAccepting() => _acceptLoop = AcceptLoopAsync(_stopping.Token);

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(stopping); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { break; }
            catch (SocketException e)
            {
                logger.LogWarning("Accept failed: {Error}", e.Message);
                continue;
            }
            client.NoDelay = true;
            var connection = new KafkaConnection(client, broker, apis, logger);
            // Registered before it starts: a connection that ends at once (a client sending one bad frame)
            // would otherwise remove itself before being added, and then be added back, dead, for ever.
            var run = new Task<Task>(() => RunAsync(connection, stopping));
            _connections[connection] = run.Unwrap();
            run.Start(TaskScheduler.Default);
        }
    }

    private async Task RunAsync(KafkaConnection connection, CancellationToken stopping)
    {
        try { await connection.RunAsync(stopping); }
        finally { _connections.TryRemove(connection, out _); }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Close();
        await _acceptLoop;
        await Task.WhenAll(_connections.Values.ToArray()).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        _stopping.Dispose();
    }
}
