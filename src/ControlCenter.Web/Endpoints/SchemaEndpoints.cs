using ControlCenter.Access;
using ControlCenter.SchemaRegistry.Formats;
using ControlCenter.Web.Security;
using ControlCenter.SchemaRegistry.Serdes;
using Microsoft.AspNetCore.Mvc;

namespace ControlCenter.Web.Endpoints;

/// <summary>A schema from the subject page's form, as the browser posts it.</summary>
public sealed record SchemaDraft(string? Schema, string? SchemaType, IReadOnlyList<RegistryReference>? References);

/// <summary>The verdict: why it may not be registered (empty when it may), the id it got, or why the registry could not be asked.</summary>
public sealed record SchemaVerdict(IReadOnlyList<string> Problems, int? Id, string? Error);

/// <summary>
/// The subject page checks and registers schemas over plain HTTP, like the produce form sends
/// records: a schema of hundreds of kilobytes travels as one request body instead of through the
/// page's live connection, whose messages are kept small.
/// </summary>
public static class SchemaEndpoints
{
    public const long MaxBodyBytes = 16L * 1024 * 1024;

    public static void MapSchemaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/schemas/{subject}/check", (string subject, SchemaDraft draft, SchemaRegistryAccess registry, CancellationToken c) =>
            RunAsync(draft, registry, c, async (rest, schema, type, references) =>
                new SchemaVerdict(await ProblemsAsync(rest, subject, schema, type, references, c), null, null)))
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RequireAccess(AccessAction.View, ResourceKind.Subject, "subject");
        app.MapPost("/api/schemas/{subject}/register", (string subject, SchemaDraft draft, SchemaRegistryAccess registry, CancellationToken c) =>
            RunAsync(draft, registry, c, async (rest, schema, type, references) =>
            {
                // Checked first, so an incompatible schema is explained rule by rule instead of a bare 409.
                var problems = await ProblemsAsync(rest, subject, schema, type, references, c);
                return problems.Count > 0 ? new SchemaVerdict(problems, null, null)
                    : new SchemaVerdict([], await rest.RegisterAsync(subject, schema, type, references, c), null);
            }))
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RequireAccess(AccessAction.SchemaWrite, ResourceKind.Subject, "subject");
    }

    /// <summary>Why the schema may not follow the subject's versions; a subject without any (40401 on older registries) takes any valid schema.</summary>
    private static async Task<IReadOnlyList<string>> ProblemsAsync(RegistryRestClient rest, string subject, string schema, SchemaType type,
        IReadOnlyList<RegistryReference> references, CancellationToken cancellation)
    {
        try { return await rest.CompatibilityErrorsAsync(subject, null, schema, type, references, cancellation); }
        catch (RegistryCallException e) when (e.ErrorCode == 40401) { return []; }
    }

    private static async Task<IResult> RunAsync(SchemaDraft draft, SchemaRegistryAccess registry, CancellationToken cancellation,
        Func<RegistryRestClient, string, SchemaType, IReadOnlyList<RegistryReference>, Task<SchemaVerdict>> call)
    {
        if (string.IsNullOrWhiteSpace(draft.Schema)) return Results.BadRequest(new SchemaVerdict([], null, "The schema is empty."));
        if (SchemaTypes.Parse(draft.SchemaType) is not { } type) return Results.BadRequest(new SchemaVerdict([], null, $"Unknown schema type {draft.SchemaType}."));
        try
        {
            return Results.Ok(await call(await registry.RestAsync(cancellation), draft.Schema, type, draft.References ?? []));
        }
        catch (RegistryCallException e)
        {
            return Results.Ok(new SchemaVerdict([], null, e.ErrorCode == 42201 ? $"The schema is not valid: {e.Message}" : $"The registry refused: {e.Message}"));
        }
        catch (SchemaRegistryUnavailableException e)
        {
            return Results.Ok(new SchemaVerdict([], null, e.Message));
        }
    }
}
