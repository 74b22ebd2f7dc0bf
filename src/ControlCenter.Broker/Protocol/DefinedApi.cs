using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol;

/// <summary>
/// An API served entirely from its definitions: the request is read into a <see cref="StructValue"/>
/// by <see cref="MessageReader"/> and the response written from one by <see cref="MessageWriter"/>,
/// so every version (classic or flexible) the definitions describe is served without version
/// checks in the handler. The versions served are the request definition's valid versions, unless
/// a handler advertises fewer (and says why).
/// </summary>
internal abstract class DefinedApi : ApiHandler
{
    /// <summary>The response body's definition; its valid and flexible versions match the request's.</summary>
    public abstract MessageSpec Response { get; }

    public override short MinVersion => Request.Valid.Min;
    public override short MaxVersion => Request.Valid.Max;
    public override short FirstFlexibleVersion => Request.Flexible.IsEmpty ? short.MaxValue : Request.Flexible.Min;

    public sealed override async ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var body = MessageReader.Read(Request, context.Version, request);
        var answer = await HandleAsync(context, body);
        if (ReferenceEquals(answer, NoResponse)) return false;
        MessageWriter.Write(Response, context.Version, answer, response);
        return true;
    }

    /// <summary>What a handler returns to send nothing back (a produce with acks=0, a fetch whose connection went away).</summary>
    protected static readonly StructValue NoResponse = new();

    /// <summary>Answers one request; the request's fields the version lacks read as their defaults.</summary>
    protected abstract ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request);
}
