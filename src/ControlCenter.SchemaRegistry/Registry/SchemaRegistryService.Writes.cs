using ControlCenter.SchemaRegistry.Formats;
using ControlCenter.SchemaRegistry.Storage;

namespace ControlCenter.SchemaRegistry.Registry;

public sealed partial class SchemaRegistryService
{
    /// <summary>
    /// Registers a schema under a subject and returns its id: the existing version's id for a
    /// schema the subject already has, the id of an identical schema under another subject, or
    /// a new one. Refused (409) when incompatible with the versions the subject's level names.
    /// </summary>
    public async Task<SchemaVersion> RegisterAsync(string subject, SchemaRequest request, CancellationToken cancellation)
    {
        var parsed = Parse(request);
        await _writes.WaitAsync(cancellation);
        try
        {
            var mode = EffectiveMode(subject);
            if (mode == RegistryMode.ReadOnly) throw RegistryException.NotPermitted($"Subject {subject} is in read-only mode");
            if (mode != RegistryMode.Import && request.Id is not null)
                throw RegistryException.NotPermitted($"Subject {subject} is not in import mode: a schema id can only be given in IMPORT mode");
            var versions = Read(s => s.Versions(subject).ToList());
            var live = versions.Where(v => !v.Deleted).ToList();
            if (live.LastOrDefault(v => SameSchema(v, request, parsed)) is { } existing && (request.Id is null || request.Id == existing.Id))
                return existing;

            int id;
            if (mode == RegistryMode.Import)
            {
                id = request.Id ?? Read(s => s.MaxId) + 1;
                var holder = Read(s => s.VersionsOf(id).FirstOrDefault());
                if (holder is not null && !SameSchema(holder, request, parsed))
                    throw RegistryException.NotPermitted($"Overwrite new schema with id {id} is not permitted.");
            }
            else
            {
                var errors = CompatibilityErrors(EffectiveCompatibility(subject), parsed, live);
                if (errors.Count > 0)
                    throw RegistryException.Incompatible($"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join(", ", errors)}]");
                id = Read(s => s.AllVersions.FirstOrDefault(v => SameSchema(v, request, parsed))?.Id ?? s.MaxId + 1);
            }
            int version = request.Version ?? (versions.Count == 0 ? 1 : versions.Max(v => v.Version) + 1);
            if (versions.Any(v => v.Version == version)) throw RegistryException.NotPermitted($"Version {version} of subject {subject} already exists");
            var registered = new SchemaVersion(subject, version, id, request.Type, parsed.Canonical, request.References, Deleted: false);
            await WriteAsync(SchemaRecordKey.ForSchema(subject, version), RegistryState.ToRecord(registered), cancellation);
            return registered;
        }
        finally { _writes.Release(); }
    }

    /// <summary>
    /// Why <paramref name="parsed"/> may not follow <paramref name="versions"/> (oldest first) under
    /// <paramref name="level"/>: BACKWARD means the new schema reads data of the previous one (all
    /// previous ones when transitive), FORWARD the reverse, FULL both.
    /// </summary>
    public IReadOnlyList<string> CompatibilityErrors(CompatibilityLevel level, ParsedSchema parsed, IReadOnlyList<SchemaVersion> versions)
    {
        if (level == CompatibilityLevel.None || versions.Count == 0) return [];
        bool transitive = level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
        bool backward = level is CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        bool forward = level is CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        var errors = new List<string>();
        foreach (var version in transitive ? versions.Reverse() : versions.TakeLast(1))
        {
            if (version.Type != parsed.Type)
            {
                errors.Add($"Incompatible because of different schema type: version {version.Version} is {version.Type.ApiName()}");
                continue;
            }
            var old = Parse(version);
            var format = parsed.Type.Format();
            if (backward)
                errors.AddRange(format.ReadErrors(parsed, old).Select(e => $"{{oldSchemaVersion: {version.Version}, direction: BACKWARD, {e}}}"));
            if (forward)
                errors.AddRange(format.ReadErrors(old, parsed).Select(e => $"{{oldSchemaVersion: {version.Version}, direction: FORWARD, {e}}}"));
        }
        return errors;
    }

    /// <summary>Compatibility of a candidate against one version (or, with null, the versions the subject's level names).</summary>
    public IReadOnlyList<string> CheckCompatibility(string subject, string? version, SchemaRequest request)
    {
        var parsed = Parse(request);
        var live = Read(s => s.Versions(subject).Where(v => !v.Deleted).ToList());
        if (version is null) return CompatibilityErrors(EffectiveCompatibility(subject), parsed, live);
        var against = GetVersion(subject, version);
        var level = EffectiveCompatibility(subject) switch
        {
            CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
            CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
            CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
            var l => l,
        };
        return CompatibilityErrors(level, parsed, [against]);
    }

    /// <summary>Soft-deletes every version (or, <paramref name="permanent"/>, removes a soft-deleted subject); returns the versions.</summary>
    public async Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent, CancellationToken cancellation)
    {
        await _writes.WaitAsync(cancellation);
        try
        {
            var versions = Read(s => s.Versions(subject).ToList());
            if (versions.Count == 0) throw RegistryException.SubjectNotFound(subject);
            if (EffectiveMode(subject) == RegistryMode.ReadOnly) throw RegistryException.NotPermitted($"Subject {subject} is in read-only mode");
            if (!permanent && versions.All(v => v.Deleted))
                throw new RegistryException(404, 40404, $"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently");
            if (permanent && versions.Any(v => !v.Deleted))
                throw new RegistryException(404, 40405, $"Subject '{subject}' was not deleted first before being permanently deleted");
            foreach (var version in versions) EnsureUnreferenced(version, permanent);
            foreach (var version in versions.Where(v => permanent || !v.Deleted))
                await WriteAsync(SchemaRecordKey.ForSchema(subject, version.Version), permanent ? null : RegistryState.ToRecord(version with { Deleted = true }), cancellation);
            if (permanent)
            {
                if (SubjectCompatibility(subject) is not null) await WriteAsync<ConfigRecordValue>(SchemaRecordKey.ForConfig(subject), null, cancellation);
                if (SubjectMode(subject) is not null) await WriteAsync<ModeRecordValue>(SchemaRecordKey.ForMode(subject), null, cancellation);
            }
            return versions.Where(v => permanent || !v.Deleted).Select(v => v.Version).ToList();
        }
        finally { _writes.Release(); }
    }

    /// <summary>Soft-deletes one version (or, <paramref name="permanent"/>, removes a soft-deleted one).</summary>
    public async Task<int> DeleteVersionAsync(string subject, string versionText, bool permanent, CancellationToken cancellation)
    {
        await _writes.WaitAsync(cancellation);
        try
        {
            if (EffectiveMode(subject) == RegistryMode.ReadOnly) throw RegistryException.NotPermitted($"Subject {subject} is in read-only mode");
            // "latest" is the newest live version (as for reads); a number may name a soft-deleted one (40406, or the permanent delete).
            var version = GetVersion(subject, versionText, deleted: permanent || versionText is not ("latest" or "-1"));
            if (!permanent && version.Deleted)
                throw new RegistryException(404, 40406, $"Subject '{subject}' Version {version.Version} was soft deleted.Set permanent=true to delete permanently");
            if (permanent && !version.Deleted)
                throw new RegistryException(404, 40407, $"Subject '{subject}' Version {version.Version} was not deleted first before being permanently deleted");
            EnsureUnreferenced(version, permanent);
            await WriteAsync(SchemaRecordKey.ForSchema(subject, version.Version), permanent ? null : RegistryState.ToRecord(version with { Deleted = true }), cancellation);
            return version.Version;
        }
        finally { _writes.Release(); }
    }

    private void EnsureUnreferenced(SchemaVersion version, bool permanent)
    {
        bool referenced = Read(s => s.AllVersions.Any(v => (permanent || !v.Deleted) && v.References.Any(r => r.Subject == version.Subject && r.Version == version.Version)));
        if (referenced)
            throw RegistryException.ReferenceExists($"One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={version.Subject},version={version.Version}}}.");
    }

    /// <summary>Sets the global level (subject null) or a subject's.</summary>
    public async Task SetCompatibilityAsync(string? subject, CompatibilityLevel level, CancellationToken cancellation) =>
        await WriteSerialisedAsync(SchemaRecordKey.ForConfig(subject), new ConfigRecordValue { CompatibilityLevel = level.ApiName() }, cancellation);

    /// <summary>Removes a subject's own level (or resets the global one to BACKWARD); returns what it was.</summary>
    public async Task<CompatibilityLevel> DeleteCompatibilityAsync(string? subject, CancellationToken cancellation)
    {
        if (subject is not null && Read(s => s.Versions(subject).Count == 0)) throw RegistryException.SubjectNotFound(subject);
        var previous = subject is null ? GlobalCompatibility : SubjectCompatibility(subject) ?? GlobalCompatibility;
        await WriteSerialisedAsync<ConfigRecordValue>(SchemaRecordKey.ForConfig(subject), null, cancellation);
        return previous;
    }

    /// <summary>Sets the global mode (subject null) or a subject's; IMPORT globally needs an empty registry unless forced.</summary>
    public async Task SetModeAsync(string? subject, RegistryMode mode, bool force, CancellationToken cancellation)
    {
        if (mode == RegistryMode.Import && !force && (subject is null ? Subjects().Count > 0 : Subjects().Contains(subject)))
            throw RegistryException.NotPermitted("Cannot import since found existing subjects");
        await WriteSerialisedAsync(SchemaRecordKey.ForMode(subject), new ModeRecordValue { Mode = mode.ApiName() }, cancellation);
    }

    public async Task<RegistryMode> DeleteModeAsync(string subject, CancellationToken cancellation)
    {
        var previous = EffectiveMode(subject);
        await WriteSerialisedAsync<ModeRecordValue>(SchemaRecordKey.ForMode(subject), null, cancellation);
        return previous;
    }

    private async Task WriteSerialisedAsync<T>(SchemaRecordKey key, T? value, CancellationToken cancellation) where T : class
    {
        await _writes.WaitAsync(cancellation);
        try { await WriteAsync(key, value, cancellation); }
        finally { _writes.Release(); }
    }

    /// <summary>Writes one record to _schemas and, once Kafka has acknowledged it, applies it here.</summary>
    private async Task WriteAsync<T>(SchemaRecordKey key, T? value, CancellationToken cancellation) where T : class
    {
        byte[] keyBytes = SchemaRecordJson.Serialize(key);
        byte[]? valueBytes = value is null ? null : SchemaRecordJson.Serialize(value);
        // Not cancelled half-way by a client hanging up: once sent, the write is applied.
        await _topic.WriteAsync(keyBytes, valueBytes, CancellationToken.None);
        lock (_lock) _state.Apply(keyBytes, valueBytes);
    }
}
