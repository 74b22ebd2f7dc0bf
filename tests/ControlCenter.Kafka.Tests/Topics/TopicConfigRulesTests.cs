using ControlCenter.Kafka.Topics;

namespace ControlCenter.Kafka.Tests.Topics;

/// <summary>The form's checks say what Kafka 4's validators say, before anything is sent.</summary>
public sealed class TopicConfigRulesTests
{
    [Theory]
    [InlineData("segment.bytes", "1048576")]
    [InlineData("internal.segment.bytes", "1000")]
    [InlineData("cleanup.policy", "compact, delete")]
    [InlineData("cleanup.policy", "compact")]
    [InlineData("retention.ms", "-1")]
    [InlineData("retention.bytes", "-5")] // Kafka reads every negative retention.bytes as "no limit"
    [InlineData("min.insync.replicas", "3")]
    [InlineData("segment.ms", "1")]
    [InlineData("min.cleanable.dirty.ratio", "0.25")]
    [InlineData("some.unknown.key", "anything")] // left to the broker
    public void KafkaAcceptsThese(string key, string value) => Assert.Null(TopicConfigRules.Check(key, value, replicationFactor: 3));

    [Theory]
    [InlineData("segment.bytes", "1048575", "1 MiB")]
    [InlineData("segment.bytes", "3000000000", "2 GiB")]
    [InlineData("internal.segment.bytes", "13", "at least 14")]
    [InlineData("cleanup.policy", "compact,,delete", "empty item")]
    [InlineData("cleanup.policy", ",compact", "empty item")]
    [InlineData("cleanup.policy", "", "at least one")]
    [InlineData("cleanup.policy", "delete,delete", "twice")]
    [InlineData("cleanup.policy", "compact,purge", "'purge'")]
    [InlineData("retention.ms", "-2", "-1 for unlimited")]
    [InlineData("segment.ms", "0", "at least 1")]
    [InlineData("max.message.bytes", "-1", "whole number of bytes")]
    [InlineData("delete.retention.ms", "-1", "0 or more")]
    [InlineData("min.insync.replicas", "4", "above the replication factor 3")]
    [InlineData("min.insync.replicas", "0", "at least 1")]
    [InlineData("preallocate", "yes", "true or false")]
    public void KafkaRefusesThese(string key, string value, string reason) =>
        Assert.Contains(reason, TopicConfigRules.Check(key, value, replicationFactor: 3));

    [Theory]
    [InlineData("retention.ms", -1, true)]
    [InlineData("retention.ms", -2, false)]
    [InlineData("retention.bytes", -1, true)]
    [InlineData("retention.bytes", -7, true)]
    [InlineData("segment.ms", -1, false)]
    [InlineData("max.message.bytes", -1, false)]
    public void OnlyWhatKafkaReadsAsNoLimitIsUnlimited(string key, long value, bool unlimited) =>
        Assert.Equal(unlimited, TopicConfigRules.MeansUnlimited(key, value));
}
