using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Clusters;

/// <summary>
/// Something the app registers for every cluster (the reassignment API, the embedded cluster's faults, the REST
/// proxy's producer…). <see cref="Types"/> are the services it adds that pages and requests ask for per cluster.
/// </summary>
public sealed record ClusterServiceRegistration(Action<IServiceCollection, ClusterDefinition, IServiceProvider> Configure, IReadOnlyList<Type>? Types = null);

/// <summary>What a connection test found: the cluster's id and brokers, or why it failed.</summary>
public sealed record ClusterProbeResult(bool Reachable, string? ClusterId, int Brokers, string? Error);

/// <summary>
/// Every cluster the dashboard manages, each with its own services (<see cref="ClusterContext"/>):
/// the default one (Kafka section, or the embedded cluster), those of Clusters:&lt;name&gt;, and those
/// an admin added in the dashboard (persisted in the cluster store). Contexts are built on first use
/// and started with the app; one added later starts at once.
/// </summary>
public sealed class ClusterRegistry : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _app;
    private readonly IConfiguration _configuration;
    private readonly IReadOnlyList<ClusterServiceRegistration> _registrations;
    private readonly ClusterStore _store;
    private readonly ILogger<ClusterRegistry> _logger;
    private readonly Lock _lock = new();
    private readonly List<ClusterDefinition> _definitions;
    private readonly Dictionary<string, ClusterContext> _contexts = new(StringComparer.Ordinal);
    private bool _started, _disposed;

    public ClusterRegistry(IServiceProvider app, IConfiguration configuration, IEnumerable<ClusterServiceRegistration> registrations,
        IOptions<ClusterStoreOptions> store, ILogger<ClusterRegistry> logger)
    {
        (_app, _configuration, _registrations, _logger) = (app, configuration, registrations.ToList(), logger);
        _store = new ClusterStore(store.Value.Directory);
        _definitions = Configured(configuration);
        foreach (var (name, options) in _store.Load())
            if (_definitions.All(d => d.Name != name)) _definitions.Add(new ClusterDefinition(name, options, ClusterOrigin.Dashboard));
    }

    /// <summary>The clusters of configuration: Kafka:* as "default" when it names a cluster (or nothing else is configured: the embedded one), then Clusters:&lt;name&gt;.</summary>
    public static List<ClusterDefinition> Configured(IConfiguration configuration)
    {
        var kafka = new KafkaOptions();
        configuration.GetSection(KafkaOptions.SectionName).Bind(kafka);
        var named = configuration.GetSection("Clusters").GetChildren().Select(section =>
        {
            var options = new KafkaOptions { RequestTimeoutMs = kafka.RequestTimeoutMs };
            section.Bind(options);
            return new ClusterDefinition(section.Key, options, ClusterOrigin.Configuration);
        }).ToList();
        var list = new List<ClusterDefinition>();
        if (!string.IsNullOrWhiteSpace(kafka.BootstrapServers) || named.Count == 0)
            list.Add(new ClusterDefinition(ClusterDefinition.DefaultName, kafka, ClusterOrigin.Default));
        // With only Clusters:* configured, DefaultCluster names the default (the first by name otherwise).
        string? preferred = configuration["DefaultCluster"];
        list.AddRange(named.OrderBy(d => d.Name == preferred ? 0 : 1).ThenBy(d => d.Name, StringComparer.Ordinal));
        list[0] = list[0] with { IsDefault = true };
        return list;
    }

    /// <summary>Every type a cluster's container answers for the app (the rest comes from the app's own container).</summary>
    public IReadOnlySet<Type> PerClusterTypes => _perClusterTypes ??= PerClusterTypesOf(_registrations);
    private IReadOnlySet<Type>? _perClusterTypes;

    public static HashSet<Type> PerClusterTypesOf(IEnumerable<ClusterServiceRegistration> registrations) =>
        [.. ServiceCollectionExtensions.PerClusterTypes, typeof(IOptions<KafkaOptions>), .. registrations.SelectMany(r => r.Types ?? [])];

    public IReadOnlyList<ClusterDefinition> Definitions { get { lock (_lock) return _definitions.ToList(); } }

    /// <summary>The cluster old URLs and the REST proxy's v2 paths use.</summary>
    public ClusterContext Default => Get(Definitions[0].Name)!;

    public IReadOnlyList<ClusterContext> All => Definitions.Select(d => Get(d.Name)).OfType<ClusterContext>().ToList();

    /// <summary>Raised after a cluster was added or removed.</summary>
    public event Action? Changed;

    public ClusterContext? Get(string name)
    {
        lock (_lock)
        {
            if (_contexts.TryGetValue(name, out var context)) return context;
            var definition = _definitions.FirstOrDefault(d => d.Name == name);
            if (definition is null || _disposed) return null; // nothing is built while the app's container is going away
            return _contexts[name] = Build(definition);
        }
    }

    private ClusterContext Build(ClusterDefinition definition)
    {
        var services = new ServiceCollection();
        services.AddSingleton(_app.GetRequiredService<ILoggerFactory>());
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(_app.GetRequiredService<TimeProvider>());
        services.AddClusterServices(_configuration, definition, _app);
        foreach (var registration in _registrations) registration.Configure(services, definition, _app);
        return new ClusterContext(definition, services.BuildServiceProvider(), _app, PerClusterTypes);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var context in All) await context.StartAsync(cancellationToken);
        lock (_lock) _started = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<ClusterContext> contexts;
        lock (_lock) { contexts = _contexts.Values.ToList(); _started = false; }
        foreach (var context in contexts) await context.StopAsync(cancellationToken);
    }

    /// <summary>Adds a cluster (admins, from the dashboard): checked, reached once, started, then persisted.</summary>
    public async Task<ClusterContext> AddAsync(string name, KafkaOptions options, CancellationToken cancellation = default)
    {
        if (ClusterDefinition.ValidateName(name) is { } bad) throw new ArgumentException(bad);
        if (Problems(options, name).FirstOrDefault() is { } problem) throw new ArgumentException(problem);
        lock (_lock)
            if (_definitions.Any(d => d.Name == name)) throw new ArgumentException($"There is already a cluster named '{name}'.");
        var probe = await TestAsync(options, cancellation);
        if (!probe.Reachable) throw new ArgumentException($"The cluster at {options.BootstrapServers} did not answer: {probe.Error}");
        var definition = new ClusterDefinition(name, options, ClusterOrigin.Dashboard);
        ClusterContext context;
        lock (_lock)
        {
            if (_definitions.Any(d => d.Name == name)) throw new ArgumentException($"There is already a cluster named '{name}'.");
            _definitions.Add(definition);
            SaveAdded();
            context = _contexts[name] = Build(definition);
        }
        if (_started) await context.StartAsync(cancellation);
        _logger.LogInformation("Cluster {Name} added ({Bootstrap})", name, options.BootstrapServers);
        Changed?.Invoke();
        return context;
    }

    /// <summary>Removes a cluster added in the dashboard (configured ones are removed from configuration).</summary>
    public async Task<bool> RemoveAsync(string name, CancellationToken cancellation = default)
    {
        ClusterContext? context;
        lock (_lock)
        {
            var definition = _definitions.FirstOrDefault(d => d.Name == name);
            if (definition is null) return false;
            if (definition.Origin != ClusterOrigin.Dashboard) throw new InvalidOperationException($"Cluster '{name}' comes from configuration: remove it there.");
            _definitions.Remove(definition);
            SaveAdded();
            _contexts.Remove(name, out context);
        }
        if (context is not null)
        {
            await context.StopAsync(cancellation);
            await context.DisposeAsync();
        }
        _logger.LogInformation("Cluster {Name} removed", name);
        Changed?.Invoke();
        return true;
    }

    private void SaveAdded() => _store.Save(_definitions.Where(d => d.Origin == ClusterOrigin.Dashboard).ToDictionary(d => d.Name, d => d.Options, StringComparer.Ordinal));

    /// <summary>The settings' mistakes, named as Clusters:&lt;name&gt;:… (a bootstrap list is required: only the default cluster can be the embedded one).</summary>
    public static IEnumerable<string> Problems(KafkaOptions options, string name)
    {
        if (string.IsNullOrWhiteSpace(options.BootstrapServers)) return [$"Clusters:{name}:BootstrapServers is required."];
        var result = new KafkaOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.Select(f => f.Replace("Kafka:", $"Clusters:{name}:", StringComparison.Ordinal)) : [];
    }

    /// <summary>Asks the cluster for its metadata once, with the settings' client properties and timeout.</summary>
    public static Task<ClusterProbeResult> TestAsync(KafkaOptions options, CancellationToken cancellation = default) => Task.Run(() =>
    {
        var config = new AdminClientConfig(new Dictionary<string, string>(options.Client)) { BootstrapServers = options.BootstrapServers, ClientId = "kafka-control-center-probe" };
        string? lastError = null;
        try
        {
            using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, e) => lastError = e.Reason).Build();
            var metadata = admin.GetMetadata(TimeSpan.FromMilliseconds(Math.Clamp(options.RequestTimeoutMs, 500, 30_000)));
            return new ClusterProbeResult(true, null, metadata.Brokers.Count, null);
        }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            return new ClusterProbeResult(false, null, 0, lastError ?? e.Message);
        }
    }, cancellation);

    public async ValueTask DisposeAsync()
    {
        List<ClusterContext> contexts;
        lock (_lock) { contexts = _contexts.Values.ToList(); _contexts.Clear(); _disposed = true; }
        foreach (var context in contexts) await context.DisposeAsync();
    }
}
