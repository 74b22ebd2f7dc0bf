using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Messages;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// The Messages search at scale: 1M records of ~100 bytes over 6 partitions with one planted
/// match near the end, scanned by our search (from the segment files, and through a consumer as
/// for a remote cluster) and read by <c>kcat -C -e -q</c> to /dev/null, alternating in the same
/// run against the same embedded broker (these machines are noisy).
/// </summary>
public static class SearchScan
{
    internal const string Topic = "scan";
    internal const string Needle = "NEEDLE-5f3a9c";

    public static async Task RunAsync(Options options)
    {
        int records = options.GetInt("records", 1_000_000), rounds = options.GetInt("rounds", 3);
        await using var app = new AppFactory(Bench.AppSettings());
        app.Start();
        await Wait.UntilAsync(() => app.Monitor.Status.IsReachable, "cluster");
        await Clients.CreateTopicAsync(app.Bootstrap, Topic, 6);
        int planted = records - 1_000;
        Produce(app.Bootstrap, records, planted);
        Console.WriteLine($"search-scan: {records:N0} records (~100 B values) in 6 partitions, one match at record {planted:N0}; {rounds} rounds, alternating");

        var search = app.Get<MessageSearch>();
        // The same search where the log dir is not on this machine (a remote cluster): a consumer does the reading.
        var remote = new ClusterConnection(Microsoft.Extensions.Options.Options.Create(new KafkaOptions { BootstrapServers = app.Bootstrap }));
        var consumerOnly = new MessageSearch(remote, new ClusterAdmin(remote), Microsoft.Extensions.Logging.Abstractions.NullLogger<MessageSearch>.Instance);
        var files = new List<double>();
        var consumer = new List<double>();
        var kcat = new List<double>();
        long allocated = 0;
        for (int round = 0; round < rounds; round++)
        {
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            files.Add(records / await SearchSecondsAsync(search, records, fromFiles: true));
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore; // whole process: the app's monitor and broker too
            consumer.Add(records / await SearchSecondsAsync(consumerOnly, records, fromFiles: false));
            kcat.Add(records / await KcatSecondsAsync(app.Bootstrap));
            Console.WriteLine($"  round {round + 1}: segment files {files[^1],12:N0} rec/s   consumer {consumer[^1],12:N0} rec/s   kcat {kcat[^1],12:N0} rec/s");
        }
        double filesMedian = Median(files), consumerMedian = Median(consumer), kcatMedian = Median(kcat);
        Report.Line("our search, log dir on this machine (median)", filesMedian, "rec/s");
        Report.Line("our search, through a consumer (median)", consumerMedian, "rec/s");
        Report.Line("kcat -C -e -q > /dev/null (median)", kcatMedian, "rec/s");
        Report.Line("ratio files / kcat", $"{filesMedian / kcatMedian:0.00}×");
        Report.Line("ratio consumer / kcat", $"{consumerMedian / kcatMedian:0.00}×");
        Report.Line("managed bytes allocated per record scanned", (double)allocated / records, "B (whole process, last files round)");
        Report.Line("target", "≥ 1.0× kcat where the log dir is readable; ≥ 0.8× kcat through a consumer");
    }

    private static async Task<double> SearchSecondsAsync(MessageSearch search, int records, bool fromFiles)
    {
        var watch = Stopwatch.StartNew();
        var result = await search.RunAsync(new SearchRequest(Topic, new MessageFilter([new FilterCondition(FilterTarget.Value, FilterKind.Contains, Needle)]), MaxMatches: 100), null, default);
        double seconds = watch.Elapsed.TotalSeconds;
        if (result.Final.Scanned != records || result.Matches.Count != 1 || result.Stop != SearchStop.EndOfRange)
            throw new InvalidOperationException($"search scanned {result.Final.Scanned:N0}, found {result.Matches.Count}, stopped {result.Stop}");
        if (result.ScannedFromFiles != (fromFiles ? records : 0))
            throw new InvalidOperationException($"{result.ScannedFromFiles:N0} records came from files, expected {(fromFiles ? records : 0):N0}");
        return seconds;
    }

    internal static void Produce(string bootstrap, int records, int planted)
    {
        using var producer = Clients.Producer(bootstrap, c => { c.LingerMs = 5; c.QueueBufferingMaxMessages = 1_000_000; c.BatchSize = 1_000_000; });
        var random = new Random(1);
        for (int i = 0; i < records; i++)
        {
            string note = i == planted ? Needle : "ok";
            var value = Encoding.UTF8.GetBytes($$"""{"id":{{i}},"user":"user-{{random.Next(100_000)}}","amount":{{random.Next(1000)}},"note":"{{note}}","pad":"{{new string('x', 30)}}"}""");
            var message = new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"k{i}"), Value = value };
            while (true)
            {
                try { producer.Produce(new TopicPartition(Topic, i % 6), message); break; }
                catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(1)); }
            }
        }
        if (producer.Flush(TimeSpan.FromMinutes(5)) > 0) throw new InvalidOperationException("produce did not finish");
    }

    private static async Task<double> KcatSecondsAsync(string bootstrap)
    {
        var info = new ProcessStartInfo("bash", ["-c", $"kcat -b {bootstrap} -C -t {Topic} -e -q -o beginning > /dev/null"]) { UseShellExecute = false };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"kcat exited with {process.ExitCode}");
        return watch.Elapsed.TotalSeconds;
    }

    internal static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
