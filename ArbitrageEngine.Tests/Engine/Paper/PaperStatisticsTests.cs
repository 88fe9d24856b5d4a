using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Paper;

public class PaperStatisticsTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private const long Hour = 3_600_000;

    private static ClosedTrade Trade(double r, long exitHour, TradeDirection dir = TradeDirection.Long, double score = 76, PositionStatus status = PositionStatus.Tp) =>
        new(Id, "BTCUSDT", dir, score, status, (exitHour * Hour) - Hour, exitHour * Hour, r, r * 200, r + 0.05, 0.05);

    [Fact]
    public void Compute_NoTrades_AllZero()
    {
        var s = PaperStatistics.Compute([], 0);

        Assert.Equal(0, s.TradeCount);
        Assert.Equal(0, s.ProfitFactor);
        Assert.Null(s.Sharpe);
    }

    [Fact]
    public void Compute_MixedTrades_HandComputedFigures()
    {
        // cumulative: 2, 1, -0.5, 0.5 -> peak 2, trough -0.5: drawdown 2.5
        ClosedTrade[] trades =
        [
            Trade(2, 1, score: 86),
            Trade(-1, 2, TradeDirection.Short, 81, PositionStatus.Sl),
            Trade(-1.5, 3, status: PositionStatus.Sl),
            Trade(1, 4, TradeDirection.Short),
        ];

        var s = PaperStatistics.Compute(trades, 4 * Hour);

        Assert.Equal(4, s.TradeCount);
        Assert.Equal(0.5, s.WinRate);
        Assert.Equal(0.5, s.NetR, 12);
        Assert.Equal(100, s.NetUsdt, 9);
        Assert.Equal(1.5, s.AvgWinR);
        Assert.Equal(-1.25, s.AvgLossR);
        Assert.Equal(3 / 2.5, s.ProfitFactor, 12);
        Assert.Equal(2.5, s.MaxDrawdownR, 12);
        var mean = 0.125;
        var std = Math.Sqrt((Math.Pow(2 - mean, 2) + Math.Pow(-1 - mean, 2) + Math.Pow(-1.5 - mean, 2) + Math.Pow(1 - mean, 2)) / 3);
        Assert.Equal(std, s.StdR, 12);
        Assert.Equal(mean / std, s.Sharpe!.Value, 12);
        Assert.Equal((2, 0.5, 2, 0.5), (s.LongCount, s.LongWinRate, s.ShortCount, s.ShortWinRate));
        Assert.Equal(60, s.AvgHoldMinutes);
        Assert.Equal(0.5 + 0.2, s.GrossR, 12);
        Assert.Equal(0.2, s.FeesR, 12);
        Assert.Equal(2, s.ByStatus.Single(b => b.Key == "sl").Count);
        Assert.Equal(1, s.ByScoreBucket.Single(b => b.Key == "85+").Count);
        Assert.Equal(1, s.ByScoreBucket.Single(b => b.Key == "80-84").Count);
        Assert.Equal(2, s.ByScoreBucket.Single(b => b.Key == "75-79").Count);
        Assert.Equal(1, s.ByHourBeijing.Single(b => b.Key == "09").Count); // 01:00 UTC = 09:00 Beijing
        Assert.Equal(24, s.ByHourBeijing.Count);
    }

    [Fact]
    public void Compute_OnlyWins_ProfitFactorInfinite()
    {
        var s = PaperStatistics.Compute([Trade(1, 1), Trade(1, 2)], 0);

        Assert.True(double.IsPositiveInfinity(s.ProfitFactor));
        Assert.Null(s.Sharpe); // no dispersion
    }

    [Fact]
    public void Compute_Last24Hours_OnlyCountsRecentExits()
    {
        var s = PaperStatistics.Compute([Trade(1, 1), Trade(2, 30)], 30 * Hour);

        Assert.Equal(2, s.PnlR24h);
        Assert.Equal(400, s.PnlUsdt24h);
    }
}
