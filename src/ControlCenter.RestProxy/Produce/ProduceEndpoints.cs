using ControlCenter.RestProxy.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.RestProxy.Produce;

/// <summary>POST /topics/{topic} and /topics/{topic}/partitions/{partition}: json, binary, avro, jsonschema or protobuf embedded format.</summary>
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
        ProxyAccess.Demand(context, ControlCenter.Access.AccessAction.MessagesProduce, ControlCenter.Access.ResourceKind.Topic, topic);
        var format = MediaTypes.ProduceFormat(context.Request);
        MediaTypes.RequireAcceptsV2(context.Request);
        var body = await RequestBody.ReadRequiredAsync(context.Request, context.RequestAborted);
        if (!format.UsesSchemas())
        {
            var records = ProduceRequestReader.Read(body, format);
            await Reply.JsonAsync(context, new ProduceResponseBody(await producer.ProduceAsync(topic, partition, records, context.RequestAborted)));
            return;
        }
        var reader = context.RequestServices.GetService<SchemaProduceReader>()
            ?? throw RestException.UnsupportedMediaType($"{MediaTypes.ContentType(format)} needs a Schema Registry, which this proxy does not have; send {MediaTypes.Json} or {MediaTypes.Binary}.");
        var encoded = await reader.ReadAsync(body, format, topic, context.RequestAborted,
            subject => ProxyAccess.Demand(context, ControlCenter.Access.AccessAction.SchemaWrite, ControlCenter.Access.ResourceKind.Subject, subject));
        var offsets = await producer.ProduceAsync(topic, partition, encoded.Records, context.RequestAborted);
        await Reply.JsonAsync(context, new ProduceResponseBody(offsets, encoded.KeySchemaId, encoded.ValueSchemaId));
    }
}
