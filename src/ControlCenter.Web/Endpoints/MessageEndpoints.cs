using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ControlCenter.Access;
using ControlCenter.Kafka.Messages;
using ControlCenter.Web.Security;

namespace ControlCenter.Web.Endpoints;

/// <summary>The search and export query, carried in the export URL (base64url JSON).</summary>
public sealed record ExportQuery(MessageFilter Filter, IReadOnlyList<int>? Partitions)
{
    public string Encode() => Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(this));

    public static ExportQuery? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return new ExportQuery(MessageFilter.None, null);
        try
        {
            return JsonSerializer.Deserialize<ExportQuery>(Base64Url.Decode(text));
        }
        catch (Exception e) when (e is FormatException or JsonException) { return null; }
    }
}

/// <summary>
/// Downloads for the Messages tab: the full key or value of one record (re-read from Kafka, so
/// pages never hold large values), and every match of a search, streamed as it is found.
/// </summary>
public static class MessageEndpoints
{
    public static void MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/topics/{topic}/records/{partition:int}/{offset:long}/{part}", DownloadAsync).RequireAccess(AccessAction.MessagesRead, ResourceKind.Topic, "topic");
        app.MapGet("/api/topics/{topic}/export", ExportAsync).RequireAccess(AccessAction.MessagesExport, ResourceKind.Topic, "topic",
            describe: c => $"format={c.HttpContext.Request.Query["format"]} query={JsonSerializer.Serialize(ExportQuery.Decode(c.HttpContext.Request.Query["q"]))}");
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, string topic, int partition, long offset, string part, MessageBrowser browser)
    {
        if (part is not ("key" or "value")) return Results.BadRequest("part is key or value");
        var record = await browser.ReadOneAsync(topic, partition, offset, previewLimit: int.MaxValue);
        if (record is null) return Results.NotFound($"No record at {topic}[{partition}]@{offset} (deleted or compacted away)");
        if (EndpointAccess.ForRequest(http).MaskFor(topic) is { } mask)
            record = mask.Apply(record.DecodedBy(http.RequestServices.GetService<IRecordDecoder>()));
        byte[]? bytes = part == "key" ? record.Key : record.Value;
        if (bytes is null) return Results.NoContent();
        return Results.File(bytes, "application/octet-stream", $"{topic}-{partition}-{offset}.{part}.bin");
    }

    private static async Task ExportAsync(HttpContext http, string topic, string? format, string? q, MessageSearch search, TimeProvider time, CancellationToken cancellation)
    {
        var exportFormat = format is "csv" ? ExportFormat.Csv : ExportFormat.JsonLines;
        var query = ExportQuery.Decode(q);
        string? problem = query is null ? "The export query cannot be read." : query.Filter.Validate();
        if (query is null || problem is not null)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsync(problem ?? "", cancellation);
            return;
        }
        http.Response.ContentType = MessageExport.ContentType(exportFormat);
        string stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{topic}-{stamp}.{(exportFormat == ExportFormat.Csv ? "csv" : "jsonl")}\"";

        // Scanning threads hand matches to this request thread, which writes them as they come.
        var channel = Channel.CreateBounded<KafkaMessage>(new BoundedChannelOptions(1000) { SingleReader = true });
        var request = new SearchRequest(topic, query.Filter, query.Partitions, MaxMatches: int.MaxValue, PreviewLimit: int.MaxValue,
            Mask: EndpointAccess.ForRequest(http).MaskFor(topic));
        var scan = Task.Run(async () =>
        {
            try { await search.RunAsync(request, null, cancellation, m => channel.Writer.WriteAsync(m, cancellation).AsTask().Wait(cancellation)); }
            finally { channel.Writer.TryComplete(); }
        }, cancellation);
        await http.Response.WriteAsync(MessageExport.Header(exportFormat), cancellation);
        var buffer = new StringBuilder();
        await foreach (var message in channel.Reader.ReadAllAsync(cancellation))
        {
            buffer.Append(MessageExport.Line(message, exportFormat));
            if (buffer.Length > 64 * 1024 || channel.Reader.Count == 0)
            {
                await http.Response.WriteAsync(buffer.ToString(), cancellation);
                buffer.Clear();
            }
        }
        if (buffer.Length > 0) await http.Response.WriteAsync(buffer.ToString(), cancellation);
        await scan;
    }
}
