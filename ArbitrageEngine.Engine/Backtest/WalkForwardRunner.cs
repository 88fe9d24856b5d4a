using ArbitrageEngine.Engine.Paper;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>A walk-forward run: the one backtest over the whole range and the per-window report.</summary>
public sealed record WalkForwardResult(BacktestResult Backtest, WalkForwardReport Report, IReadOnlyList<WalkForwardWindow> Windows);

/// <summary>
/// Runs a walk-forward (backtest.md §7) as one backtest of every grid combination over [first train from, last test
/// to) with the global position cap lifted to the number of combinations (so combinations never block each other),
/// then <see cref="WalkForward.Evaluate"/>. See <see cref="WalkForward"/> for why one pass is equivalent.
/// </summary>
public sealed class WalkForwardRunner(IBacktestRunner runner)
{
    /// <param name="request">The planned grid (every combination a strategy) over the walk-forward range.</param>
    /// <param name="labels">Label per combination id (e.g. "entry_score=80 tp1_ratio=0.75").</param>
    public async Task<WalkForwardResult> RunAsync(
        BacktestRequest request,
        IReadOnlyDictionary<Guid, string> labels,
        WalkForwardSettings settings,
        IProgress<BacktestProgress>? progress,
        CancellationToken cancellationToken)
    {
        var windows = WalkForward.Windows(request.FromMs, request.ToMs, settings);
        if (windows.Count == 0)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"the range holds no window of {settings.TrainMs / 86_400_000.0} train + {settings.TestMs / 86_400_000.0} test days"), nameof(request));
        }

        var run = request with
        {
            ToMs = windows[^1].TestToMs,
            Paper = request.Paper with { MaxPositions = Math.Max(request.Paper.MaxPositions, request.Strategies.Count) },
        };
        var backtest = await runner.RunAsync(run, progress, cancellationToken).ConfigureAwait(false);
        var closed = backtest.Trades
            .Where(t => !t.Position.IsOpen)
            .Select(t => new ClosedTrade(
                t.Position.StrategyId, t.Position.Symbol, t.Position.Direction, t.Position.Score, t.Position.Status, t.Position.EntryTimeMs,
                t.Position.ExitTimeMs ?? t.Position.EntryTimeMs, t.Position.PnlR ?? 0, t.Position.PnlUsdt ?? 0, t.Position.GrossR ?? 0, t.Position.FeeR ?? 0))
            .ToList();
        var combinations = request.Strategies.Select(s => (s.StrategyId, labels.GetValueOrDefault(s.StrategyId) ?? s.DisplayName)).ToList();
        var startBalance = request.Strategies.Count > 0 ? request.Strategies[0].InitialBalance : 0;
        var report = WalkForward.Evaluate(windows, combinations, closed, startBalance, settings.MinClosed);
        return new WalkForwardResult(backtest, report, windows);
    }
}
