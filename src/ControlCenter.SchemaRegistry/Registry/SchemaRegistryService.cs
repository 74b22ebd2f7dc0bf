using System.Collections.Concurrent;
using ControlCenter.SchemaRegistry.Formats;
using ControlCenter.SchemaRegistry.Storage;

namespace ControlCenter.SchemaRegistry.Registry;

/// <summary>A schema as a request gives it: text, type, references, and in IMPORT mode the id and version it must keep.</summary>
public sealed record SchemaRequest(string Schema, SchemaType Type, IReadOnlyList<SchemaReference> References, int? Id = null, int? Version = null);

/// <summary>
/// The embedded registry's rules, as Confluent's registry applies them: subjects and versions,
/// ids shared by identical schemas, compatibility per subject or global, soft then hard
/// deletes, modes. State comes from the _schemas topic (<see cref="SchemasTopic"/>); writes are
/// serialised, written to Kafka, and applied once acknowledged.
/// </summary>
public sealed partial class SchemaRegistryService : IDisposable
{
    private readonly SchemasTopic _topic;
    private readonly RegistryState _state = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly ConcurrentDictionary<(SchemaType, string, string), ParsedSchema> _parsed = new();
    private volatile bool _loaded;

    internal SchemaRegistryService(SchemasTopic topic) => _topic = topic;

    /// <summary>Replays _schemas once (again after a failure, on the next request).</summary>
    public async Task EnsureLoadedAsync(CancellationToken cancellation)
    {
        if (_loaded) return;
        await _loading.WaitAsync(cancellation);
        try
        {
            if (_loaded) return;
            await _topic.LoadAsync(_state, cancellation);
            _loaded = true;
        }
        catch (Confluent.Kafka.KafkaException e)
        {
            throw RegistryException.StoreError($"The schema store is unavailable: {e.Error.Reason}");
        }
        finally { _loading.Release(); }
    }

    private T Read<T>(Func<RegistryState, T> read)
    {
        lock (_lock) return read(_state);
    }

    public IReadOnlyList<string> Subjects(bool deleted = false, string? prefix = null) => Read(s =>
        s.SubjectNames.Where(n => (prefix is null || n.StartsWith(prefix, StringComparison.Ordinal)) && s.Versions(n).Any(v => deleted || !v.Deleted))
            .Order(StringComparer.Ordinal).ToList());

    public IReadOnlyList<SchemaVersion> Versions(string subject, bool deleted = false) => Read(s =>
    {
        var versions = s.Versions(subject).Where(v => deleted || !v.Deleted).ToList();
        return versions.Count > 0 ? versions : throw RegistryException.SubjectNotFound(subject);
    });

    /// <summary>A version by number, "latest" or -1; soft-deleted ones only with <paramref name="deleted"/>.</summary>
    public SchemaVersion GetVersion(string subject, string version, bool deleted = false)
    {
        var versions = Versions(subject, deleted);
        if (version is "latest" or "-1") return versions[^1];
        if (!int.TryParse(version, out int number) || number < 1) throw RegistryException.InvalidVersion(version);
        return versions.FirstOrDefault(v => v.Version == number) ?? throw RegistryException.VersionNotFound(number);
    }

    public RegisteredSchema GetById(int id) => Read(s =>
    {
        var version = s.VersionsOf(id).FirstOrDefault() ?? throw RegistryException.SchemaNotFound(id);
        return new RegisteredSchema(id, version.Type, version.Schema, version.References);
    });

    /// <summary>The subject-versions that use schema <paramref name="id"/>.</summary>
    public IReadOnlyList<SchemaVersion> UsesOf(int id, bool deleted = false) => Read(s =>
    {
        var all = s.VersionsOf(id);
        if (all.Count == 0) throw RegistryException.SchemaNotFound(id);
        return all.Where(v => deleted || !v.Deleted).OrderBy(v => v.Subject, StringComparer.Ordinal).ThenBy(v => v.Version).ToList();
    });

    /// <summary>Every schema version, for GET /schemas.</summary>
    public IReadOnlyList<SchemaVersion> AllVersions(string? prefix, bool deleted, bool latestOnly) => Read(s =>
        s.AllVersions.Where(v => (deleted || !v.Deleted) && (prefix is null || v.Subject.StartsWith(prefix, StringComparison.Ordinal)))
            .GroupBy(v => v.Subject).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => latestOnly ? g.OrderBy(v => v.Version).TakeLast(1) : g.OrderBy(v => v.Version)).ToList());

    /// <summary>Ids of the schemas whose references name this subject-version.</summary>
    public IReadOnlyList<int> ReferencedBy(string subject, int version) => Read(s =>
        s.AllVersions.Where(v => !v.Deleted && v.References.Any(r => r.Subject == subject && r.Version == version)).Select(v => v.Id).Distinct().Order().ToList());

    public CompatibilityLevel GlobalCompatibility => Read(s => s.GlobalCompatibility ?? CompatibilityLevel.Backward);

    /// <summary>The subject's own level; null when it has none (Confluent's 40408 unless defaulting to global).</summary>
    public CompatibilityLevel? SubjectCompatibility(string subject) => Read(s => s.SubjectCompatibility(subject));

    public CompatibilityLevel EffectiveCompatibility(string subject) => Read(s => s.SubjectCompatibility(subject) ?? s.GlobalCompatibility ?? CompatibilityLevel.Backward);

    public RegistryMode GlobalMode => Read(s => s.GlobalMode ?? RegistryMode.ReadWrite);

    public RegistryMode? SubjectMode(string subject) => Read(s => s.SubjectMode(subject));

    public RegistryMode EffectiveMode(string subject) => Read(s => s.SubjectMode(subject) ?? s.GlobalMode ?? RegistryMode.ReadWrite);

    /// <summary>The version of <paramref name="subject"/> holding this very schema (Confluent's POST /subjects/{subject}).</summary>
    public SchemaVersion Lookup(string subject, SchemaRequest request, bool deleted = false)
    {
        var versions = Read(s => s.Versions(subject).Where(v => deleted || !v.Deleted).ToList());
        if (versions.Count == 0) throw RegistryException.SubjectNotFound(subject);
        var parsed = Parse(request);
        return versions.LastOrDefault(v => SameSchema(v, request, parsed)) ?? throw RegistryException.SchemaNotFound();
    }

    /// <summary>Parses a schema with its references; an unknown reference or bad text is Confluent's 42201.</summary>
    public ParsedSchema Parse(SchemaRequest request)
    {
        try
        {
            return request.Type.Format().Parse(request.Schema, Read(s => Resolve(s, request.References, depth: 0)));
        }
        catch (InvalidSchemaException e)
        {
            throw RegistryException.InvalidSchema($"Invalid schema {{schemaType={request.Type.ApiName()}, schema={Shorten(request.Schema)}}}, details: {e.Message}");
        }
    }

    /// <summary>A stored version, parsed (cached: stored schemas never change).</summary>
    public ParsedSchema Parse(SchemaVersion version) =>
        _parsed.GetOrAdd((version.Type, version.Schema, string.Join(",", version.References)), _ => Parse(new SchemaRequest(version.Schema, version.Type, version.References)));

    private static IReadOnlyList<ResolvedReference> Resolve(RegistryState state, IReadOnlyList<SchemaReference> references, int depth)
    {
        if (depth > 32) throw new InvalidSchemaException("References nest too deeply (a cycle?)");
        var resolved = new List<ResolvedReference>();
        foreach (var reference in references)
        {
            var target = state.Versions(reference.Subject).FirstOrDefault(v => v.Version == reference.Version && !v.Deleted)
                ?? throw new InvalidSchemaException($"Reference '{reference.Name}' names {reference.Subject} version {reference.Version}, which does not exist");
            resolved.Add(new ResolvedReference(reference.Name, target.Type, target.Schema, Resolve(state, target.References, depth + 1)));
        }
        return resolved;
    }

    private bool SameSchema(SchemaVersion stored, SchemaRequest request, ParsedSchema parsed) =>
        stored.Type == request.Type && stored.References.SequenceEqual(request.References) && Parse(stored).Identity == parsed.Identity;

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    public void Dispose()
    {
        _topic.Dispose();
        _writes.Dispose();
        _loading.Dispose();
    }
}
