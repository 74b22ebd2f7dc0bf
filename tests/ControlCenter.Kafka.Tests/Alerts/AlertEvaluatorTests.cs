using ControlCenter.Kafka.Alerts;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Groups;
using ControlCenter.Kafka.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlCenter.Kafka.Tests.Alerts;

/// <summary>The alert state machine and each rule kind, on monitor readings built by hand (a tick is one call).</summary>
public sealed class AlertEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly AlertEvaluator _evaluator = new("test");

    private static AlertRule Rule(AlertKind kind, double threshold = 0, int forSeconds = 0, string topic = "*", string group = "*") =>
        new("r1", kind.Name(), kind, AlertSeverity.Warning, threshold, TimeSpan.FromSeconds(forSeconds), topic, group);

    private static ClusterSnapshot Snapshot(DateTimeOffset at, int controller = 1, int[]? brokers = null, long orders = 100, int isr = 3)
    {
        var partition = new PartitionSnapshot(0, 1, [1, 2, 3], [.. new[] { 1, 2, 3 }.Take(isr)], 0, orders, null);
        var topics = new Dictionary<string, TopicSnapshot> { ["orders"] = new("orders", false, [partition]) };
        var overview = new ClusterOverview("c", controller, (brokers ?? [1, 2, 3]).Select(id => new BrokerInfo(id, "h", 9092, null, id == controller)).ToList(),
            [new TopicSummary("orders", 1, 3, false, isr < 3 ? 1 : 0, 0)], at);
        return new ClusterSnapshot(overview, topics, false, at);
    }

    private static Dictionary<string, GroupLag> Lag(long committed, long end = 100) => new()
    {
        ["billing"] = new GroupLag(new GroupSnapshot("billing", "Stable", "classic", "consumer", "range", false, [], new Dictionary<(string, int), long> { [("orders", 0)] = committed }, T0),
            [new PartitionLag("orders", 0, committed, end, 0, end - committed, TimeSpan.FromSeconds(end - committed), null, null)]),
    };

    private static MetricsSnapshot Rate(double? recordsPerSec) => MetricsSnapshot.Empty with
    {
        Topics = new Dictionary<string, TopicMetrics> { ["orders"] = new(T0, "orders", recordsPerSec, null, 100, 100, [], []) },
    };

    private static AlertInputs Inputs(DateTimeOffset now, ClusterSnapshot? snapshot = null, Dictionary<string, GroupLag>? lags = null, MetricsSnapshot? metrics = null, bool reachable = true) =>
        new(new ClusterStatus(reachable ? ConnectionState.Connected : ConnectionState.Unreachable, "b:9092", reachable ? null : "connection refused", now, null),
            snapshot ?? Snapshot(now), lags ?? [], metrics ?? MetricsSnapshot.Empty, [], now, GroupsReadAt: now);

    private List<AlertTransition> Tick(AlertRule rule, AlertInputs inputs) => _evaluator.Evaluate([rule], inputs);

    [Fact]
    public void AnAlertIsPendingUntilItsConditionHeldForTheDurationThenFiresAndResolves()
    {
        var rule = Rule(AlertKind.ConsumerLagRecords, threshold: 10, forSeconds: 10, group: "bill*");
        Assert.Empty(Tick(rule, Inputs(T0, lags: Lag(50))));
        Assert.Equal(AlertState.Pending, Assert.Single(_evaluator.Active).State);
        Assert.Empty(Tick(rule, Inputs(T0.AddSeconds(9), lags: Lag(50))));
        var fired = Assert.Single(Tick(rule, Inputs(T0.AddSeconds(10), lags: Lag(40))));
        Assert.Equal(AlertTransitions.Firing, fired.Transition);
        Assert.Equal(("billing/orders", 60.0, T0), (fired.Alert.Key, fired.Alert.Value, fired.Alert.Since));
        Assert.Empty(Tick(rule, Inputs(T0.AddSeconds(11), lags: Lag(30)))); // still firing: no new transition
        Assert.Equal(70, Assert.Single(_evaluator.Active).Value);
        var resolved = Assert.Single(Tick(rule, Inputs(T0.AddSeconds(12), lags: Lag(95))));
        Assert.Equal(AlertTransitions.Resolved, resolved.Transition);
        Assert.Empty(_evaluator.Active);
    }

    [Fact]
    public void APendingAlertWhoseConditionStopsIsDroppedWithoutATransition()
    {
        var rule = Rule(AlertKind.ConsumerLagSeconds, threshold: 30, forSeconds: 60);
        Tick(rule, Inputs(T0, lags: Lag(0)));
        Assert.Single(_evaluator.Active);
        Assert.Empty(Tick(rule, Inputs(T0.AddSeconds(5), lags: Lag(90))));
        Assert.Empty(_evaluator.Active);
    }

    [Fact]
    public void PatternsThatMatchNothingRaiseNothing()
    {
        Assert.Empty(Tick(Rule(AlertKind.ConsumerLagRecords, group: "payments-*"), Inputs(T0, lags: Lag(0))));
        Assert.Empty(Tick(Rule(AlertKind.ConsumerLagRecords, topic: "audit"), Inputs(T0, lags: Lag(0))));
        Assert.Empty(_evaluator.Active);
    }

    [Fact]
    public void ABrokerSeenOnceAndThenMissingIsDownAndAnUnreachableClusterIsToo()
    {
        var rule = Rule(AlertKind.BrokerDown);
        Assert.Empty(Tick(rule, Inputs(T0)));
        var down = Assert.Single(Tick(rule, Inputs(T0.AddSeconds(1), Snapshot(T0, brokers: [1, 3]))));
        Assert.Equal("broker-2", down.Alert.Key);
        var lost = Tick(rule, Inputs(T0.AddSeconds(2), Snapshot(T0, brokers: [1, 3]), reachable: false));
        Assert.Equal(["cluster:firing", "broker-2:resolved"], lost.Select(t => $"{t.Alert.Key}:{t.Transition}"));
        Assert.Contains("connection refused", lost[0].Alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhileTheClusterIsUnreachableOtherAlertsStayAsTheyWere()
    {
        var rule = Rule(AlertKind.ConsumerLagRecords, threshold: 10);
        Assert.Single(Tick(rule, Inputs(T0, lags: Lag(0))));
        Assert.Empty(Tick(rule, Inputs(T0.AddSeconds(1), lags: [], reachable: false)));
        Assert.Equal(AlertState.Firing, Assert.Single(_evaluator.Active).State);
    }

    [Fact]
    public void AControllerMoveFiresAtOnceAndResolvesAfterTheHold()
    {
        var rule = Rule(AlertKind.ControllerChange, forSeconds: 120);
        Assert.Empty(Tick(rule, Inputs(T0, Snapshot(T0, controller: 1))));
        var moved = Assert.Single(Tick(rule, Inputs(T0.AddSeconds(1), Snapshot(T0, controller: 2))));
        Assert.Equal("Active controller moved from node 1 to node 2", moved.Alert.Message);
        Assert.Empty(Tick(rule, Inputs(T0.AddSeconds(100), Snapshot(T0, controller: 2))));
        Assert.Equal(AlertTransitions.Resolved, Assert.Single(Tick(rule, Inputs(T0.AddSeconds(121), Snapshot(T0, controller: 2)))).Transition);
    }

    [Fact]
    public void NoProductionCountsFromTheLastTimeTheTopicGrew()
    {
        var rule = Rule(AlertKind.NoProduction, threshold: 5);
        Assert.Empty(Tick(rule, Inputs(T0, Snapshot(T0, orders: 100))));
        Assert.Empty(Tick(rule, Inputs(T0.AddMinutes(3), Snapshot(T0, orders: 120)))); // grew at minute 3
        Assert.Empty(Tick(rule, Inputs(T0.AddMinutes(7), Snapshot(T0, orders: 120))));
        var quiet = Assert.Single(Tick(rule, Inputs(T0.AddMinutes(8), Snapshot(T0, orders: 120))));
        Assert.Equal("orders", quiet.Alert.Key);
        Assert.Equal(AlertTransitions.Resolved, Assert.Single(Tick(rule, Inputs(T0.AddMinutes(9), Snapshot(T0, orders: 121)))).Transition);
    }

    [Fact]
    public void UnderReplicatedPartitionsAreCountedOverTheMatchingTopics()
    {
        var rule = Rule(AlertKind.UnderReplicatedPartitions, topic: "ord*");
        Assert.Empty(Tick(rule, Inputs(T0, Snapshot(T0, isr: 3))));
        var urp = Assert.Single(Tick(rule, Inputs(T0.AddSeconds(1), Snapshot(T0, isr: 2))));
        Assert.Equal("1 under-replicated partitions: orders (1)", urp.Alert.Message);
        Assert.DoesNotContain(_evaluator.Evaluate([rule, Rule(AlertKind.OfflinePartitions) with { Id = "r2" }], Inputs(T0.AddSeconds(2), Snapshot(T0, isr: 2))), t => t.Alert.Rule.Id == "r2");
    }

    [Theory]
    [InlineData(AlertKind.ProduceRateAbove, 500.0, true)]
    [InlineData(AlertKind.ProduceRateAbove, 50.0, false)]
    [InlineData(AlertKind.ProduceRateBelow, 5.0, true)]
    [InlineData(AlertKind.ProduceRateBelow, null, false)] // no rate known yet: not "below"
    public void ProduceRatesAreComparedWithTheThreshold(AlertKind kind, double? rate, bool fires)
    {
        var transitions = Tick(Rule(kind, threshold: 100), Inputs(T0, metrics: Rate(rate)));
        Assert.Equal(fires, transitions.Count == 1);
    }

    [Fact]
    public void LogDirUsageReadsTheDiskOfEachLogDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "alert-logdir-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var inputs = Inputs(T0) with { LogDirs = [dir, dir + "-missing"] };
            var full = Assert.Single(Tick(Rule(AlertKind.LogDirUsage, threshold: 0.0001), inputs));
            Assert.Equal(dir, full.Alert.Key);
            Assert.InRange(full.Alert.Value, 0.0001, 100);
            Assert.Equal(AlertTransitions.Resolved, Assert.Single(_evaluator.Evaluate([Rule(AlertKind.LogDirUsage, threshold: 100)], inputs with { Now = T0.AddSeconds(1) })).Transition);
        }
        finally { Directory.Delete(dir); }
    }

    [Fact]
    public void ConfigurationMistakesAreListedBySetting()
    {
        var options = new AlertOptions
        {
            Rules = [new() { Kind = "lag" }, new() { Kind = "log-dir-usage", Threshold = 120 }, new() { Kind = "broker-down", Name = "ok" }],
            Notifications = new() { Webhooks = [new() { Url = "ftp://x" }], Email = new() { Host = "smtp.example" } },
        };
        var (rules, problems) = options.Compile();
        Assert.Equal("ok", Assert.Single(rules).Name);
        Assert.Collection(problems,
            p => Assert.StartsWith("Alerts:Rules:0:Kind 'lag' is not a rule kind", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Alerts:Rules:1: a log-dir usage threshold", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Alerts:Notifications:Webhooks:0:Url", p, StringComparison.Ordinal),
            p => Assert.StartsWith("Alerts:Notifications:Email:To", p, StringComparison.Ordinal));
    }

    [Fact]
    public void RetriesBackOffByDoublingUpToTheCap()
    {
        var notifier = new AlertNotifier([], new NotificationOptions { RetryBaseMs = 2000, RetryMaxMs = 10_000 }, TimeProvider.System, NullLogger<AlertNotifier>.Instance);
        Assert.Equal([2000, 4000, 8000, 10_000, 10_000], Enumerable.Range(1, 5).Select(n => notifier.BackOff(n).TotalMilliseconds));
    }
}
