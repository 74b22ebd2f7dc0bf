using ControlCenter.SchemaRegistry.Formats;
using ControlCenter.SchemaRegistry.Storage;

namespace ControlCenter.SchemaRegistry.Registry;

/// <summary>
/// What the _schemas topic says, folded into maps: subjects and their versions, schemas by id,
/// compatibility and mode settings. Built by replaying the topic and kept current by applying
/// each record this registry writes once Kafka has acknowledged it. Not thread-safe: the
/// registry guards it.
/// </summary>
internal sealed class RegistryState
{
    private readonly Dictionary<string, SortedDictionary<int, SchemaVersion>> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<SchemaVersion>> _byId = [];
    private readonly Dictionary<string, CompatibilityLevel> _subjectCompatibility = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RegistryMode> _subjectModes = new(StringComparer.Ordinal);

    public CompatibilityLevel? GlobalCompatibility { get; private set; }
    public RegistryMode? GlobalMode { get; private set; }
    public int MaxId { get; private set; }

    public IEnumerable<string> SubjectNames => _subjects.Keys;

    public IReadOnlyCollection<SchemaVersion> Versions(string subject) =>
        _subjects.TryGetValue(subject, out var versions) ? versions.Values : [];

    public IEnumerable<SchemaVersion> AllVersions => _subjects.Values.SelectMany(v => v.Values);

    public IReadOnlyList<SchemaVersion> VersionsOf(int id) => _byId.TryGetValue(id, out var list) ? list : [];

    public CompatibilityLevel? SubjectCompatibility(string subject) => _subjectCompatibility.TryGetValue(subject, out var level) ? level : null;

    public RegistryMode? SubjectMode(string subject) => _subjectModes.TryGetValue(subject, out var mode) ? mode : null;

    /// <summary>Applies one _schemas record (a null value is a tombstone: a hard delete or a removed setting).</summary>
    public void Apply(byte[]? keyBytes, byte[]? valueBytes)
    {
        if (keyBytes is null || SchemaRecordJson.Deserialize<SchemaRecordKey>(keyBytes) is not { } key) return;
        switch (key.KeyType)
        {
            case SchemaRecordKey.Schema when key.Subject is not null && key.Version is { } version:
                Remove(key.Subject, version);
                if (valueBytes is not null && SchemaRecordJson.Deserialize<SchemaRecordValue>(valueBytes) is { } value)
                    Add(value);
                break;
            case SchemaRecordKey.Config:
                var level = valueBytes is null ? null : RegistryNames.ParseLevel(SchemaRecordJson.Deserialize<ConfigRecordValue>(valueBytes)?.CompatibilityLevel);
                if (key.Subject is null) GlobalCompatibility = level;
                else if (level is { } l) _subjectCompatibility[key.Subject] = l;
                else _subjectCompatibility.Remove(key.Subject);
                break;
            case SchemaRecordKey.Mode:
                var mode = valueBytes is null ? null : RegistryNames.ParseMode(SchemaRecordJson.Deserialize<ModeRecordValue>(valueBytes)?.Mode);
                if (key.Subject is null) GlobalMode = mode;
                else if (mode is { } m) _subjectModes[key.Subject] = m;
                else _subjectModes.Remove(key.Subject);
                break;
        }
    }

    private void Add(SchemaRecordValue value)
    {
        if (SchemaTypes.Parse(value.SchemaType) is not { } type) return;
        var version = new SchemaVersion(value.Subject, value.Version, value.Id, type, value.Schema,
            (value.References ?? []).Select(r => new SchemaReference(r.Name, r.Subject, r.Version)).ToList(), value.Deleted);
        if (!_subjects.TryGetValue(value.Subject, out var versions)) _subjects[value.Subject] = versions = [];
        versions[value.Version] = version;
        if (!_byId.TryGetValue(value.Id, out var list)) _byId[value.Id] = list = [];
        list.Add(version);
        MaxId = Math.Max(MaxId, value.Id);
    }

    private void Remove(string subject, int version)
    {
        if (!_subjects.TryGetValue(subject, out var versions) || !versions.Remove(version, out var old)) return;
        if (versions.Count == 0) _subjects.Remove(subject);
        if (_byId.TryGetValue(old.Id, out var list))
        {
            list.RemoveAll(v => v.Subject == subject && v.Version == version);
            if (list.Count == 0) _byId.Remove(old.Id);
        }
    }

    public static SchemaRecordValue ToRecord(SchemaVersion version) => new()
    {
        Subject = version.Subject,
        Version = version.Version,
        Id = version.Id,
        SchemaType = version.Type == SchemaType.Avro ? null : version.Type.ApiName(),
        References = version.References.Select(r => new ReferenceRecord { Name = r.Name, Subject = r.Subject, Version = r.Version }).ToList(),
        Schema = version.Schema,
        Deleted = version.Deleted,
    };
}
