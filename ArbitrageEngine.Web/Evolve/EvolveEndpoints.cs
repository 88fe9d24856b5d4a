using System.Text;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>
/// /api/evolve: runs list, one run with its JSON report, the reports as downloads, and starting a run
/// (dry-run for any signed-in user, apply for admins only: 403 otherwise).
/// </summary>
public static class EvolveEndpoints
{
    public sealed record StartRequest(string? Mode, bool? Force);

    public static IEndpointRouteBuilder MapEvolve(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/evolve/runs").RequireAuthorization().WithTags("evolve");

        runs.MapGet("/", async (EvolveStore store, int? take, CancellationToken ct) => await store.ListAsync(Math.Clamp(take ?? 50, 1, 500), ct));

        runs.MapGet("/{id:guid}", async Task<Results<Ok<object>, NotFound>> (Guid id, EvolveStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } run
                ? TypedResults.Ok<object>(new { run, report = EvolveReport.FromJson(await store.ReportAsync(id, "json", ct)) })
                : TypedResults.NotFound());

        runs.MapGet("/{id:guid}/report.{format}", async Task<Results<FileContentHttpResult, NotFound>> (Guid id, string format, EvolveStore store, CancellationToken ct) =>
        {
            if (format is not ("md" or "json") || await store.ReportAsync(id, format, ct) is not { } text)
            {
                return TypedResults.NotFound();
            }

            var contentType = format == "md" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8";
            return TypedResults.File(Encoding.UTF8.GetBytes(text), contentType, $"evolve-{id}.{format}");
        });

        runs.MapPost("/", async Task<Results<Accepted<object>, ValidationProblem, ForbidHttpResult, Conflict<object>>> (
            StartRequest? body, EvolveRunner runner, HttpContext http, IHostApplicationLifetime lifetime) =>
        {
            if (!EvolveModes.TryParse(body?.Mode ?? "dry_run", out var mode))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mode"] = ["Mode must be dry_run or apply."] });
            }

            if (mode == EvolveMode.Apply && !http.User.IsInRole(Roles.Admin))
            {
                return TypedResults.Forbid();
            }

            var actor = AuditActor.From(http.User, http.Connection.RemoteIpAddress?.ToString());
            var start = await runner.StartAsync(new EvolveRequest(mode, body?.Force ?? false, "api", actor), lifetime.ApplicationStopping);
            return start.Refusal is { } refusal
                ? TypedResults.Conflict<object>(new { error = refusal.Reason, existing_run_id = refusal.ExistingRunId })
                : TypedResults.Accepted<object>($"/api/evolve/runs/{start.RunId}", new { run_id = start.RunId });
        });

        return app;
    }
}
