using ArbitrageEngine.Engine.Market.Binance;

namespace ArbitrageEngine.Tests.Engine.Market.Binance;

public class BinanceWeightGovernorTests
{
    private static readonly DateTimeOffset MinuteStart = DateTimeOffset.FromUnixTimeMilliseconds(1791382980000);

    [Fact]
    public void TryReserve_BeyondLimitMinusMargin_WaitsForNextUtcMinute()
    {
        var time = new ManualTimeProvider(MinuteStart.AddSeconds(10));
        var governor = new BinanceWeightGovernor(new BinanceOptions { WeightLimitPerMinute = 100, WeightSafetyMargin = 0.1 }, time);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(TimeSpan.Zero, governor.TryReserve(20));
        }

        var wait = governor.TryReserve(20);

        Assert.InRange(wait, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(51));
        time.Advance(wait);
        Assert.Equal(TimeSpan.Zero, governor.TryReserve(20));
    }

    [Fact]
    public void OnUsedWeight_ServerReportsHighUsage_SlowsDownBeforeLimit()
    {
        var time = new ManualTimeProvider(MinuteStart.AddSeconds(30));
        var governor = new BinanceWeightGovernor(new BinanceOptions(), time);

        governor.OnUsedWeight(2150);

        Assert.True(governor.TryReserve(20) > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, governor.TryReserve(1));
    }

    [Fact]
    public void BlockUntil_RetryAfter_BlocksEveryRequestUntilThen()
    {
        var time = new ManualTimeProvider(MinuteStart);
        var governor = new BinanceWeightGovernor(new BinanceOptions(), time);

        governor.BlockUntil(MinuteStart.AddSeconds(120));

        Assert.Equal(TimeSpan.FromSeconds(120), governor.TryReserve(1));
        time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(TimeSpan.Zero, governor.TryReserve(1));
    }
}
