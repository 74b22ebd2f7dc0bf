using ControlCenter.RestProxy.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ControlCenter.RestProxy.Produce;

/// <summary>POST /topics/{topic} and /topics/{topic}/partitions/{partition}, json or binary embedded format.</summary>
public static class ProduceEndpoints
{
    public static void MapProduceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/topics/{topic}", (HttpContext c, string topic, RestProducer producer) => ProduceAsync(c, topic, null, producer));
        app.MapPost("/topics/{topic}/partitions/{partition}", (HttpContext c, string topic, string partition, RestProducer producer) =>
            int.TryParse(partition, out int p) && p >= 0 ? ProduceAsync(c, topic, p, producer) : throw RestException.PartitionNotFound());
    }

    private static async Task ProduceAsync(HttpContext context, string topic, int? partition, RestProducer producer)
    {
        var format = MediaTypes.ProduceFormat(context.Request);
        MediaTypes.RequireAcceptsV2(context.Request);
        var body = await RequestBody.ReadRequiredAsync(context.Request, context.RequestAborted);
        var records = ProduceRequestReader.Read(body, format);
        var offsets = await producer.ProduceAsync(topic, partition, records, context.RequestAborted);
        await Reply.JsonAsync(context, new ProduceResponseBody(offsets));
    }
}
