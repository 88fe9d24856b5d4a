using ArbitrageEngine.Engine.Paper;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>The parts of a fitness figure (evolve.md §2), for reports that show how it came about.</summary>
public sealed record FitnessBreakdown(int Closed, double NetR, double ProfitFactor, double WinRate, double Penalty, double Value);

/// <summary>
/// The auto-evolve fitness of a strategy over a period (evolve.md §2), used to rank walk-forward and auto-evolve
/// candidates: over the closed trades (by exit time, one symbol)
/// <c>net_r + 0.9·net_r/days + 0.6·(PF − 1) + 0.5·2.5·(win_rate − 0.5) − 0.35·max(min_closed − closed, 0)</c>, rounded
/// to 4 decimals (half to even). PF = gross profit / gross loss in R; 2 with profits and no losses; 0 with neither.
/// </summary>
public static class Fitness
{
    public const int DefaultMinClosed = 12;

    /// <summary>Fitness of <paramref name="closedTrades"/> over a period of <paramref name="days"/> days (&gt; 0).</summary>
    public static double Compute(IEnumerable<ClosedTrade> closedTrades, double days, int minClosed = DefaultMinClosed) =>
        Breakdown(closedTrades.Select(t => t.PnlR), days, minClosed).Value;

    /// <summary>The same from the trades' R alone.</summary>
    public static double ComputeR(IEnumerable<double> pnlR, double days, int minClosed = DefaultMinClosed) => Breakdown(pnlR, days, minClosed).Value;

    public static FitnessBreakdown Breakdown(IEnumerable<double> pnlR, double days, int minClosed = DefaultMinClosed)
    {
        if (!(days > 0) || !double.IsFinite(days))
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, "the period must be a positive number of days");
        }

        double net = 0, profit = 0, loss = 0;
        int closed = 0, wins = 0;
        foreach (var r in pnlR)
        {
            closed++;
            net += r;
            if (r > 0)
            {
                wins++;
                profit += r;
            }
            else if (r < 0)
            {
                loss -= r;
            }
        }

        var pf = loss > 0 ? profit / loss : profit > 0 ? 2 : 0;
        var winRate = closed == 0 ? 0 : (double)wins / closed;
        var penalty = 0.35 * Math.Max(minClosed - closed, 0);
        var value = net + (0.9 * net / days) + (0.6 * (pf - 1)) + (0.5 * 2.5 * (winRate - 0.5)) - penalty;
        return new FitnessBreakdown(closed, net, pf, winRate, penalty, Math.Round(value, 4, MidpointRounding.ToEven));
    }
}
