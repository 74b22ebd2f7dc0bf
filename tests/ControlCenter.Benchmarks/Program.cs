using ControlCenter.Benchmarks;

// Each benchmark prints its figures; run them one at a time on a quiet machine, Release build:
//   dotnet run -c Release --project tests/ControlCenter.Benchmarks -- <name> [--option value ...]
var benchmarks = new Dictionary<string, (string Description, Func<Options, Task> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["broker-throughput"] = ("one producer (acks=1, linger 5 ms, 100-byte values) then one consumer against the broker process; records/s, MB/s, peak broker memory", BrokerThroughput.RunAsync),
    ["cluster-throughput"] = ("3-node embedded cluster process: produce with RF=3 acks=all beside RF=1 acks=1 (--records, --rounds), cluster CPU, idle RSS per node", ClusterReplication.ThroughputAsync),
    ["cluster-reassign"] = ("3-node embedded cluster: one partition (--records, 1M) moved from node 1 to nodes 2 and 3, unthrottled beside --throttle-mb (20) MB/s", ClusterReassignment.RunAsync),
    ["cluster-failover"] = ("3-node embedded cluster: leader killed → first acks=all record acknowledged, p50/p95 over --runs (20)", ClusterReplication.FailoverAsync),
    ["transactions"] = ("transactional produce (--per-transaction 1,000 records per commit) beside idempotent acks=all produce, alternating --rounds; commit p50/p95, broker CPU; read_committed vs read_uncommitted consume", TransactionalThroughput.RunAsync),
    ["group-throughput"] = ("3 group members consuming a 6-partition topic of 1M records; records/s and rebalance time", GroupThroughput.RunAsync),
    ["topics-page"] = ("topics page with 2,000 topics × 10 partitions (--topics, --partitions) and groups page with 5,000 groups (--groups): server time, Chromium time to first row, admin requests per page load", TopicsPage.RunAsync),
    ["partitions-tab"] = ("Partitions tab of a 10,000-partition topic (--partitions) beside a 100-partition one: Chromium first row on load and on tab switch, managed heap per open page", PartitionsTab.RunAsync),
    ["search-scan"] = ("Messages search over 1M records (6 partitions, one match near the end) vs kcat -C -e -q to /dev/null, alternating", SearchScan.RunAsync),
    ["access"] = ("search over 1M records with a masking rule beside unmasked, alternating; HTTP Basic first and remembered checks; audit entries flushed per second", AccessCost.RunAsync),
    ["schema-search"] = ("Messages search with a JSON-field filter over 1M Avro records (decoded while scanning) beside the same records as JSON, alternating", SchemaSearchScan.RunAsync),
    ["live-latency"] = ("produce → first hub message showing it, at the default 1 s tick (p50/p95/max)", LiveMetricsBenchmarks.LatencyAsync),
    ["monitor-cost"] = ("the app's CPU per tick, RSS and history memory with 1,000 topics × 10 partitions, all busy", LiveMetricsBenchmarks.CostAsync),
    ["many-clusters"] = ("the app watching --clusters (5) broker processes of --topics (200) × --partitions (10), all busy, with an alert rule of every kind: CPU, RSS, tick times", ManyClustersCost.RunAsync),
    ["hub-fanout"] = ("100 SignalR clients on the metrics hub: does every one receive every tick, and how late", LiveMetricsBenchmarks.FanOutAsync),
    ["segments-view"] = ("Segments tab on a partition of 1,000 segments / 10 GB: listing and first page in-process and in Chromium, vs a full header walk", SegmentsView.RunAsync),
    ["protocol-fuzz"] = ("300,000 structure-aware fuzzed requests (--requests, --connections, --seed) at the broker process: req/s, outcomes, CPU per request, RSS after warm-up vs after the run", ProtocolFuzz.RunAsync),
    ["codec"] = ("BenchmarkDotNet: Produce requests read and Fetch responses written from their definitions vs hand-written codecs, classic and flexible", ProtocolCodec.RunAsync),
    ["micro"] = ("BenchmarkDotNet: CRC32C and batch validation on the produce path", Micro.RunAsync),
};

if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("Benchmarks:");
    foreach (var (name, (description, _)) in benchmarks) Console.WriteLine($"  {name,-22} {description}");
    return 0;
}
if (!benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine($"Unknown benchmark '{args[0]}'. Run with 'list' to see them.");
    return 2;
}
await benchmark.Run(new Options(args.Skip(1).ToArray()));
return 0;
