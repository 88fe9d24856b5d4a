using System.Text.Json;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>Run kinds and statuses as stored in <c>backtest_runs</c> (and shown by the API).</summary>
public static class BacktestRunKinds
{
    public const string Backtest = "backtest";
    public const string WalkForward = "walkforward";
    public const string Preview = "preview";

    public static bool IsValid(string? kind) => kind is Backtest or WalkForward or Preview;
}

public static class BacktestRunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinished(string status) => status is Succeeded or Failed or Cancelled;

    /// <summary>The error recorded on runs found running when the worker starts (see README: they are not resumed).</summary>
    public const string InterruptedByRestart = "interrupted by restart";
}

/// <summary>A run to enqueue: who, what (the spec as submitted, for re-opening and re-running) and its resolved header.</summary>
public sealed record NewBacktestRun(
    string OwnerId,
    string OwnerName,
    string Kind,
    JsonElement Spec,
    string Dataset,
    long FromMs,
    long ToMs,
    IReadOnlyList<string> Symbols,
    int StrategyCount);

/// <summary>One saved run as lists and the detail header show it.</summary>
public sealed record BacktestRunRow(
    Guid RunId,
    string OwnerId,
    string OwnerName,
    string Kind,
    string Status,
    string Dataset,
    long FromMs,
    long ToMs,
    IReadOnlyList<string> Symbols,
    int StrategyCount,
    double ProgressPct,
    long? SimulatedMs,
    double? TradesPerSecond,
    double? EtaSeconds,
    long TradesReplayed,
    long Evaluations,
    long Ticks,
    int TradeCount,
    bool CancelRequested,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds)
{
    public bool IsFinished => BacktestRunStatuses.IsFinished(Status);
}

/// <summary>One strategy's stored result: the §6.4 statistics, the equity curve (at each close) and signals taken vs rejected.</summary>
public sealed record StoredStrategyResult(
    int Ordinal,
    Guid StrategyId,
    string Name,
    string Symbol,
    JsonElement Definition,
    JsonElement Statistics,
    int TradeCount,
    double WinRate,
    double NetR,
    double NetUsdt,
    double MaxDrawdownR,
    long Evaluations,
    int SignalsTaken,
    IReadOnlyDictionary<string, int> SignalsRejected,
    IReadOnlyList<ArbitrageEngine.Engine.Backtest.EquityPoint> Equity);

/// <summary>One stored paper trade of a run (every field the trade table and the CSV show).</summary>
public sealed record StoredBacktestTrade(
    int Seq,
    Guid StrategyId,
    long PositionId,
    string Symbol,
    string Direction,
    string Status,
    string Tier,
    double Score,
    double Entry,
    long EntryMs,
    double Sl,
    double Tp1,
    double Tp2,
    double Stop,
    double Atr,
    double RiskUsd,
    bool Tp1Hit,
    long? Tp1Ms,
    double? ExitPrice,
    long? ExitMs,
    double? GrossR,
    double? FeeR,
    double? PnlR,
    double? PnlUsdt,
    double? BalanceAfter);

/// <summary>One walk-forward window (backtest.md §7): the parameters chosen in-sample and the figures on both sides.</summary>
public sealed record StoredWalkForwardWindow(
    int Index,
    long TrainFromMs,
    long TrainToMs,
    long TestFromMs,
    long TestToMs,
    JsonElement Chosen,
    double InSampleFitness,
    double OutOfSampleFitness,
    double InSampleNetR,
    double OutOfSampleNetR,
    double InSampleWinRate,
    double OutOfSampleWinRate,
    int InSampleTrades,
    int OutOfSampleTrades);

/// <summary>A page of a run's trades.</summary>
public sealed record BacktestTradePage(IReadOnlyList<StoredBacktestTrade> Trades, int Page, int Size, int Total);
