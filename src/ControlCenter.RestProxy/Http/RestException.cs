namespace ControlCenter.RestProxy.Http;

/// <summary>
/// An error as Confluent's REST Proxy reports it: an HTTP status and a JSON body
/// <c>{"error_code": 40401, "message": "Topic not found."}</c>. The codes are Confluent's
/// (io.confluent.kafkarest.Errors), so scripts written against it keep working.
/// </summary>
public sealed class RestException(int status, int errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;
    public int ErrorCode { get; } = errorCode;

    public static RestException TopicNotFound() => new(404, 40401, "Topic not found.");
    public static RestException PartitionNotFound() => new(404, 40402, "Partition not found.");
    public static RestException ConsumerInstanceNotFound() => new(404, 40403, "Consumer instance not found.");
    public static RestException FormatMismatch() =>
        new(406, 40601, "The requested embedded data format does not match the deserializer for this consumer instance");
    public static RestException ConsumerAlreadyExists() =>
        new(409, 40902, "Consumer with specified consumer ID already exists in the specified consumer group.");
    public static RestException IllegalState(string reason) => new(409, 40903, "Illegal state: " + reason);
    public static RestException InvalidConsumerConfig(string reason) => new(422, 42204, "Invalid consumer configuration: " + reason);
    /// <summary>A body that is JSON but not the shape the endpoint takes (Jackson's mapping errors in Confluent's proxy).</summary>
    public static RestException Unprocessable(string reason) => new(422, 422, reason);
    public static RestException MalformedJson(string reason) => new(400, 400, "Request body is not valid JSON: " + reason);
    public static RestException UnsupportedMediaType(string reason) => new(415, 415, "HTTP 415 Unsupported Media Type: " + reason);
    public static RestException NotAcceptable(string reason) => new(406, 406, "HTTP 406 Not Acceptable: " + reason);
    public static RestException Kafka(Confluent.Kafka.Error error) =>
        IsRetriable(error) ? new(500, 50003, "Retriable Kafka error: " + error.Reason) : new(500, 50002, "Kafka error: " + error.Reason);

    /// <summary>Per-record produce error codes: 50003 when a retry may succeed, else 50002.</summary>
    public static int ProduceErrorCode(Confluent.Kafka.Error error) => IsRetriable(error) ? 50003 : 50002;

    // Error.IsRetriable is only set on errors of librdkafka's transactional API; delivery reports carry just a code.
    private static bool IsRetriable(Confluent.Kafka.Error error) => error.Code switch
    {
        Confluent.Kafka.ErrorCode.Local_TimedOut or Confluent.Kafka.ErrorCode.Local_Transport or Confluent.Kafka.ErrorCode.Local_AllBrokersDown
            or Confluent.Kafka.ErrorCode.Local_MsgTimedOut or Confluent.Kafka.ErrorCode.RequestTimedOut or Confluent.Kafka.ErrorCode.NotEnoughReplicas
            or Confluent.Kafka.ErrorCode.NotEnoughReplicasAfterAppend or Confluent.Kafka.ErrorCode.LeaderNotAvailable
            or Confluent.Kafka.ErrorCode.NotLeaderForPartition or Confluent.Kafka.ErrorCode.NetworkException
            or Confluent.Kafka.ErrorCode.UnknownTopicOrPart or Confluent.Kafka.ErrorCode.GroupLoadInProgress
            or Confluent.Kafka.ErrorCode.GroupCoordinatorNotAvailable or Confluent.Kafka.ErrorCode.NotCoordinatorForGroup => true,
        _ => false,
    };
}
