namespace ArbitrageEngine.Engine.Evolve;

// TEMPORARY until the backtest branch's Fitness.Compute is merged: then this forwards to it.
internal static class FitnessBridge
{
    public static double Compute(IReadOnlyList<double> pnlR, double days, int minClosed)
    {
        var net = pnlR.Sum();
        var profit = pnlR.Where(r => r > 0).Sum();
        var loss = -pnlR.Where(r => r < 0).Sum();
        var pf = loss > 0 ? profit / loss : profit > 0 ? 2 : 0;
        var winRate = pnlR.Count == 0 ? 0 : (double)pnlR.Count(r => r > 0) / pnlR.Count;
        var f = net + 0.9 * net / days + 0.6 * (pf - 1) + 0.5 * 2.5 * (winRate - 0.5) - 0.35 * Math.Max(minClosed - pnlR.Count, 0);
        return Math.Round(f, 4);
    }
}
