using System.Text.RegularExpressions;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ApiVersions v0–4. v3 is flexible, but its response header is always v0 (KIP-511); v4 is v3 on
/// the wire (it tells a client that feature ranges may start at 0, and this broker sends none).
/// </summary>
internal sealed partial class ApiVersionsApi(Func<IEnumerable<ApiHandler>> catalog) : ApiHandler
{
    public override ApiKey Key => ApiKey.ApiVersions;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("ApiVersionsRequest", "0-4", "3+",
        String("ClientSoftwareName", "3+"),
        String("ClientSoftwareVersion", "3+"));
    public override short MaxVersion => 4;
    public override short FirstFlexibleVersion => 3;

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?$")]
    private static partial Regex SoftwareNamePattern();

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short version = context.Version;
        var error = ErrorCode.None;
        if (version >= 3)
        {
            string name = request.ReadCompactString();
            string softwareVersion = request.ReadCompactString();
            request.SkipTaggedFields();
            if (!SoftwareNamePattern().IsMatch(name) || !SoftwareNamePattern().IsMatch(softwareVersion))
                error = ErrorCode.InvalidRequest;
        }
        response.WriteErrorCode(error);
        var apis = error == ErrorCode.None ? catalog().OrderBy(a => a.Key).ToList() : [];
        if (version >= 3) response.WriteCompactArrayLength(apis.Count);
        else response.WriteArrayLength(apis.Count);
        foreach (var api in apis)
        {
            response.WriteInt16((short)api.Key);
            response.WriteInt16(api.MinVersion);
            response.WriteInt16(api.MaxVersion);
            if (version >= 3) response.WriteEmptyTaggedFields();
        }
        if (version >= 1) response.WriteInt32(0); // throttle_time_ms
        if (version >= 3) response.WriteEmptyTaggedFields();
        return ValueTask.FromResult(true);
    }

    /// <summary>An ApiVersions request at a version we do not know gets a v0 body naming our range (KIP-511).</summary>
    public static void WriteUnsupportedVersion(KafkaWriter response, ApiHandler self)
    {
        response.WriteErrorCode(ErrorCode.UnsupportedVersion);
        response.WriteArrayLength(1);
        response.WriteInt16((short)ApiKey.ApiVersions);
        response.WriteInt16(self.MinVersion);
        response.WriteInt16(self.MaxVersion);
    }
}
