namespace ControlCenter.Kafka.Topics;

public sealed record PartitionAdvice(int Partitions, double ForProducing, double ForConsuming, string Explanation);

/// <summary>
/// The classic sizing rule: a topic needs max(t/p, t/c) partitions, where t is the target
/// throughput and p and c what one partition sustains for producing and consuming.
/// </summary>
public static class PartitionAdvisor
{
    public static PartitionAdvice? Advise(double targetMBps, double producePerPartitionMBps, double consumePerPartitionMBps)
    {
        if (targetMBps <= 0 || producePerPartitionMBps <= 0 || consumePerPartitionMBps <= 0) return null;
        double forProducing = targetMBps / producePerPartitionMBps;
        double forConsuming = targetMBps / consumePerPartitionMBps;
        int partitions = Math.Max(1, (int)Math.Ceiling(Math.Max(forProducing, forConsuming) - 1e-9));
        string limit = forProducing >= forConsuming ? "producing" : "consuming";
        string explanation =
            $"{targetMBps:0.##} MB/s ÷ {producePerPartitionMBps:0.##} MB/s per partition for producing = {forProducing:0.##}; " +
            $"{targetMBps:0.##} MB/s ÷ {consumePerPartitionMBps:0.##} MB/s per partition for consuming = {forConsuming:0.##}. " +
            $"The larger one ({limit}) decides: {partitions} partition{(partitions == 1 ? "" : "s")}. " +
            "A consumer group reads each partition with one consumer at most, so this is also how many consumers can share the work.";
        return new PartitionAdvice(partitions, forProducing, forConsuming, explanation);
    }
}
