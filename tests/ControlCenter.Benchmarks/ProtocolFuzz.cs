using ControlCenter.Testing;
using ControlCenter.Testing.Fuzz;

namespace ControlCenter.Benchmarks;

/// <summary>
/// The broker process under a long structure-aware fuzz run (every API and version, 85 % broken):
/// requests per second, what happened to them, and whether the broker's memory settles.
/// The test suite runs the same fuzzer for 100,000 requests in-process; this one runs longer, out of process.
/// </summary>
public static class ProtocolFuzz
{
    public static async Task RunAsync(Options options)
    {
        int requests = options.GetInt("requests", 300_000);
        int connections = options.GetInt("connections", 16);
        int seed = options.GetInt("seed", 20261202);
        string dataDir = TempDir.Create("bench-fuzz");
        try
        {
            using var broker = await BrokerProcess.StartAsync(dataDir);
            string bootstrap = broker.BootstrapServers;
            foreach (var topic in FuzzVocabulary.Default.Topics) await Clients.CreateTopicAsync(bootstrap, topic, 4);
            Console.WriteLine($"protocol-fuzz: {requests:N0} requests over {connections} connections after a 10% warm-up, seed {seed}");

            var warmUp = await new ProtocolFuzzer(bootstrap, seed).RunAsync(requests / 10, connections, CancellationToken.None);
            long rssAfterWarmUp = ProcessStats.ResidentBytes(broker.Pid);
            long cpuBefore = broker.CpuTimeTicks;
            var run = await new ProtocolFuzzer(bootstrap, seed + 1).RunAsync(requests, connections, CancellationToken.None);
            long cpu = broker.CpuTimeTicks - cpuBefore;
            long rssAfter = ProcessStats.ResidentBytes(broker.Pid);

            Report.Line("requests/s", run.RequestsPerSecond, "req/s");
            Report.Line("broken (mutated)", run.Mutated, "requests");
            Report.Line("answered", run.Responses, "responses");
            Report.Line("connections closed by the broker", run.ConnectionsClosed, "connections");
            Report.Line("unanswered after 5 s", run.TimedOut, "requests");
            Report.Line("well-formed requests not answered", run.ValidRequestsNotAnswered.Count, "requests");
            Report.Line("API versions answered well-formed", run.ValidRequestsAnswered.Count, "api versions");
            Report.Line("broker CPU per request", cpu * 10_000.0 / Math.Max(run.Sent, 1), "µs");
            Report.Line("broker RSS after warm-up", Report.Mb(rssAfterWarmUp), "MB");
            Report.Line("broker RSS after the run", Report.Mb(rssAfter), "MB");
            Report.Line("peak broker memory (VmHWM)", Report.Mb(broker.PeakMemoryBytes), "MB");
            foreach (var line in run.ValidRequestsNotAnswered.Take(5)) Console.WriteLine("  not answered: " + line);
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }
}
