using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Tests.Web.Hosting;

public class WarmupProgressTests
{
    [Theory]
    [InlineData(1_000, long.MinValue, 2_000, 0)]    // the source has not delivered anything yet
    [InlineData(1_000, 1_500, 2_000, 0.5)]
    [InlineData(1_000, 2_500, 2_000, 1)]            // caught up (and beyond: clamped)
    [InlineData(2_000, 1_000, 2_000, 1)]            // nothing to replay
    public void Progress_WatermarkBetweenBackfillStartAndNow_IsTheCoveredShare(long from, long watermark, long now, double expected) =>
        Assert.Equal(expected, MarketPipelineService.Progress(from, watermark, now)!.Value, 9);

    [Fact]
    public void WarmupProgress_OnlyWhileWarmingUp_AndClamped()
    {
        var live = new LiveEngineState { Phase = PipelinePhase.WarmingUp, WarmupProgressSource = () => 1.7 };
        Assert.Equal(1, live.WarmupProgress);
        live.Phase = PipelinePhase.Live;
        Assert.Null(live.WarmupProgress);
    }
}
