using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka;

/// <summary>Where the managed cluster is: its bootstrap list and the Kafka log dirs the app can read.</summary>
public sealed record ClusterEndpoint(string BootstrapServers, IReadOnlyList<string> LogDirs);

/// <summary>
/// The cluster the app manages, and the one place its clients are built (so Kafka:Client
/// properties apply to every one of them). A configured cluster's endpoint is known at once;
/// with no bootstrap list the host runs the embedded broker and publishes its endpoint with
/// <see cref="PublishEmbedded"/>: everything that needs the cluster awaits <see cref="WhenReadyAsync"/>.
/// </summary>
public sealed class ClusterConnection
{
    private readonly KafkaOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TaskCompletionSource<ClusterEndpoint> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _clientsCreated;

    public ClusterConnection(IOptions<KafkaOptions> options, ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        if (!IsEmbedded) _endpoint.SetResult(new ClusterEndpoint(_options.BootstrapServers!.Trim(), _options.LogDirs));
    }

    public bool IsEmbedded => string.IsNullOrWhiteSpace(_options.BootstrapServers);

    /// <summary>The cluster's endpoint once it is known (at once for a configured cluster, after start for the embedded one).</summary>
    public Task<ClusterEndpoint> WhenReadyAsync(CancellationToken cancellation = default) => _endpoint.Task.WaitAsync(cancellation);

    /// <summary>Called once by the host after the embedded broker listens.</summary>
    public void PublishEmbedded(string bootstrapServers, string dataDir) => PublishEmbedded(bootstrapServers, [dataDir]);

    /// <summary>Called once by the host after the embedded cluster listens: every node's address and log dir.</summary>
    public void PublishEmbedded(string bootstrapServers, IReadOnlyList<string> dataDirs)
    {
        if (!IsEmbedded) throw new InvalidOperationException("A cluster is configured (Kafka:BootstrapServers): there is no embedded broker to publish");
        if (!_endpoint.TrySetResult(new ClusterEndpoint(bootstrapServers, dataDirs)))
            throw new InvalidOperationException("The embedded broker's endpoint was already published");
    }

    /// <summary>Called by the host when the embedded broker could not start: whoever awaits the cluster gets the reason.</summary>
    public void FailEmbedded(Exception reason) => _endpoint.TrySetException(reason);

    private ClusterEndpoint Endpoint => _endpoint.Task.IsCompletedSuccessfully
        ? _endpoint.Task.Result
        : throw new InvalidOperationException("The embedded broker has not started yet: await WhenReadyAsync first");

    /// <summary>The effective bootstrap list (the embedded broker's address once it runs).</summary>
    public string BootstrapServers => Endpoint.BootstrapServers;

    public string DisplayName => _options.ClusterName ?? (IsEmbedded ? "Embedded cluster" : "Kafka cluster");

    public int RequestTimeoutMs => _options.RequestTimeoutMs;

    /// <summary>Kafka log dirs the app can read: the embedded broker's data dir, or Kafka:LogDirs.</summary>
    public IReadOnlyList<string> LogDirs => _endpoint.Task.IsCompletedSuccessfully ? _endpoint.Task.Result.LogDirs : _options.LogDirs;

    /// <summary>Clients built so far (a leak check: the monitor keeps its clients across outages instead of building new ones).</summary>
    public long ClientsCreated => Interlocked.Read(ref _clientsCreated);

    private T Apply<T>(T config) where T : ClientConfig
    {
        foreach (var (key, value) in _options.Client) config.Set(key, value);
        config.BootstrapServers = BootstrapServers;
        config.ClientId ??= "kafka-control-center";
        return config;
    }

    public AdminClientConfig AdminConfig() => Apply(new AdminClientConfig());

    public ProducerConfig ProducerConfig(Action<ProducerConfig>? configure = null)
    {
        var config = Apply(new ProducerConfig());
        configure?.Invoke(config);
        return config;
    }

    public ConsumerConfig ConsumerConfig(string groupId, Action<ConsumerConfig>? configure = null)
    {
        var config = Apply(new ConsumerConfig { GroupId = groupId, EnableAutoCommit = false, EnableAutoOffsetStore = false });
        configure?.Invoke(config);
        return config;
    }

    /// <summary>librdkafka's own log lines go to the app's log at Debug, under the client's purpose (and to <paramref name="onLog"/>).</summary>
    private Action<IClient, LogMessage> LogTo(string purpose, Action<LogMessage>? onLog)
    {
        var logger = _loggerFactory.CreateLogger("ControlCenter.Kafka.Client");
        return (_, m) =>
        {
            logger.LogDebug("{Purpose}: {Facility} {Message}", purpose, m.Facility, m.Message);
            onLog?.Invoke(m);
        };
    }

    /// <summary>A producer for the managed cluster; <paramref name="build"/> can add handlers of its own.</summary>
    public IProducer<TKey, TValue> CreateProducer<TKey, TValue>(string purpose, Action<ProducerConfig>? configure = null,
        Action<ProducerBuilder<TKey, TValue>>? build = null, Action<LogMessage>? onLog = null)
    {
        var builder = new ProducerBuilder<TKey, TValue>(ProducerConfig(configure)).SetLogHandler(LogTo(purpose, onLog));
        build?.Invoke(builder);
        Interlocked.Increment(ref _clientsCreated);
        return builder.Build();
    }

    /// <summary>A consumer for the managed cluster (auto-commit off unless <paramref name="configure"/> turns it on).</summary>
    public IConsumer<TKey, TValue> CreateConsumer<TKey, TValue>(string purpose, string groupId, Action<ConsumerConfig>? configure = null,
        Action<ConsumerBuilder<TKey, TValue>>? build = null, Action<LogMessage>? onLog = null)
    {
        var builder = new ConsumerBuilder<TKey, TValue>(ConsumerConfig(groupId, configure)).SetLogHandler(LogTo(purpose, onLog));
        build?.Invoke(builder);
        Interlocked.Increment(ref _clientsCreated);
        return builder.Build();
    }

    /// <summary>An admin client for the managed cluster.</summary>
    public IAdminClient CreateAdmin(string purpose, Action<AdminClientConfig>? configure = null, Action<AdminClientBuilder>? build = null,
        Action<LogMessage>? onLog = null)
    {
        var config = AdminConfig();
        configure?.Invoke(config);
        var builder = new AdminClientBuilder(config).SetLogHandler(LogTo(purpose, onLog));
        build?.Invoke(builder);
        Interlocked.Increment(ref _clientsCreated);
        return builder.Build();
    }
}
