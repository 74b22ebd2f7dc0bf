using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// DescribeCluster v0–2 (KIP-700): cluster id, controller and brokers, the admin clients' view of
/// the cluster (Metadata is the producers' and consumers'). This listener serves brokers: asked
/// for controllers (endpoint type 2) it says MISMATCHED_ENDPOINT_TYPE, as a Kafka broker does.
/// </summary>
internal sealed class DescribeClusterApi : DefinedApi
{
    private const sbyte Brokers = 1, Controllers = 2;

    public override ApiKey Key => ApiKey.DescribeCluster;

    public override MessageSpec Request { get; } = Message("DescribeClusterRequest", "0-2", "0+",
        Bool("IncludeClusterAuthorizedOperations"),
        Int8("EndpointType", "1+").WithDefault(Brokers),
        Bool("IncludeFencedBrokers", "2+"));

    public override MessageSpec Response { get; } = Message("DescribeClusterResponse", "0-2", "0+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode"),
        String("ErrorMessage").NullableIn("0+"),
        Int8("EndpointType", "1+").WithDefault(Brokers),
        String("ClusterId"),
        Int32("ControllerId").WithDefault(-1),
        Array("Brokers", "0+",
            Int32("BrokerId"),
            String("Host"),
            Int32("Port"),
            String("Rack").NullableIn("0+"),
            Bool("IsFenced", "2+")),
        Int32("ClusterAuthorizedOperations").WithDefault(AuthorizedOperations.NotRequested));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        sbyte endpointType = request.Int8("EndpointType");
        var response = new StructValue { ["EndpointType"] = endpointType };
        if (endpointType != Brokers)
        {
            (response["ErrorCode"], response["ErrorMessage"]) = endpointType == Controllers
                ? ((short)ErrorCode.MismatchedEndpointType, "This is a broker listener: it describes brokers, not controllers.")
                : ((short)ErrorCode.UnsupportedEndpointType, $"Unknown endpoint type {endpointType}: 1 is brokers, 2 is controllers.");
            return ValueTask.FromResult(response);
        }
        var broker = context.Broker;
        response["ClusterId"] = broker.ClusterId;
        response["ControllerId"] = broker.NodeId; // a single node is its own controller
        response["Brokers"] = new List<object?>
        {
            new StructValue
            {
                ["BrokerId"] = broker.NodeId, ["Host"] = broker.AdvertisedHost, ["Port"] = broker.AdvertisedPort,
                ["Rack"] = broker.Options.Rack, ["IsFenced"] = false,
            },
        };
        if (request.Bool("IncludeClusterAuthorizedOperations")) response["ClusterAuthorizedOperations"] = AuthorizedOperations.Cluster;
        return ValueTask.FromResult(response);
    }
}
