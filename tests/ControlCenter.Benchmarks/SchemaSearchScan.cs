using System.Diagnostics;
using System.Text;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using ControlCenter.Kafka.Messages;
using ControlCenter.SchemaRegistry;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// Search over schema'd records: the same 1M records written once as Avro (Confluent's
/// serializer, through the embedded registry) and once as JSON, searched with the same
/// JSON-field filter (one match near the end), alternating in one run. The Avro topic is matched
/// on each record's decoded JSON, so the figure is the cost of decoding while scanning.
/// </summary>
public static class SchemaSearchScan
{
    private const string Needle = "NEEDLE-5f3a9c";
    private const string Schema = """{"type":"record","name":"Payment","namespace":"bench","fields":[{"name":"id","type":"int"},{"name":"user","type":"string"},{"name":"amount","type":"int"},{"name":"note","type":"string"},{"name":"pad","type":"string"}]}""";

    public static async Task RunAsync(Options options)
    {
        int records = options.GetInt("records", 1_000_000), rounds = options.GetInt("rounds", 3);
        await using var app = new AppFactory(Bench.AppSettings());
        app.Start();
        await Wait.UntilAsync(() => app.Monitor.Status.IsReachable, "cluster");
        string registryUrl = await app.Get<SchemaRegistryServer>().WhenListeningAsync(default);
        using var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registryUrl });
        await Clients.CreateTopicAsync(app.Bootstrap, "scan-avro", 6);
        await Clients.CreateTopicAsync(app.Bootstrap, "scan-json", 6);
        int planted = records - 1_000;
        var produce = Stopwatch.StartNew();
        Produce(app.Bootstrap, registry, records, planted);
        Console.WriteLine($"schema-search: {records:N0} records per topic (the same fields: Avro binary in Confluent's wire format, and JSON text) in 6 partitions, written in {produce.Elapsed.TotalSeconds:0.0} s; one match at record {planted:N0}; {rounds} rounds, alternating");

        var search = app.Get<MessageSearch>();
        var avro = new List<double>();
        var json = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            avro.Add(records / await SearchSecondsAsync(search, "scan-avro", records));
            json.Add(records / await SearchSecondsAsync(search, "scan-json", records));
            Console.WriteLine($"  round {round + 1}: Avro {avro[^1],12:N0} rec/s   JSON {json[^1],12:N0} rec/s");
        }
        double avroMedian = avro.Order().ElementAt(rounds / 2), jsonMedian = json.Order().ElementAt(rounds / 2);
        Report.Line("search of Avro records, matched on decoded JSON (median)", avroMedian, "rec/s");
        Report.Line("search of the same records as JSON (median)", jsonMedian, "rec/s");
        Report.Line("ratio Avro / JSON", $"{avroMedian / jsonMedian:0.00}×");
    }

    private static async Task<double> SearchSecondsAsync(MessageSearch search, string topic, int records)
    {
        var watch = Stopwatch.StartNew();
        var filter = new MessageFilter([new FilterCondition(FilterTarget.Value, FilterKind.JsonFieldEquals, Needle, JsonPath: "note")]);
        var result = await search.RunAsync(new SearchRequest(topic, filter, MaxMatches: 100), null, default);
        double seconds = watch.Elapsed.TotalSeconds;
        if (result.Final.Scanned != records || result.Matches.Count != 1 || result.Stop != SearchStop.EndOfRange)
            throw new InvalidOperationException($"search of {topic} scanned {result.Final.Scanned:N0}, found {result.Matches.Count}, stopped {result.Stop}");
        return seconds;
    }

    private static void Produce(string bootstrap, ISchemaRegistryClient registry, int records, int planted)
    {
        var schema = (Avro.RecordSchema)Avro.Schema.Parse(Schema);
        var config = new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, QueueBufferingMaxMessages = 1_000_000, BatchSize = 1_000_000 };
        using var avro = new ProducerBuilder<string, GenericRecord>(config).SetValueSerializer(new AvroSerializer<GenericRecord>(registry).AsSyncOverAsync()).Build();
        using var json = new ProducerBuilder<string, string>(config).Build();
        var random = new Random(1);
        string pad = new('x', 30);
        for (int i = 0; i < records; i++)
        {
            string user = $"user-{random.Next(100_000)}", note = i == planted ? Needle : "ok";
            int amount = random.Next(1000);
            var record = new GenericRecord(schema);
            record.Add("id", i);
            record.Add("user", user);
            record.Add("amount", amount);
            record.Add("note", note);
            record.Add("pad", pad);
            Send(() => avro.Produce(new TopicPartition("scan-avro", i % 6), new Message<string, GenericRecord> { Key = $"k{i}", Value = record }), t => avro.Poll(t));
            string text = $$"""{"id":{{i}},"user":"{{user}}","amount":{{amount}},"note":"{{note}}","pad":"{{pad}}"}""";
            Send(() => json.Produce(new TopicPartition("scan-json", i % 6), new Message<string, string> { Key = $"k{i}", Value = text }), t => json.Poll(t));
        }
        if (avro.Flush(TimeSpan.FromMinutes(5)) > 0 || json.Flush(TimeSpan.FromMinutes(5)) > 0) throw new InvalidOperationException("produce did not finish");

        static void Send(Action produce, Func<TimeSpan, int> poll)
        {
            while (true)
            {
                try { produce(); return; }
                catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_QueueFull) { poll(TimeSpan.FromMilliseconds(1)); }
            }
        }
    }
}
