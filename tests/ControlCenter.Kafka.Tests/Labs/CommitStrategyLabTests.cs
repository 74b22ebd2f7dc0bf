using ControlCenter.Kafka.Labs;

namespace ControlCenter.Kafka.Tests.Labs;

/// <summary>The commit-strategy lab against the embedded broker: each strategy's crash costs what the seed says it costs, counted from the output.</summary>
public sealed class CommitStrategyLabTests : ClusterTest
{
    private CommitStrategyLab Lab => Host.Get<CommitStrategyLab>();
    private static readonly CommitLabRequest CrashInTheMiddle = new(Records: 60, BatchSize: 10, Crash: CrashPoint.AfterProcessing, CrashAtRecord: 35);

    [Fact]
    public async Task ExactlyOnceLosesNothingAndDuplicatesNothingWhenTheConsumerCrashesMidTransaction()
    {
        foreach (var crash in new[] { CrashPoint.AfterProcessing, CrashPoint.BeforeCommit })
        {
            var run = await Lab.RunAsync(CommitStrategy.ExactlyOnce, CrashInTheMiddle with { Crash = crash }, cancellation: Cancellation);
            Assert.True(run.Error is null, run.Error + "\n" + string.Join("\n", run.Steps));
            Assert.Equal((60, 60, 0, 0), (run.Input, run.Output, run.Lost, run.ProcessedTwice));
            Assert.Contains(run.Steps, s => s.StartsWith("Crashed", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AtLeastOnceProcessesTheCrashedBatchTwiceAndLosesNothing()
    {
        var run = await Lab.RunAsync(CommitStrategy.AtLeastOnce, CrashInTheMiddle, cancellation: Cancellation);
        Assert.Null(run.Error);
        Assert.Equal((60, 70, 0, 10), (run.Input, run.Output, run.Lost, run.ProcessedTwice)); // records 30-39 twice
    }

    [Fact]
    public async Task AtMostOnceLosesTheBatchItHadCommittedOnReceipt()
    {
        var run = await Lab.RunAsync(CommitStrategy.AtMostOnce, CrashInTheMiddle with { Crash = CrashPoint.AfterReceive }, cancellation: Cancellation);
        Assert.Null(run.Error);
        Assert.Equal((60, 50, 10, 0), (run.Input, run.Output, run.Lost, run.ProcessedTwice));
    }

    [Fact]
    public async Task WithoutACrashEveryStrategyProcessesEachRecordOnce()
    {
        var runs = await Lab.RunAllAsync(new CommitLabRequest(Records: 25, BatchSize: 7, Crash: CrashPoint.None), cancellation: Cancellation);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal((25, 25, 0, 0), (r.Input, r.Output, r.Lost, r.ProcessedTwice)));
    }
}
