using ArbitrageEngine.Engine.Backtest;

namespace ArbitrageEngine.Web.Components.Backtest;

/// <summary>One line of an equity chart: a strategy (or a whole run) and its points at each close.</summary>
public sealed record EquitySeries(string Name, IReadOnlyList<EquityPoint> Points)
{
    /// <summary>Drawdown in R below the running peak of cumulative R, at each point (≤ 0).</summary>
    public static IReadOnlyList<(long TimeMs, double DrawdownR)> Drawdown(IReadOnlyList<EquityPoint> points)
    {
        var result = new List<(long, double)>(points.Count);
        var peak = 0.0;
        foreach (var p in points)
        {
            peak = Math.Max(peak, p.CumulativeR);
            result.Add((p.TimeMs, p.CumulativeR - peak));
        }

        return result;
    }

    /// <summary>Several strategies' curves merged into one (cumulative R summed over strategies, in time order).</summary>
    public static IReadOnlyList<EquityPoint> Combined(IEnumerable<IReadOnlyList<EquityPoint>> curves)
    {
        var steps = new List<(long TimeMs, double DeltaR, double DeltaUsdt)>();
        var startUsdt = 0.0;
        foreach (var curve in curves)
        {
            double lastR = 0, lastUsdt = double.NaN;
            foreach (var p in curve)
            {
                if (double.IsNaN(lastUsdt))
                {
                    // The first balance point already includes the first trade: its start is not known, so USDT is summed as deltas from it.
                    startUsdt += p.BalanceUsdt;
                    steps.Add((p.TimeMs, p.CumulativeR - lastR, 0));
                }
                else
                {
                    steps.Add((p.TimeMs, p.CumulativeR - lastR, p.BalanceUsdt - lastUsdt));
                }

                lastR = p.CumulativeR;
                lastUsdt = p.BalanceUsdt;
            }
        }

        var combined = new List<EquityPoint>(steps.Count);
        double r = 0, usdt = startUsdt;
        foreach (var s in steps.OrderBy(s => s.TimeMs))
        {
            r += s.DeltaR;
            usdt += s.DeltaUsdt;
            combined.Add(new EquityPoint(s.TimeMs, r, usdt));
        }

        return combined;
    }
}
