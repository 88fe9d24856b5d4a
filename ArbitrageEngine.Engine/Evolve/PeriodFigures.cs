using ArbitrageEngine.Engine.Backtest;

namespace ArbitrageEngine.Engine.Evolve;

/// <summary>Figures of one strategy over one period from its closed trades' pnl_r (the caller filters by exit time); fitness is evolve.md §2 (<see cref="Fitness"/>).</summary>
public static class Figures
{
    public static PeriodFigures Of(IReadOnlyList<double> pnlR, double days, int minClosed)
    {
        var wins = pnlR.Count(r => r > 0);
        return new PeriodFigures(
            Fitness.ComputeR(pnlR, days, minClosed),
            pnlR.Count,
            Math.Round(pnlR.Sum(), 4),
            pnlR.Count == 0 ? 0 : Math.Round((double)wins / pnlR.Count, 4));
    }
}
