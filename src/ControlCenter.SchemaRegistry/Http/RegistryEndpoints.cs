using ControlCenter.SchemaRegistry.Formats;
using ControlCenter.SchemaRegistry.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static ControlCenter.SchemaRegistry.Http.RegistryHttp;

namespace ControlCenter.SchemaRegistry.Http;

/// <summary>Confluent Schema Registry's REST API, route for route.</summary>
internal static class RegistryEndpoints
{
    public static void MapRegistryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext c) => WriteAsync(c, new { }));
        app.MapGet("/schemas/types", (HttpContext c) => WriteAsync(c, SchemaTypes.ApiNames));
        MapSubjects(app);
        MapSchemas(app);
        MapConfig(app);
        MapMode(app);
        app.MapPost("/compatibility/subjects/{subject}/versions/{version}", (HttpContext c, SchemaRegistryService r, string subject, string version) => CompatibilityAsync(c, r, subject, version));
        app.MapPost("/compatibility/subjects/{subject}/versions", (HttpContext c, SchemaRegistryService r, string subject) => CompatibilityAsync(c, r, subject, null));
    }

    private static void MapSubjects(IEndpointRouteBuilder app)
    {
        app.MapGet("/subjects", (HttpContext c, SchemaRegistryService r) =>
            WriteAsync(c, r.Subjects(Flag(c.Request, "deleted"), c.Request.Query["subjectPrefix"].FirstOrDefault() is { Length: > 0 } p ? p : null)));
        app.MapGet("/subjects/{subject}/versions", (HttpContext c, SchemaRegistryService r, string subject) =>
            WriteAsync(c, r.Versions(subject, Flag(c.Request, "deleted")).Select(v => v.Version)));
        app.MapGet("/subjects/{subject}/versions/{version}", (HttpContext c, SchemaRegistryService r, string subject, string version) =>
            WriteAsync(c, r.GetVersion(subject, version, Flag(c.Request, "deleted")).ToBody()));
        app.MapGet("/subjects/{subject}/versions/{version}/schema", (HttpContext c, SchemaRegistryService r, string subject, string version) =>
            RawAsync(c, r.GetVersion(subject, version, Flag(c.Request, "deleted")).Schema));
        app.MapGet("/subjects/{subject}/versions/{version}/referencedby", (HttpContext c, SchemaRegistryService r, string subject, string version) =>
            WriteAsync(c, r.ReferencedBy(subject, r.GetVersion(subject, version, deleted: true).Version)));
        app.MapPost("/subjects/{subject}/versions", async (HttpContext c, SchemaRegistryService r, string subject) =>
        {
            var registered = await r.RegisterAsync(subject, (await ReadAsync<RegisterBody>(c.Request)).ToRequest(allowIds: true), c.RequestAborted);
            await WriteAsync(c, new { id = registered.Id });
        });
        app.MapPost("/subjects/{subject}", async (HttpContext c, SchemaRegistryService r, string subject) =>
            await WriteAsync(c, r.Lookup(subject, (await ReadAsync<RegisterBody>(c.Request)).ToRequest(allowIds: false), Flag(c.Request, "deleted")).ToBody()));
        app.MapDelete("/subjects/{subject}", async (HttpContext c, SchemaRegistryService r, string subject) =>
            await WriteAsync(c, await r.DeleteSubjectAsync(subject, Flag(c.Request, "permanent"), c.RequestAborted)));
        app.MapDelete("/subjects/{subject}/versions/{version}", async (HttpContext c, SchemaRegistryService r, string subject, string version) =>
            await WriteAsync(c, await r.DeleteVersionAsync(subject, version, Flag(c.Request, "permanent"), c.RequestAborted)));
    }

    private static void MapSchemas(IEndpointRouteBuilder app)
    {
        app.MapGet("/schemas", (HttpContext c, SchemaRegistryService r) =>
            WriteAsync(c, r.AllVersions(c.Request.Query["subjectPrefix"].FirstOrDefault() is { Length: > 0 } p ? p : null, Flag(c.Request, "deleted"), Flag(c.Request, "latestOnly")).Select(v => v.ToBody())));
        app.MapGet("/schemas/ids/{id:int}", (HttpContext c, SchemaRegistryService r, int id) =>
        {
            var schema = r.GetById(id);
            return WriteAsync(c, new SchemaByIdBody(schema.Schema, schema.Type == SchemaType.Avro ? null : schema.Type.ApiName(), References(schema.References)));
        });
        app.MapGet("/schemas/ids/{id:int}/schema", (HttpContext c, SchemaRegistryService r, int id) => RawAsync(c, r.GetById(id).Schema));
        app.MapGet("/schemas/ids/{id:int}/subjects", (HttpContext c, SchemaRegistryService r, int id) =>
            WriteAsync(c, r.UsesOf(id, Flag(c.Request, "deleted")).Select(v => v.Subject).Distinct()));
        app.MapGet("/schemas/ids/{id:int}/versions", (HttpContext c, SchemaRegistryService r, int id) =>
            WriteAsync(c, r.UsesOf(id, Flag(c.Request, "deleted")).Select(v => new { subject = v.Subject, version = v.Version })));
    }

    private static void MapConfig(IEndpointRouteBuilder app)
    {
        app.MapGet("/config", (HttpContext c, SchemaRegistryService r) => WriteAsync(c, new CompatibilityBody(null, r.GlobalCompatibility.ApiName())));
        app.MapPut("/config", (HttpContext c, SchemaRegistryService r) => PutCompatibilityAsync(c, r, null));
        app.MapDelete("/config", async (HttpContext c, SchemaRegistryService r) =>
            await WriteAsync(c, new CompatibilityBody(null, (await r.DeleteCompatibilityAsync(null, c.RequestAborted)).ApiName())));
        app.MapGet("/config/{subject}", (HttpContext c, SchemaRegistryService r, string subject) =>
        {
            var level = r.SubjectCompatibility(subject) ?? (Flag(c.Request, "defaultToGlobal") ? r.GlobalCompatibility
                : throw new RegistryException(404, 40408, $"Subject '{subject}' does not have subject-level compatibility configured"));
            return WriteAsync(c, new CompatibilityBody(null, level.ApiName()));
        });
        app.MapPut("/config/{subject}", (HttpContext c, SchemaRegistryService r, string subject) => PutCompatibilityAsync(c, r, subject));
        app.MapDelete("/config/{subject}", async (HttpContext c, SchemaRegistryService r, string subject) =>
            await WriteAsync(c, new CompatibilityBody(null, (await r.DeleteCompatibilityAsync(subject, c.RequestAborted)).ApiName())));
    }

    private static void MapMode(IEndpointRouteBuilder app)
    {
        app.MapGet("/mode", (HttpContext c, SchemaRegistryService r) => WriteAsync(c, new ModeBody(r.GlobalMode.ApiName())));
        app.MapPut("/mode", (HttpContext c, SchemaRegistryService r) => PutModeAsync(c, r, null));
        app.MapGet("/mode/{subject}", (HttpContext c, SchemaRegistryService r, string subject) =>
        {
            var mode = r.SubjectMode(subject) ?? (Flag(c.Request, "defaultToGlobal") ? r.GlobalMode
                : throw new RegistryException(404, 40409, $"Subject '{subject}' does not have subject-level mode configured"));
            return WriteAsync(c, new ModeBody(mode.ApiName()));
        });
        app.MapPut("/mode/{subject}", (HttpContext c, SchemaRegistryService r, string subject) => PutModeAsync(c, r, subject));
        app.MapDelete("/mode/{subject}", async (HttpContext c, SchemaRegistryService r, string subject) =>
            await WriteAsync(c, new ModeBody((await r.DeleteModeAsync(subject, c.RequestAborted)).ApiName())));
    }

    private static async Task PutCompatibilityAsync(HttpContext c, SchemaRegistryService r, string? subject)
    {
        var body = await ReadAsync<CompatibilityBody>(c.Request);
        var level = RegistryNames.ParseLevel(body.Compatibility ?? body.CompatibilityLevel) ?? throw RegistryException.InvalidCompatibility();
        await r.SetCompatibilityAsync(subject, level, c.RequestAborted);
        await WriteAsync(c, new CompatibilityBody(level.ApiName(), null));
    }

    private static async Task PutModeAsync(HttpContext c, SchemaRegistryService r, string? subject)
    {
        var mode = RegistryNames.ParseMode((await ReadAsync<ModeBody>(c.Request)).Mode) ?? throw RegistryException.InvalidMode();
        await r.SetModeAsync(subject, mode, Flag(c.Request, "force"), c.RequestAborted);
        await WriteAsync(c, new ModeBody(mode.ApiName()));
    }

    private static async Task CompatibilityAsync(HttpContext c, SchemaRegistryService r, string subject, string? version)
    {
        var request = (await ReadAsync<RegisterBody>(c.Request)).ToRequest(allowIds: false);
        if (version is not null) r.GetVersion(subject, version); // 40401 / 40402 / 42202 before parsing, as Confluent answers
        var errors = r.CheckCompatibility(subject, version, request);
        bool verbose = Flag(c.Request, "verbose");
        var answer = new Dictionary<string, object> { ["is_compatible"] = errors.Count == 0 };
        if (verbose) answer["messages"] = errors;
        await WriteAsync(c, answer);
    }

    private static Task RawAsync(HttpContext c, string schema)
    {
        c.Response.ContentType = MediaType;
        return c.Response.WriteAsync(schema, c.RequestAborted);
    }
}
