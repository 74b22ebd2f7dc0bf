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
            new CreateTopicsApi(),
            new DeleteTopicsApi(),
            new DeleteRecordsApi(),
            new InitProducerIdApi(),
            new OffsetForLeaderEpochApi(),
            new DescribeConfigsApi(),
            new AlterConfigsApi(),
            new DescribeLogDirsApi(),
            new CreatePartitionsApi(),
            new IncrementalAlterConfigsApi(),
        };
        handlers.Add(new ApiVersionsApi(() => handlers));
        return handlers;
    }
}
