using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

/// <summary>What every partition log shares: the delayed deleter, the file descriptor pool, the logger and the broker's clock.</summary>
internal sealed record LogServices(DelayedDeleter Deleter, FileHandlePool Files, ILogger Logger, TimeProvider Time)
{
    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
}
