using ArbitrageEngine.Engine.Evolve;

namespace ArbitrageEngine.Tests.Engine.Evolve;

/// <summary>evolve.md §2 hand-computed (the fitness itself comes from the backtest's Fitness.Compute).</summary>
public class FiguresTests
{
    [Fact]
    public void Of_MixedTrades_HandComputedFitness()
    {
        // net 2, PF 3/1 = 3, win rate 2/3: 2 + 0.9×2/7 + 0.6×2 + 1.25×(2/3 − 0.5) − 0.35×9 = 0.515476…
        var f = Figures.Of([2, -1, 1], days: 7, minClosed: 12);
        Assert.Equal(0.5155, f.Fitness);
        Assert.Equal(3, f.Trades);
        Assert.Equal(2, f.NetR);
        Assert.Equal(0.6667, f.WinRate);
    }

    [Fact]
    public void Of_NoTrades_PfZeroAndFullPenalty() =>
        // 0 + 0 + 0.6×(0 − 1) + 1.25×(0 − 0.5) − 0.35×12 = −5.425
        Assert.Equal(-5.425, Figures.Of([], 7, 12).Fitness);

    [Fact]
    public void Of_ProfitsNoLosses_PfTwo() =>
        // 2 + 0.9×2/1 + 0.6×(2 − 1) + 1.25×(1 − 0.5) − 0 = 5.025
        Assert.Equal(5.025, Figures.Of([1, 1], 1, 2).Fitness);
}
