using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.SystemStatus.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ArbitrageEngine.Tests.Engine.Market.Binance;

namespace ArbitrageEngine.Tests.Web.SystemStatus;

public class EngineTickHealthCheckTests
{
    private static async Task<(HealthStatus Status, string State)> Check(LiveEngineState live, ManualTimeProvider clock)
    {
        var result = await new EngineTickHealthCheck(live, Options.Create(new MarketOptions { EvalIntervalSeconds = 15 }), clock).CheckHealthAsync(new HealthCheckContext());
        return (result.Status, (string)result.Data[ReadinessState.Key]);
    }

    [Fact]
    public async Task CheckHealthAsync_WarmingUp_Starting()
    {
        var live = new LiveEngineState { Phase = PipelinePhase.WarmingUp };

        Assert.Equal((HealthStatus.Unhealthy, ReadinessState.Starting), await Check(live, new ManualTimeProvider(DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public async Task CheckHealthAsync_Faulted_Broken()
    {
        var live = new LiveEngineState { Phase = PipelinePhase.Faulted, LastError = "boom" };

        Assert.Equal((HealthStatus.Unhealthy, ReadinessState.Broken), await Check(live, new ManualTimeProvider(DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public async Task CheckHealthAsync_LastTickOlderThanThreeIntervals_BrokenElseReady()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var live = new LiveEngineState { Phase = PipelinePhase.Live };
        live.OnTickDone(0, clock.GetUtcNow().ToUnixTimeMilliseconds(), 1);

        clock.Advance(TimeSpan.FromSeconds(44));
        var fresh = await Check(live, clock);
        clock.Advance(TimeSpan.FromSeconds(2));
        var stale = await Check(live, clock);

        Assert.Equal((HealthStatus.Healthy, ReadinessState.Ready), fresh);
        Assert.Equal((HealthStatus.Unhealthy, ReadinessState.Broken), stale);
    }
}
