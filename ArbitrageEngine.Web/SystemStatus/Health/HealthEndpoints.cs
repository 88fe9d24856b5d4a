using System.Text.Json;
using ArbitrageEngine.Web.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ArbitrageEngine.Web.SystemStatus.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no dependency checked, so an orchestrator restarts only a hung process).
/// <c>/health/ready</c>: database, collectors and engine tick age as separate entries with a state each
/// (ready / starting / degraded / broken) and an overall state; 503 unless every entry is healthy or degraded.
/// </summary>
public static class HealthEndpoints
{
    public static WebApplication MapReadiness(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Text("Healthy")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/health/ready", ReadyAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Runs the readiness checks itself (they are not registered with the health-check service, so <c>/health</c> keeps
    /// its meaning) and writes one entry per check.
    /// </summary>
    private static async Task ReadyAsync(HttpContext context, DatabaseReadinessCheck database, CollectorsHealthCheck collectors, EngineTickHealthCheck engine)
    {
        var checks = new (string Name, IHealthCheck Check)[] { ("database", database), ("collectors", collectors), ("engine", engine) };
        var entries = new Dictionary<string, HealthReportEntry>(StringComparer.Ordinal);
        foreach (var (name, check) in checks)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            HealthCheckResult result;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration(name, check, null, null) }, timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                result = new HealthCheckResult(HealthStatus.Unhealthy, ex.Message, ex, new Dictionary<string, object> { [ReadinessState.Key] = ReadinessState.Broken });
            }

            entries[name] = new HealthReportEntry(result.Status, result.Description, System.Diagnostics.Stopwatch.GetElapsedTime(started), result.Exception, result.Data);
        }

        var report = new HealthReport(entries, TimeSpan.Zero);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        await WriteAsync(context, report);
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var states = report.Entries.Values.Select(e => e.Data.TryGetValue(ReadinessState.Key, out var s) ? s as string : null).ToList();
        var overall = states.Contains(ReadinessState.Broken) ? ReadinessState.Broken
            : states.Contains(ReadinessState.Starting) ? ReadinessState.Starting
            : report.Status == HealthStatus.Unhealthy ? ReadinessState.Broken
            : report.Status == HealthStatus.Degraded ? ReadinessState.Degraded
            : ReadinessState.Ready;
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["state"] = overall,
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => (object?)new Dictionary<string, object?>
            {
                ["status"] = e.Value.Status.ToString(),
                ["state"] = e.Value.Data.TryGetValue(ReadinessState.Key, out var s) ? s : (e.Value.Status == HealthStatus.Healthy ? ReadinessState.Ready : ReadinessState.Broken),
                ["description"] = e.Value.Description,
                ["duration_ms"] = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                ["data"] = e.Value.Data.Where(d => d.Key != ReadinessState.Key).ToDictionary(d => d.Key, d => d.Value),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}

/// <summary>The database for readiness: starting while the (local) cluster is not up yet, broken when unreachable after that.</summary>
public sealed class DatabaseReadinessCheck(DatabaseEndpoint endpoint) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!endpoint.Ready.IsCompleted)
        {
            return new HealthCheckResult(HealthStatus.Unhealthy, "database starting", data: new Dictionary<string, object> { [ReadinessState.Key] = ReadinessState.Starting });
        }

        var result = await new DatabaseHealthCheck(endpoint).CheckHealthAsync(context, cancellationToken);
        return new HealthCheckResult(result.Status, result.Description ?? "SELECT 1 answered", result.Exception,
            new Dictionary<string, object> { [ReadinessState.Key] = result.Status == HealthStatus.Healthy ? ReadinessState.Ready : ReadinessState.Broken });
    }
}
