using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using ControlCenter.Kafka;
using ControlCenter.RestProxy.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.RestProxy.Consumers;

/// <summary>
/// The live consumer instances, by group and name. An instance idle for longer than
/// RestProxy:ConsumerInstanceTimeoutMs is closed (it leaves its group, its client is freed), as
/// Confluent's proxy does after consumer.instance.timeout.ms. The dashboard lists them from here.
/// </summary>
public sealed partial class ConsumerInstances(ClusterConnection connection, IOptions<RestProxyOptions> options, TimeProvider time, ILogger<ConsumerInstances> logger,
    ControlCenter.Kafka.Messages.IRecordDecoder? decoder = null)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Group, string Name), ConsumerInstance> _instances = new();

    public TimeSpan IdleTimeout => TimeSpan.FromMilliseconds(options.Value.ConsumerInstanceTimeoutMs);

    public IReadOnlyList<ConsumerInstance> All => _instances.Values.OrderBy(i => i.Config.Group, StringComparer.Ordinal).ThenBy(i => i.Config.Name, StringComparer.Ordinal).ToList();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,200}$")]
    private static partial Regex NamePattern();

    public ConsumerInstance Create(string group, string? name, EmbeddedFormat format, string? autoOffsetReset, string? autoCommit, int? fetchMinBytes, int? requestTimeoutMs,
        string owner = "anonymous")
    {
        if (group.Length is 0 or > 255) throw RestException.InvalidConsumerConfig("the group id is 1 to 255 characters.");
        name ??= "rest-consumer-" + Guid.NewGuid().ToString("N");
        if (!NamePattern().IsMatch(name)) throw RestException.InvalidConsumerConfig($"the name '{name}' may use only letters, digits, '.', '_' and '-' (up to 200).");
        var reset = autoOffsetReset?.ToLowerInvariant() switch
        {
            null => "latest",
            "earliest" or "smallest" => "earliest",
            "latest" or "largest" => "latest",
            "none" => "none",
            var other => throw RestException.InvalidConsumerConfig($"auto.offset.reset is earliest, latest or none, not '{other}'."),
        };
        bool commit = autoCommit?.ToLowerInvariant() switch
        {
            null or "true" => true,
            "false" => false,
            var other => throw RestException.InvalidConsumerConfig($"auto.commit.enable is true or false, not '{other}'."),
        };
        var config = new ConsumerInstanceConfig(group, name, format, reset, commit, fetchMinBytes, requestTimeoutMs, owner);
        void Configure(ConsumerConfig c)
        {
            c.AutoOffsetReset = reset switch { "earliest" => AutoOffsetReset.Earliest, "latest" => AutoOffsetReset.Latest, _ => AutoOffsetReset.Error };
            c.EnableAutoCommit = commit;
            c.EnableAutoOffsetStore = false; // only what the client was given is stored for the auto-commit
            c.ClientId = $"rest-proxy-{name}";
            c.EnablePartitionEof = false;
            // librdkafka prefetches up to 64 MiB per consumer by default; a proxy holds many consumers
            // that read a response at a time, so each keeps a few MiB ready instead.
            c.QueuedMaxMessagesKbytes = 4096;
        }
        var key = (group, name);
        if (_instances.ContainsKey(key)) throw RestException.ConsumerAlreadyExists();
        var instance = new ConsumerInstance(config, handlers => connection.CreateConsumer("rest consumer", group, Configure, handlers), time, decoder);
        if (!_instances.TryAdd(key, instance))
        {
            instance.Dispose();
            throw RestException.ConsumerAlreadyExists();
        }
        logger.LogInformation("REST consumer {Name} created in group {Group} ({Format}, auto.offset.reset={Reset}, auto.commit={Commit})", name, group, format, reset, commit);
        return instance;
    }

    public ConsumerInstance Get(string group, string name) =>
        _instances.TryGetValue((group, name), out var instance) ? instance : throw RestException.ConsumerInstanceNotFound();

    public async Task DeleteAsync(string group, string name)
    {
        if (!_instances.TryRemove((group, name), out var instance)) throw RestException.ConsumerInstanceNotFound();
        await instance.CloseAsync();
        instance.Dispose();
        logger.LogInformation("REST consumer {Name} of group {Group} deleted", name, group);
    }

    /// <summary>Closes instances idle for longer than the timeout (never one serving a request), as of now on the app's clock.</summary>
    public async Task ExpireAsync()
    {
        var now = time.GetUtcNow();
        foreach (var ((group, name), instance) in _instances)
        {
            if (!instance.IsExpired(IdleTimeout, now) || !_instances.TryRemove(new KeyValuePair<(string, string), ConsumerInstance>((group, name), instance))) continue;
            await instance.CloseAsync();
            instance.Dispose();
            logger.LogInformation("REST consumer {Name} of group {Group} expired after {Idle} idle", name, group, IdleTimeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _instances.Keys.ToList())
            if (_instances.TryRemove(key, out var instance))
            {
                await instance.CloseAsync();
                instance.Dispose();
            }
    }
}
