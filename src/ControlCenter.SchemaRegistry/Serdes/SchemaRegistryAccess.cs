using Confluent.SchemaRegistry;
using Microsoft.Extensions.Options;

namespace ControlCenter.SchemaRegistry.Serdes;

/// <summary>
/// The registry the dashboard uses, embedded or external, through Confluent's client (cached
/// lookups by id) and a plain HTTP client for the calls Confluent's client lacks (deletes,
/// verbose compatibility, modes). Credentials for an external registry stay on the server.
/// </summary>
public sealed class SchemaRegistryAccess(IOptions<SchemaRegistryOptions> options, SchemaRegistryServer server, Http.InternalRegistryCredential internalCredential) : IDisposable
{
    /// <summary>The external registry's credentials, or the dashboard's own on the embedded one (whose API may ask for sign-in).</summary>
    private string? UserInfo => options.Value.External ? options.Value.BasicAuthUserInfo : internalCredential.UserInfo;

    private readonly Lock _lock = new();
    private CachedSchemaRegistryClient? _client;
    private RegistryRestClient? _rest;

    public bool Enabled => options.Value.Enabled;
    public bool IsEmbedded => !options.Value.External;
    public string OffReason => options.Value.OffReason;

    /// <summary>The registry's address (the embedded one's once it listens).</summary>
    public async Task<string> UrlAsync(CancellationToken cancellation)
    {
        if (!Enabled) throw new SchemaRegistryUnavailableException(OffReason);
        if (options.Value.External) return options.Value.Url;
        try
        {
            // Bounded: a caller without a deadline (a search thread) must not wait for ever on a registry that never started.
            return await server.WhenListeningAsync(cancellation).WaitAsync(TimeSpan.FromSeconds(30), cancellation);
        }
        catch (TimeoutException e)
        {
            throw new SchemaRegistryUnavailableException("The embedded schema registry is not listening (yet).", e);
        }
    }

    public async Task<ISchemaRegistryClient> ClientAsync(CancellationToken cancellation)
    {
        string url = await UrlAsync(cancellation);
        lock (_lock)
        {
            return _client ??= new CachedSchemaRegistryClient(new SchemaRegistryConfig
            {
                Url = url,
                BasicAuthUserInfo = UserInfo,
                BasicAuthCredentialsSource = UserInfo is null ? null : AuthCredentialsSource.UserInfo,
                RequestTimeoutMs = 10_000,
            });
        }
    }

    public async Task<RegistryRestClient> RestAsync(CancellationToken cancellation)
    {
        string url = await UrlAsync(cancellation);
        lock (_lock) return _rest ??= new RegistryRestClient(url, UserInfo);
    }

    public void Dispose()
    {
        _client?.Dispose();
        _rest?.Dispose();
    }
}

/// <summary>The dashboard has no registry to ask (off, or unreachable); the message says which.</summary>
public sealed class SchemaRegistryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
