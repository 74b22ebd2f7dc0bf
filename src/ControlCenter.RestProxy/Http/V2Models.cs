using System.Text.Json.Serialization;

namespace ControlCenter.RestProxy.Http;

// The v2 wire format, field for field as Confluent's REST Proxy writes it (nulls included).

public sealed record ErrorBody([property: JsonPropertyName("error_code")] int ErrorCode, [property: JsonPropertyName("message")] string Message);

public sealed record ReplicaBody(
    [property: JsonPropertyName("broker")] int Broker,
    [property: JsonPropertyName("leader")] bool Leader,
    [property: JsonPropertyName("in_sync")] bool InSync);

public sealed record PartitionBody(
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("leader")] int Leader,
    [property: JsonPropertyName("replicas")] IReadOnlyList<ReplicaBody> Replicas);

public sealed record TopicBody(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("configs")] IReadOnlyDictionary<string, string?> Configs,
    [property: JsonPropertyName("partitions")] IReadOnlyList<PartitionBody> Partitions);

public sealed record PartitionOffsetsBody(
    [property: JsonPropertyName("beginning_offset")] long BeginningOffset,
    [property: JsonPropertyName("end_offset")] long EndOffset);

public sealed record BrokersBody([property: JsonPropertyName("brokers")] IReadOnlyList<int> Brokers);

/// <summary>One record's outcome in a produce response: partition and offset, or an error.</summary>
public sealed record OffsetBody(
    [property: JsonPropertyName("partition")] int? Partition,
    [property: JsonPropertyName("offset")] long? Offset,
    [property: JsonPropertyName("error_code")] int? ErrorCode,
    [property: JsonPropertyName("error")] string? Error);

public sealed record ProduceResponseBody(
    [property: JsonPropertyName("offsets")] IReadOnlyList<OffsetBody> Offsets,
    [property: JsonPropertyName("key_schema_id")] int? KeySchemaId = null,
    [property: JsonPropertyName("value_schema_id")] int? ValueSchemaId = null);

public sealed record CreateConsumerBody(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("base_uri")] string BaseUri);

public sealed record SubscriptionBody([property: JsonPropertyName("topics")] IReadOnlyList<string> Topics);

public sealed record TopicPartitionBody(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("partition")] int Partition);

public sealed record AssignmentBody([property: JsonPropertyName("partitions")] IReadOnlyList<TopicPartitionBody> Partitions);

public sealed record CommittedOffsetBody(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("metadata")] string Metadata);

public sealed record CommittedBody([property: JsonPropertyName("offsets")] IReadOnlyList<CommittedOffsetBody> Offsets);

/// <summary>A commit's outcome per partition: the last offset consumed and the offset committed (the next to read).</summary>
public sealed record CommitResultBody(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("consumed")] long Consumed,
    [property: JsonPropertyName("committed")] long Committed);

/// <summary>A record read by a consumer instance; key and value are JSON values (json format) or base64 strings (binary).</summary>
public sealed record ConsumerRecordBody(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("key")] object? Key,
    [property: JsonPropertyName("value")] object? Value,
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("offset")] long Offset);
