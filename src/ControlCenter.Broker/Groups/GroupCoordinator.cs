using ControlCenter.Broker.Server;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Groups;

internal sealed class GroupCoordinator(BrokerContext broker, ILogger logger) : IDisposable
{
    public void Load() { }
    public void ExpireOffsets() { }
    public void Dispose() { }
}
