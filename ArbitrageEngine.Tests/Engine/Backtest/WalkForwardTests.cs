using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Backtest;

public class WalkForwardTests
{
    private const long Day = 86_400_000;
    private static readonly Guid A = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000000");
    private static readonly Guid B = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000000");

    private static ClosedTrade Trade(Guid id, double exitDay, double r) =>
        new(id, "BTCUSDT", TradeDirection.Long, 80, r > 0 ? PositionStatus.Tp : PositionStatus.Sl, (long)(exitDay * Day) - 60_000, (long)(exitDay * Day), r, r * 100, r, 0);

    [Fact]
    public void Windows_DefaultSettings_RollByStepWhileTestFits()
    {
        var windows = WalkForward.Windows(0, 13 * Day, new WalkForwardSettings());

        Assert.Equal(
            [(0L, 7 * Day, 7 * Day, 9 * Day), (2 * Day, 9 * Day, 9 * Day, 11 * Day), (4 * Day, 11 * Day, 11 * Day, 13 * Day)],
            windows.Select(w => (w.TrainFromMs, w.TrainToMs, w.TestFromMs, w.TestToMs)));
        Assert.Equal([0, 1, 2], windows.Select(w => w.Index));
        Assert.All(windows, w => Assert.Equal((7.0, 2.0), (w.TrainDays, w.TestDays)));
    }

    [Fact]
    public void Windows_RangeShorterThanOneWindow_None() =>
        Assert.Empty(WalkForward.Windows(0, (9 * Day) - 1, new WalkForwardSettings()));

    [Fact]
    public void Evaluate_PicksBestTrainFitnessPerWindow_AndStitchesTestTrades()
    {
        // Window 0: train [0,7) test [7,9); window 1: train [2,9) test [9,11).
        var windows = WalkForward.Windows(0, 11 * Day, new WalkForwardSettings());
        var trades = new List<ClosedTrade>
        {
            // A wins early (train 0), B wins later (train 1 covers days 2..9).
            Trade(A, 0.5, 3), Trade(A, 1.5, 3),
            Trade(B, 6.5, 1), Trade(B, 7.5, 5), Trade(B, 8.5, 5),
            // Test trades.
            Trade(A, 7.2, -1), Trade(A, 8.9, 2), // window 0 test (A chosen)
            Trade(B, 9.5, 1.5), Trade(A, 9.6, 10), // window 1 test (B chosen): A's trade is not B's
        };

        var report = WalkForward.Evaluate(windows, [(A, "a"), (B, "b")], trades, 1000, minClosed: 0);

        Assert.Equal(["a", "b"], report.Windows.Select(w => w.ChosenLabel));
        var w0 = report.Windows[0];
        Assert.Equal((2, 1.0, 0.5), (w0.Trades, w0.NetR, w0.WinRate));
        Assert.Equal(6, w0.InSampleNetR, 9); // A's two trades in [0,7)
        Assert.Equal(Fitness.ComputeR([3.0, 3.0], 7, 0), w0.InSampleFitness);
        Assert.Equal(Fitness.ComputeR([-1.0, 2.0], 2, 0), w0.OutOfSampleFitness);
        var w1 = report.Windows[1];
        Assert.Equal(11, w1.InSampleNetR, 9); // B: 1 + 5 + 5 in [2,9)
        Assert.Equal((1, 1.5), (w1.Trades, w1.NetR));

        // Stitched: window 0's test trades, then window 1's, cumulative R and USDT from the start balance.
        Assert.Equal(
            [(7 * Day, 0.0, 1000.0), ((long)(7.2 * Day), -1, 900), ((long)(8.9 * Day), 1, 1100), ((long)(9.5 * Day), 2.5, 1250)],
            report.OutOfSampleEquity.Select(p => (p.TimeMs, Math.Round(p.CumulativeR, 9), Math.Round(p.BalanceUsdt, 9))));
        Assert.Equal(2.5, report.OutOfSampleNetR, 9);
        Assert.Equal(2.5 / 4, report.OutOfSampleRPerDay, 9);
        Assert.Equal(((6 / 7.0) + (11 / 7.0)) / 2, report.InSampleRPerDay, 9);
        Assert.Equal(report.OutOfSampleRPerDay / report.InSampleRPerDay, report.OutOfSampleToInSampleRatio!.Value, 9);
    }

    [Fact]
    public void Evaluate_OverlappingTestWindows_TradeStitchedOnce()
    {
        // Step 1 day, test 2 days: window 0 tests [7,9), window 1 tests [8,10); a trade at 8.5 belongs to both tests.
        var windows = WalkForward.Windows(0, 10 * Day, new WalkForwardSettings { StepMs = Day });
        var trades = new List<ClosedTrade> { Trade(A, 1, 1), Trade(A, 8.5, 2) };

        var report = WalkForward.Evaluate(windows, [(A, "a")], trades, 0, minClosed: 0);

        Assert.Equal([1, 1], report.Windows.Select(w => w.Trades));
        Assert.Equal(2, report.OutOfSampleEquity.Count);
        Assert.Equal(2, report.OutOfSampleNetR, 9);
    }

    [Fact]
    public void Evaluate_NoInSampleEdge_RatioNull()
    {
        var windows = WalkForward.Windows(0, 9 * Day, new WalkForwardSettings());

        var report = WalkForward.Evaluate(windows, [(A, "a")], [Trade(A, 1, -1), Trade(A, 8, 1)], 0, minClosed: 0);

        Assert.Null(report.OutOfSampleToInSampleRatio);
        Assert.Equal(1, report.OutOfSampleNetR, 9);
    }
}
