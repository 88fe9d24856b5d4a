using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.SystemStatus.Health;

/// <summary>
/// Readiness of the market collectors (the source's streams): ready when every stream is connected with a recent frame,
/// degraded when some are silent, broken when none is delivering; starting until the source exists. No source configured
/// (Market:Source=None) is ready.
/// </summary>
public sealed class CollectorsHealthCheck(MarketPipelineService pipeline, LiveEngineState live, IOptions<MarketOptions> options, TimeProvider clock) : IHealthCheck
{
    /// <summary>A stream without a frame for this long counts as silent.</summary>
    public const long SilentAfterMs = 30_000;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["source"] = options.Value.Source.ToString() };
        HealthCheckResult Result(HealthStatus status, string state, string description)
        {
            data[ReadinessState.Key] = state;
            return new HealthCheckResult(status, description, data: data);
        }

        if (options.Value.Source == MarketSourceKind.None)
        {
            return Task.FromResult(Result(HealthStatus.Healthy, ReadinessState.Ready, "no market source configured"));
        }

        if (pipeline.Source is not { } source)
        {
            return Task.FromResult(live.Phase is PipelinePhase.Faulted or PipelinePhase.Stopped
                ? Result(HealthStatus.Unhealthy, ReadinessState.Broken, "market source not running")
                : Result(HealthStatus.Unhealthy, ReadinessState.Starting, "market source starting"));
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var silent = new List<string>();
        var streams = source.Status.Streams;
        foreach (var s in streams)
        {
            var age = s.LastFrameMs < 0 ? -1 : now - s.LastFrameMs;
            data[$"{s.Name}_state"] = s.State.ToString();
            data[$"{s.Name}_last_frame_age_ms"] = age;
            if (s.State != StreamState.Connected || age is < 0 or > SilentAfterMs)
            {
                silent.Add(s.Name);
            }
        }

        if (streams.Count == 0 || silent.Count == 0)
        {
            return Task.FromResult(Result(HealthStatus.Healthy, ReadinessState.Ready, $"{streams.Count} streams delivering"));
        }

        if (silent.Count < streams.Count)
        {
            return Task.FromResult(Result(HealthStatus.Degraded, ReadinessState.Degraded, "silent: " + string.Join(", ", silent)));
        }

        // Nothing delivers: just after start that is the connection being made, later it is a fault.
        var startedLongAgo = live.LiveSinceMs is { } since && now - since > SilentAfterMs;
        return Task.FromResult(startedLongAgo
            ? Result(HealthStatus.Unhealthy, ReadinessState.Broken, "no stream delivering: " + string.Join(", ", silent))
            : Result(HealthStatus.Unhealthy, ReadinessState.Starting, "streams connecting"));
    }
}
