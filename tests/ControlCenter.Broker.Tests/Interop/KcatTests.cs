using Confluent.Kafka;

namespace ControlCenter.Broker.Tests.Interop;

/// <summary>kcat (Debian's build on its own librdkafka) against the broker.</summary>
public class KcatTests
{
    [Fact]
    public async Task ListProduceConsumeAndSeek()
    {
        await using var broker = await TestBroker.StartAsync();
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, "kcat", 1);

        var list = await Kcat.RunAsync($"-b {b} -L");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"broker 1 at {b} (controller)", list.Output);
        Assert.Contains("topic \"kcat\" with 1 partitions", list.Output);

        string lines = string.Join("\n", Enumerable.Range(0, 20).Select(i => $"key{i}:value{i}")) + "\n";
        var produce = await Kcat.RunAsync($"-b {b} -P -t kcat -K :", lines);
        Assert.Equal(0, produce.ExitCode);

        var consume = await Kcat.RunAsync($"-b {b} -C -t kcat -e -q -f %k=%s@%o\\n");
        Assert.Equal(0, consume.ExitCode);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"key{i}=value{i}@{i}"), consume.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var fromOffset = await Kcat.RunAsync($"-b {b} -C -t kcat -o 15 -e -q -f %s\\n");
        Assert.Equal(["value15", "value16", "value17", "value18", "value19"], fromOffset.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var lastTwo = await Kcat.RunAsync($"-b {b} -C -t kcat -o -2 -e -q -f %s\\n");
        Assert.Equal(["value18", "value19"], lastTwo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task ConsumeFromATimestamp()
    {
        await using var broker = await TestBroker.StartAsync();
        var start = new DateTime(2026, 5, 5, 12, 0, 0, DateTimeKind.Utc);
        using (var producer = Clients.Producer(broker.BootstrapServers))
            for (int i = 0; i < 10; i++)
                await producer.ProduceAsync("kcat-ts", new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"m{i}"), Timestamp = new Timestamp(start.AddHours(i)) }, TestContext.Current.CancellationToken);
        long from = new DateTimeOffset(start.AddHours(7)).ToUnixTimeMilliseconds();
        var result = await Kcat.RunAsync($"-b {broker.BootstrapServers} -C -t kcat-ts -o s@{from} -e -q -f %s\\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["m7", "m8", "m9"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task BalancedConsumerGroup()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "kcat-g", 2);
        using (var producer = Clients.Producer(broker.BootstrapServers))
            for (int i = 0; i < 30; i++)
                await producer.ProduceAsync(new TopicPartition("kcat-g", i % 2), new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"g{i}") }, TestContext.Current.CancellationToken);
        // -G joins a balanced group; -o beginning for a group with no commits; -c stops after 30 messages.
        var result = await Kcat.RunAsync($"-b {broker.BootstrapServers} -G kcat-group -o beginning -c 30 -q -f %s\\n kcat-g", timeout: TimeSpan.FromSeconds(90));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"g{i}").Order(), result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }
}
