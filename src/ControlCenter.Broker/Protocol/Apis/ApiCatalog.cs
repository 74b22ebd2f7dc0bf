namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>Every API the broker serves. Adding an API = adding its file and a line here.</summary>
internal static class ApiCatalog
{
    public static List<ApiHandler> Create()
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
            new DescribeConfigsApi(),
            new AlterConfigsApi(),
            new DescribeLogDirsApi(),
            new CreatePartitionsApi(),
            new DeleteGroupsApi(),
            new IncrementalAlterConfigsApi(),
            new OffsetDeleteApi(),
        };
        handlers.Add(new ApiVersionsApi(() => handlers));
        return handlers;
    }
}
