using System.Globalization;
using ArbitrageEngine.Engine.Market;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// /health for the live side: the engine's last tick age, each source stream's state and last frame age, and the
/// writers' backlogs. Unhealthy when the pipeline faulted or ticks stopped; degraded when a stream is silent or a
/// writer is dropping data.
/// </summary>
public sealed class EngineHealthCheck(LiveEngineState live, MarketPipelineService pipeline, IOptions<MarketOptions> options, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var interval = options.Value.EvalIntervalSeconds * 1000L;
        var data = new Dictionary<string, object>
        {
            ["phase"] = live.Phase.ToString(),
            ["trades_processed"] = live.TradesProcessed,
            ["ticks"] = live.Ticks,
            ["last_tick_age_ms"] = live.LastTickWallMs < 0 ? -1 : now - live.LastTickWallMs,
            ["last_tick_duration_ms"] = live.LastTickDurationMs,
            ["running_strategies"] = live.RunningStrategies,
            ["open_positions"] = live.OpenPositions.Count,
        };
        if (pipeline.TradeWriter is { } writer)
        {
            data["trade_writer_buffered"] = writer.Buffered;
            data["trade_writer_dropped"] = writer.Dropped;
        }

        if (pipeline.Persistence is { } persistence)
        {
            data["persistence_pending"] = persistence.Pending;
        }

        var silent = new List<string>();
        foreach (var stream in pipeline.Source?.Status.Streams ?? [])
        {
            var age = stream.LastFrameMs < 0 ? -1 : now - stream.LastFrameMs;
            data[$"stream_{stream.Name}_state"] = stream.State.ToString();
            data[$"stream_{stream.Name}_last_frame_age_ms"] = age;
            if (stream.State != StreamState.Connected || age is < 0 or > 30_000)
            {
                silent.Add(stream.Name);
            }
        }

        if (live.Phase == PipelinePhase.WarmingUp)
        {
            // The source is still replaying its backfill (its stream reports "connecting"): starting, not broken.
            var progress = live.WarmupProgress is { } p ? string.Create(CultureInfo.InvariantCulture, $" {p * 100:0} %") : "";
            return Task.FromResult(HealthCheckResult.Healthy("warming up" + progress, data));
        }

        if (live.Phase == PipelinePhase.Faulted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"pipeline faulted: {live.LastError}", data: data));
        }

        if (live.Phase == PipelinePhase.Live && live.LastTickWallMs >= 0 && now - live.LastTickWallMs > 3 * interval)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("evaluation ticks stopped", data: data));
        }

        if (silent.Count > 0 || pipeline.TradeWriter?.Dropped > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"silent streams: {string.Join(", ", silent)}", data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy(live.Phase.ToString(), data));
    }
}
