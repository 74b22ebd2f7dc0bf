using ControlCenter.Access;
using ControlCenter.Broker.Cluster;
using ControlCenter.Web.Security;
using ControlCenter.Web.Hosting;

namespace ControlCenter.Web.Endpoints;

/// <summary>The embedded cluster's nodes and controller, as the fault API reports them.</summary>
public sealed record EmbeddedClusterReply(int ControllerId, IReadOnlyList<EmbeddedNodeStatus> Nodes, string? Error = null);

/// <summary>
/// Fault control of the embedded cluster (never of a configured one): list the nodes, and stop
/// (clean, with controlled shutdown), kill (no clean shutdown), start, isolate (the node runs
/// but loses the controller and its peers) or heal one of them.
/// </summary>
public static class EmbeddedClusterEndpoints
{
    private static readonly Dictionary<string, Func<EmbeddedCluster, int, Task>> Actions = new(StringComparer.Ordinal)
    {
        ["stop"] = (c, id) => c.StopNodeAsync(id),
        ["kill"] = (c, id) => c.KillNodeAsync(id),
        ["start"] = (c, id) => c.StartNodeAsync(id),
        ["isolate"] = (c, id) => c.IsolateNodeAsync(id),
        ["heal"] = (c, id) => c.HealNodeAsync(id),
    };

    public static void MapEmbeddedClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/embedded/brokers", (EmbeddedBrokerService service) =>
            service.Cluster is { } cluster ? Results.Ok(Reply(cluster)) : NoEmbeddedCluster()).RequireAccess(AccessAction.View, ResourceKind.Cluster);
        app.MapPost("/api/embedded/brokers/{id:int}/{action}", ActAsync).RequireAccess(AccessAction.ClusterAdmin, ResourceKind.Cluster);
    }

    private static async Task<IResult> ActAsync(int id, string action, EmbeddedBrokerService service, ControlCenter.Kafka.Cluster.IClusterState monitor)
    {
        if (service.Cluster is not { } cluster) return NoEmbeddedCluster();
        if (!Actions.TryGetValue(action, out var run))
            return Results.NotFound(Reply(cluster, $"Unknown action '{action}': use stop, kill, start, isolate or heal."));
        if (id < 1 || id > cluster.NodeCount) return Results.NotFound(Reply(cluster, $"There is no node {id}: nodes are 1..{cluster.NodeCount}."));
        if (!cluster.IsMultiNode)
            return Results.BadRequest(Reply(cluster, "Fault controls need a cluster of several nodes: set EmbeddedBroker:Nodes to 2-9."));
        try
        {
            // Consumer-group reads wait out the failover (librdkafka can crash on a coordinator that just went away).
            await monitor.PauseGroupReadsAsync(ControlCenter.Kafka.Cluster.ClusterMonitor.FailoverQuietPeriod + TimeSpan.FromSeconds(10));
            await run(cluster, id);
        }
        catch (InvalidOperationException e) { return Results.Conflict(Reply(cluster, e.Message)); }
        return Results.Ok(Reply(cluster));
    }

    private static EmbeddedClusterReply Reply(EmbeddedCluster cluster, string? error = null) => new(cluster.ControllerId, cluster.Status(), error);

    private static IResult NoEmbeddedCluster() =>
        Results.NotFound(new EmbeddedClusterReply(-1, [], "The app manages a configured cluster (Kafka:BootstrapServers): there is no embedded cluster to control."));
}
