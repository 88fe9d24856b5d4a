using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;

namespace ArbitrageEngine.Tests.Engine.Backtest;

public class BacktestRunnerTests
{
    private static BacktestRequest Request(long? toMs = null) => GoldenEvents.Request(toMs);

    private static string Key(PositionSnapshot p) => FormattableString.Invariant(
        $"{p.StrategyId} {p.Direction} {p.EntryTimeMs} {p.Entry:R} {p.ExitTimeMs} {p.ExitPrice:R} {p.Status} {p.Tp1Hit} {p.PnlR:R} {p.PnlUsdt:R}");

    [Fact]
    public async Task RunAsync_GoldenStream_SameTradesAsConformanceReplay()
    {
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, GoldenEvents.Reader(GoldenEvents.Events));

        var result = await runner.RunAsync(Request(), null, CancellationToken.None);

        var expected = GoldenEvents.ConformanceTrades();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(Key), result.Trades.Select(t => Key(t.Position)));
        Assert.Equal(1440, result.Ticks);
        Assert.False(result.Cancelled);
        Assert.Equal(GoldenEvents.Strategies.Count, result.Strategies.Count);
    }

    [Fact]
    public async Task RunAsync_SplitBySymbolOrOneLoop_IdenticalResults()
    {
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, GoldenEvents.Reader(GoldenEvents.Events));
        Assert.True(BacktestRunner.IsSplittable(Request()));

        var split = await runner.RunAsync(Request(), null, CancellationToken.None);
        var single = await runner.RunAsync(Request() with { SplitBySymbol = false }, null, CancellationToken.None);

        Assert.Equal(single.Trades.Select(t => Key(t.Position) + t.BalanceAfter), split.Trades.Select(t => Key(t.Position) + t.BalanceAfter));
        Assert.Equal(single.Evaluations, split.Evaluations);
        Assert.Equal(single.Ticks, split.Ticks);
        Assert.Equal(single.TradesReplayed, split.TradesReplayed);
        Assert.Equal(
            single.Strategies.Select(s => (s.Strategy.StrategyId, s.Evaluations, s.SignalsTaken, s.Signals, s.Statistics.NetR, s.Equity.Count, string.Join(",", s.SignalsRejected.OrderBy(r => r.Key)))),
            split.Strategies.Select(s => (s.Strategy.StrategyId, s.Evaluations, s.SignalsTaken, s.Signals, s.Statistics.NetR, s.Equity.Count, string.Join(",", s.SignalsRejected.OrderBy(r => r.Key)))));
    }

    [Fact]
    public void IsSplittable_CapCouldBind_False() =>
        Assert.False(BacktestRunner.IsSplittable(Request() with { Paper = GoldenEvents.Golden.Paper with { MaxPositions = 3 } }));

    [Fact]
    public async Task RunAsync_GoldenStream_PerStrategyFiguresAddUp()
    {
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, GoldenEvents.Reader(GoldenEvents.Events));

        var result = await runner.RunAsync(Request(), null, CancellationToken.None);

        Assert.Equal(result.Evaluations, result.Strategies.Sum(s => s.Evaluations));
        Assert.Equal(result.Trades.Count, result.Strategies.Sum(s => s.SignalsTaken));
        foreach (var s in result.Strategies)
        {
            var closed = result.Trades.Where(t => t.Position.StrategyId == s.Strategy.StrategyId && !t.Position.IsOpen).ToList();
            Assert.Equal(closed.Count, s.Statistics.TradeCount);
            Assert.Equal(closed.Count + 1, s.Equity.Count);
            Assert.Equal(closed.Sum(t => t.Position.PnlR ?? 0), s.Equity[^1].CumulativeR, 9);
            if (closed.Count > 0)
            {
                Assert.Equal(closed.OrderBy(t => t.Position.ExitTimeMs).Last().BalanceAfter, s.Equity[^1].BalanceUsdt);
            }
        }

        Assert.Contains(result.Strategies, s => s.SignalsRejected.ContainsKey(RejectionReasons.Cooldown) || s.SignalsRejected.ContainsKey(RejectionReasons.PositionOpen));
    }

    [Fact]
    public async Task RunAsync_CancelledHalfway_ReturnsPartialResultMarkedCancelled()
    {
        using var cts = new CancellationTokenSource();
        var half = GoldenEvents.FromMs + ((GoldenEvents.ToMs - GoldenEvents.FromMs) / 2);
        var reader = GoldenEvents.Reader(GoldenEvents.Events, t =>
        {
            if (t >= half)
            {
                cts.Cancel();
            }

            return Task.CompletedTask;
        });
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, reader);

        var result = await runner.RunAsync(Request() with { SplitBySymbol = false }, null, cts.Token);

        Assert.True(result.Cancelled);
        Assert.InRange(result.Ticks, 1, 1439);
        var full = GoldenEvents.ConformanceTrades().Where(p => p.EntryTimeMs < half).Select(p => (p.StrategyId, p.EntryTimeMs));
        Assert.Equal(full, result.Trades.Select(t => (t.Position.StrategyId, t.Position.EntryTimeMs)));
    }

    [Fact]
    public async Task RunAsync_CancelledWithLoopsPerSymbol_PartialSubsetMarkedCancelled()
    {
        using var cts = new CancellationTokenSource();
        var half = GoldenEvents.FromMs + ((GoldenEvents.ToMs - GoldenEvents.FromMs) / 2);
        var reader = GoldenEvents.Reader(GoldenEvents.Events, t =>
        {
            if (t >= half)
            {
                cts.Cancel();
            }

            return Task.CompletedTask;
        });

        var result = await new BacktestRunner(GoldenEvents.Golden.Engine, reader).RunAsync(Request(), null, cts.Token);

        Assert.True(result.Cancelled);
        var full = GoldenEvents.ConformanceTrades().Select(p => (p.StrategyId, p.EntryTimeMs)).ToHashSet();
        Assert.NotEmpty(result.Trades);
        Assert.All(result.Trades, t => Assert.Contains((t.Position.StrategyId, t.Position.EntryTimeMs), full));
        Assert.True(result.Trades.Count < full.Count);
    }

    [Fact]
    public async Task RunAsync_WithProgress_ReportsMonotonicPercentEndingAtHundred()
    {
        var reports = new List<BacktestProgress>();
        var clock = new SteppingTime(TimeSpan.FromMilliseconds(50));
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, GoldenEvents.Reader(GoldenEvents.Events), time: clock);

        await runner.RunAsync(Request(), new SyncProgress(reports.Add), CancellationToken.None);

        Assert.True(reports.Count > 2, $"{reports.Count} reports");
        Assert.Equal(100, reports[^1].Percent);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Percent >= p.First.Percent));
        Assert.Contains(reports, r => r.Percent is > 0 and < 100 && r.Eta is not null && r.TradesReplayed > 0);
    }

    [Fact]
    public async Task RunAsync_ClockStandsStill_ReportsEveryTenthOfTheSimulatedRange()
    {
        // A machine fast enough to finish before the wall-time interval: progress still shows each tenth mid-way.
        var reports = new List<BacktestProgress>();
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, GoldenEvents.Reader(GoldenEvents.Events), time: new SteppingTime(TimeSpan.Zero));

        await runner.RunAsync(Request(), new SyncProgress(reports.Add), CancellationToken.None);

        var midway = reports.Where(r => r.Percent is > 0 and < 100).Select(r => (int)(r.Percent / 10)).ToList();
        Assert.Equal(Enumerable.Range(1, 9), midway.Distinct());
        Assert.Equal(100, reports[^1].Percent);
    }

    [Fact]
    public async Task RunAsync_WarmupBeforeFrom_NoTradeBeforeFrom()
    {
        var from = GoldenEvents.FromMs + (2 * 3_600_000);
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, GoldenEvents.Reader(GoldenEvents.Events));

        var result = await runner.RunAsync(Request() with { FromMs = from, WarmupMs = 2 * 3_600_000 }, null, CancellationToken.None);

        Assert.All(result.Trades, t => Assert.True(t.Position.EntryTimeMs >= from));
        Assert.Equal(GoldenEvents.Golden.Inputs.OfType<ArbitrageEngine.Engine.Conformance.TickInput>().Count(t => t.TimeMs >= from), result.Ticks);
        Assert.NotEmpty(result.Trades);
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<BacktestProgress> report) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => report(value);
    }

    /// <summary>Each timestamp read moves time on by a fixed step, so progress throttling is deterministic.</summary>
    private sealed class SteppingTime(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks += step.Ticks;
    }
}
