using ControlCenter.Access;
using ControlCenter.Kafka;
using ControlCenter.Web.Security;
using ControlCenter.Kafka.Messages;
using ControlCenter.SchemaRegistry.Serdes;
using Microsoft.AspNetCore.Mvc;

namespace ControlCenter.Web.Endpoints;

/// <summary>The produce form's record, as the browser posts it; with a schema id, the value is JSON to encode with that schema.</summary>
public sealed record ProduceBody(string? Key, string Value, bool ValueIsJson, IReadOnlyList<ProduceHeader>? Headers, int? Partition, string Acks, int Count = 1,
    int? ValueSchemaId = null);

public sealed record ProduceHeader(string Key, string Value);

/// <summary>What came of it: each send, or why nothing was sent; and an explanation when Kafka's reason needs one.</summary>
public sealed record ProduceReply(IReadOnlyList<ProduceOutcome> Outcomes, string? Error, string? Explanation);

/// <summary>
/// The produce form posts here over plain HTTP, not through the page's live connection: a value
/// as large as the topic's max.message.bytes (1 MB by default, more where raised) travels as one
/// request body and arrives byte-exact, while the live connection keeps its small messages.
/// </summary>
public static class ProduceEndpoints
{
    /// <summary>Largest request accepted: a JSON body holding the biggest record any sane topic allows, escapes included.</summary>
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    public static void MapProduceEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/topics/{topic}/produce", ProduceAsync).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RequireAccess(AccessAction.MessagesProduce, ResourceKind.Topic, "topic", describe: c => c.Arguments.OfType<ProduceBody>().FirstOrDefault() is { } b
                ? $"partition={b.Partition?.ToString() ?? "any"} acks={b.Acks} count={b.Count} valueChars={b.Value?.Length ?? 0} headers={b.Headers?.Count ?? 0}{(b.ValueSchemaId is { } id ? $" schemaId={id}" : "")}"
                : null);

    private static async Task<IResult> ProduceAsync(string topic, ProduceBody body, [Microsoft.AspNetCore.Mvc.FromServices] MessageProducer producer, WireFormatSerdes serdes, CancellationToken cancellation)
    {
        if (body.Value is null) return Results.BadRequest(new ProduceReply([], "The record has no value.", null));
        var acks = body.Acks switch
        {
            "0" => AcksSetting.None,
            "1" => AcksSetting.Leader,
            "all" or "-1" => AcksSetting.All,
            _ => (AcksSetting?)null,
        };
        if (acks is null) return Results.BadRequest(new ProduceReply([], $"acks is 0, 1 or all, not '{body.Acks}'.", null));
        byte[]? encoded = null;
        if (body.ValueSchemaId is { } schemaId)
        {
            try { encoded = await serdes.EncodeAsync(schemaId, body.Value); }
            catch (SchemaEncodingException e) { return Results.BadRequest(new ProduceReply([], e.Message, null)); }
        }
        var form = new ProduceForm(topic, body.Key, body.Value, body.ValueIsJson || encoded is not null, body.Headers?.Select(h => (h.Key, h.Value)).ToList() ?? [],
            body.Partition, acks.Value, body.Count, encoded);
        try
        {
            var target = await producer.TargetAsync(topic);
            if (MessageProducer.Validate(form, target) is { } problem) return Results.BadRequest(new ProduceReply([], problem, null));
            var outcomes = await producer.ProduceAsync(form, cancellation);
            string? explanation = outcomes.FirstOrDefault(o => o.Error is not null) is { } failed ? MessageProducer.Explain(failed, form, target) : null;
            return Results.Ok(new ProduceReply(outcomes, null, explanation));
        }
        catch (Exception e) when (e is ClusterException or ArgumentException)
        {
            return Results.BadRequest(new ProduceReply([], e.Message, null));
        }
    }
}
