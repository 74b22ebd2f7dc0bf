using ControlCenter.Broker.Protocol;

namespace ControlCenter.Broker.Server;

/// <summary>The APIs this broker serves, indexed by key; ApiVersions advertises exactly these.</summary>
internal sealed class ApiRegistry
{
    private readonly ApiHandler?[] _byKey = new ApiHandler?[128];

    public ApiRegistry(IEnumerable<ApiHandler> handlers)
    {
        foreach (var handler in handlers) _byKey[(short)handler.Key] = handler;
    }

    public IEnumerable<ApiHandler> All => _byKey.Where(h => h is not null)!;

    public ApiHandler? Find(ApiKey key) => (short)key >= 0 && (short)key < _byKey.Length ? _byKey[(short)key] : null;

    /// <summary>Whether a request header carries tagged fields (header v2). Unknown ApiVersions versions ≥3 are read as v2 (KIP-511).</summary>
    public bool IsFlexibleRequest(ApiKey key, short version) =>
        key == ApiKey.ApiVersions ? version >= 3 : Find(key)?.IsFlexible(version) ?? false;
}
