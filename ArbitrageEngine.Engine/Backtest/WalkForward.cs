using ArbitrageEngine.Engine.Paper;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>One walk-forward window: train [TrainFrom, TrainTo), test [TestFrom = TrainTo, TestTo).</summary>
public readonly record struct WalkForwardWindow(int Index, long TrainFromMs, long TrainToMs, long TestFromMs, long TestToMs)
{
    public double TrainDays => (TrainToMs - TrainFromMs) / 86_400_000.0;

    public double TestDays => (TestToMs - TestFromMs) / 86_400_000.0;
}

/// <summary>Window lengths (backtest.md §7 defaults: train 7 days, test 2 days, step 2 days).</summary>
public sealed record WalkForwardSettings
{
    public long TrainMs { get; init; } = 7 * 86_400_000L;
    public long TestMs { get; init; } = 2 * 86_400_000L;
    public long StepMs { get; init; } = 2 * 86_400_000L;
    public int MinClosed { get; init; } = Fitness.DefaultMinClosed;
}

/// <summary>What one window chose and how it did.</summary>
public sealed record WalkForwardWindowResult(
    WalkForwardWindow Window,
    Guid ChosenId,
    string ChosenLabel,
    double InSampleFitness,
    double InSampleNetR,
    int InSampleTrades,
    double OutOfSampleFitness,
    double NetR,
    double WinRate,
    int Trades);

/// <summary>
/// The walk-forward outcome: per window, and overall the stitched out-of-sample equity (R, and USDT from
/// <c>startBalance</c>) with the out-of-sample / in-sample ratio of net R per day (null when the in-sample edge is not
/// positive: there is nothing to keep).
/// </summary>
public sealed record WalkForwardReport(
    IReadOnlyList<WalkForwardWindowResult> Windows,
    IReadOnlyList<EquityPoint> OutOfSampleEquity,
    double OutOfSampleNetR,
    double InSampleRPerDay,
    double OutOfSampleRPerDay,
    double? OutOfSampleToInSampleRatio);

/// <summary>
/// Walk-forward arithmetic (backtest.md §7), separate from running so it is testable on its own.
/// <para>
/// Design: the grid is replayed ONCE over the whole range (every combination a strategy of one engine pass, the global
/// position cap lifted so combinations do not interact), and each window takes the closed trades by <b>exit</b> time
/// (as the fitness of evolve.md §2 does): best combination by train-window fitness (ties: the earlier combination), then
/// that combination's trades in the test window. A combination's path in the test window is therefore the one it had
/// continuing from the train window (positions and cooldowns carry over), which is also how it would have run live.
/// Stitching: each window contributes its chosen combination's trades exiting in [test from, next window's test from)
/// — the last window up to its test end — so overlapping test windows (step &lt; test) never count a trade twice.
/// </para>
/// </summary>
public static class WalkForward
{
    /// <summary>Windows over [fromMs, toMs): a window exists while its test end is within the range.</summary>
    public static IReadOnlyList<WalkForwardWindow> Windows(long fromMs, long toMs, WalkForwardSettings settings)
    {
        if (settings.TrainMs <= 0 || settings.TestMs <= 0 || settings.StepMs <= 0)
        {
            throw new ArgumentException("train, test and step must be positive", nameof(settings));
        }

        var windows = new List<WalkForwardWindow>();
        for (var start = fromMs; start + settings.TrainMs + settings.TestMs <= toMs; start += settings.StepMs)
        {
            var trainTo = start + settings.TrainMs;
            windows.Add(new WalkForwardWindow(windows.Count, start, trainTo, trainTo, trainTo + settings.TestMs));
        }

        return windows;
    }

    /// <summary>
    /// Chooses per window and stitches. <paramref name="combinations"/> are the candidates in grid order (id, label);
    /// <paramref name="trades"/> the closed trades of all of them over the whole range.
    /// </summary>
    public static WalkForwardReport Evaluate(
        IReadOnlyList<WalkForwardWindow> windows,
        IReadOnlyList<(Guid Id, string Label)> combinations,
        IReadOnlyCollection<ClosedTrade> trades,
        double startBalance,
        int minClosed = Fitness.DefaultMinClosed)
    {
        var byStrategy = trades.GroupBy(t => t.StrategyId).ToDictionary(g => g.Key, g => g.OrderBy(t => t.ExitTimeMs).ThenBy(t => t.EntryTimeMs).ToArray());
        var results = new List<WalkForwardWindowResult>(windows.Count);
        var stitched = new List<ClosedTrade>();
        double isRPerDaySum = 0;
        double oosDays = 0;
        for (var w = 0; w < windows.Count; w++)
        {
            var window = windows[w];
            (Guid Id, string Label)? best = null;
            FitnessBreakdown? bestFit = null;
            foreach (var c in combinations)
            {
                var fit = Fitness.Breakdown(Slice(byStrategy, c.Id, window.TrainFromMs, window.TrainToMs).Select(t => t.PnlR), window.TrainDays, minClosed);
                if (bestFit is null || fit.Value > bestFit.Value)
                {
                    (best, bestFit) = (c, fit);
                }
            }

            if (best is not { } chosen || bestFit is null)
            {
                continue;
            }

            var test = Slice(byStrategy, chosen.Id, window.TestFromMs, window.TestToMs).ToList();
            var oos = Fitness.Breakdown(test.Select(t => t.PnlR), window.TestDays, minClosed);
            results.Add(new WalkForwardWindowResult(window, chosen.Id, chosen.Label, bestFit.Value, bestFit.NetR, bestFit.Closed, oos.Value, oos.NetR, oos.WinRate, oos.Closed));
            isRPerDaySum += bestFit.NetR / window.TrainDays;

            var stitchTo = w + 1 < windows.Count ? Math.Min(window.TestToMs, windows[w + 1].TestFromMs) : window.TestToMs;
            stitched.AddRange(test.Where(t => t.ExitTimeMs < stitchTo));
            oosDays += (stitchTo - window.TestFromMs) / 86_400_000.0;
        }

        var equity = new List<EquityPoint>(stitched.Count + 1);
        if (windows.Count > 0)
        {
            equity.Add(new EquityPoint(windows[0].TestFromMs, 0, startBalance));
        }

        double r = 0, usdt = startBalance;
        foreach (var t in stitched)
        {
            r += t.PnlR;
            usdt += t.PnlUsdt;
            equity.Add(new EquityPoint(t.ExitTimeMs, r, usdt));
        }

        var isPerDay = results.Count == 0 ? 0 : isRPerDaySum / results.Count;
        var oosPerDay = oosDays > 0 ? r / oosDays : 0;
        return new WalkForwardReport(results, equity, r, isPerDay, oosPerDay, isPerDay > 0 ? oosPerDay / isPerDay : null);
    }

    /// <summary>Trades of one strategy exiting in [fromMs, toMs).</summary>
    private static IEnumerable<ClosedTrade> Slice(Dictionary<Guid, ClosedTrade[]> byStrategy, Guid id, long fromMs, long toMs) =>
        byStrategy.TryGetValue(id, out var list) ? list.Where(t => t.ExitTimeMs >= fromMs && t.ExitTimeMs < toMs) : [];
}
