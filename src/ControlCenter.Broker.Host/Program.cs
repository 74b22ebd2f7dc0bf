using ControlCenter.Broker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

// The embedded broker as a process of its own:
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
await using var broker = new KafkaBroker(options, loggerFactory);
try
{
    await broker.StartAsync();
}
catch (ArgumentException e)
{
    logger.LogError("{Message}", e.Message);
    return 2;
}
// Test harnesses read this line to learn the bound port.
Console.WriteLine($"BROKER LISTENING {broker.BootstrapServers}");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
await broker.StopAsync();
return 0;
