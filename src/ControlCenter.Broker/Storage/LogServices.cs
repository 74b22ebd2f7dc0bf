using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

/// <summary>What every partition log shares: the delayed deleter, the file descriptor pool, the logger.</summary>
internal sealed record LogServices(DelayedDeleter Deleter, FileHandlePool Files, ILogger Logger);
