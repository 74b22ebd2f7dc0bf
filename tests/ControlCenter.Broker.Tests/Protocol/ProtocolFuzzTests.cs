using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using ControlCenter.Broker.Protocol.Apis;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Testing.Fuzz;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Tests.Protocol;

/// <summary>
/// The broker against structure-aware fuzzing: requests of every API and version built from
/// their definitions, most of them broken where parsers break, while well-behaved clients keep
/// working on other connections.
/// </summary>
public class ProtocolFuzzTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void EveryApiHasADefinitionForEveryVersionItServes()
    {
        foreach (var handler in ApiCatalog.Create())
            foreach (short v in Enumerable.Range(handler.MinVersion, handler.MaxVersion - handler.MinVersion + 1).Select(v => (short)v))
            {
                Assert.True(handler.Request.Valid.Contains(v), $"{handler.Key} v{v} is served but not defined ({handler.Request.Valid})");
                Assert.True(handler.Request.IsFlexible(v) == handler.IsFlexible(v), $"{handler.Key} v{v}: the definition and the handler disagree on flexible versions");
            }
    }

    [Fact]
    public void GeneratedRequestsAndResponsesReadBackAsWritten()
    {
        var random = new Random(7);
        var generator = new RequestGenerator(random, FuzzVocabulary.Default);
        int checkedMessages = 0;
        foreach (var api in ApiCatalog.Definitions)
            foreach (short v in api.Versions)
                foreach (var spec in new[] { api.Request, api.Response }.OfType<MessageSpec>())
                    for (int i = 0; i < 5; i++) // several draws: optional tagged fields, nulls and array sizes differ
                    {
                        var value = generator.Generate(spec, v);
                        using var w = new KafkaWriter();
                        MessageWriter.Write(spec, v, value, w);
                        var reader = new KafkaReader(w.ToArray());
                        var read = MessageReader.Read(spec, v, reader);
                        Assert.True(reader.Remaining == 0, $"{spec.Name} v{v}: {reader.Remaining} bytes left");
                        using var again = new KafkaWriter();
                        MessageWriter.Write(spec, v, read, again);
                        Assert.True(w.WrittenSpan.SequenceEqual(again.WrittenSpan), $"{spec.Name} v{v} does not read back as written");
                        checkedMessages++;
                    }
        // Every API has its request and its response checked at every version, but ApiVersions its request only (its answer is written by hand: KIP-511).
        int versions = ApiCatalog.Definitions.Sum(a => a.Versions.Count());
        int responseVersions = ApiCatalog.Definitions.Where(a => a.Response is not null).Sum(a => a.Versions.Count());
        Assert.Equal(5 * (versions + responseVersions), checkedMessages);
        Assert.Equal([Broker.Protocol.ApiKey.ApiVersions], ApiCatalog.Definitions.Where(a => a.Response is null).Select(a => a.Key));
    }

    [Fact]
    public async Task WellFormedRequestsOfEveryApiAndVersionAreAnswered()
    {
        var recorder = new LogRecorder();
        await using var broker = await TestBroker.StartAsync(logging: recorder.Factory());
        await CreateFuzzTopicsAsync(broker.BootstrapServers);
        // Every version of every API in turn, several times over: each is answered however the dice fall.
        int versions = ApiCatalog.Definitions.Sum(a => a.Versions.Count());
        var result = await new ProtocolFuzzer(broker.BootstrapServers, seed: 1, mutatedPercent: 0, inTurn: true).RunAsync(versions * 10, connections: 8, Cancellation);

        Assert.Empty(result.ValidRequestsNotAnswered);
        var missing = ApiCatalog.Definitions.SelectMany(a => a.Versions.Select(v => $"{a.Key} v{v}")).Where(k => !result.ValidRequestsAnswered.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "never answered: " + string.Join(", ", missing));
        Assert.DoesNotContain(recorder.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task AHundredThousandBrokenRequestsMeanNoErrorAndNoAcknowledgedRecordLost()
    {
        var recorder = new LogRecorder();
        await using var broker = await TestBroker.StartAsync(logging: recorder.Factory());
        string bootstrap = broker.BootstrapServers;
        await CreateFuzzTopicsAsync(bootstrap);
        await Clients.CreateTopicAsync(bootstrap, "soak", 3);

        // Well-behaved clients on their own connections all along: they must not notice.
        using var stop = new CancellationTokenSource();
        var acknowledged = new ConcurrentQueue<string>();
        long consumed = 0;
        var producing = Task.Run(() => Produce(bootstrap, acknowledged, stop.Token), Cancellation);
        var consuming = Task.Run(() => Consume(bootstrap, ref consumed, stop.Token), Cancellation);

        var fuzzer = new ProtocolFuzzer(bootstrap, seed: 20261202);
        // Memory is measured by the protocol-fuzz benchmark, on a broker process of its own: this process's heap
        // is shared with every other test running beside this one, so it cannot say what the broker kept.
        var warmUp = await fuzzer.RunAsync(10_000, connections: 16, Cancellation);
        var soak = await new ProtocolFuzzer(bootstrap, seed: 20261203).RunAsync(90_000, connections: 16, Cancellation);
        long consumedDuringSoak = Interlocked.Read(ref consumed);
        stop.Cancel();
        await producing;
        await consuming;

        var output = TestContext.Current.TestOutputHelper!;
        // Every client has hung up: the broker must hold no connection (a connection ending as it was accepted once stayed listed for ever).
        await Wait.UntilAsync(() => broker.Broker.ConnectionCount == 0, "every broker connection closed", cancellation: Cancellation);
        output.WriteLine($"{warmUp.Sent + soak.Sent:N0} requests ({warmUp.Mutated + soak.Mutated:N0} broken) in {(warmUp.Elapsed + soak.Elapsed).TotalSeconds:0.0} s: " +
            $"{warmUp.Responses + soak.Responses:N0} answered, {warmUp.ConnectionsClosed + soak.ConnectionsClosed:N0} connections closed, {soak.TimedOut + warmUp.TimedOut} timed out");
        Assert.Equal(100_000, warmUp.Sent + soak.Sent);
        Assert.True(soak.Mutated > 70_000);
        Assert.Empty(soak.ValidRequestsNotAnswered);
        // No request, however broken, is an unexpected error: each is a clean protocol error or an answer.
        Assert.DoesNotContain(recorder.Entries, e => e.Level >= LogLevel.Error);
        // A flood of bad frames is summarised, not written line by line.
        Assert.True(recorder.Entries.Count(e => e.Level == LogLevel.Warning) <= (ConnectionLog.PerMinute + 1) * 10);
        Assert.True(consumedDuringSoak > 0, "the well-behaved consumer made progress");

        var stored = Clients.ReadAll(bootstrap, "soak", 3, TimeSpan.FromSeconds(60)).Select(r => Encoding.UTF8.GetString(r.Message.Value!)).ToHashSet();
        Assert.True(acknowledged.Count > 100, $"{acknowledged.Count} records acknowledged");
        var lost = acknowledged.Where(v => !stored.Contains(v)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged records lost, e.g. {string.Join(", ", lost.Take(3))}");
    }

    private static void Produce(string bootstrap, ConcurrentQueue<string> acknowledged, CancellationToken stop)
    {
        using var producer = Clients.Producer(bootstrap, c => { c.Acks = Acks.All; c.EnableIdempotence = true; c.LingerMs = 5; });
        for (int i = 0; !stop.IsCancellationRequested; i++)
        {
            string value = $"soak-{i}";
            producer.Produce("soak", new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(value) }, report =>
            {
                if (report.Error.Code == ErrorCode.NoError) acknowledged.Enqueue(value);
            });
            if (i % 100 == 99) producer.Flush(TimeSpan.FromSeconds(30));
        }
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static void Consume(string bootstrap, ref long consumed, CancellationToken stop)
    {
        using var consumer = Clients.Consumer(bootstrap, "soak-readers", c => c.AutoOffsetReset = AutoOffsetReset.Earliest);
        consumer.Subscribe("soak");
        while (!stop.IsCancellationRequested)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null }) Interlocked.Increment(ref consumed);
        consumer.Close();
    }

    private static async Task CreateFuzzTopicsAsync(string bootstrap)
    {
        foreach (var topic in FuzzVocabulary.Default.Topics) await Clients.CreateTopicAsync(bootstrap, topic, 4);
    }
}
