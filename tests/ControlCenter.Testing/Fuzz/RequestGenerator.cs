using System.Text;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Testing.Fuzz;

/// <summary>
/// Names the fuzzer may use. The topics and groups a test's well-behaved clients use are never
/// among them, so no fuzzed request (delete, purge, reset, config change) can touch their data.
/// </summary>
public sealed record FuzzVocabulary(IReadOnlyList<string> Topics, IReadOnlyList<string> Groups)
{
    public static readonly FuzzVocabulary Default = new(["fuzz-a", "fuzz-b", "fuzz-c"], ["fuzz-g1", "fuzz-g2"]);
}

/// <summary>
/// Builds a well-formed request for any version of a <see cref="MessageSpec"/>, with values a
/// broker will take seriously: known topic and group names, small partition numbers, short
/// timeouts (no request may park a connection for long), real record batches. Field names
/// decide the values, as Kafka's own names say what a field is.
/// </summary>
public sealed class RequestGenerator(Random random, FuzzVocabulary vocabulary)
{
    private static readonly string[] Configs = ["retention.ms", "cleanup.policy", "max.message.bytes", "segment.ms", "no.such.config"];

    public StructValue Generate(MessageSpec spec, short version) => Struct(spec.Fields, version, spec.Name);

    private StructValue Struct(IReadOnlyList<Field> fields, short version, string path)
    {
        var value = new StructValue();
        foreach (var field in fields)
        {
            if (!field.IsPresentIn(version)) continue;
            if (field.IsTaggedIn(version) && random.Next(2) == 0) continue; // tagged fields are optional
            value[field.Name] = Value(field, version, path + "." + field.Name);
        }
        return value;
    }

    private object? Value(Field field, short version, string path)
    {
        if (field.IsNullableIn(version) && random.Next(8) == 0) return null;
        if (field.IsArray)
        {
            int count = random.Next(4) switch { 0 => 0, 3 => 2, _ => 1 };
            var items = new List<object?>(count);
            for (int i = 0; i < count; i++)
                items.Add(field.Kind == FieldKind.Struct ? Struct(field.Fields!, version, path) : Primitive(field.Kind, path));
            return items;
        }
        return field.Kind == FieldKind.Struct ? Struct(field.Fields!, version, path) : Primitive(field.Kind, path);
    }

    private object? Primitive(FieldKind kind, string path)
    {
        string name = path[(path.LastIndexOf('.') + 1)..];
        return kind switch
        {
            FieldKind.Bool => random.Next(2) == 0,
            FieldKind.Int8 => name switch
            {
                "ResourceType" => path.Contains("DescribeConfigs", StringComparison.Ordinal) && random.Next(3) == 0 ? (sbyte)4 : (sbyte)2, // topics; the broker only to read
                "ConfigOperation" => (sbyte)random.Next(4),
                _ => (sbyte)random.Next(2),
            },
            FieldKind.Int16 => name switch
            {
                "Acks" => (short)(random.Next(3) - 1),
                "ReplicationFactor" => random.Next(4) == 0 ? (short)-1 : (short)1,
                _ => (short)(random.Next(3) - 1),
            },
            FieldKind.Int32 => Int32(name),
            FieldKind.Int64 => name switch
            {
                "Timestamp" => random.Next(3) switch { 0 => -1L, 1 => -2L, _ => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - random.Next(100_000) },
                "RetentionTimeMs" or "ProducerId" or "ReplicaEpoch" => -1L,
                _ => (long)random.Next(-2, 50),
            },
            FieldKind.Float64 => random.NextDouble(),
            FieldKind.Uuid => random.Next(3) == 0 ? Guid.Empty : Guid.NewGuid(),
            FieldKind.String => Text(name, path),
            FieldKind.Records => random.Next(4) == 0 ? Junk() : Batch(),
            _ => Junk(),
        };
    }

    private int Int32(string name) => name switch
    {
        "TimeoutMs" or "MaxWaitMs" => random.Next(0, 50),
        "SessionTimeoutMs" => 6_000 + random.Next(4_000),
        "RebalanceTimeoutMs" => 50 + random.Next(150),
        "TransactionTimeoutMs" => 60_000,
        "NumPartitions" or "Count" => random.Next(1, 5),
        "MinBytes" => random.Next(2),
        "MaxBytes" or "PartitionMaxBytes" => 1 << random.Next(4, 20),
        "ReplicaId" => -1,
        "SessionId" or "SessionEpoch" => random.Next(2) - 1,
        "GenerationId" or "GenerationIdOrMemberEpoch" or "LeaderEpoch" or "CurrentLeaderEpoch" or "LastFetchedEpoch" or "CommittedLeaderEpoch" => random.Next(-1, 3),
        _ => random.Next(6) == 0 ? random.Next(-1, 1000) : random.Next(0, 4), // partitions and indexes: mostly real ones
    };

    private string Text(string name, string path) => name switch
    {
        "GroupId" or "Groups" or "GroupsNames" or "Key" or "CoordinatorKeys" => Pick(vocabulary.Groups),
        "MemberId" => random.Next(2) == 0 ? "" : "fuzz-member-" + random.Next(3),
        "GroupInstanceId" => "fuzz-instance-" + random.Next(2),
        "ProtocolType" => "consumer",
        "ResourceName" => random.Next(5) == 0 ? "1" : Pick(vocabulary.Topics),
        "Value" => random.Next(2) == 0 ? "604800000" : "delete",
        "Name" when path.Contains(".Configs.", StringComparison.Ordinal) => Pick(Configs),
        "Name" when path.Contains(".Protocols.", StringComparison.Ordinal) => "range",
        "Name" or "Topic" or "TopicName" or "TopicNames" => Pick(vocabulary.Topics),
        "ClientSoftwareName" => "fuzz",
        "ClientSoftwareVersion" => "1.0",
        "StatesFilter" => random.Next(2) == 0 ? "Stable" : "Empty",
        "TypesFilter" => "classic",
        _ => "fuzz-" + random.Next(100),
    };

    private string Pick(IReadOnlyList<string> from) => from[random.Next(from.Count)];

    private byte[] Junk()
    {
        var bytes = new byte[random.Next(0, 48)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A real v2 record batch of a few small records, sometimes compressed.</summary>
    private byte[] Batch()
    {
        var builder = new RecordBatchBuilder { Compression = random.Next(4) == 0 ? CompressionType.Lz4 : CompressionType.None };
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0, n = random.Next(1, 4); i < n; i++)
            builder.Add(now, random.Next(2) == 0 ? null : Encoding.UTF8.GetBytes("k" + i), Encoding.UTF8.GetBytes("fuzz value " + random.Next()));
        return builder.Build();
    }
}
