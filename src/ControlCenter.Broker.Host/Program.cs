using ControlCenter.Broker;
using ControlCenter.Broker.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

// The embedded broker (or cluster, with --EmbeddedBroker:Nodes=3) as a process of its own:
//   dotnet run --project src/ControlCenter.Broker.Host -- --EmbeddedBroker:Port=9092 --EmbeddedBroker:DataDir=./data
// Same configuration keys as the dashboard (EmbeddedBroker:*), from arguments or environment.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
var options = new BrokerOptions();
configuration.GetSection(BrokerOptions.SectionName).Bind(options);

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var logger = loggerFactory.CreateLogger("ControlCenter.Broker.Host");
EmbeddedCluster broker;
try
{
    broker = new EmbeddedCluster(options, loggerFactory);
    await broker.StartAsync();
}
catch (ArgumentException e)
{
    logger.LogError("{Message}", e.Message);
    return 2;
}
await using var running = broker;
// Test harnesses read this line to learn the bound port (every node's address, comma-separated, for a cluster).
Console.WriteLine($"BROKER LISTENING {broker.BootstrapServers}");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
await broker.DisposeAsync();
return 0;
