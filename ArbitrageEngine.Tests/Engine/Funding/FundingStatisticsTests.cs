using ArbitrageEngine.Engine.Funding;

namespace ArbitrageEngine.Tests.Engine.Funding;

public class FundingStatisticsTests
{
    private static long T(int year, int month, int day, int hour = 0) => new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void PerYear_HandComputed_AnnualisedNegativeShareAndNet()
    {
        // 2023: 0.0001, 0.0003, -0.0001 → mean 0.0001 → 10.95 %, 1 of 3 negative; 2024: 0.0002 → 21.90 %.
        FundingSettlement[] s = [new(T(2023, 12, 31, 0), 0.0001), new(T(2023, 12, 31, 8), 0.0003), new(T(2023, 12, 31, 16), -0.0001), new(T(2024, 1, 1), 0.0002)];

        var stats = FundingStatistics.PerYear(s, fee: 0.0006);

        Assert.Equal(["2023", "2024", "all"], stats.Select(x => x.Period));
        Assert.Equal(3, stats[0].Settlements);
        Assert.Equal(0.0001, stats[0].MeanRate, 12);
        Assert.Equal(10.95, stats[0].AnnualisedPct, 9);
        Assert.Equal(100.0 / 3, stats[0].NegativePct, 9);
        Assert.Equal(10.89, stats[0].NetPct, 9);
        Assert.Equal(21.9, stats[1].AnnualisedPct, 9);
        Assert.Equal(0.000125, stats[2].MeanRate, 12);
        Assert.Equal(25, stats[2].NegativePct, 9);
    }

    [Fact]
    public void ToCliLine_SpecExample_ExactFormat()
    {
        var line = new FundingPeriodStats("2024", 1098, 0.0001, 10.95, 8.3788706739526, 10.89).ToCliLine();

        Assert.Equal("year=2024 settlements=1098 mean_rate=0.00010000 annualised_pct=10.95 negative_pct=8.38 net_pct=10.89", line);
    }

    [Fact]
    public void ToCliLine_TinyNegative_NoNegativeZero()
    {
        var line = new FundingPeriodStats("all", 3, -0.000000001, -0.0001, 0, -0.001).ToCliLine();

        Assert.Equal("year=all settlements=3 mean_rate=0.00000000 annualised_pct=0.00 negative_pct=0.00 net_pct=0.00", line);
    }

    [Fact]
    public void Window_LastSevenDays_OnlySettlementsInside()
    {
        var s = Enumerable.Range(0, 30).Select(i => new FundingSettlement(T(2024, 1, 1) + (i * 8 * 3_600_000L), i < 9 ? 0.001 : 0.0001)).ToList();
        var end = s[^1].TimeMs;

        var week = FundingStatistics.Window(s, end - (7 * 86_400_000L) + 1, end, "7d");

        Assert.Equal(21, week.Settlements);
        Assert.Equal(0.0001, week.MeanRate, 12);
        Assert.Equal(10.95, week.AnnualisedPct, 9);
    }

    [Fact]
    public void Combine_TwoSymbols_MeanAtCommonTimesOnly()
    {
        FundingSettlement[] btc = [new(1, 0.0001), new(2, 0.0003), new(4, 0.0001)];
        FundingSettlement[] eth = [new(2, 0.0001), new(3, 0.0002), new(4, -0.0001)];

        var mix = FundingStatistics.Combine(btc, eth);

        Assert.Equal([2L, 4L], mix.Select(m => m.TimeMs));
        Assert.Equal(0.0002, mix[0].Rate, 12);
        Assert.Equal(0, mix[1].Rate, 12);
    }

    [Fact]
    public void PerYear_Empty_NoLines() => Assert.Empty(FundingStatistics.PerYear([]));
}
