using System.Text;
using Confluent.Kafka;
using ControlCenter.Broker.Tests.Infrastructure;

namespace ControlCenter.Broker.Tests;

public class SmokeTests
{
    [Fact]
    public async Task ProduceAndConsumeRoundTrip()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (int i = 0; i < 10; i++)
                await producer.ProduceAsync("smoke", new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
        }
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "g" }).Build();
        consumer.Assign(new TopicPartitionOffset("smoke", 0, Offset.Beginning));
        var got = new List<string>();
        while (got.Count < 10)
        {
            var r = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.NotNull(r);
            got.Add(r.Message.Value);
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"v{i}"), got);
    }
}
