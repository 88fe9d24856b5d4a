using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.SystemStatus.Health;

/// <summary>
/// Readiness of the engine alone: starting until the pipeline is live and has ticked once (warm-up can take seconds);
/// broken when the pipeline faulted or the last tick is older than three evaluation intervals.
/// </summary>
public sealed class EngineTickHealthCheck(LiveEngineState live, IOptions<MarketOptions> options, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var intervalMs = options.Value.EvalIntervalSeconds * 1000L;
        var age = live.LastTickWallMs < 0 ? -1 : now - live.LastTickWallMs;
        var data = new Dictionary<string, object>
        {
            ["phase"] = live.Phase.ToString(),
            ["last_tick_age_ms"] = age,
            ["eval_interval_ms"] = intervalMs,
            ["ticks"] = live.Ticks,
        };

        HealthCheckResult Result(HealthStatus status, string state, string description)
        {
            data[ReadinessState.Key] = state;
            return new HealthCheckResult(status, description, data: data);
        }

        var result = live.Phase switch
        {
            PipelinePhase.Faulted => Result(HealthStatus.Unhealthy, ReadinessState.Broken, $"pipeline faulted: {live.LastError}"),
            PipelinePhase.Stopped => Result(HealthStatus.Unhealthy, ReadinessState.Broken, "pipeline stopped"),
            PipelinePhase.Starting or PipelinePhase.WarmingUp => Result(HealthStatus.Unhealthy, ReadinessState.Starting, $"engine {live.Phase}"),
            _ when age < 0 => Result(HealthStatus.Unhealthy, ReadinessState.Starting, "live, waiting for the first tick"),
            _ when age > 3 * intervalMs => Result(HealthStatus.Unhealthy, ReadinessState.Broken, $"last tick {age / 1000} s ago (interval {intervalMs / 1000} s)"),
            _ => Result(HealthStatus.Healthy, ReadinessState.Ready, $"last tick {age} ms ago"),
        };
        return Task.FromResult(result);
    }
}
