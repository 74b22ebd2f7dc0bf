using ControlCenter.Access;
using ControlCenter.Kafka.Messages;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.RestProxy.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace ControlCenter.RestProxy.Consumers;

/// <summary>The v2 consumer API: instances in groups, subscriptions or assignments, positions, records and offsets.</summary>
public static class ConsumerEndpoints
{
    private const string Instance = "/consumers/{group}/instances/{instance}";

    public static void MapConsumerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/consumers/{group}", CreateAsync);
        app.MapDelete(Instance, async (HttpContext c, string group, string instance, ConsumerInstances instances) =>
        {
            Owned(c, instances.Get(group, instance));
            await instances.DeleteAsync(group, instance);
            await Reply.NoContentAsync(c);
        });

        app.MapPost(Instance + "/subscription", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, async (i, body) =>
        {
            var obj = RequestBody.Object(body ?? throw RestException.Unprocessable("The request body may not be empty."), "The request body");
            string? pattern = RequestBody.String(obj, "topic_pattern");
            var topics = RequestBody.Property(obj, "topics") is { } list
                ? list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : throw RestException.Unprocessable("Field 'topics' holds topic names.")).ToList()
                    : throw RestException.Unprocessable("Field 'topics' must be an array.")
                : null;
            if ((topics is null) == (pattern is null)) throw RestException.Unprocessable("Give either 'topics' or 'topic_pattern'.");
            if (topics is { Count: 0 }) throw RestException.Unprocessable("Field 'topics' may not be empty.");
            if (pattern is not null) ValidatePattern(pattern);
            // Records of every subscribed topic: a pattern may match any topic, now or later, so it needs read rights on all of them.
            foreach (string topic in topics ?? ["*"]) ProxyAccess.Demand(c, AccessAction.MessagesRead, ResourceKind.Topic, topic);
            await i.RunAsync(() => { i.Subscribe(topics, pattern); return 0; }, c.RequestAborted);
            await Reply.NoContentAsync(c);
        }));
        app.MapGet(Instance + "/subscription", (HttpContext c, string group, string instance, ConsumerInstances instances, ClusterAdmin admin) => OnAsync(c, instances, group, instance, async (i, _) =>
        {
            var topics = await i.RunAsync(() => i.Subscription(() => admin.Client.GetMetadata(admin.Timeout).Topics.Select(t => t.Topic)), c.RequestAborted);
            await Reply.JsonAsync(c, new SubscriptionBody(topics));
        }));
        app.MapDelete(Instance + "/subscription", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, async (i, _) =>
        {
            await i.RunAsync(() => { i.Unsubscribe(); return 0; }, c.RequestAborted);
            await Reply.NoContentAsync(c);
        }));

        app.MapPost(Instance + "/assignments", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, async (i, body) =>
        {
            var partitions = RequestBody.Partitions(body ?? throw RestException.Unprocessable("The request body may not be empty."));
            foreach (string topic in partitions.Select(p => p.Topic).Distinct()) ProxyAccess.Demand(c, AccessAction.MessagesRead, ResourceKind.Topic, topic);
            await i.RunAsync(() => { i.Assign(partitions); return 0; }, c.RequestAborted);
            await Reply.NoContentAsync(c);
        }));
        app.MapGet(Instance + "/assignments", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, async (i, _) =>
        {
            var assignment = await i.RunAsync(i.Assignment, c.RequestAborted);
            await Reply.JsonAsync(c, new AssignmentBody(assignment.Select(tp => new TopicPartitionBody(tp.Topic, tp.Partition.Value)).ToList()));
        }));

        app.MapPost(Instance + "/positions", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, (i, body) =>
            SeekAsync(c, i, RequestBody.Offsets(body ?? throw RestException.Unprocessable("The request body may not be empty.")))));
        app.MapPost(Instance + "/positions/beginning", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, (i, body) =>
            SeekAsync(c, i, RequestBody.Partitions(body ?? throw RestException.Unprocessable("The request body may not be empty.")).Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)).ToList())));
        app.MapPost(Instance + "/positions/end", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, (i, body) =>
            SeekAsync(c, i, RequestBody.Partitions(body ?? throw RestException.Unprocessable("The request body may not be empty.")).Select(tp => new TopicPartitionOffset(tp, Offset.End)).ToList())));

        app.MapGet(Instance + "/records", ReadAsync);

        app.MapPost(Instance + "/offsets", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, async (i, body) =>
        {
            // No body (or no offsets): commit every record handed out so far. Offsets given are the last ones consumed: offset + 1 is committed.
            IReadOnlyList<TopicPartitionOffset>? offsets = body is { } b && RequestBody.Property(RequestBody.Object(b, "The request body"), "offsets") is { } list && list.GetArrayLength() > 0
                ? RequestBody.Offsets(b) : null;
            var committed = await i.RunAsync(() => i.Commit(offsets), c.RequestAborted);
            await Reply.JsonAsync(c, committed);
        }));
        app.MapGet(Instance + "/offsets", (HttpContext c, string group, string instance, ConsumerInstances instances) => OnAsync(c, instances, group, instance, async (i, body) =>
        {
            var partitions = RequestBody.Partitions(body ?? throw RestException.PartitionNotFound());
            var committed = await i.RunAsync(() => i.Committed(partitions), c.RequestAborted);
            await Reply.JsonAsync(c, new CommittedBody(committed));
        }));
    }

    private static async Task CreateAsync(HttpContext context, string group, ConsumerInstances instances)
    {
        MediaTypes.RequireAcceptsV2(context.Request);
        var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted);
        var obj = body is { } b ? RequestBody.Object(b, "The request body") : default(JsonElement?);
        string? Field(string name) => obj is { } o ? RequestBody.String(o, name) : null;
        int? Number(string name) => obj is { } o ? RequestBody.Int(o, name) : null;
        string formatName = Field("format") ?? "binary";
        var format = MediaTypes.ParseFormat(formatName) ?? throw RestException.Unprocessable("Invalid format type.");
        if (format.UsesSchemas() && context.RequestServices.GetService<IRecordDecoder>() is null)
            throw RestException.Unprocessable($"Invalid format type: {formatName} needs a Schema Registry, which this proxy does not have; use json or binary.");
        ProxyAccess.Demand(context, AccessAction.View, ResourceKind.Group, group);
        var instance = instances.Create(group, Field("name") ?? Field("id"), format, Field("auto.offset.reset"), Field("auto.commit.enable"),
            Number("fetch.min.bytes"), Number("consumer.request.timeout.ms"), ProxyAccess.User(context).Name);
        string baseUri = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/consumers/{Uri.EscapeDataString(group)}/instances/{Uri.EscapeDataString(instance.Config.Name)}";
        await Reply.JsonAsync(context, new CreateConsumerBody(instance.Config.Name, baseUri));
    }

    private static async Task ReadAsync(HttpContext context, string group, string instance, ConsumerInstances instances, IOptions<RestProxyOptions> options)
    {
        var consumer = Owned(context, instances.Get(group, instance));
        MediaTypes.RequireRecordsFormat(context.Request, consumer.Config.Format);
        var limits = options.Value;
        // As Confluent's proxy: timeout defaults to, and is capped by, the configured request timeout; max_bytes likewise.
        long timeoutMs = Query(context, "timeout") is { } t and > 0 ? Math.Min(t, limits.ConsumerRequestTimeoutMs) : consumer.Config.RequestTimeoutMs ?? limits.ConsumerRequestTimeoutMs;
        long maxBytes = Query(context, "max_bytes") is { } m and > 0 ? Math.Min(m, limits.ConsumerRequestMaxBytes) : limits.ConsumerRequestMaxBytes;
        var maskFor = ProxyAccess.MaskFor(context);
        var records = await consumer.RunAsync(() => consumer.Read(TimeSpan.FromMilliseconds(timeoutMs), maxBytes, maskFor), context.RequestAborted);
        await Reply.JsonAsync(context, records, contentType: MediaTypes.ContentType(consumer.Config.Format));
    }

    private static async Task SeekAsync(HttpContext context, ConsumerInstance instance, IReadOnlyList<TopicPartitionOffset> positions)
    {
        await instance.RunAsync(() => { instance.Seek(positions); return 0; }, context.RequestAborted);
        await Reply.NoContentAsync(context);
    }

    /// <summary>Finds the instance (404 40403 first, as Confluent does), reads the optional JSON body, runs the action.</summary>
    private static async Task OnAsync(HttpContext context, ConsumerInstances instances, string group, string name, Func<ConsumerInstance, JsonElement?, Task> action)
    {
        MediaTypes.RequireAcceptsV2(context.Request);
        var instance = Owned(context, instances.Get(group, name));
        var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted);
        await action(instance, body);
    }

    /// <summary>
    /// An instance is its creator's: another user gets 40403 as if it did not exist (admins may act on any,
    /// as the dashboard's REST proxy page lets them). Its creation stamps the owner.
    /// </summary>
    private static ConsumerInstance Owned(HttpContext context, ConsumerInstance instance)
    {
        var user = ProxyAccess.User(context);
        if (instance.Owner == user.Name || ProxyAccess.Can(context, AccessAction.ClusterAdmin, ResourceKind.Cluster, AccessPolicy.ClusterName)) return instance;
        throw RestException.ConsumerInstanceNotFound();
    }

    private static long? Query(HttpContext context, string name)
    {
        if (!context.Request.Query.TryGetValue(name, out var value) || string.IsNullOrEmpty(value)) return null;
        return long.TryParse(value, out long n) ? n : throw RestException.Unprocessable($"Query parameter '{name}' must be an integer.");
    }

    private static void ValidatePattern(string pattern)
    {
        try { _ = new System.Text.RegularExpressions.Regex(pattern); }
        catch (ArgumentException e) { throw RestException.Unprocessable($"'topic_pattern' is not a valid regular expression: {e.Message}"); }
    }
}
