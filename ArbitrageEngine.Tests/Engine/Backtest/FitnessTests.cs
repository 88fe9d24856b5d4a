using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Backtest;

public class FitnessTests
{
    private static ClosedTrade Trade(double r) =>
        new(Guid.Empty, "BTCUSDT", TradeDirection.Long, 80, r > 0 ? PositionStatus.Tp : PositionStatus.Sl, 0, 60_000, r, r * 200, r + 0.05, 0.05);

    [Fact]
    public void Compute_NoTrades_PfZeroWinRateZeroFullPenalty()
    {
        // 0 + 0 + 0.6·(0 − 1) + 1.25·(0 − 0.5) − 0.35·12 = −0.6 − 0.625 − 4.2
        Assert.Equal(-5.425, Fitness.Compute(Array.Empty<ClosedTrade>(), 7));
    }

    [Fact]
    public void Compute_OnlyProfits_PfIsTwo()
    {
        var trades = Enumerable.Repeat(1.0, 12).Select(Trade).ToList();

        var b = Fitness.Breakdown(trades.Select(t => t.PnlR), 6);

        Assert.Equal(2, b.ProfitFactor);
        Assert.Equal(1, b.WinRate);
        Assert.Equal(0, b.Penalty);
        // 12 + 0.9·12/6 + 0.6·1 + 1.25·0.5 = 12 + 1.8 + 0.6 + 0.625
        Assert.Equal(15.025, Fitness.Compute(trades, 6));
    }

    [Fact]
    public void Compute_OnlyLosses_PfZero()
    {
        // net −3; −3 − 0.9·3/3 + 0.6·(0 − 1) + 1.25·(0 − 0.5) − 0.35·9 = −3 − 0.9 − 0.6 − 0.625 − 3.15
        Assert.Equal(-8.275, Fitness.ComputeR([-1.0, -1.0, -1.0], 3));
    }

    [Fact]
    public void Compute_ZeroRTrades_CountForPenaltyButNotAsWins()
    {
        var b = Fitness.Breakdown([0.0, 0.0], 1);

        Assert.Equal(0, b.ProfitFactor);
        Assert.Equal(0, b.WinRate);
        Assert.Equal(0.35 * 10, b.Penalty, 12);
    }

    [Fact]
    public void Compute_MixedTrades_RoundsToFourDecimals()
    {
        // wins 2 + 1 = 3 R, losses 1 + 0.5 = 1.5 R → PF 2; net 1.5 over 4 trades; win rate 0.5; penalty 0.35·8 = 2.8
        // 1.5 + 0.9·1.5/7 + 0.6·1 + 0 − 2.8 = 1.5 + 0.192857… + 0.6 − 2.8 = −0.507142…
        var value = Fitness.ComputeR([2.0, -1.0, 1.0, -0.5], 7);

        Assert.Equal(-0.5071, value);
    }

    [Fact]
    public void Compute_MinClosedZero_NoPenalty()
    {
        Assert.Equal(0, Fitness.Breakdown([1.0], 1, minClosed: 0).Penalty);
        Assert.Equal(Math.Round(1 + 0.9 + 0.6 + 0.625, 4), Fitness.ComputeR([1.0], 1, minClosed: 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    public void Compute_NonPositiveDays_Throws(double days) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Fitness.ComputeR([1.0], days));
}
