using ControlCenter.SchemaRegistry.Formats;

namespace ControlCenter.SchemaRegistry.Registry;

/// <summary>One version of a subject: the registry's unit of storage (a SCHEMA record in _schemas).</summary>
public sealed record SchemaVersion(string Subject, int Version, int Id, SchemaType Type, string Schema,
    IReadOnlyList<SchemaReference> References, bool Deleted);

/// <summary>A schema by id: its text, type and references.</summary>
public sealed record RegisteredSchema(int Id, SchemaType Type, string Schema, IReadOnlyList<SchemaReference> References);

/// <summary>Confluent's compatibility levels.</summary>
public enum CompatibilityLevel { None, Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive }

/// <summary>Confluent's registry modes: IMPORT lets a migration register schemas with the ids they had elsewhere.</summary>
public enum RegistryMode { ReadWrite, ReadOnly, Import }

public static class RegistryNames
{
    public static string ApiName(this CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        _ => "FULL_TRANSITIVE",
    };

    public static CompatibilityLevel? ParseLevel(string? name) =>
        Enum.GetValues<CompatibilityLevel>().Cast<CompatibilityLevel?>().FirstOrDefault(l => string.Equals(l!.Value.ApiName(), name, StringComparison.OrdinalIgnoreCase));

    public static string ApiName(this RegistryMode mode) => mode switch
    {
        RegistryMode.ReadWrite => "READWRITE",
        RegistryMode.ReadOnly => "READONLY",
        _ => "IMPORT",
    };

    public static RegistryMode? ParseMode(string? name) =>
        Enum.GetValues<RegistryMode>().Cast<RegistryMode?>().FirstOrDefault(m => string.Equals(m!.Value.ApiName(), name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A request the registry refuses, with Confluent's HTTP status and error code.</summary>
public sealed class RegistryException(int status, int errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;
    public int ErrorCode { get; } = errorCode;

    public static RegistryException SubjectNotFound(string subject) => new(404, 40401, $"Subject '{subject}' not found.");
    public static RegistryException VersionNotFound(int version) => new(404, 40402, $"Version {version} not found.");
    public static RegistryException SchemaNotFound(int id) => new(404, 40403, $"Schema {id} not found");
    public static RegistryException SchemaNotFound() => new(404, 40403, "Schema not found");
    public static RegistryException InvalidSchema(string reason) => new(422, 42201, reason);
    public static RegistryException InvalidVersion(string version) =>
        new(422, 42202, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    public static RegistryException InvalidCompatibility() =>
        new(422, 42203, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");
    public static RegistryException InvalidMode() => new(422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, IMPORT");
    public static RegistryException NotPermitted(string message) => new(422, 42205, message);
    public static RegistryException ReferenceExists(string message) => new(422, 42206, message);
    public static RegistryException Incompatible(string message) => new(409, 409, message);
    public static RegistryException StoreError(string message) => new(500, 50001, message);
}
