using ControlCenter.Broker;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Testing;

/// <summary>A real embedded broker on a free loopback port with its own temporary data dir.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    private readonly bool _ownsDir;

    private readonly TimeProvider? _time;
    private ILoggerFactory _logging = Logging;

    private TestBroker(KafkaBroker broker, string dataDir, bool ownsDir, TimeProvider? time)
    {
        Broker = broker;
        DataDir = dataDir;
        _ownsDir = ownsDir;
        _time = time;
    }

    public KafkaBroker Broker { get; private set; }
    public string DataDir { get; }
    public string BootstrapServers => Broker.BootstrapServers;
    public Dictionary<string, string> Config { get; } = new();

    /// <param name="time">The broker's clock: a FakeTimeProvider where a test moves time itself (retention, sessions, expiry).</param>
    /// <param name="logging">Where the broker logs (a <see cref="LogRecorder"/> to assert on it); warnings to the console by default.</param>
    public static async Task<TestBroker> StartAsync(Dictionary<string, string>? config = null, string? dataDir = null, Action<BrokerOptions>? configure = null,
        TimeProvider? time = null, ILoggerFactory? logging = null)
    {
        bool owns = dataDir is null;
        dataDir ??= TempDir.Create("broker");
        var options = Options(dataDir, 0, config);
        configure?.Invoke(options);
        var broker = new KafkaBroker(options, logging ?? Logging, time);
        await broker.StartAsync();
        var test = new TestBroker(broker, dataDir, owns, time) { _logging = logging ?? Logging };
        foreach (var kv in config ?? []) test.Config[kv.Key] = kv.Value;
        return test;
    }

    private static readonly ILoggerFactory Logging = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    private static BrokerOptions Options(string dataDir, int port, Dictionary<string, string>? config) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        DataDir = dataDir,
        Config = new Dictionary<string, string>(config ?? [], StringComparer.Ordinal),
    };

    /// <summary>Clean stop and start on the same port and data dir.</summary>
    public async Task RestartAsync()
    {
        int port = Broker.Port;
        await Broker.StopAsync();
        Broker = new KafkaBroker(Options(DataDir, port, Config), _logging, _time);
        await Broker.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        if (_ownsDir) TempDir.Delete(DataDir);
    }
}

public static class TempDir
{
    public static string Create(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), "cc-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void Delete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
    }
}
