using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>
/// One backtest, resolved (backtest.md §6): concrete strategies (saved ones, ad-hoc rows or a grid already expanded and
/// validated), the dataset and symbols to replay, the range and the warm-up replayed before it without trading, the
/// paper settings of the run's own broker, and — in parity mode — the recorded engine commands of the period. The
/// runner never reads or writes live balances or live paper trades.
/// </summary>
public sealed record BacktestRequest
{
    public required IReadOnlyList<StrategyDefinition> Strategies { get; init; }

    /// <summary>Symbols to replay; every strategy's symbol must be among them.</summary>
    public required IReadOnlyList<string> Symbols { get; init; }

    public required DatasetInfo Dataset { get; init; }

    /// <summary>Start of the traded range (UTC ms, inclusive).</summary>
    public required long FromMs { get; init; }

    /// <summary>End of the traded range (UTC ms, exclusive).</summary>
    public required long ToMs { get; init; }

    /// <summary>Market time replayed before <see cref="FromMs"/> without trading (default 24 h).</summary>
    public long WarmupMs { get; init; } = 24 * 3_600_000L;

    public PaperSettings Paper { get; init; } = new();

    /// <summary>Parity mode: the recorded commands of the period, applied at the tick they took effect live.</summary>
    public IReadOnlyList<CommandRecord>? RecordedCommands { get; init; }

    /// <summary>
    /// Parity mode through the journal: replay the period exactly as the live loop ran it (its sessions, ticks and
    /// commands, read by the runner's <see cref="IEngineJournalReader"/>). <see cref="Strategies"/> then only selects
    /// which strategies are reported; the strategies in effect are the recorded ones.
    /// </summary>
    public bool ReplayRecordedCommands { get; init; }

    /// <summary>
    /// Let the runner run each symbol's strategies in a loop of its own, in parallel, when that cannot change any result
    /// (<see cref="BacktestRunner.IsSplittable"/>). On by default; off forces one loop (tests compare the two).
    /// </summary>
    public bool SplitBySymbol { get; init; } = true;
}

/// <summary>Progress of a running backtest, reported at most a few times a second.</summary>
public sealed record BacktestProgress(double Percent, long SimulatedMs, long TradesReplayed, double TradesPerSecond, TimeSpan? Eta);

/// <summary>A paper trade of a backtest: opened in the range, closed or still open at its end.</summary>
public sealed record BacktestTrade(PositionSnapshot Position, double? BalanceAfter);

/// <summary>One point of a strategy's equity curve, at a close.</summary>
public sealed record EquityPoint(long TimeMs, double CumulativeR, double BalanceUsdt);

/// <summary>What one strategy did in a backtest.</summary>
public sealed record StrategyBacktestResult(
    StrategyDefinition Strategy,
    PaperStatistics Statistics,
    IReadOnlyList<EquityPoint> Equity,
    long Evaluations,
    int SignalsTaken,
    IReadOnlyDictionary<string, int> SignalsRejected)
{
    /// <summary>Signals the strategy emitted (taken or rejected by the engine; cooldown-suppressed ones are not signals).</summary>
    public int Signals { get; init; }
}

/// <summary>The outcome of a backtest. A cancelled run returns what it had so far, marked <see cref="Cancelled"/>.</summary>
public sealed record BacktestResult(
    IReadOnlyList<StrategyBacktestResult> Strategies,
    IReadOnlyList<BacktestTrade> Trades,
    long Evaluations,
    long Ticks,
    long TradesReplayed,
    double Seconds,
    bool Cancelled);

/// <summary>Runs backtests through the one <see cref="EngineLoop"/> with a fresh broker and event-time ticks.</summary>
public interface IBacktestRunner
{
    Task<BacktestResult> RunAsync(BacktestRequest request, IProgress<BacktestProgress>? progress, CancellationToken cancellationToken);
}
