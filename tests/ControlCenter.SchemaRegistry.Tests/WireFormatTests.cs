using System.Text.Json;
using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using ControlCenter.Kafka.Messages;
using ControlCenter.SchemaRegistry.Serdes;
using Confluent.Kafka.SyncOverAsync;
using Google.Protobuf;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace ControlCenter.SchemaRegistry.Tests;

/// <summary>
/// Records written by Confluent's official serializers (and, for Protobuf, by Google.Protobuf's own
/// generated code) through the embedded registry: read back by the official deserializers, and
/// decoded to JSON in the dashboard's browse and search.
/// </summary>
public class WireFormatTests : SchemaRegistryTestBase
{
    public sealed class Order
    {
        public string Id { get; set; } = "";
        public double Total { get; set; }
    }

    private MessageBrowser Browser => Host.Get<MessageBrowser>();

    private async Task<IReadOnlyList<KafkaMessage>> BrowseAsync(string topic) =>
        (await Browser.FirstPageAsync(topic, [0], BrowseStart.Oldest, 50)).Records;

    [Fact]
    public async Task AvroRecordsRoundTripAndAreDecodedInBrowseAndSearch()
    {
        await Clients.CreateTopicAsync(Bootstrap, "users");
        var schema = (RecordSchema)Avro.Schema.Parse(RegistryApiTests.UserV2);
        using (var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = Bootstrap })
                   .SetValueSerializer(new AvroSerializer<GenericRecord>(Registry)).Build())
        {
            foreach (var (name, age) in new[] { ("alice", 42), ("bob", 7) })
            {
                var record = new GenericRecord(schema);
                record.Add("name", name);
                record.Add("age", age);
                await producer.ProduceAsync("users", new Message<string, GenericRecord> { Key = name, Value = record }, Cancellation);
            }
        }

        using (var consumer = new ConsumerBuilder<string, GenericRecord>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "avro-check", AutoOffsetReset = AutoOffsetReset.Earliest })
                   .SetValueDeserializer(new AvroDeserializer<GenericRecord>(Registry).AsSyncOverAsync()).Build())
        {
            consumer.Subscribe("users");
            var first = consumer.Consume(TimeSpan.FromSeconds(30))!;
            Assert.Equal(("alice", 42), ((string)first.Message.Value["name"], (int)first.Message.Value["age"]));
        }

        var page = await BrowseAsync("users");
        Assert.Equal(2, page.Count);
        var decoded = page[0].ValueDecoded!;
        Assert.Equal(("AVRO", "users-value", 1, (string?)null), (decoded.Format, decoded.Subject, decoded.Version, decoded.Error));
        var json = JsonDocument.Parse(decoded.Json!).RootElement;
        Assert.Equal(("alice", 42), (json.GetProperty("name").GetString(), json.GetProperty("age").GetInt32()));
        Assert.Null(page[0].KeyDecoded); // a plain string key is not in the wire format

        var search = await Host.Get<MessageSearch>().RunAsync(new SearchRequest("users",
            new MessageFilter([new FilterCondition(FilterTarget.Value, FilterKind.JsonFieldEquals, "7", JsonPath: "age")])), null, Cancellation);
        var match = Assert.Single(search.Matches);
        Assert.Equal(1, match.Offset);
        Assert.Contains("\"bob\"", match.ValueDecoded!.Json);
        // Export writes the decoded form, naming the encoding and the schema id.
        var exported = JsonDocument.Parse(MessageExport.Line(match, ExportFormat.JsonLines)).RootElement;
        Assert.Equal(("avro", decoded.SchemaId), (exported.GetProperty("valueEncoding").GetString(), exported.GetProperty("valueSchemaId").GetInt32()));
        Assert.Equal("bob", JsonDocument.Parse(exported.GetProperty("value").GetString()!).RootElement.GetProperty("name").GetString());
        var contains = await Host.Get<MessageSearch>().RunAsync(new SearchRequest("users",
            new MessageFilter([new FilterCondition(FilterTarget.Value, FilterKind.Contains, "\"name\":\"alice\"")])), null, Cancellation);
        Assert.Equal(0, Assert.Single(contains.Matches).Offset);
    }

    [Fact]
    public async Task JsonSchemaRecordsRoundTripAndAreDecoded()
    {
        await Clients.CreateTopicAsync(Bootstrap, "orders");
        using (var producer = new ProducerBuilder<string, Order>(new ProducerConfig { BootstrapServers = Bootstrap })
                   .SetValueSerializer(new JsonSerializer<Order>(Registry)).Build())
            await producer.ProduceAsync("orders", new Message<string, Order> { Key = "o-1", Value = new Order { Id = "o-1", Total = 12.5 } }, Cancellation);

        using (var consumer = new ConsumerBuilder<string, Order>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "json-check", AutoOffsetReset = AutoOffsetReset.Earliest })
                   .SetValueDeserializer(new JsonDeserializer<Order>().AsSyncOverAsync()).Build())
        {
            consumer.Subscribe("orders");
            Assert.Equal(12.5, consumer.Consume(TimeSpan.FromSeconds(30))!.Message.Value.Total);
        }
        var decoded = Assert.Single(await BrowseAsync("orders")).ValueDecoded!;
        Assert.Equal(("JSON", "orders-value"), (decoded.Format, decoded.Subject));
        Assert.Equal(12.5, JsonDocument.Parse(decoded.Json!).RootElement.GetProperty("Total").GetDouble());
        Assert.Equal("JSON", (await Registry.GetLatestSchemaAsync("orders-value")).SchemaType.ToString().ToUpperInvariant());
    }

    private const string TimestampProto = """
        syntax = "proto3";
        package google.protobuf;
        message Timestamp {
          int64 seconds = 1;
          int32 nanos = 2;
        }
        """;

    [Fact]
    public async Task ProtobufRecordsAreDecodedWithTheirMessageIndexesAndEncodedFromJson()
    {
        await Clients.CreateTopicAsync(Bootstrap, "ticks");
        int id = await Registry.RegisterSchemaAsync("ticks-value", new Confluent.SchemaRegistry.Schema(TimestampProto, SchemaType.Protobuf));
        // Google.Protobuf's generated Timestamp writes the bytes; Confluent's framing: magic 0, id, message index [0].
        var written = new Timestamp { Seconds = 1_700_000_000, Nanos = 5 };
        byte[] frame = [0, (byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id, 0, .. written.ToByteArray()];
        using (var producer = Clients.Producer(Bootstrap))
            await producer.ProduceAsync("ticks", new Message<byte[]?, byte[]?> { Value = frame }, Cancellation);

        var decoded = Assert.Single(await BrowseAsync("ticks")).ValueDecoded!;
        Assert.Equal(("PROTOBUF", "ticks-value", (string?)null), (decoded.Format, decoded.Subject, decoded.Error));
        var json = JsonDocument.Parse(decoded.Json!).RootElement;
        Assert.Equal((1_700_000_000L, 5), (json.GetProperty("seconds").GetInt64(), json.GetProperty("nanos").GetInt32()));

        // The produce form's path: JSON in, wire format out, readable by the generated class.
        byte[] encoded = await Host.Get<WireFormatSerdes>().EncodeAsync(id, """{"seconds": "42", "nanos": 7}""");
        Assert.Equal(frame[..6], encoded[..6]);
        Assert.Equal(new Timestamp { Seconds = 42, Nanos = 7 }, Timestamp.Parser.ParseFrom(encoded[6..]));
        var wrong = await Assert.ThrowsAsync<SchemaEncodingException>(() => Host.Get<WireFormatSerdes>().EncodeAsync(id, """{"secs": 1}"""));
        Assert.Contains("secs", wrong.Message);
    }

    [Fact]
    public async Task AvroJsonIsEncodedAndValidatedAndUnknownIdsAreExplained()
    {
        int id = await Registry.RegisterSchemaAsync("people-value", new Confluent.SchemaRegistry.Schema(RegistryApiTests.UserV2, SchemaType.Avro));
        var serdes = Host.Get<WireFormatSerdes>();
        byte[] encoded = await serdes.EncodeAsync(id, """{"name":"carol","age":30}""");
        var back = await new AvroDeserializer<GenericRecord>(Registry).DeserializeAsync(encoded, false, SerializationContext.Empty);
        Assert.Equal(("carol", 30), ((string)back["name"], (int)back["age"]));
        var missing = await Assert.ThrowsAsync<SchemaEncodingException>(() => serdes.EncodeAsync(id, """{"age":30}"""));
        Assert.Contains("name", missing.Message);

        var unknown = serdes.Decode("people", false, [0, 0, 0, 0x7F, 0x7F, 1, 2]);
        Assert.Equal((0x7F7F, (string?)null), (unknown!.SchemaId, unknown.Json));
        Assert.Contains("not in the registry", unknown.Error);
        Assert.Null(serdes.Decode("people", false, "{\"plain\":1}"u8));
    }
}
