using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Broker.Tests.Infrastructure;

namespace ControlCenter.Broker.Tests;

public class GroupSmokeTests
{
    [Fact]
    public async Task ThreeConsumersShareSixPartitions()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "t6", NumPartitions = 6, ReplicationFactor = 1 }]);
        var consumers = Enumerable.Range(0, 3).Select(i => new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "g3", AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build()).ToList();
        foreach (var c in consumers) c.Subscribe("t6");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && consumers.Sum(c => c.Assignment.Count) != 6 || consumers.Any(c => c.Assignment.Count != 2))
        {
            var tasks = consumers.Select(c => Task.Run(() => c.Consume(TimeSpan.FromMilliseconds(200)))).ToArray();
            await Task.WhenAll(tasks);
            if (DateTime.UtcNow > deadline) break;
        }
        Assert.All(consumers, c => Assert.Equal(2, c.Assignment.Count));
        foreach (var c in consumers) { c.Close(); c.Dispose(); }
    }
}
