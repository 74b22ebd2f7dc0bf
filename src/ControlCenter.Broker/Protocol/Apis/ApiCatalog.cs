using ControlCenter.Broker.Protocol.Messages;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>One API this broker serves: its versions, which of them are flexible, its request's definition and, where the API is served from definitions, its response's.</summary>
public sealed record ApiDefinition(ApiKey Key, short MinVersion, short MaxVersion, MessageSpec Request, MessageSpec? Response = null)
{
    public IEnumerable<short> Versions => Enumerable.Range(MinVersion, MaxVersion - MinVersion + 1).Select(v => (short)v);
}

/// <summary>Every API the broker serves. Adding an API = adding its file and a line here.</summary>
public static class ApiCatalog
{
    internal static List<ApiHandler> Create()
    {
        var handlers = new List<ApiHandler>
        {
            new ProduceApi(),
            new FetchApi(),
            new ListOffsetsApi(),
            new MetadataApi(),
            new OffsetCommitApi(),
            new OffsetFetchApi(),
            new FindCoordinatorApi(),
            new JoinGroupApi(),
            new HeartbeatApi(),
            new LeaveGroupApi(),
            new SyncGroupApi(),
            new DescribeGroupsApi(),
            new ListGroupsApi(),
            new CreateTopicsApi(),
            new DeleteTopicsApi(),
            new DeleteRecordsApi(),
            new InitProducerIdApi(),
            new OffsetForLeaderEpochApi(),
            new AddPartitionsToTxnApi(),
            new AddOffsetsToTxnApi(),
            new EndTxnApi(),
            new WriteTxnMarkersApi(),
            new TxnOffsetCommitApi(),
            new DescribeConfigsApi(),
            new AlterConfigsApi(),
            new DescribeLogDirsApi(),
            new CreatePartitionsApi(),
            new DeleteGroupsApi(),
            new ElectLeadersApi(),
            new IncrementalAlterConfigsApi(),
            new AlterPartitionReassignmentsApi(),
            new ListPartitionReassignmentsApi(),
            new OffsetDeleteApi(),
            new DescribeClusterApi(),
            new DescribeProducersApi(),
            new DescribeTransactionsApi(),
            new ListTransactionsApi(),
            new ConsumerGroupHeartbeatApi(),
            new ConsumerGroupDescribeApi(),
            new DescribeTopicPartitionsApi(),
        };
        handlers.Add(new ApiVersionsApi(() => handlers));
        return handlers;
    }

    /// <summary>What the broker serves, for tools and tests that speak the protocol by hand (the fuzzer).</summary>
    public static IReadOnlyList<ApiDefinition> Definitions { get; } =
        Create().OrderBy(h => h.Key).Select(h => new ApiDefinition(h.Key, h.MinVersion, h.MaxVersion, h.Request, (h as DefinedApi)?.Response)).ToList();
}
